package search

// The article stage's top-k with early stopping: a document whose clauses
// together cannot score as much as the k-th best found so far is passed
// over unscored (Turtle and Flood's max-score), so a question's common
// words no longer cost a score for every article holding them.

import (
	"bytes"
	"container/heap"
	"context"
	"math"
	"slices"
	"sync"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// boundSlack widens every bound: a bound and the score it bounds are
// products and sums taken in different orders, which may differ in their
// last bits; a document is passed over only when it falls short by more.
const boundSlack = 1e-9

// pruning asks a sumQuery for its best top documents only, among those
// filter matches (nil: all). Every document that may be among them is
// still returned, ties included, so the top that a collector of top keeps
// is the top of the whole search; the others may be left out. The
// sumQuery must then be the search's whole query: the filter is applied
// inside, not by a conjunction around it, whose rejections the threshold
// could not see.
type pruning struct {
	top    int
	filter query.Query
	bounds *termBounds
}

// termBounds caches, per index segment, the largest √tf × norm of a term
// in a field over the segment's documents: a term's score in any document
// is at most its clause's boost × idf² times that (scopedTermSearcher).
// Segments never change once written (deletions only lower the true
// maximum), so an entry is never stale; the segments a newer snapshot no
// longer holds are dropped as the cache fills.
type termBounds struct {
	mu   sync.Mutex
	segs map[segment.Segment]map[fieldTerm]float64
	n    int // entries held
}

type fieldTerm struct{ field, term string }

// termBoundsMax bounds the entries held, a few dozen bytes each.
const termBoundsMax = 1 << 16

func newTermBounds() *termBounds {
	return &termBounds{segs: make(map[segment.Segment]map[fieldTerm]float64)}
}

// impact is the largest √tf × norm of term in field over the documents
// of r; ok is false when r is not a scorch snapshot, whose segments it reads.
func (b *termBounds) impact(r index.IndexReader, field, term string) (float64, bool, error) {
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return 0, false, nil
	}
	segs := snap.Segments()
	best := 0.0
	for _, ss := range segs {
		v, err := b.segmentImpact(ss.Segment(), segs, field, term)
		if err != nil {
			return 0, false, err
		}
		best = max(best, v)
	}
	return best, true, nil
}

