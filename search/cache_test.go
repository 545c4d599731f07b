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

func TestTokenCache(t *testing.T) {
	an, err := newAnalyzer()
	if err != nil {
		t.Fatal(err)
	}
	text := "Hackers took over 5,000 cameras. The city said little."
	src := storedSource{Source: Source{ID: "a", Hash: "h1"}}
	first := Span{Start: 0, End: 32}
	c := newTokenCache(2)

	got := c.tokens(an, &src, text, first)
	if len(got) == 0 || got[0].Term != an.tokens("Hackers")[0].Term {
		t.Fatalf("tokens = %v, want the analysis of %q", got, text[first.Start:first.End])
	}
	if again := c.tokens(an, &src, text, first); &again[0] != &got[0] {
		t.Error("a second read of the same sentence analysed it again")
	}

	// The same id with another text (a replaced source) is analysed anew.
	replaced := storedSource{Source: Source{ID: "a", Hash: "h2"}}
	other := "Nobody took anything from anyone today."
	if toks := c.tokens(an, &replaced, other, first); toks[0].Term == got[0].Term {
		t.Errorf("a replaced source got its old tokens: %v", toks)
	}

	// Two generations of two: the entry read last survives two more puts,
	// the one not read since does not.
	c = newTokenCache(2)
	second := Span{Start: 33, End: len(text)}
	c.tokens(an, &src, text, first)
	c.tokens(an, &src, text, second)
	c.tokens(an, &replaced, other, Span{Start: 0, End: 6})  // cur full: {first, second} becomes old
	c.tokens(an, &src, text, second)                        // found in old: moves to cur
	c.tokens(an, &replaced, other, Span{Start: 7, End: 11}) // cur full again: old {first, second} dropped
	if n := len(c.cur) + len(c.old); n > 4 {
		t.Errorf("%d entries held, want at most 2 generations of 2", n)
	}
	_, kept := c.old[tokenKey{"a", "h1", second.Start, second.End}]
	_, keptCur := c.cur[tokenKey{"a", "h1", second.Start, second.End}]
	if !kept && !keptCur {
		t.Error("the sentence read again was evicted")
	}
	if _, ok := c.cur[tokenKey{"a", "h1", first.Start, first.End}]; ok {
		t.Error("the sentence not read since is still in the newer generation")
	}
	if _, ok := c.old[tokenKey{"a", "h1", first.Start, first.End}]; ok {
		t.Error("the sentence not read since survived two generations")
	}
}
