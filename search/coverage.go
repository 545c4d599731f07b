package search

import (
	"context"
	"math"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// This file is Sitrep's extension of Bleve's query machinery, and the one
// place that depends on a Bleve internal: a DisjunctionQuery that retrieves
// its score breakdown keys each matched clause by its index in the
// disjunction, in the order the clauses were given (bleve v2.5.7,
// search/searcher/search_disjunction*.go). coverageSearcher maps clause
// indices back to question terms on that basis. A Bleve upgrade that
// changes it breaks article ranking silently; TestScoreBreakdownClauseOrder
// (coverage_test.go) pins it.

// articleCoordination is the exponent of an article's coverage of the
// question (coverageQuery). Bleve's own coordination (exponent 1, over
// clauses) let six common words outweigh the one rare word a TIME topic is
// about ("MAPHILINDO, A WORD FORMED FROM ... THREE COUNTRIES"). Measured
// with query term frequency on, TIME nDCG@10: 0.684 with Bleve's clause
// count, 0.671 at 0 (no coordination), 0.696 at 0.5, 0.697 at 0.6, 0.686
// at 0.75, 0.675 at 1; BBC MRR@10 0.793 at 0.5, 0.792 at 0.6.
const articleCoordination = 0.5

// coverageQuery is termsQuery scored as the sum of its clauses times the
// question's coverage raised to articleCoordination: the IDF-weighted share
// of its terms that the document holds, an alternative standing for its
// term. Bleve's disjunction multiplies by the share of clauses matched
// instead, which weighs "the" topic word like any other and counts each
// alternative as one more word missed.
func coverageQuery(p prepared, field string, boost float64) query.Query {
	d := termsQuery(p, field, boost).(*query.DisjunctionQuery)
	// The breakdown (clause → score) is how the searcher learns which
	// clauses matched; it leaves the score for coverageSearcher to set.
	d.RetrieveScoreBreakdown(true)
	q := &coverageQueryImpl{d: d, total: p.total}
	for i, t := range p.terms {
		q.weight = append(q.weight, p.weight[t.Term])
		for range 1 + len(t.Alts) { // the term's clause, then its alternatives'
			q.term = append(q.term, i)
		}
	}
	return q
}

// coverageQueryImpl is the query coverageQuery builds.
type coverageQueryImpl struct {
	d      *query.DisjunctionQuery
	term   []int     // clause → question term
	weight []float64 // question term → weight
	total  float64   // weight of all question terms
}

// Searcher implements query.Query.
func (q *coverageQueryImpl) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, o search.SearcherOptions) (search.Searcher, error) {
	s, err := q.d.Searcher(ctx, r, m, o)
	if err != nil {
		return nil, err
	}
	return &coverageSearcher{Searcher: s, q: q}, nil
}

// coverageSearcher scores the matches of a disjunction that retrieves its
// score breakdown.
type coverageSearcher struct {
	search.Searcher
	q    *coverageQueryImpl
	seen []bool
}

func (s *coverageSearcher) score(dm *search.DocumentMatch) {
	if dm == nil || len(dm.ScoreBreakdown) == 0 || s.q.total <= 0 {
		return
	}
	if s.seen == nil {
		s.seen = make([]bool, len(s.q.weight))
	}
	clear(s.seen)
	sum, covered := 0.0, 0.0
	// In clause order, not the map's: the same sum every time.
	for clause, t := range s.q.term {
		v, ok := dm.ScoreBreakdown[clause]
		if !ok {
			continue
		}
		sum += v
		if !s.seen[t] {
			s.seen[t] = true
			covered += s.q.weight[t]
		}
	}
	dm.Score = sum * math.Pow(covered/s.q.total, articleCoordination)
}

// Next implements search.Searcher.
func (s *coverageSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	dm, err := s.Searcher.Next(ctx)
	s.score(dm)
	return dm, err
}

// Advance implements search.Searcher.
func (s *coverageSearcher) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	dm, err := s.Searcher.Advance(ctx, id)
	s.score(dm)
	return dm, err
}