func (b *termBounds) segmentImpact(seg segment.Segment, live []*scorch.SegmentSnapshot, field, term string) (float64, error) {
	k := fieldTerm{field, term}
	b.mu.Lock()
	v, ok := b.segs[seg][k]
	b.mu.Unlock()
	if ok {
		return v, nil
	}
	dict, err := seg.Dictionary(field)
	if err != nil {
		return 0, err
	}
	pl, err := dict.PostingsList([]byte(term), nil, nil)
	if err != nil {
		return 0, err
	}
	it := pl.Iterator(true, true, false, nil)
	for {
		p, err := it.Next()
		if err != nil {
			return 0, err
		}
		if p == nil {
			break
		}
		v = max(v, math.Sqrt(float64(p.Frequency()))*p.Norm())
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.n >= termBoundsMax {
		b.drop(live)
	}
	m := b.segs[seg]
	if m == nil {
		m = make(map[fieldTerm]float64)
		b.segs[seg] = m
	}
	if _, ok := m[k]; !ok {
		m[k] = v
		b.n++
	}
	return v, nil
}

// drop forgets the segments live does not hold, or everything when those
// are all live; b.mu is held.
func (b *termBounds) drop(live []*scorch.SegmentSnapshot) {
	keep := make(map[segment.Segment]bool, len(live))
	for _, ss := range live {
		keep[ss.Segment()] = true
	}
	for seg, m := range b.segs {
		if !keep[seg] {
			b.n -= len(m)
			delete(b.segs, seg)
		}
	}
	if b.n >= termBoundsMax {
		clear(b.segs)
		b.n = 0
	}
}

// pruner is a sumSearcher's state while pruning.
type pruner struct {
	top        int
	filter     search.Searcher       // nil: none
	fcur       index.IndexInternalID // where filter stands; nil before its first match
	fdone      bool                  // filter has no more matches
	ub         []float64             // clause → the most it can add to a sum
	order      []int                 // clauses by ub, smallest first
	below      []float64             // below[k]: the most a document matching only order[:k] can score
	lightUB    float64               // order[:ness]'s own clauses' ub summed
	lightBonus float64               // order[:ness]'s bonus clauses' ub summed
	ness       int                   // order[:ness] cannot lift a document to the threshold alone
	best       minHeap               // the best top scores returned so far
	q          *sumQuery
	seen       []bool                // scratch: question terms counted
	onNow      []bool                // the sumSearcher's on: clauses on the current document
	id         index.IndexInternalID // scratch: the current document's id
}

// coordination bounds the factor sumSearcher.score multiplies the own
// clauses' sum by, for a document whose matched terms weigh at most w.
func (pr *pruner) coordination(w float64) float64 {
	if pr.q.coverage && pr.q.total > 0 {
		return math.Sqrt(w / pr.q.total) // articleCoordination
	}
	return 1 // matched clauses over all: at most 1
}

// newPruner bounds s's clauses; on an index that is not scorch's it
// bounds nothing, and only filters.
func newPruner(ctx context.Context, s *sumSearcher, r index.IndexReader, m mapping.IndexMapping, p *pruning) (*pruner, error) {
	pr := &pruner{top: p.top, ub: make([]float64, len(s.clauses)), q: s.q, onNow: s.on}
	if articleCoordination != 0.5 {
		return nil, errorf("prune: the bound assumes the square root of the coverage")
	}
	for i, c := range s.q.clauses {
		ts, ok := s.clauses[i].(*scopedTermSearcher)
		if !ok {
			continue // a clause scope cannot see: it matches nothing
		}
		t := c.(*scopedTerm)
		v, ok, err := p.bounds.impact(r, t.field, t.term)
		if err != nil {
			return nil, err
		}
		if !ok {
			v = math.Inf(1) // unbounded: nothing is passed over
		}
		pr.ub[i] = ts.boost * ts.idf * ts.idf * v * (1 + boundSlack)
	}
	pr.order = make([]int, len(pr.ub))
	for i := range pr.order {
		pr.order[i] = i
	}
	slices.SortStableFunc(pr.order, func(a, b int) int {
		switch {
		case pr.ub[a] < pr.ub[b]:
			return -1
		case pr.ub[a] > pr.ub[b]:
			return 1
		}
		return 0
	})
	pr.below = make([]float64, len(pr.order)+1)
	pr.seen = make([]bool, len(s.q.weight))
	own, bonus, w := 0.0, 0.0, 0.0
	for k, i := range pr.order {
		if i < len(s.q.term) {
			own += pr.ub[i]
			if t := s.q.term[i]; s.q.coverage && !pr.seen[t] {
				pr.seen[t] = true
				w += s.q.weight[t]
			}
		} else {
			bonus += pr.ub[i]
		}
		pr.below[k+1] = own*pr.coordination(w) + bonus
	}
	if p.filter != nil {
		f, err := p.filter.Searcher(ctx, r, m, search.SearcherOptions{Score: "none"})
		if err != nil {
			return nil, err
		}
		pr.filter = f
	}
	return pr, nil
}

// light adds clause i, no longer essential, to the sums of the light ones.
func (pr *pruner) light(i int) {
	if i >= len(pr.q.term) {
		pr.lightBonus += pr.ub[i]
		return
	}
	pr.lightUB += pr.ub[i]
}

// weightOn is the weight of the terms of the light clauses and of the
// essential ones on the current document (s.on), each term once.
func (pr *pruner) weightOn() float64 {
	if !pr.q.coverage {
		return 0
	}
	clear(pr.seen)
	w := 0.0
	count := func(i int) {
		if t := pr.q.term[i]; !pr.seen[t] {
			pr.seen[t] = true
			w += pr.q.weight[t]
		}
	}
	for k, i := range pr.order {
		if i < len(pr.q.term) && (k < pr.ness || pr.onNow[i]) {
			count(i)
		}
	}
	return w
}

// threshold is the score a document must reach to be returned: the
// top-th best returned so far, or 0 until top have been.
func (pr *pruner) threshold() float64 {
	if len(pr.best) < pr.top {
		return 0
	}
	return pr.best[0]
}

// kept records a returned document's score.
func (pr *pruner) kept(score float64) {
	if len(pr.best) < pr.top {
		heap.Push(&pr.best, score)
	} else if score > pr.best[0] {
		pr.best[0] = score
		heap.Fix(&pr.best, 0)
	}
}

// nextPruned is next while pruning: only documents an essential clause
// stands on are read, and only those that may reach the threshold scored.
func (s *sumSearcher) nextPruned(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	pr := s.prune
	for {
		theta := pr.threshold()
		for pr.ness < len(pr.order) && pr.below[pr.ness+1]*(1+boundSlack) < theta {
			pr.light(pr.order[pr.ness])
			pr.ness++
		}
		var first *search.DocumentMatch
		for _, i := range pr.order[pr.ness:] {
			if dm := s.cur[i]; dm != nil && (first == nil || bytes.Compare(dm.IndexInternalID, first.IndexInternalID) < 0) {
				first = dm
			}
		}
		if first == nil || s.past(first) {
			return nil, nil // what is left holds only words too light to reach the threshold, or lies past s
		}
		clear(s.on)
		own, bonus := pr.lightUB, pr.lightBonus
		for _, i := range pr.order[pr.ness:] {
			if dm := s.cur[i]; dm != nil && bytes.Equal(dm.IndexInternalID, first.IndexInternalID) {
				s.on[i], s.at[i] = true, dm.Score
				if i < len(s.q.term) {
					own += dm.Score
				} else {
					bonus += dm.Score
				}
			}
		}
		bound := own*pr.coordination(pr.weightOn()) + bonus
		pr.id = append(pr.id[:0], first.IndexInternalID...)
		id := pr.id
		keep := !(bound*(1+boundSlack) < theta) // an unbounded (NaN) bound keeps
		if keep && pr.ness > 0 {
			for _, i := range pr.order[:pr.ness] {
				dm := s.cur[i]
				if dm != nil && bytes.Compare(dm.IndexInternalID, id) < 0 {
					ctx.DocumentMatchPool.Put(dm)
					var err error
					if dm, err = s.clauses[i].Advance(ctx, id); err != nil {
						return nil, err
					}
					s.cur[i] = dm
				}
				if dm != nil && bytes.Equal(dm.IndexInternalID, id) {
					s.on[i], s.at[i] = true, dm.Score
				}
			}
		}
		if keep && pr.filter != nil {
			ok, err := pr.admits(ctx, id)
			if err != nil {
				return nil, err
			}
			keep = ok
		}
		// The essential clauses on the document move past it; the others
		// stay where they are, on it or before their next match.
		for _, i := range pr.order[pr.ness:] {
			if s.on[i] {
				if err := s.moveOn(ctx, i, first); err != nil {
					return nil, err
				}
			}
		}
		if keep && s.score(first) && first.Score >= theta {
			pr.kept(first.Score)
			return first, nil
		}
		ctx.DocumentMatchPool.Put(first)
	}
}

// admits reports whether the filter matches id. Ids come in increasing
// order; the filter is moved only forward (scorch reopens a term reader
// asked to move back).
func (pr *pruner) admits(ctx *search.SearchContext, id index.IndexInternalID) (bool, error) {
	if pr.fdone {
		return false, nil
	}
	if pr.fcur == nil || bytes.Compare(pr.fcur, id) < 0 {
		dm, err := pr.filter.Advance(ctx, id)
		if err != nil {
			return false, err
		}
		if dm == nil {
			pr.fdone = true
			return false, nil
		}
		pr.fcur = append(pr.fcur[:0], dm.IndexInternalID...)
		ctx.DocumentMatchPool.Put(dm)
	}
	return bytes.Equal(pr.fcur, id), nil
}

// minHeap is a min-heap of scores.
type minHeap []float64

func (h minHeap) Len() int           { return len(h) }
func (h minHeap) Less(i, j int) bool { return h[i] < h[j] }
func (h minHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *minHeap) Push(x any)        { *h = append(*h, x.(float64)) }
func (h *minHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
