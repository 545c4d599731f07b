package search

import "sync"

// tokenCache keeps analysed sentences for answering: reading the best
// candidates and their neighbours analyses a few dozen sentences a
// question, a fifth of Ask's CPU, and related questions read the same
// sentences again. Entries are keyed by the source's id, its text's hash
// and the sentence's byte range, so a replaced source never meets its old
// tokens. Two generations bound it: when the newer fills up it becomes the
// older and the old one is dropped, so what is read often stays (an entry
// found in the older generation moves to the newer).
type tokenCache struct {
	mu       sync.Mutex
	per      int // entries per generation
	cur, old map[tokenKey][]token
}

type tokenKey struct {
	id, hash   string
	start, end int
}

func newTokenCache(perGeneration int) *tokenCache {
	return &tokenCache{per: perGeneration, cur: make(map[tokenKey][]token), old: make(map[tokenKey][]token)}
}

// tokens returns the analysis of s's sentence sp in text, from the cache
// or analysed now. The slice is shared: callers must not change it.
func (c *tokenCache) tokens(an analyzer, s *storedSource, text string, sp Span) []token {
	k := tokenKey{s.ID, s.Hash, sp.Start, sp.End}
	c.mu.Lock()
	toks, ok := c.cur[k]
	if !ok {
		if toks, ok = c.old[k]; ok {
			c.put(k, toks)
		}
	}
	c.mu.Unlock()
	if ok {
		return toks
	}
	toks = an.tokens(text[sp.Start:sp.End])
	c.mu.Lock()
	c.put(k, toks)
	c.mu.Unlock()
	return toks
}

// put adds an entry to the newer generation; c.mu is held.
func (c *tokenCache) put(k tokenKey, toks []token) {
	if len(c.cur) >= c.per {
		c.old, c.cur = c.cur, make(map[tokenKey][]token, c.per)
	}
	c.cur[k] = toks
}
