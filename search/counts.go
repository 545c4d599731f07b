package search

import (
	"sync"

	"github.com/blevesearch/bleve/v2/index/scorch"
	index "github.com/blevesearch/bleve_index_api"
)

// termCounts caches how many documents of an index snapshot hold a term
// in a field. A count decodes the term's postings bitmap, and each
// question counts its terms and their alternatives again: 6% of Ask's
// CPU at 1M passages (searchbench profile), for words most questions
// share. A snapshot never changes, so its counts never go stale; a new
// one (a source added or removed) starts afresh.
type termCounts struct {
	mu    sync.Mutex
	snaps map[*scorch.IndexSnapshot]map[fieldTerm]uint64
	n     int // entries held
}

// Bounds: the snapshots of the two indexes and one or two that are
// being replaced, and a few dozen bytes per entry.
const (
	termCountsSnaps = 4
	termCountsMax   = 1 << 16
)

func newTermCounts() *termCounts {
	return &termCounts{snaps: make(map[*scorch.IndexSnapshot]map[fieldTerm]uint64)}
}

// get is the count of term in field in r, if known; only scorch's
// snapshots are cached. A nil cache knows nothing.
func (c *termCounts) get(r index.IndexReader, field, term string) (uint64, bool) {
	snap, ok := r.(*scorch.IndexSnapshot)
	if c == nil || !ok {
		return 0, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	n, ok := c.snaps[snap][fieldTerm{field, term}]
	return n, ok
}

// put records the count of term in field in r.
func (c *termCounts) put(r index.IndexReader, field, term string, n uint64) {
	snap, ok := r.(*scorch.IndexSnapshot)
	if c == nil || !ok {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	m := c.snaps[snap]
	if m == nil {
		if len(c.snaps) >= termCountsSnaps {
			c.clear() // the oldest are replaced snapshots, and the others refill
		}
		m = make(map[fieldTerm]uint64)
		c.snaps[snap] = m
	}
	if c.n >= termCountsMax {
		c.clear()
		m = make(map[fieldTerm]uint64)
		c.snaps[snap] = m
	}
	if _, ok := m[fieldTerm{field, term}]; !ok {
		m[fieldTerm{field, term}] = n
		c.n++
	}
}

// clear forgets everything; c.mu is held.
func (c *termCounts) clear() {
	clear(c.snaps)
	c.n = 0
}
