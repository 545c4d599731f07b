package search

import (
	"bytes"
	"context"
	"math"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// This file is Sitrep's extension of Bleve's query machinery (with
// scoring.go): sumQuery, a disjunction of term clauses that knows which
// clauses each document matched, so a match can be scored by the share of
// the question it covers (TestSumSearcherScoresFromItsClauses).

// articleCoordination is the exponent of an article's coverage of the
// question (coverageQuery). Bleve's own coordination (exponent 1, over
// clauses) let six common words outweigh the one rare word a TIME topic is
// about ("MAPHILINDO, A WORD FORMED FROM ... THREE COUNTRIES"). Measured
// with query term frequency on, TIME nDCG@10: 0.684 with Bleve's clause
// count, 0.671 at 0 (no coordination), 0.696 at 0.5, 0.697 at 0.6, 0.686
// at 0.75, 0.675 at 1; BBC MRR@10 0.793 at 0.5, 0.792 at 0.6.
const articleCoordination = 0.5

// termsQuery matches the question's terms and their alternatives in field,
// each clause boosted by how often the term is asked and the alternative's
// boost and scored with the statistics st's scope sees (scopedTerm). A
// match scores the sum of its clauses times the share of clauses it
// matched, as Bleve's disjunction does, but summed in clause order: Bleve
// sums in the order its heap pops the clauses, which hangs on the
// documents they passed before, other scopes' included, and a float sum
// taken in another order can differ in its last bit.
func termsQuery(p prepared, field string, boost float64, st *scopeStats) *sumQuery {
	q := &sumQuery{total: p.total}
	q.clauses, q.term = termClauses(p, field, boost, st)
	return q
}

// coverageQuery is termsQuery scored as the sum of its clauses times the
// question's coverage raised to articleCoordination: the IDF-weighted share
// of its terms that the document holds, an alternative standing for its
// term. Bleve's disjunction multiplies by the share of clauses matched
// instead, which weighs "the" topic word like any other and counts each
// alternative as one more word missed.
func coverageQuery(p prepared, field string, boost float64, st *scopeStats) *sumQuery {
	q := termsQuery(p, field, boost, st)
	q.coverage = true
	for _, t := range p.terms {
		q.weight = append(q.weight, p.weight[t.Term])
	}
	return q
}

// termClauses are the clauses of termsQuery, and the question term each
// stands for.
func termClauses(p prepared, field string, boost float64, st *scopeStats) ([]query.Query, []int) {
	var qs []query.Query
	var term []int
	for i, t := range p.terms {
		// A term said twice counts twice (query term frequency): +0.006
		// nDCG@10 on TIME, whose topics repeat their subject.
		b := boost * float64(max(t.Count, 1))
		qs = append(qs, &scopedTerm{term: t.Term, field: field, boost: b, stats: st})
		term = append(term, i)
		// Alternatives are clauses of their own, not a nested disjunction:
		// a disjunction scaled by the share of clauses matched would
		// punish a sentence for using only the word asked.
		for _, alt := range t.Alts {
			qs = append(qs, &scopedTerm{term: alt.Term, field: field, boost: b * alt.Boost, stats: st})
			term = append(term, i)
		}
	}
	return qs, term
}

// withBonus adds the clauses of b to q as a bonus: a document must still
// match one of q's own, and b's score (termsQuery's) adds to q's. It is
// the "should" of a boolean query, which Bleve's BooleanSearcher cannot be
// trusted with here: when a conjunction (the scope filter) advances it to
// the document its should clause already stands on, it drops that match
// (bleve v2.5.7 search_boolean.go Advance), so a title's bonus counted or
// not depending on which of the two the conjunction led with: on the
// filter's document count, which other guilds' sources change.
func (q *sumQuery) withBonus(b *sumQuery) *sumQuery {
	q.bonus = len(b.clauses)
	q.clauses = append(q.clauses, b.clauses...)
	return q
}

// sumQuery is the query termsQuery and coverageQuery build: one
// disjunction of term clauses, scored by sumSearcher.
type sumQuery struct {
	clauses  []query.Query // q's own, then the bonus's
	term     []int         // own clause → question term
	bonus    int           // how many bonus clauses follow q's own
	weight   []float64     // question term → weight (coverage only)
	total    float64       // weight of all question terms
	coverage bool          // coordinate by coverage, not by clauses matched
	prune    *pruning      // nil: every match is returned
	only     query.Query   // nil: every document; else only those it matches (within.go)
}

// Searcher implements query.Query.
func (q *sumQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, o search.SearcherOptions) (search.Searcher, error) {
	n := len(q.clauses)
	s := &sumSearcher{q: q, clauses: make([]search.Searcher, 0, n), cur: make([]*search.DocumentMatch, n),
		on: make([]bool, n), at: make([]float64, n)}
	if q.only != nil {
		cs, err := q.withinSearchers(ctx, r, m, o)
		if err != nil {
			return nil, err
		}
		s.clauses = cs
	}
	for _, c := range q.clauses[len(s.clauses):] {
		cs, err := c.Searcher(ctx, r, m, o)
		if err != nil {
			s.Close()
			return nil, err
		}
		s.clauses = append(s.clauses, cs)
	}
	if q.prune != nil {
		pr, err := newPruner(ctx, s, r, m, q.prune)
		if err != nil {
			s.Close()
			return nil, err
		}
		s.prune = pr
	}
	return s, nil
}

// sumSearcher is the disjunction of a sumQuery's clauses, which knows
// which clauses each document matched and scores it from them. It is its
// own disjunction, not Bleve's with its score breakdown: that one kept the
// clauses in a heap and built a map per match, and took a third of the
// article and sentence searches' CPU (searchbench profile at 100k).
type sumSearcher struct {
	q       *sumQuery
	clauses []search.Searcher
	started bool
	cur     []*search.DocumentMatch // each clause's next match; nil when it has no more
	on      []bool                  // the clauses on the document being scored
	at      []float64               // their scores there
	seen    []bool
	prune   *pruner // nil: not pruning
	// from and to confine it to the documents from (inclusive) to to
	// (exclusive), in index order; nil is no bound (split.go).
	from, to index.IndexInternalID
}

// past reports whether dm lies beyond s's documents.
func (s *sumSearcher) past(dm *search.DocumentMatch) bool {
	return s.to != nil && bytes.Compare(dm.IndexInternalID, s.to) >= 0
}

// score sets dm's score from the clauses on it; false when it matched
// none of the query's own clauses (only its bonus).
func (s *sumSearcher) score(dm *search.DocumentMatch) bool {
	if s.q.coverage && s.seen == nil {
		s.seen = make([]bool, len(s.q.weight))
	}
	clear(s.seen)
	sum, covered, matched := 0.0, 0.0, 0
	// In clause order: the same sum every time.
	for clause, t := range s.q.term {
		if !s.on[clause] {
			continue
		}
		sum += s.at[clause]
		matched++
		if s.q.coverage && !s.seen[t] {
			s.seen[t] = true
			covered += s.q.weight[t]
		}
	}
	if matched == 0 {
		return false
	}
	switch {
	case !s.q.coverage:
		dm.Score = sum * float64(matched) / float64(len(s.q.term))
	case s.q.total > 0:
		dm.Score = sum * math.Pow(covered/s.q.total, articleCoordination)
	default:
		dm.Score = 0
	}
	if s.q.bonus > 0 {
		bonus, bmatched := 0.0, 0
		for clause := len(s.q.term); clause < len(s.q.term)+s.q.bonus; clause++ {
			if s.on[clause] {
				bonus += s.at[clause]
				bmatched++
			}
		}
		dm.Score += bonus * float64(bmatched) / float64(s.q.bonus)
	}
	return true
}

// start puts every clause on its first match.
func (s *sumSearcher) start(ctx *search.SearchContext) error {
	s.started = true
	for i, c := range s.clauses {
		var dm *search.DocumentMatch
		var err error
		if s.from != nil {
			dm, err = c.Advance(ctx, s.from)
		} else {
			dm, err = c.Next(ctx)
		}
		if err != nil {
			return err
		}
		s.cur[i] = dm
	}
	return nil
}

// next returns the first document a clause stands on that matched one of
// the query's own clauses, scored, and moves the clauses on it past it.
func (s *sumSearcher) next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	for {
		var first *search.DocumentMatch
		for _, dm := range s.cur {
			if dm != nil && (first == nil || bytes.Compare(dm.IndexInternalID, first.IndexInternalID) < 0) {
				first = dm
			}
		}
		if first == nil || s.past(first) {
			return nil, nil
		}
		for i, dm := range s.cur {
			s.on[i] = dm != nil && bytes.Equal(dm.IndexInternalID, first.IndexInternalID)
			if s.on[i] {
				s.at[i] = dm.Score
			}
		}
		for i, on := range s.on {
			if on {
				if err := s.moveOn(ctx, i, first); err != nil {
					return nil, err
				}
			}
		}
		if s.score(first) {
			return first, nil
		}
		ctx.DocumentMatchPool.Put(first)
	}
}

