package search

// Scope-true scoring: Bleve finds the documents holding the question's
// terms; what they score comes from the statistics of the asker's scope.

import (
	"context"
	"math"
	"sort"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
)

// Bleve's term scorer weighs a match by idf² × boost × √tf × norm, with an
// idf counting every document of the index: another guild's sources moved
// it, and with it which of a guild's quotes led ("did the quxtrophane or
// the zembolite valve fail?" led with the other valve once another guild
// held "quxtrophane"). scopedTerm scores a match the same way, with the
// idf of the documents its scope sees (vocab.go), and without Bleve's
// query norm: a factor common to every match of a search, which the
// ranking's normalised scores drop, but which counts the whole index too.

// scopeStats is one search's view of an index's statistics from a scope.
type scopeStats struct {
	scope  string
	guilds bool // some guild has sources: counts must leave out the others'
	// n is the number of documents scope sees in the index r reads.
	r      index.IndexReader
	n      uint64
	counts *termCounts
}

// scopeStats starts the statistics of one search from scope.
func (l *Library) scopeStats(scope string) *scopeStats {
	return &scopeStats{scope: scope, guilds: l.guildSources.Load() > 0, counts: l.counts}
}

// vocab reads r's term statistics from st's scope. It does not own r.
func (st *scopeStats) vocab(r index.IndexReader) *vocab {
	return &vocab{r: r, scope: st.scope, guilds: st.guilds, counts: st.counts}
}

// docCount is how many documents of r st's scope sees, counted once per reader.
func (st *scopeStats) docCount(ctx context.Context, r index.IndexReader) (uint64, error) {
	if st.r != r {
		n, err := st.vocab(r).docCount(ctx)
		if err != nil {
			return 0, err
		}
		st.r, st.n = r, n
	}
	return st.n, nil
}

// scopedTerm matches term in field, scored with the statistics st's scope sees.
type scopedTerm struct {
	term, field string
	boost       float64
	stats       *scopeStats
}

// Searcher implements query.Query.
func (q *scopedTerm) Searcher(ctx context.Context, r index.IndexReader, _ mapping.IndexMapping, o search.SearcherOptions) (search.Searcher, error) {
	score := o.Score != "none"
	// Term vectors are never asked for: no search of Sitrep highlights.
	tfr, err := r.TermFieldReader(ctx, []byte(q.term), q.field, score, score, false)
	if err != nil {
		return nil, err
	}
	df, err := q.stats.vocab(r).visible(ctx, q.field, q.term, tfr.Count())
	if err != nil || df == 0 {
		// Nothing scope sees holds it: what other scopes hold is not
		// worth reading.
		tfr.Close()
		if err != nil {
			return nil, err
		}
		return searcher.NewMatchNoneSearcher(r)
	}
	n, err := q.stats.docCount(ctx, r)
	if err != nil {
		tfr.Close()
		return nil, err
	}
	// Bleve's tf-idf idf, over what scope sees.
	idf := 1 + math.Log(float64(n)/float64(df+1))
	return &scopedTermSearcher{tfr: tfr, boost: q.boost, idf: idf, score: score}, nil
}

// scopedTermSearcher is the searcher of a scopedTerm.
type scopedTermSearcher struct {
	tfr        index.TermFieldReader
	tfd        index.TermFieldDoc
	boost, idf float64
	score      bool
}

func (s *scopedTermSearcher) match(ctx *search.SearchContext, m *index.TermFieldDoc) *search.DocumentMatch {
	dm := ctx.DocumentMatchPool.Get()
	dm.IndexInternalID = append(dm.IndexInternalID, m.ID...)
	dm.Score = s.scoreOf(m)
	return dm
}

// scoreOf is what the term scores in m's document; 0 when not scoring.
func (s *scopedTermSearcher) scoreOf(m *index.TermFieldDoc) float64 {
	if !s.score {
		return 0
	}
	return s.boost * s.idf * s.idf * math.Sqrt(float64(m.Freq)) * m.Norm
}

// Next implements search.Searcher.
func (s *scopedTermSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	m, err := s.tfr.Next(s.tfd.Reset())
	if err != nil || m == nil {
		return nil, err
	}
	return s.match(ctx, m), nil
}

// Advance implements search.Searcher.
func (s *scopedTermSearcher) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	m, err := s.tfr.Advance(id, s.tfd.Reset())
	if err != nil || m == nil {
		return nil, err
	}
	return s.match(ctx, m), nil
}

// Weight implements search.Searcher. It only feeds the query norm that
// the zero-boost filters beside it are scaled by, so it is kept positive
// (a zero norm's inverse would make their zero scores NaN).
func (s *scopedTermSearcher) Weight() float64 { return (s.boost * s.idf) * (s.boost * s.idf) }

// SetQueryNorm implements search.Searcher: the norm is ignored (see above).
func (s *scopedTermSearcher) SetQueryNorm(float64) {}

// Count implements search.Searcher; Bleve orders searchers by it.
func (s *scopedTermSearcher) Count() uint64 { return s.tfr.Count() }

func (s *scopedTermSearcher) Close() error               { return s.tfr.Close() }
func (s *scopedTermSearcher) Min() int                   { return 0 }
func (s *scopedTermSearcher) Size() int                  { return 64 + s.tfr.Size() }
func (s *scopedTermSearcher) DocumentMatchPoolSize() int { return 1 }

// searchTop runs req's query for its n best hits, best first, ties in
// document id order. Bleve breaks ties by the index's internal order,
// which merges of segments written for other scopes change: which of two
// equal hits makes the cut, and which leads, would then hang on what
// other guilds add. It asks for more hits while the n-th ties with the
// next.
func searchTop(ctx context.Context, idx bleve.Index, q query.Query, n int) (*bleve.SearchResult, error) {
	n = max(n, 1)
	size := n + 1
	for {
		if sq, ok := q.(*sumQuery); ok && sq.prune != nil {
			sq.prune.top = size // what the collector keeps, ties with its last included
		}
		res, err := idx.SearchInContext(ctx, bleve.NewSearchRequestOptions(q, size, 0, false))
		if err != nil {
			return nil, err
		}
		hits := res.Hits
		if len(hits) < size || hits[len(hits)-1].Score < hits[n-1].Score {
			sort.SliceStable(hits, func(i, j int) bool {
				if hits[i].Score != hits[j].Score {
					return hits[i].Score > hits[j].Score
				}
				return hits[i].ID < hits[j].ID
			})
			res.Hits = hits[:min(n, len(hits))]
			return res, nil
		}
		size *= 2
	}
}

// readerOf opens a reader of idx's current snapshot; close it when done.
func readerOf(idx bleve.Index) (index.IndexReader, error) {
	adv, err := idx.Advanced()
	if err != nil {
		return nil, err
	}
	return adv.Reader()
}
