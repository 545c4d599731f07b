package search

import (
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
)

// textAnalyzer is the analyzer of every text field: Unicode words,
// possessives removed, lower case, English stop words, Porter stems.
const textAnalyzer = en.AnalyzerName

// questionWords are dropped from questions on top of the English stop
// words: they say what kind of answer is wanted, not what it is about.
var questionWords = map[string]bool{
	"many": true, "much": true, "tell": true, "know": true, "please": true,
	"anyone": true, "anything": true, "exactly": true, "happen": true, "happened": true,
	"kind": true, "sort": true, "going": true,
}

// askingPhrases are words that, right after the phrase, ask for a kind of
// answer rather than name a topic: "how long", "who's behind".
var askingPhrases = map[string][]string{
	"long": {"how"}, "often": {"how"}, "far": {"how"}, "soon": {"how"},
	"behind": {"who's", "who’s", "who is", "who was", "who were", "who are"},
}

// analyzer turns text into index terms the same way the index does.
type analyzer struct {
	a analysis.Analyzer
}

func newAnalyzer() (analyzer, error) {
	a := bleve.NewIndexMapping().AnalyzerNamed(textAnalyzer)
	if a == nil {
		return analyzer{}, errorf("analyzer %q is not registered", textAnalyzer)
	}
	return analyzer{a: a}, nil
}

// token is one analysed word: its index term and its byte range in the input.
type token struct {
	Term       string
	Start, End int
}

func (z analyzer) tokens(text string) []token {
	stream := z.a.Analyze([]byte(text))
	out := make([]token, 0, len(stream))
	for _, t := range stream {
		out = append(out, token{Term: string(t.Term), Start: t.Start, End: t.End})
	}
	return out
}

// queryTerm is one distinct term of a question, in question order.
type queryTerm struct {
	Term string // index term (stemmed)
	Word string // the word as typed, lower case
	Alts []alt  // index terms that count as this one, with less weight
	// Count is how many times the question says the term: a topic
	// statement repeats what it is about ("the number of troops ... the
	// number of troops").
	Count int
}

// incidentWords are the words an incident team asks with and the words
// news reports tend to use instead ("are the systems back up?" — "the
// systems were reactivated"). A question term also matches its
// alternatives, with a lower weight (incidentBoost). Keys are words as
// typed, lower case.
var incidentWords = map[string]string{
	"petrol":        "gas fuel",
	"feds":          "fbi",
	"back":          "reactivated restored",
	"restored":      "reactivated",
	"offline":       "disrupted suspended",
	"outage":        "disrupted suspended",
	"unreachable":   "disrupted suspended reach",
	"unavailable":   "disrupted suspended available",
	"inside":        "infiltrated",
	"breach":        "hacked infiltrated",
	"breached":      "hacked infiltrated",
	"compromised":   "hacked infiltrated",
	"weakness":      "gap vulnerability",
	"vulnerability": "gap weakness",
	"flaw":          "gap vulnerability",
	"struggle":      "conflict fight",
	"start":         "launched began",
	"begin":         "launched began",
	"stop":          "thwarted prevented",
	"stopped":       "thwarted prevented",
	"photo":         "image picture",
	"picture":       "image photo",
	"tweet":         "twitter",
	"tweeted":       "twitter",
	"culprits":      "hackers group",
	"perpetrators":  "hackers group",
}

// incidentBoost is the weight of an incident word's alternative.
const incidentBoost = 0.7

// useIncidentWords turns the incident vocabulary on (the tuning harness
// compares).
var useIncidentWords = true

// alt is a term that stands for a question term: a WordNet synonym, a
// derived word, a word one step more general or specific, or an incident
// word.
type alt struct {
	Term  string
	Boost float64 // its weight next to the term's (1)
}

// addAlt adds term as an alternative unless it is the term itself or
// already there (then the higher boost stays).
func (t *queryTerm) addAlt(term string, boost float64) {
	if term == "" || term == t.Term {
		return
	}
	for i, a := range t.Alts {
		if a.Term == term {
			t.Alts[i].Boost = max(a.Boost, boost)
			return
		}
	}
	t.Alts = append(t.Alts, alt{Term: term, Boost: boost})
}

// altBoost is the boost of alternative a term, or 0 when it is not one.
func (t queryTerm) altBoost(term string) float64 {
	for _, a := range t.Alts {
		if a.Term == term {
			return a.Boost
		}
	}
	return 0
}

// questionTerms analyses a question: stop words and question words go,
// duplicates collapse, order stays (for phrase evidence).
func (z analyzer) questionTerms(question string) []queryTerm {
	var out []queryTerm
	seen := make(map[string]int) // term → index in out
	for _, t := range z.a.Analyze([]byte(question)) {
		word := strings.ToLower(question[t.Start:t.End])
		term := string(t.Term)
		if i, ok := seen[term]; ok {
			out[i].Count++
			continue
		}
		if questionWords[word] || questionWords[term] || term == "" {
			continue
		}
		if asking(question[:t.Start], askingPhrases[word]) {
			continue
		}
		seen[term] = len(out)
		qt := queryTerm{Term: term, Word: word, Count: 1}
		if alts, ok := incidentWords[word]; ok && useIncidentWords {
			for _, a := range z.a.Analyze([]byte(alts)) {
				qt.addAlt(string(a.Term), incidentBoost)
			}
		}
		out = append(out, qt)
	}
	return out
}

// asking reports whether before ends with one of the phrases.
func asking(before string, phrases []string) bool {
	before = strings.ToLower(strings.TrimSpace(before))
	for _, p := range phrases {
		if before == p || strings.HasSuffix(before, " "+p) {
			return true
		}
	}
	return false
}

// Highlight is a byte range [Start, End) of a quote that matched the question.
type Highlight struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// highlights returns the ranges of text (analysed into toks) whose terms
// are in want, in order and merged where only white space separates them.
func highlights(text string, toks []token, want map[string]bool) []Highlight {
	var hs []Highlight
	for _, t := range toks {
		if !want[t.Term] {
			continue
		}
		if n := len(hs); n > 0 && strings.TrimSpace(text[hs[n-1].End:t.Start]) == "" {
			hs[n-1].End = t.End
			continue
		}
		hs = append(hs, Highlight{Start: t.Start, End: t.End})
	}
	return hs
}
