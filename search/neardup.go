package search

import (
	"context"
	"strings"
	"unicode"

	"github.com/blevesearch/bleve/v2"
)

// Near-duplicate thresholds over word 5-shingles: a syndicated copy of an
// article keeps nearly all of its word sequences even when the outlet adds
// a byline, a footer or a changed headline.
const (
	shingleWords       = 5
	nearDupResemblance = 0.8 // Jaccard of the shingle sets
	nearDupContainment = 0.9 // shared shingles over the smaller set…
	nearDupLengthRatio = 0.5 // …when the smaller is at least half the larger
	nearDupCandidates  = 5
	nearDupQueryWords  = 50
)

// NearDuplicate looks for a source visible from scope whose text is nearly
// the same as text (a syndicated or lightly edited copy), which the exact
// hash of Add misses. The article index proposes a few candidates from
// the text's opening words; their shingles decide.
func (l *Library) NearDuplicate(ctx context.Context, scope, text string) (Source, bool, error) {
	if err := l.checkOpen(); err != nil {
		return Source{}, false, err
	}
	words := shingleTokens(text)
	if len(words) < shingleWords {
		return Source{}, false, nil
	}
	mine := shingles(words)
	p := l.an.textTerms(strings.Join(words[:min(len(words), nearDupQueryWords)], " "))
	if len(p.terms) == 0 {
		return Source{}, false, nil
	}
	// The candidates are ranked with the statistics scope sees, like the
	// answers: whether a copy is found must not hang on other guilds' words.
	q := bleve.NewConjunctionQuery(termsQuery(p, fieldText, 1, l.scopeStats(scope)), scopeFilter(scope))
	res, err := searchTop(ctx, l.ix.articles, q, nearDupCandidates)
	if err != nil {
		return Source{}, false, errorf("near-duplicate search: %w", err)
	}
	for _, h := range res.Hits {
		s, other, err := l.load(h.ID)
		if err != nil {
			continue // removed meanwhile
		}
		if nearlySame(mine, shingles(shingleTokens(other))) {
			return s.Source, true, nil
		}
	}
	return Source{}, false, nil
}

// textTerms is text's distinct terms, each counted, as a search for it.
func (z analyzer) textTerms(text string) prepared {
	var p prepared
	seen := make(map[string]int)
	for _, t := range z.tokens(text) {
		if i, ok := seen[t.Term]; ok {
			p.terms[i].Count++
			continue
		}
		seen[t.Term] = len(p.terms)
		p.terms = append(p.terms, queryTerm{Term: t.Term, Word: t.Term, Count: 1})
	}
	return p
}

func shingleTokens(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

func shingles(words []string) map[string]struct{} {
	out := make(map[string]struct{}, len(words))
	for i := 0; i+shingleWords <= len(words); i++ {
		out[strings.Join(words[i:i+shingleWords], " ")] = struct{}{}
	}
	return out
}

func nearlySame(a, b map[string]struct{}) bool {
	if len(a) == 0 || len(b) == 0 {
		return false
	}
	small, large := a, b
	if len(small) > len(large) {
		small, large = large, small
	}
	shared := 0
	for k := range small {
		if _, ok := large[k]; ok {
			shared++
		}
	}
	union := len(a) + len(b) - shared
	if float64(shared)/float64(union) >= nearDupResemblance {
		return true
	}
	return float64(len(small)) >= nearDupLengthRatio*float64(len(large)) &&
		float64(shared)/float64(len(small)) >= nearDupContainment
}
