package search

import (
	"strings"
	"testing"
)

func TestSourceCacheIsBoundedByBytes(t *testing.T) {
	entry := func(n int) cached { return cached{text: strings.Repeat("x", n)} }
	tests := []struct {
		name     string
		capacity int
		puts     []int // text sizes, ids "0", "1", …
		forget   string
		want     []string // ids still cached
		gone     []string
	}{
		{name: "all fit", capacity: 10_000, puts: []int{100, 100, 100}, want: []string{"0", "1", "2"}},
		{name: "oldest evicted", capacity: 2 * (256 + 1000), puts: []int{1000, 1000, 1000}, want: []string{"1", "2"}, gone: []string{"0"}},
		{name: "one oversized entry is kept alone", capacity: 100, puts: []int{100, 5000}, want: []string{"1"}, gone: []string{"0"}},
		{name: "forget frees its bytes", capacity: 2 * (256 + 1000), puts: []int{1000, 1000}, forget: "0", want: []string{"1"}, gone: []string{"0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newSourceCache(tt.capacity)
			for i, n := range tt.puts {
				c.put(string(rune('0'+i)), entry(n), c.generation())
			}
			if tt.forget != "" {
				c.forget(tt.forget)
			}
			for _, id := range tt.want {
				if _, ok := c.get(id); !ok {
					t.Errorf("%s was evicted", id)
				}
			}
			for _, id := range tt.gone {
				if _, ok := c.get(id); ok {
					t.Errorf("%s is still cached", id)
				}
			}
			held := 0
			for _, e := range c.items {
				held += e.Value.(*cacheEntry).v.cost()
			}
			if held != c.size {
				t.Errorf("size = %d, entries hold %d", c.size, held)
			}
		})
	}
}

func TestSourceCacheRefusesStaleLoads(t *testing.T) {
	c := newSourceCache(1 << 20)
	gen := c.generation()
	c.forget("a") // a write happened while the load was reading
	c.put("a", cached{text: "old"}, gen)
	if _, ok := c.get("a"); ok {
		t.Error("a load that began before a forget was cached")
	}
}
