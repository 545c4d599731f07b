package search

// The article stage at a million passages (53,000 articles) was the
// longest step of a question that runs on one core: the best articles
// are now searched in two halves of the index side by side, each pruned
// against its own best (prune.go), and the two merged. The best of the
// whole index is the best of the best of each half, so the answer is the
// same.

import (
	"context"
	"encoding/binary"
	"runtime"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	index "github.com/blevesearch/bleve_index_api"
)

// splitArticles is the size of index (documents, deleted ones included)
// from which the article stage is split: below it a half saves less
// than the second set of term readers costs.
var splitArticles = uint64(16384)

// searchTopSplit is searchTop for the article stage's pruned query,
// searched in two halves side by side where the index is large enough
// and there are cores for it.
func searchTopSplit(ctx context.Context, idx bleve.Index, q *sumQuery, n int) (*bleve.SearchResult, error) {
	if q.prune == nil || runtime.GOMAXPROCS(0) < 2 {
		return searchTop(ctx, idx, q, n)
	}
	r, err := readerOf(idx)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return searchTop(ctx, idx, q, n)
	}
	var size uint64
	for _, ss := range snap.Segments() {
		size += uint64(ss.FullSize())
	}
	if size < splitArticles {
		return searchTop(ctx, idx, q, n)
	}
	if err := q.countScope(ctx, r); err != nil { // the halves share its statistics
		return nil, err
	}
	q.prune.top = max(n, 1) // every document that may be among a half's n best is returned
	mid := binary.BigEndian.AppendUint64(nil, size/2)
	bounds := [][2]index.IndexInternalID{{nil, mid}, {mid, nil}}
	halves := make([][]scored, len(bounds))
	errs := make([]error, len(bounds))
	onEveryCore(len(bounds), 1, func(i int) {
		halves[i], errs[i] = collect(ctx, r, idx.Mapping(), q, bounds[i][0], bounds[i][1])
	})
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return topOf(r, append(halves[0], halves[1]...), n)
}
