package search

// Ranking: each candidate sentence read whole, its features weighed into a score.

import (
	"context"
	"errors"
	"maps"
	"slices"
	"sort"
)

// candidate is a sentence being ranked.
type candidate struct {
	source    string
	sentence  int
	sscore    float64 // sentence score, normalised
	ascore    float64 // its article's score, normalised
	score     float64
	coverage  float64 // of the question's known terms, by the sentence
	context   float64 // the same, by the sentence and its neighbours
	missing   float64 // the heaviest known term neither holds, by weight
	termShare float64 // the share of the known terms the two hold, by count
	kind      kind    // what the sentence holds
	near      kind    // what it holds near the question's words
	text      string
	ref       Ref
	terms     map[string]bool
	sorted    []string // the same terms, sorted
	hl        []Highlight
	feat      [numFeatures]float64 // what the ranking weighs (features.go)
}

// rank finds the quotes that answer a question, best first. The candidates
// (candidates.go) are read whole: how much of the question they and their
// neighbours cover, whether they hold the kind of thing asked for (a number
// for "how many", a name for "who"), and which question words stand side
// by side; their features (features.go) make their score.
func (l *Library) rank(ctx context.Context, p prepared, q Query, want int) ([]candidate, error) {
	cands, order, err := l.candidates(ctx, p, q, want)
	if err != nil || len(order) == 0 {
		return nil, err
	}
	top := topArticles(order)
	l.pretokenize(ctx, cands, top)

	kept := cands[:0]
	sents := make(sentenceTerms)
	asked := p.wanted()
	arank := make(map[string]int, len(order))
	for i, id := range order {
		arank[id] = i
	}
	for _, c := range cands {
		s, text, err := l.load(c.source)
		if errors.Is(err, ErrNotFound) {
			continue // removed between search and load
		}
		if err != nil {
			return nil, err
		}
		if c.sentence >= len(s.Spans) {
			continue
		}
		sp := s.Spans[c.sentence]
		c.text = text[sp.Start:sp.End]
		c.ref = s.Ref()
		// One analysis per sentence feeds its terms, highlights and
		// adjacency: analysing three times was a third of Ask's CPU on
		// small libraries (searchbench profile).
		toks := l.toks.tokens(l.an, &s, text, sp)
		c.terms = sents.put(c.source, c.sentence, toks)
		c.sorted = slices.Sorted(maps.Keys(c.terms))
		c.hl = highlights(c.text, toks, asked)
		c.coverage = p.coverage(c.terms)
		c.context = c.coverage
		c.termShare = p.termShare(c.terms)
		c.missing = p.missing(c.terms)
		// The neighbours count for the candidates of the best articles,
		// where an answer can be; reading them for every candidate was a
		// sixth of Ask's CPU.
		if c.coverage < 1 && top[c.source] {
			around := []map[string]bool{c.terms}
			for _, n := range []int{c.sentence - 1, c.sentence + 1} {
				if n >= 0 && n < len(s.Spans) {
					around = append(around, sents.get(l, &s, n, text))
				}
			}
			c.context = p.coverage(around...)
			c.missing = p.missing(around...)
			c.termShare = p.termShare(around...)
		}
		if p.kind != 0 {
			var at []int
			for _, t := range toks {
				if asked[t.Term] {
					at = append(at, t.Start)
				}
			}
			c.kind, c.near = sentenceKinds(c.text, p.asked, at)
		}
		c.features(p, toks, s.attribution(c.sentence), arank[c.source])
		c.score = rankScore(p, &c.feat)
		kept = append(kept, c)
	}
	sortCandidates(kept)
	return kept, nil
}

// pretokenize analyses the sentences the ranking reads (the candidates,
// and the neighbours of those in the best articles) into the token
// cache, on every core: analysis was a fifth of the ranking's own time
// at 1M passages, one sentence after another. Errors are left to the
// ranking's own loads.
func (l *Library) pretokenize(ctx context.Context, cands []candidate, top map[string]bool) {
	type sentence struct {
		source string
		n      int
	}
	seen := make(map[sentence]bool, 3*len(cands))
	var todo []sentence
	want := func(s sentence) {
		if s.n >= 0 && !seen[s] {
			seen[s] = true
			todo = append(todo, s)
		}
	}
	for _, c := range cands {
		want(sentence{c.source, c.sentence})
		if top[c.source] {
			want(sentence{c.source, c.sentence - 1})
			want(sentence{c.source, c.sentence + 1})
		}
	}
	onEveryCore(len(todo), 1, func(i int) {
		if ctx.Err() != nil {
			return
		}
		s, text, err := l.load(todo[i].source)
		if err != nil || todo[i].n >= len(s.Spans) {
			return
		}
		l.toks.tokens(l.an, &s, text, s.Spans[todo[i].n])
	})
}

// sortCandidates orders candidates by score, best first; among equal
// scores a source's current text comes before a superseded version of it
// (what an outlet says now leads when both answer as well), and otherwise
// the order they came in is kept.
func sortCandidates(cands []candidate) {
	sort.SliceStable(cands, func(i, j int) bool {
		if cands[i].score != cands[j].score {
			return cands[i].score > cands[j].score
		}
		return cands[i].ref.superseded == nil && cands[j].ref.superseded != nil
	})
}

// sentenceTerms holds the analysed sentences of one question's ranking, so
// a sentence that is a candidate and a neighbour is analysed once.
type sentenceTerms map[string]map[string]bool

func (st sentenceTerms) put(source string, n int, toks []token) map[string]bool {
	set := make(map[string]bool, len(toks))
	for _, t := range toks {
		set[t.Term] = true
	}
	st[sentenceID(source, n)] = set
	return set
}

func (st sentenceTerms) get(l *Library, s *storedSource, n int, text string) map[string]bool {
	if set, ok := st[sentenceID(s.ID, n)]; ok {
		return set
	}
	return st.put(s.ID, n, l.toks.tokens(l.an, s, text, s.Spans[n]))
}

// wanted is the set of index terms that count as the question's words.
func (p prepared) wanted() map[string]bool {
	want := make(map[string]bool, len(p.terms))
	for _, t := range p.terms {
		want[t.Term] = true
		for _, a := range t.Alts {
			want[a.Term] = true
		}
	}
	return want
}
