package search

import (
	"container/list"
	"sync"
)

type cached struct {
	s    storedSource
	text string
}

// sourceCache keeps recently quoted sources decoded: answering a question
// touches a few dozen sources, and the same ones again for related
// questions. It is bounded by bytes, not entries, so a small library stays
// wholly decoded (decoding a source's spans from the store was 12-19% of
// Ask's CPU on the 10k-passage benchmark) and a large one costs a fixed
// amount of memory.
type sourceCache struct {
	mu    sync.Mutex
	cap   int        // bytes
	size  int        // bytes held
	order *list.List // front: most recent; values are *cacheEntry
	items map[string]*list.Element
	// gen counts forgets; a load that began before a forget must not put
	// what it read, which may be the old version.
	gen uint64
}

type cacheEntry struct {
	id string
	v  cached
}

func newSourceCache(capacityBytes int) *sourceCache {
	return &sourceCache{cap: capacityBytes, order: list.New(), items: make(map[string]*list.Element)}
}

// cost estimates the memory an entry holds.
func (v cached) cost() int {
	return 256 + len(v.text) + 16*len(v.s.Spans) + 40*len(v.s.Attribution) + len(v.s.Title) + len(v.s.URL) + len(v.s.Outlet)
}

func (c *sourceCache) get(id string) (cached, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[id]; ok {
		c.order.MoveToFront(e)
		return e.Value.(*cacheEntry).v, true
	}
	return cached{}, false
}

func (c *sourceCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

func (c *sourceCache) put(id string, v cached, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if e, ok := c.items[id]; ok {
		c.size += v.cost() - e.Value.(*cacheEntry).v.cost()
		e.Value.(*cacheEntry).v = v
		c.order.MoveToFront(e)
	} else {
		c.items[id] = c.order.PushFront(&cacheEntry{id: id, v: v})
		c.size += v.cost()
	}
	for c.size > c.cap && c.order.Len() > 1 {
		last := c.order.Back()
		c.order.Remove(last)
		ent := last.Value.(*cacheEntry)
		delete(c.items, ent.id)
		c.size -= ent.v.cost()
	}
}

func (c *sourceCache) forget(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	if e, ok := c.items[id]; ok {
		c.order.Remove(e)
		delete(c.items, id)
		c.size -= e.Value.(*cacheEntry).v.cost()
	}
}
