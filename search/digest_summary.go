package search

import (
	"math"
	"sort"
	"strings"
)

// summary picks the summarySentences sentences of a source that are most
// central to it (see centrality), in article order.
func (l *Library) summary(id string) ([]string, error) {
	s, text, err := l.load(id)
	if err != nil {
		return nil, err
	}
	c := l.centrality(s, text)
	idx := make([]int, len(c))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return c[idx[a]] > c[idx[b]] })
	if len(idx) > summarySentences {
		idx = idx[:summarySentences]
	}
	sort.Ints(idx)
	out := make([]string, len(idx))
	for k, i := range idx {
		sp := s.Spans[i]
		out[k] = text[sp.Start:sp.End]
	}
	return out, nil
}

// centrality scores each sentence of a source by its TF-IDF cosine
// similarity to all the others (degree centrality, as in LexRank): the
// sentences that share the most with the rest of the article score
// highest, wherever they stand in it. Headings and fragments score less,
// so a quotable full sentence wins where there is a choice.
func (l *Library) centrality(s storedSource, text string) []float64 {
	type sent struct {
		vec  map[string]float64
		norm float64
	}
	sents := make([]sent, len(s.Spans))
	df := make(map[string]int)
	for i, sp := range s.Spans {
		tf := make(map[string]float64)
		for _, tok := range l.an.tokens(text[sp.Start:sp.End]) {
			tf[tok.Term]++
		}
		for term := range tf {
			df[term]++
		}
		sents[i].vec = tf
	}
	n := float64(len(sents))
	for k := range sents {
		var norm float64
		for term, f := range sents[k].vec {
			w := f * math.Log(1+n/float64(df[term]))
			sents[k].vec[term] = w
			norm += w * w
		}
		sents[k].norm = math.Sqrt(norm)
	}
	c := make([]float64, len(sents))
	for a := range sents {
		for b := a + 1; b < len(sents); b++ {
			sim := cosine(sents[a].vec, sents[b].vec, sents[a].norm, sents[b].norm)
			c[a] += sim
			c[b] += sim
		}
	}
	for k, sp := range s.Spans {
		t := text[sp.Start:sp.End]
		if len(t) < 40 || len(t) > 400 || !strings.ContainsAny(t[len(t)-1:], ".!?\"”’") {
			c[k] *= 0.3
		}
	}
	return c
}

func cosine(a, b map[string]float64, na, nb float64) float64 {
	if na == 0 || nb == 0 {
		return 0
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	var dot float64
	for t, w := range a {
		dot += w * b[t]
	}
	return dot / (na * nb)
}