// moveOn moves clause i, which stands on first's document, to its next
// match. first goes to the caller; the clause's own match, if another,
// goes back to the pool.
func (s *sumSearcher) moveOn(ctx *search.SearchContext, i int, first *search.DocumentMatch) error {
	if s.cur[i] != first {
		ctx.DocumentMatchPool.Put(s.cur[i])
	}
	dm, err := s.clauses[i].Next(ctx)
	s.cur[i] = dm
	return err
}

// Next implements search.Searcher.
func (s *sumSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	if !s.started {
		if err := s.start(ctx); err != nil {
			return nil, err
		}
	}
	if s.prune != nil {
		return s.nextPruned(ctx)
	}
	return s.next(ctx)
}

// Advance implements search.Searcher.
func (s *sumSearcher) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	if s.prune != nil {
		return nil, errorf("a pruned search was advanced: it must be the whole query")
	}
	if !s.started {
		if err := s.start(ctx); err != nil {
			return nil, err
		}
	}
	for i, dm := range s.cur {
		if dm == nil || bytes.Compare(dm.IndexInternalID, id) >= 0 {
			continue
		}
		ctx.DocumentMatchPool.Put(dm)
		next, err := s.clauses[i].Advance(ctx, id)
		if err != nil {
			return nil, err
		}
		s.cur[i] = next
	}
	return s.next(ctx)
}

