package search

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// TestSumSearcherScoresFromItsClauses pins sumSearcher, Sitrep's own
// disjunction: a document scores its matched clauses' scores summed in
// clause order times the share of clauses matched, plus the bonus's; a
// document matching only the bonus is no hit; and a filter beside it (the
// scope filter, the sentence stage's articles), which moves it by Advance,
// changes no score. If any of this broke, answers would rank by the wrong
// evidence, or a title alone would bring an article in.
func TestSumSearcherScoresFromItsClauses(t *testing.T) {
	ix, err := bleve.New(filepath.Join(t.TempDir(), "ix"), bleve.NewIndexMapping())
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	docs := map[string]string{"a": "alpha", "b": "beta", "c": "beta alpha alpha", "d": "delta", "e": "epsilon"}
	for id, text := range docs {
		if err := ix.Index(id, map[string]string{"text": text}); err != nil {
			t.Fatal(err)
		}
	}
	st := &scopeStats{scope: SharedScope}
	clause := func(term string) *scopedTerm {
		return &scopedTerm{term: term, field: "text", boost: 1, stats: st}
	}
	// Each clause's own score per document, searched alone.
	alone := func(term string) map[string]float64 {
		res, err := ix.Search(bleve.NewSearchRequest(clause(term)))
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]float64{}
		for _, h := range res.Hits {
			m[h.ID] = h.Score
		}
		return m
	}
	alpha, beta, delta := alone("alpha"), alone("beta"), alone("delta")
	for _, padding := range []int{0, 12} { // few clauses and many
		q := &sumQuery{}
		q.clauses = append(q.clauses, clause("alpha"))
		for range padding {
			q.clauses = append(q.clauses, clause("gamma"))
		}
		q.clauses = append(q.clauses, clause("beta"))
		for i := range q.clauses {
			q.term = append(q.term, i)
		}
		own := float64(len(q.clauses))
		q.withBonus(&sumQuery{clauses: []query.Query{clause("delta"), clause("alpha")}})
		want := map[string]float64{
			"a": alpha["a"]*1/own + alpha["a"]*1/2,
			"b": beta["b"] * 1 / own,
			"c": (alpha["c"]+beta["c"])*2/own + alpha["c"]*1/2,
		}
		if delta["d"] <= 0 {
			t.Fatal("delta matched nothing: the bonus-only case tests nothing")
		}
		for _, filter := range [][]string{nil, {"b", "c", "d"}} {
			var sq query.Query = q
			expect := want
			if filter != nil {
				ids := bleve.NewDocIDQuery(filter)
				ids.SetBoost(0)
				sq = bleve.NewConjunctionQuery(q, ids)
				expect = map[string]float64{"b": want["b"], "c": want["c"]}
			}
			res, err := ix.Search(bleve.NewSearchRequest(sq))
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]float64{}
			for _, h := range res.Hits {
				got[h.ID] = h.Score
			}
			if len(got) != len(expect) {
				t.Errorf("%d clauses, filter %v: hits %v, want %v (d matches only the bonus)", len(q.clauses), filter, got, expect)
			}
			for id, w := range expect {
				if g, ok := got[id]; !ok || math.Abs(g-w) > 1e-12 {
					t.Errorf("%d clauses, filter %v: %s scored %v, want %v", len(q.clauses), filter, id, g, w)
				}
			}
		}
	}
}

func TestJaccardOfSortedSets(t *testing.T) {
	tests := []struct {
		a, b []string
		want float64
	}{
		{[]string{"camera", "hack", "tehran"}, []string{"hack", "tehran", "video"}, 0.5},
		{[]string{"a", "b"}, []string{"a", "b"}, 1},
		{[]string{"a"}, []string{"b"}, 0},
		{nil, []string{"b"}, 0},
		{[]string{"a", "c", "e", "g"}, []string{"b", "c", "d", "g"}, 2.0 / 6},
	}
	for _, tt := range tests {
		if got := jaccard(tt.a, tt.b); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("jaccard(%v, %v) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
