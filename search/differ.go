package search

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"sitrep/attrib"
)

// Disagreement is two quotes from different sources that give different
// figures, dates or claimants for the same thing: shown side by side
// under "Sources differ", each with its attribution, instead of one
// hiding the other.
type Disagreement struct {
	// Kind is "figure", "date" or "claimant".
	Kind string `json:"kind"`
	// About names the thing both quotes speak of: the counted noun for a
	// figure ("cameras"), the words the quotes share otherwise.
	About string `json:"about"`
	A     Side   `json:"a"`
	B     Side   `json:"b"`
}

// Side is one quote of a Disagreement and what it says.
type Side struct {
	Quote       string   `json:"quote"`
	Source      Ref      `json:"source"`
	Value       string   `json:"value"` // "more than 5,000 surveillance cameras", "Thursday", "Mehdi Chamran"
	SaidBy      string   `json:"said_by,omitempty"`
	AccordingTo []string `json:"according_to,omitempty"`
}

// differDepth is how many of the top quotes are compared: disagreements
// further down would not be read next to each other anyway.
const differDepth = 6

// sameThingShare is the share of content words two quotes must have in
// common to be about the same thing when comparing dates or claimants
// (a figure's counted noun is evidence enough on its own).
const sameThingShare = 0.25

var (
	// figurePattern: a number, a scale word, and up to three words after
	// it, the last of which is the counted noun ("5,000 surveillance
	// cameras", "$11.1bn in sales"). Only numbers are figures: "part of
	// the network of cameras" gives no count to compare with 5,000.
	figurePattern = regexp.MustCompile(`(?i)(?:more than |over |about |some |nearly |almost |at least |up to )?\$?\b(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s?(%|percent|per cent|bn|billion|m|million|thousand|k)?((?:\s+[a-z][a-z-]*){1,3})`)
	datePhrase    = regexp.MustCompile(`(?i)\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|(?:january|february|march|april|may|june|july|august|september|october|november|december)\s+\d{1,2}|\d{1,2}\s+(?:january|february|march|april|may|june|july|august|september|october|november|december))\b`)
)

// differWords are too common to name what a quote is about.
var differWords = map[string]bool{
	"the": true, "a": true, "an": true, "of": true, "and": true, "or": true, "to": true, "in": true,
	"on": true, "at": true, "by": true, "for": true, "with": true, "from": true, "that": true,
	"this": true, "it": true, "its": true, "was": true, "were": true, "is": true, "are": true,
	"be": true, "been": true, "had": true, "has": true, "have": true, "as": true, "said": true,
	"says": true, "than": true, "more": true, "over": true, "about": true, "some": true,
	"which": true, "who": true, "their": true, "his": true, "her": true, "they": true, "he": true,
	"she": true, "also": true, "well": true, "into": true, "after": true, "other": true,
	"network": true, "part": true, "number": true, "per": true, "cent": true, "percent": true,
	"year": true, "years": true, "time": true, "times": true, "day": true, "days": true,
	"reported": true, "report": true, "claimed": true, "claim": true, "told": true, "added": true,
	"stated": true, "according": true,
}

type figure struct {
	text  string
	value float64
	nouns map[string]bool
	head  string // the counted noun: the last content word
}

// sourcesDiffer compares the top quotes of an answer pairwise, across
// sources, and returns where they give different figures for the same
// counted thing, different dates for the same event, or different
// speakers for the same claim. At most one disagreement per pair of
// quotes, figures first.
func sourcesDiffer(quotes []Quote) []Disagreement {
	n := min(len(quotes), differDepth)
	fs := make([]facts, n)
	for i := range n {
		fs[i] = factsOf(quotes[i].Text)
	}
	var out []Disagreement
	for i := range n {
		for j := i + 1; j < n; j++ {
			if quotes[i].Source.ID == quotes[j].Source.ID {
				continue
			}
			if d, ok := differ(quotes[i], quotes[j], fs[i], fs[j]); ok {
				out = append(out, d)
			}
		}
	}
	return out
}

type facts struct {
	figures []figure
	dates   map[string]bool
	words   map[string]bool
}

func factsOf(text string) facts {
	return facts{figures: figures(text), dates: dates(text), words: contentWords(text)}
}

