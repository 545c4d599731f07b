package search

// The sentence stage searches a few hundred sentences (those of the best
// articles) for the question's terms. As a conjunction of the terms with
// a filter of those sentences, each term's reader was advanced from one
// listed sentence to the next, and zapx advances a reader that reads
// frequencies by walking its postings one by one: every term cost a walk
// over its postings in the whole index, about a third of a question's
// CPU at 1M passages. A reader without frequencies jumps (roaring's
// AdvanceIfNeeded), so each term is first looked up in the listed
// sentences that way; a term in none of them is not read at all, and a
// term's scoring reader goes only to the listed sentences holding it.

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
)

// within confines q to the documents filter matches: the same hits,
// scored the same, as a conjunction of q and filter. filter must match
// few documents (it is read whole first) and add nothing to a score.
func (q *sumQuery) within(filter query.Query) *sumQuery {
	q.only = filter
	return q
}

// withinSearchers are the searchers of q's clauses, confined to the
// documents q.only matches. Each clause reads its own postings, so they
// are read side by side, on as many cores as there are (a question's
// other work, the articles read from the store, shares them).
func (q *sumQuery) withinSearchers(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, o search.SearcherOptions) ([]search.Searcher, error) {
	docs, err := listed(ctx, r, m, q.only)
	if err != nil {
		return nil, err
	}
	terms := make([]*scopedTerm, len(q.clauses))
	for i, c := range q.clauses {
		t, ok := c.(*scopedTerm)
		if !ok {
			return nil, errorf("a %T clause cannot be confined to a filter's documents", c)
		}
		terms[i] = t
	}
	if err := q.countScope(ctx, r); err != nil {
		return nil, err
	}
	ctx = serialCallbacks(ctx)
	out := make([]search.Searcher, len(terms))
	errs := make([]error, len(terms))
	onEveryCore(len(terms), 1, func(i int) {
		out[i], errs[i] = terms[i].searcherWithin(ctx, r, m, o, docs)
	})
	if err := errors.Join(errs...); err != nil {
		for _, s := range out {
			if s != nil {
				s.Close()
			}
		}
		return nil, err
	}
	return out, nil
}

// countScope counts the documents the scope of q's clauses sees in r,
// once, before clauses that share those statistics are read side by side
// (scopeStats caches the count without a lock).
func (q *sumQuery) countScope(ctx context.Context, r index.IndexReader) error {
	for _, c := range q.clauses {
		if t, ok := c.(*scopedTerm); ok {
			if _, err := t.stats.docCount(ctx, r); err != nil {
				return err
			}
		}
	}
	return nil
}

// serialCallbacks is ctx with the search's cost callbacks, which Bleve
// calls as each term reader closes and which count without a lock,
// called one at a time.
func serialCallbacks(ctx context.Context) context.Context {
	var mu sync.Mutex
	if fn, ok := ctx.Value(search.SearchIOStatsCallbackKey).(search.SearchIOStatsCallbackFunc); ok {
		ctx = context.WithValue(ctx, search.SearchIOStatsCallbackKey, search.SearchIOStatsCallbackFunc(func(n uint64) {
			mu.Lock()
			defer mu.Unlock()
			fn(n)
		}))
	}
	if fn, ok := ctx.Value(search.SearchIncrementalCostKey).(search.SearchIncrementalCostCallbackFn); ok {
		ctx = context.WithValue(ctx, search.SearchIncrementalCostKey, search.SearchIncrementalCostCallbackFn(func(m search.SearchIncrementalCostCallbackMsg, t search.SearchQueryType, n uint64) {
			mu.Lock()
			defer mu.Unlock()
			fn(m, t, n)
		}))
	}
	return ctx
}

// listed is every document f matches, in index order.
func listed(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, f query.Query) ([]index.IndexInternalID, error) {
	s, err := f.Searcher(ctx, r, m, search.SearcherOptions{Score: "none"})
	if err != nil {
		return nil, err
	}
	defer s.Close()
	var ids []index.IndexInternalID
	err = drain(s, func(dm *search.DocumentMatch) {
		ids = append(ids, append(index.IndexInternalID(nil), dm.IndexInternalID...))
	})
	return ids, err
}

// drain hands each match s returns to keep, which must copy what it keeps:
// the match goes back to the pool.
func drain(s search.Searcher, keep func(*search.DocumentMatch)) error {
	sctx := &search.SearchContext{DocumentMatchPool: search.NewDocumentMatchPool(s.DocumentMatchPoolSize(), 0)}
	for {
		dm, err := s.Next(sctx)
		if err != nil || dm == nil {
			return err
		}
		keep(dm)
		sctx.DocumentMatchPool.Put(dm)
	}
}

// holding is the documents of docs (in index order) that hold term in
// field, found with a reader that reads no frequencies.
func holding(ctx context.Context, r index.IndexReader, field, term string, docs []index.IndexInternalID) ([]index.IndexInternalID, error) {
	tfr, err := r.TermFieldReader(ctx, []byte(term), field, false, false, false)
	if err != nil {
		return nil, err
	}
	defer tfr.Close()
	var (
		held []index.IndexInternalID
		cur  index.IndexInternalID // where the reader stands; nil before it moved
		tfd  index.TermFieldDoc
	)
	for _, id := range docs {
		// Never advanced to where it stands: scorch reopens a reader
		// asked to stay or move back.
		if cur == nil || bytes.Compare(cur, id) < 0 {
			m, err := tfr.Advance(id, tfd.Reset())
			if err != nil {
				return nil, err
			}
			if m == nil {
				break
			}
			cur = append(cur[:0], m.ID...)
		}
		if bytes.Equal(cur, id) {
			held = append(held, id)
		}
	}
	return held, nil
}

