package search

// Candidate search: the Bleve queries for the articles and sentences that may answer.

import (
	"bytes"
	"context"
	"sort"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// Candidate search (tuned weights; see ask.go).
var (
	sentenceCandidates = 200  // sentence hits considered per question
	rerankDepth        = 40   // candidates analysed for the answer's evidence
	contextArticles    = 5    // top articles whose hits bring their neighbours in
	sentenceArticles   = 15.0 // top articles whose sentences are searched (30 measured the same on the dev sets, TIME and BBC, at 1.17x the CPU)

	// The first cut, before the candidates are read whole: a sentence's
	// own match and its article's.
	sentenceWeight = 0.30
	articleWeight  = 0.45

	articleAltBoost = 0.7 // alternatives the article search takes: synonyms, not the looser words
)

const titleBoost = 0.2 // weight of title matches next to the text's

// filtered keeps q to what scope may see and, when sourceID is set, to
// that source. While no guild has sources, the shared scope sees everything
// and needs no filter.
func (l *Library) filtered(q query.Query, scope, sourceID string) query.Query {
	var filters []query.Query
	if scope != SharedScope || l.guildSources.Load() > 0 {
		filters = append(filters, scopeFilter(scope))
	}
	if sourceID != "" {
		f := bleve.NewTermQuery(sourceID)
		f.SetField(fieldSource)
		f.SetBoost(0)
		filters = append(filters, f)
	}
	if len(filters) == 0 {
		return q
	}
	return bleve.NewConjunctionQuery(append([]query.Query{q}, filters...)...)
}

// articleQuery searches the article documents: the question's terms in
// the text, and a small bonus for the same terms in the title. The bonus
// adds to the text score; a plain disjunction would multiply by its
// coordination factor and halve every article whose title misses, which
// cost 0.09 nDCG@10 on TIME (see eval_test.go).
//
// The text's terms are coordinated by weight (coverageQuery), not by
// Bleve's count of clauses matched.
func articleQuery(p prepared, st *scopeStats) *sumQuery {
	p = p.onlyAlts(articleAltBoost)
	return coverageQuery(p, fieldText, 1, st).withBonus(termsQuery(p, fieldTitle, titleBoost, st))
}

// articleScores runs the article-level search: how on-topic each source is,
// normalised to the best article (1.0), and the sources best first, all
// from the statistics scope sees.
func (l *Library) articleScores(ctx context.Context, p prepared, scope, sourceID string, size int) (map[string]float64, []string, error) {
	// Only the best size articles are wanted: the search passes over
	// those its words cannot lift among them (prune.go), so its filters
	// go inside it.
	q := articleQuery(p, l.scopeStats(scope))
	var filters []query.Query
	if sourceID != "" {
		ids := bleve.NewDocIDQuery([]string{sourceID})
		ids.SetBoost(0)
		filters = append(filters, ids)
	}
	if scope != SharedScope || l.guildSources.Load() > 0 {
		filters = append(filters, scopeFilter(scope))
	}
	q.prune = &pruning{bounds: l.bounds}
	switch len(filters) {
	case 0:
	case 1:
		q.prune.filter = filters[0]
	default:
		q.prune.filter = bleve.NewConjunctionQuery(filters...)
	}
	res, err := searchTopSplit(ctx, l.ix.articles, q, size)
	if err != nil {
		return nil, nil, errorf("search articles: %w", err)
	}
	scores := make(map[string]float64, len(res.Hits))
	order := make([]string, 0, len(res.Hits))
	if len(res.Hits) == 0 || res.MaxScore <= 0 {
		return scores, order, nil
	}
	for _, h := range res.Hits {
		scores[h.ID] = h.Score / res.MaxScore
		order = append(order, h.ID)
	}
	return scores, order, nil
}

// onlyAlts is p with only the alternatives boosted at least min: the
// article search scores every posting of every clause in the whole
// library, where WordNet's looser words cost most and help least.
func (p prepared) onlyAlts(min float64) prepared {
	terms := make([]queryTerm, len(p.terms))
	for i, t := range p.terms {
		terms[i] = t
		terms[i].Alts = nil
		for _, a := range t.Alts {
			if a.Boost >= min {
				terms[i].Alts = append(terms[i].Alts, a)
			}
		}
	}
	p.terms = terms
	return p
}

// sourceIn matches the sentences of the given sources, without scoring.
func sourceIn(ids []string) query.Query {
	qs := make([]query.Query, len(ids))
	for i, id := range ids {
		t := bleve.NewTermQuery(id)
		t.SetField(fieldSource)
		t.SetBoost(0)
		qs[i] = t
	}
	d := bleve.NewDisjunctionQuery(qs...)
	d.SetBoost(0)
	return d
}

// candidates finds the sentences that may answer a question, in two
// stages. First the articles: which sources are about the question (scope
// and source filters apply here). Then the sentences, searched only inside
// those articles, so the cost of the second stage is bounded by the
// articles found, not by the library's size. It returns the best sentences
// by their own and their article's match, with the sentences beside them
// in the best articles, and the articles found, best first.
func (l *Library) candidates(ctx context.Context, p prepared, q Query, want int) ([]candidate, []string, error) {
	// Only the articles whose sentences are searched are fetched: the
	// sentence stage reads nothing of the others.
	articles, order, err := l.articleScores(ctx, p, q.Scope, q.SourceID, max(int(sentenceArticles), want))
	if err != nil || len(order) == 0 {
		return nil, nil, err
	}
	// The sentences found are read from their articles; those are read
	// from the store while the sentences are searched, on another core.
	defer l.warm(ctx, order)()
	size := max(sentenceCandidates, want*10)
	sq := termsQuery(p, fieldText, 1, l.scopeStats(q.Scope)).within(sourceIn(order))
	res, err := searchTopWithin(ctx, l.ix.sentences, sq, size)
	if err != nil {
		return nil, nil, errorf("search sentences: %w", err)
	}
	cands := make([]candidate, 0, len(res.Hits))
	have := make(map[string]bool, len(res.Hits))
	for _, h := range res.Hits {
		src, n, ok := parseSentenceID(h.ID)
		if !ok || res.MaxScore <= 0 {
			continue
		}
		c := candidate{source: src, sentence: n, sscore: h.Score / res.MaxScore, ascore: articles[src]}
		c.score = sentenceWeight*c.sscore + articleWeight*c.ascore
		cands = append(cands, c)
		have[h.ID] = true
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].score > cands[j].score })
	cands = cands[:min(len(cands), max(rerankDepth, want*3))]

	// The sentences beside a hit in the best articles may answer without
	// repeating the question's words: "Chamran said" in one sentence, the
	// figure in the next.
	top := topArticles(order)
	for _, c := range cands {
		if !top[c.source] || p.kind == 0 {
			continue
		}
		for _, n := range []int{c.sentence - 1, c.sentence + 1} {
			if id := sentenceID(c.source, n); n >= 0 && !have[id] {
				have[id] = true
				cands = append(cands, candidate{source: c.source, sentence: n, ascore: c.ascore})
			}
		}
	}
	return cands, order, nil
}