// Weight implements search.Searcher: the sum of the clauses', as Bleve's
// disjunction has it.
func (s *sumSearcher) Weight() float64 {
	w := 0.0
	for _, c := range s.clauses {
		w += c.Weight()
	}
	return w
}

// SetQueryNorm implements search.Searcher.
func (s *sumSearcher) SetQueryNorm(n float64) {
	for _, c := range s.clauses {
		c.SetQueryNorm(n)
	}
}

// Count implements search.Searcher: at most the sum of the clauses'.
func (s *sumSearcher) Count() uint64 {
	var n uint64
	for _, c := range s.clauses {
		n += c.Count()
	}
	return n
}

// Close implements search.Searcher.
func (s *sumSearcher) Close() error {
	var first error
	for _, c := range s.clauses {
		if err := c.Close(); err != nil && first == nil {
			first = err
		}
	}
	if s.prune != nil && s.prune.filter != nil {
		if err := s.prune.filter.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// Min implements search.Searcher.
func (s *sumSearcher) Min() int { return 0 }

// Size implements search.Searcher.
func (s *sumSearcher) Size() int {
	n := 128 + 17*len(s.clauses)
	for _, c := range s.clauses {
		n += c.Size()
	}
	return n
}

// DocumentMatchPoolSize implements search.Searcher: a match held per
// clause, and what each clause holds.
func (s *sumSearcher) DocumentMatchPoolSize() int {
	n := len(s.clauses)
	for _, c := range s.clauses {
		n += c.DocumentMatchPoolSize()
	}
	if s.prune != nil && s.prune.filter != nil {
		n += s.prune.filter.DocumentMatchPoolSize()
	}
	return n
}