// searcherWithin is q's searcher over docs only (index order). Its
// matches are read at once: the clauses of a search are read side by
// side (sumQuery.Searcher).
func (q *scopedTerm) searcherWithin(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, o search.SearcherOptions, docs []index.IndexInternalID) (search.Searcher, error) {
	held, err := holding(ctx, r, q.field, q.term, docs)
	if err != nil {
		return nil, err
	}
	if len(held) == 0 {
		return searcher.NewMatchNoneSearcher(r)
	}
	s, err := q.Searcher(ctx, r, m, o)
	if err != nil {
		return nil, err
	}
	ts, ok := s.(*scopedTermSearcher)
	if !ok {
		return s, nil // scope sees no document holding it: it matches none
	}
	defer ts.Close()
	ws := &withinSearcher{weight: ts.Weight(), hits: make([]withinHit, 0, len(held))}
	for _, id := range held {
		tfd, err := ts.tfr.Advance(id, ts.tfd.Reset())
		if err != nil {
			return nil, err
		}
		if tfd == nil || !bytes.Equal(tfd.ID, id) {
			return nil, errorf("within: %q is not where its postings said", q.term)
		}
		ws.hits = append(ws.hits, withinHit{id: id, score: ts.scoreOf(tfd)})
	}
	return ws, nil
}

// withinHit is a listed document a term's searcher stands on, scored.
type withinHit struct {
	id    index.IndexInternalID
	score float64
}

// withinSearcher is a term's searcher that stands only on the listed
// documents holding the term, read beforehand.
type withinSearcher struct {
	hits   []withinHit // those left, in index order
	weight float64
}

// Next implements search.Searcher.
func (s *withinSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	if len(s.hits) == 0 {
		return nil, nil
	}
	h := s.hits[0]
	s.hits = s.hits[1:]
	dm := ctx.DocumentMatchPool.Get()
	dm.IndexInternalID = append(dm.IndexInternalID, h.id...)
	dm.Score = h.score
	return dm, nil
}

// Advance implements search.Searcher.
func (s *withinSearcher) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	for len(s.hits) > 0 && bytes.Compare(s.hits[0].id, id) < 0 {
		s.hits = s.hits[1:]
	}
	return s.Next(ctx)
}

func (s *withinSearcher) Weight() float64            { return s.weight }
func (s *withinSearcher) SetQueryNorm(float64)       {}
func (s *withinSearcher) Count() uint64              { return uint64(len(s.hits)) }
func (s *withinSearcher) Close() error               { return nil }
func (s *withinSearcher) Min() int                   { return 0 }
func (s *withinSearcher) Size() int                  { return 64 + 32*len(s.hits) }
func (s *withinSearcher) DocumentMatchPoolSize() int { return 1 }

// searchTopWithin is searchTop for a confined query (within): the same n
// best hits, best first, ties in document id order, and the best score
// of all. Its matches are few and already scored, so they are collected
// here rather than by Bleve's collector, which set aside a match for
// each of the n it may keep (a tenth of what a question allocated) and
// looked up the id of every hit it kept; only the hits that make the cut
// are named here (topOf).
func searchTopWithin(ctx context.Context, idx bleve.Index, q *sumQuery, n int) (*bleve.SearchResult, error) {
	if q.only == nil {
		return nil, errorf("searchTopWithin: the query is not confined")
	}
	r, err := readerOf(idx)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	all, err := collect(ctx, r, idx.Mapping(), q, nil, nil)
	if err != nil {
		return nil, err
	}
	return topOf(r, all, n)
}

// scored is a document a search returned, with its score.
type scored struct {
	id    index.IndexInternalID
	score float64
}

// collect runs q over r, confined to the documents from to to (nil: no
// bound), and returns every document it returns.
func collect(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, q *sumQuery, from, to index.IndexInternalID) ([]scored, error) {
	qs, err := q.Searcher(ctx, r, m, search.SearcherOptions{})
	if err != nil {
		return nil, err
	}
	defer qs.Close()
	s, ok := qs.(*sumSearcher)
	if !ok {
		return nil, errorf("collect: a %T", qs)
	}
	s.from, s.to = from, to
	var all []scored
	err = drain(s, func(dm *search.DocumentMatch) {
		all = append(all, scored{append(index.IndexInternalID(nil), dm.IndexInternalID...), dm.Score})
	})
	return all, err
}

// topOf is the n best of all, as searchTop returns them: best first, ties
// in document id order, and the best score of all. Only the hits that
// may make the cut (the n best by score and those tied with the n-th)
// have their ids looked up.
func topOf(r index.IndexReader, all []scored, n int) (*bleve.SearchResult, error) {
	res := &bleve.SearchResult{Total: uint64(len(all))}
	for _, h := range all {
		res.MaxScore = max(res.MaxScore, h.score)
	}
	n = max(n, 1)
	slices.SortStableFunc(all, func(a, b scored) int { return cmp.Compare(b.score, a.score) })
	cut := len(all)
	if cut > n {
		cut = n
		for cut < len(all) && all[cut].score == all[n-1].score {
			cut++
		}
	}
	for _, h := range all[:cut] {
		id, err := r.ExternalID(h.id)
		if err != nil {
			return nil, err
		}
		res.Hits = append(res.Hits, &search.DocumentMatch{ID: id, Score: h.score})
	}
	slices.SortStableFunc(res.Hits, func(a, b *search.DocumentMatch) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	res.Hits = res.Hits[:min(n, len(res.Hits))]
	return res, nil
}