// differ says whether a and b disagree: on a figure for the same counted
// thing, or, for the same event (enough words in common and a name in
// common beyond the speakers' own, "Tehran"), on its date or on who
// speaks.
func differ(a, b Quote, fa, fb facts) (Disagreement, bool) {
	if d, ok := figureDiffers(a, b, fa.figures, fb.figures); ok {
		return d, true
	}
	if overlap(fa.words, fb.words) < sameThingShare || !shareName(a, b) {
		return Disagreement{}, false
	}
	about := sharedWords(fa.words, fb.words)
	if len(fa.dates) > 0 && len(fb.dates) > 0 && disjoint(fa.dates, fb.dates) {
		return Disagreement{Kind: "date", About: about, A: side(a, firstDate(a.Text)), B: side(b, firstDate(b.Text))}, true
	}
	// Claimants differ only over who did it: both quotes must speak of
	// responsibility ("claimed", "blamed", "behind"); two outlets merely
	// reporting the same event are not a disagreement.
	if a.SaidBy != "" && b.SaidBy != "" && !sameSpeaker(a.SaidBy, b.SaidBy) && aboutResponsibility(a.Text) && aboutResponsibility(b.Text) {
		return Disagreement{Kind: "claimant", About: about, A: side(a, a.SaidBy), B: side(b, b.SaidBy)}, true
	}
	return Disagreement{}, false
}

func side(q Quote, value string) Side {
	return Side{Quote: q.Text, Source: q.Source, Value: value, SaidBy: q.SaidBy, AccordingTo: q.AccordingTo}
}

func figureDiffers(a, b Quote, fa, fb []figure) (Disagreement, bool) {
	for _, x := range fa {
		for _, y := range fb {
			noun := countedNoun(x, y)
			if noun == "" || sameFigure(x, y) {
				continue
			}
			return Disagreement{Kind: "figure", About: noun, A: side(a, x.text), B: side(b, y.text)}, true
		}
	}
	return Disagreement{}, false
}

// sameFigure: equal within 5%, or both the same vague amount (only a
// story's facts hold those: storyFacts).
func sameFigure(x, y figure) bool {
	if x.value < 0 || y.value < 0 {
		return x.value < 0 && y.value < 0
	}
	hi := max(x.value, y.value)
	return hi == 0 || (hi-min(x.value, y.value))/hi <= 0.05
}

// figures finds the counted quantities of a text. Years ("in 2013") are
// dates, not figures.
func figures(text string) []figure {
	if !strings.ContainsAny(text, digits) {
		return nil // every figure has one; the pattern is slow to find none
	}
	var out []figure
	for _, m := range figurePattern.FindAllStringSubmatch(text, -1) {
		num := strings.ReplaceAll(m[1], ",", "")
		v, err := strconv.ParseFloat(num, 64)
		if err != nil {
			continue
		}
		if m[2] == "" && !strings.Contains(m[1], ",") && v >= 1900 && v <= 2100 {
			continue
		}
		switch strings.ToLower(m[2]) {
		case "bn", "billion":
			v *= 1e9
		case "m", "million":
			v *= 1e6
		case "thousand", "k":
			v *= 1e3
		}
		if f, ok := newFigure(m[0], m[3], v); ok {
			out = append(out, f)
		}
	}
	return out
}

func newFigure(text, after string, v float64) (figure, bool) {
	words := strings.Fields(strings.ToLower(after))
	for len(words) > 0 && (len(words[len(words)-1]) < 3 || differWords[words[len(words)-1]]) {
		words = words[:len(words)-1]
	}
	if len(words) == 0 {
		return figure{}, false
	}
	// The figure reads up to its counted noun: "300 surveillance cameras",
	// not "300 surveillance cameras in".
	last := words[len(words)-1]
	if i := strings.LastIndex(strings.ToLower(text), last); i >= 0 {
		text = text[:i+len(last)]
	}
	return figure{text: strings.TrimSpace(text), value: v, nouns: contentWords(after), head: singularNoun(last)}, true
}

const digits = "0123456789"

