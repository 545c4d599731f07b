package search

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// TestScoreBreakdownClauseOrder pins what sumSearcher relies on: a
// disjunction that retrieves its score breakdown keys each matched clause
// by its index in the order the clauses were given, with few clauses
// (Bleve's slice searcher) and with many (its heap searcher, past
// DisjunctionHeapTakeover). If a Bleve upgrade changes that, the ranking
// goes wrong without an error; this test fails first.
func TestScoreBreakdownClauseOrder(t *testing.T) {
	ix, err := bleve.New(filepath.Join(t.TempDir(), "ix"), bleve.NewIndexMapping())
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	docs := map[string]string{"a": "alpha", "b": "beta", "c": "beta alpha", "d": "delta"}
	for id, text := range docs {
		if err := ix.Index(id, map[string]string{"text": text}); err != nil {
			t.Fatal(err)
		}
	}
	clause := func(term string) query.Query {
		q := query.NewTermQuery(term)
		q.SetField("text")
		return q
	}
	// Clause 0 alpha, then padding that matches nothing, then beta.
	for _, padding := range []int{1, 12} {
		qs := []query.Query{clause("alpha")}
		for range padding {
			qs = append(qs, clause("gamma"))
		}
		qs = append(qs, clause("beta"))
		beta := len(qs) - 1
		d := query.NewDisjunctionQuery(qs)
		d.RetrieveScoreBreakdown(true)
		res, err := ix.Search(bleve.NewSearchRequest(d))
		if err != nil {
			t.Fatal(err)
		}
		want := map[string][]int{"a": {0}, "b": {beta}, "c": {0, beta}}
		if len(res.Hits) != len(want) {
			t.Fatalf("%d clauses: %d hits, want %d", len(qs), len(res.Hits), len(want))
		}
		for _, h := range res.Hits {
			clauses := want[h.ID]
			if len(h.ScoreBreakdown) != len(clauses) {
				t.Errorf("%d clauses, %s: breakdown %v, want clauses %v", len(qs), h.ID, h.ScoreBreakdown, clauses)
				continue
			}
			for _, c := range clauses {
				if v, ok := h.ScoreBreakdown[c]; !ok || v <= 0 {
					t.Errorf("%d clauses, %s: breakdown %v lacks clause %d: clause indices no longer follow clause order", len(qs), h.ID, h.ScoreBreakdown, c)
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