// topArticles is the set of the best contextArticles of order: their
// candidates bring in their neighbours, and are read with them.
func topArticles(order []string) map[string]bool {
	top := make(map[string]bool, contextArticles)
	for _, id := range order[:min(len(order), contextArticles)] {
		top[id] = true
	}
	return top
}

// articleTerms is the set of p's terms and alternatives that source id's
// text holds, read from the article index: the confidence weighs those
// alone, and analysing the whole article for them on every question was a
// twentieth of Ask's CPU at 100k passages (searchbench profile). The
// article's text field is analysed as l.an analyses, so the set is the
// one the text's analysis would give. ErrNotFound when id is not indexed.
func (l *Library) articleTerms(p prepared, id string) (map[string]bool, error) {
	ctx := context.Background() // reads of the open index alone: nothing to cancel
	r, err := readerOf(l.ix.articles)
	if err != nil {
		return nil, errorf("article terms: %w", err)
	}
	defer r.Close()
	doc, err := r.InternalID(id)
	if err != nil {
		return nil, errorf("article terms: %w", err)
	}
	if doc == nil {
		return nil, ErrNotFound
	}
	set := make(map[string]bool)
	for term := range p.wanted() {
		tfr, err := r.TermFieldReader(ctx, []byte(term), fieldText, false, false, false)
		if err != nil {
			return nil, errorf("article terms: %w", err)
		}
		m, err := tfr.Advance(doc, &index.TermFieldDoc{})
		tfr.Close()
		if err != nil {
			return nil, errorf("article terms: %w", err)
		}
		if m != nil && bytes.Equal(m.ID, doc) {
			set[term] = true
		}
	}
	return set, nil
}