func dates(text string) map[string]bool {
	out := make(map[string]bool)
	// A date phrase holds a digit or a weekday ("-day"): the pattern is
	// slow to find none.
	if !strings.ContainsAny(text, digits) && !strings.Contains(strings.ToLower(text), "day") {
		return out
	}
	for _, m := range datePhrase.FindAllString(text, -1) {
		out[strings.ToLower(m)] = true
	}
	return out
}

func firstDate(text string) string { return datePhrase.FindString(text) }

// contentWords are the lower-case words of text that can name a thing,
// plural folded to singular.
func contentWords(text string) map[string]bool {
	out := make(map[string]bool)
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) && r != '-' }) {
		if len(w) < 3 || differWords[w] {
			continue
		}
		out[singularNoun(w)] = true
	}
	return out
}

func singularNoun(w string) string {
	switch {
	case strings.HasSuffix(w, "ies") && len(w) > 4:
		return w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "ss"):
		return w
	case strings.HasSuffix(w, "s") && len(w) > 3:
		return w[:len(w)-1]
	}
	return w
}

// countedNoun returns what both figures count, or "" when they count
// different things: the head noun of one must be a word of the other
// ("5,000 surveillance cameras", "part of the network of cameras").
func countedNoun(x, y figure) string {
	switch {
	case x.head == y.head:
		return x.head
	case x.nouns[y.head]:
		return y.head
	case y.nouns[x.head]:
		return x.head
	}
	return ""
}

func overlap(a, b map[string]bool) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	n := 0
	for w := range a {
		if b[w] {
			n++
		}
	}
	return float64(n) / float64(min(len(a), len(b)))
}

func sharedWords(a, b map[string]bool) string {
	var ws []string
	for w := range a {
		if b[w] {
			ws = append(ws, w)
		}
	}
	slices.Sort(ws)
	if len(ws) > 4 {
		ws = ws[:4]
	}
	return strings.Join(ws, " ")
}

// responsibilityWords say who did something.
var responsibilityWords = regexp.MustCompile(`(?i)\b(claim(s|ed|ing)?|responsib(le|ility)|blam(e|es|ed|ing)|behind|accus(e|es|ed|ing)|perpetrat\w*|carried out by)\b`)

func aboutResponsibility(text string) bool { return responsibilityWords.MatchString(text) }

// shareName: both quotes name the same place, group or person, outside
// the sentence's first word and their speakers' names.
func shareName(a, b Quote) bool {
	na := names(a)
	for w := range names(b) {
		if na[w] {
			return true
		}
	}
	return false
}

func names(q Quote) map[string]bool {
	speaker := contentWords(baseName(q.SaidBy) + " " + strings.Join(q.AccordingTo, " "))
	out := make(map[string]bool)
	for i, w := range strings.FieldsFunc(q.Text, func(r rune) bool { return !unicode.IsLetter(r) && r != '-' }) {
		if i == 0 || len(w) < 3 || !unicode.IsUpper([]rune(w)[0]) {
			continue
		}
		if lw := singularNoun(strings.ToLower(w)); !speaker[lw] && !differWords[lw] {
			out[lw] = true
		}
	}
	return out
}

func disjoint(a, b map[string]bool) bool {
	for k := range a {
		if b[k] {
			return false
		}
	}
	return true
}

// sameSpeaker compares names leniently: one holds the other ("Chamran",
// "Mehdi Chamran (head of the Tehran City Council)"), or they share two
// capitalised words ("head of the Tehran City Council", "chairman of
// Tehran City Council").
func sameSpeaker(a, b string) bool {
	fa, fb := attrib.Fold(baseName(a)), attrib.Fold(baseName(b))
	if fa == "" || fb == "" {
		return false
	}
	if strings.Contains(fa, fb) || strings.Contains(fb, fa) {
		return true
	}
	ca, shared := capitalWords(a), 0
	for w := range capitalWords(b) {
		if ca[w] {
			shared++
		}
	}
	return shared >= 2
}

func capitalWords(s string) map[string]bool {
	out := make(map[string]bool)
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && r != '-' }) {
		if unicode.IsUpper([]rune(w)[0]) {
			out[strings.ToLower(w)] = true
		}
	}
	return out
}

// baseName is a speaker without the role: "Mehdi Chamran (head of …)".
func baseName(s string) string {
	if i := strings.Index(s, " ("); i > 0 {
		return s[:i]
	}
	return s
}
