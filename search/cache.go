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
// touches a handful of sources, and the same ones again for related
// questions.
type sourceCache struct {
	mu    sync.Mutex
	cap   int
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

func newSourceCache(capacity int) *sourceCache {
	return &sourceCache{cap: capacity, order: list.New(), items: make(map[string]*list.Element)}
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
		e.Value.(*cacheEntry).v = v
		c.order.MoveToFront(e)
		return
	}
	c.items[id] = c.order.PushFront(&cacheEntry{id: id, v: v})
	if c.order.Len() > c.cap {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.items, last.Value.(*cacheEntry).id)
	}
}

func (c *sourceCache) forget(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	if e, ok := c.items[id]; ok {
		c.order.Remove(e)
		delete(c.items, id)
	}
}
