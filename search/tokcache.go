package search

import "sync"

// tokenCache keeps analysed text for answering: reading the best
// candidates and their neighbours analyses a few dozen sentences a
// question, a fifth of Ask's CPU, and related questions read the same
// sentences again; the confidence reads the terms of the best quote's
// whole article, which analysed every question was a twentieth of Ask's
// CPU at 100k passages (searchbench profile). Entries are keyed by the
// source's id and its text's hash (and a sentence's byte range), so a
// replaced source never meets its old analysis.
type tokenCache struct {
	sentences generations[tokenKey, []token]
	articles  generations[articleKey, map[string]bool]
}

type tokenKey struct {
	id, hash   string
	start, end int
}

type articleKey struct{ id, hash string }

// tokenCacheArticles bounds the articles whose terms are kept: an
// article's set is a few hundred terms, a few kilobytes.
const tokenCacheArticles = 512

func newTokenCache(perGeneration int) *tokenCache {
	return &tokenCache{
		sentences: newGenerations[tokenKey, []token](perGeneration),
		articles:  newGenerations[articleKey, map[string]bool](tokenCacheArticles),
	}
}

// tokens returns the analysis of s's sentence sp in text, from the cache
// or analysed now. The slice is shared: callers must not change it.
func (c *tokenCache) tokens(an analyzer, s *storedSource, text string, sp Span) []token {
	return c.sentences.get(tokenKey{s.ID, s.Hash, sp.Start, sp.End}, func() []token {
		return an.tokens(text[sp.Start:sp.End])
	})
}

// terms returns the set of terms of s's whole text, from the cache or
// analysed now. The set is shared: callers must not change it.
func (c *tokenCache) terms(an analyzer, s *storedSource, text string) map[string]bool {
	return c.articles.get(articleKey{s.ID, s.Hash}, func() map[string]bool {
		toks := an.tokens(text)
		set := make(map[string]bool, len(toks))
		for _, t := range toks {
			set[t.Term] = true
		}
		return set
	})
}

// articleTerms is the set of terms of a source's whole text. The set is
// shared: callers must not change it.
func (l *Library) articleTerms(id string) (map[string]bool, error) {
	s, text, err := l.load(id)
	if err != nil {
		return nil, err
	}
	return l.toks.terms(l.an, &s, text), nil
}

// generations is a cache bounded by two generations: when the newer fills
// up it becomes the older and the old one is dropped, so what is read
// often stays (an entry found in the older generation moves to the newer).
type generations[K comparable, V any] struct {
	mu       sync.Mutex
	per      int // entries per generation
	cur, old map[K]V
}

func newGenerations[K comparable, V any](per int) generations[K, V] {
	return generations[K, V]{per: per, cur: make(map[K]V), old: make(map[K]V)}
}

// get returns k's value, from the cache or made now by make (outside the
// lock: two callers may both make it, and either value is kept).
func (g *generations[K, V]) get(k K, make func() V) V {
	g.mu.Lock()
	v, ok := g.cur[k]
	if !ok {
		if v, ok = g.old[k]; ok {
			g.put(k, v)
		}
	}
	g.mu.Unlock()
	if ok {
		return v
	}
	v = make()
	g.mu.Lock()
	g.put(k, v)
	g.mu.Unlock()
	return v
}

// put adds an entry to the newer generation; g.mu is held.
func (g *generations[K, V]) put(k K, v V) {
	if len(g.cur) >= g.per {
		g.old, g.cur = g.cur, map[K]V{}
	}
	g.cur[k] = v
}
