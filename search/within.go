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
	"context"

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

// listed is every document f matches, in index order.
func listed(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, f query.Query) ([]index.IndexInternalID, error) {
	s, err := f.Searcher(ctx, r, m, search.SearcherOptions{Score: "none"})
	if err != nil {
		return nil, err
	}
	defer s.Close()
	sctx := &search.SearchContext{DocumentMatchPool: search.NewDocumentMatchPool(s.DocumentMatchPoolSize(), 0)}
	var ids []index.IndexInternalID
	for {
		dm, err := s.Next(sctx)
		if err != nil {
			return nil, err
		}
		if dm == nil {
			return ids, nil
		}
		ids = append(ids, append(index.IndexInternalID(nil), dm.IndexInternalID...))
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

// searcherWithin is q's searcher over docs only (index order).
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
	return &withinSearcher{scopedTermSearcher: ts, docs: held}, nil
}

// withinSearcher is a term's searcher that stands only on the listed
// documents holding the term.
type withinSearcher struct {
	*scopedTermSearcher
	docs []index.IndexInternalID // the documents left, in index order
}

// Next implements search.Searcher.
func (s *withinSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	if len(s.docs) == 0 {
		return nil, nil
	}
	id := s.docs[0]
	s.docs = s.docs[1:]
	return s.scopedTermSearcher.Advance(ctx, id)
}

// Advance implements search.Searcher.
func (s *withinSearcher) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	for len(s.docs) > 0 && bytes.Compare(s.docs[0], id) < 0 {
		s.docs = s.docs[1:]
	}
	return s.Next(ctx)
}

// Count implements search.Searcher.
func (s *withinSearcher) Count() uint64 { return uint64(len(s.docs)) }
