package search

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
)

// TestSentenceStageConfinedAsTheConjunction pins that the sentence stage,
// confined to the best articles' sentences (within.go), finds exactly the
// hits, order and scores that the conjunction of the question's terms with
// those sentences found: in the shared scope and a guild's, with a term
// the best articles do not hold (read not at all), across several index
// segments, and after a source was removed (segments with deletions,
// which zapx reads another way). A sentence lost or scored otherwise would
// change which quotes a user sees.
func TestSentenceStageConfinedAsTheConjunction(t *testing.T) {
	ctx := context.Background()
	lib := openTest(t, t.TempDir(), nil)
	add := func(srcs []Source) {
		t.Helper()
		res, err := lib.Import(ctx, srcs, ImportOptions{Actor: "test"})
		if err != nil || len(res.Failed) > 0 {
			t.Fatalf("Import: %v %v", err, res.Failed)
		}
	}
	// Several imports: several segments, the listed sentences spread over them.
	for batch := range 4 {
		var srcs []Source
		for i := range 30 {
			n := batch*30 + i
			text := fmt.Sprintf("Council officials met on day %d to discuss the budget. The officials said the plant would stay open for season %d.", n, n)
			if n%7 == 0 {
				text += fmt.Sprintf(" The quxtrophane valve failed at the plant, engineers said after report %d%s.", n, strings.Repeat(" again", n%5))
			}
			if n%11 == 0 {
				text += " A zembolite seal was fitted at the depot."
			}
			srcs = append(srcs, Source{Title: fmt.Sprintf("Council %d", n), Text: text})
		}
		if batch == 2 {
			srcs = append(srcs, Source{Scope: "guild-a", Title: "Guild valve", Text: "Guild engineers said the quxtrophane valve at the council plant failed twice. Officials met."})
		}
		add(srcs)
	}
	absent := 0 // cases where some clause's term is in none of the listed sentences
	check := func(t *testing.T, question, scope string) {
		t.Helper()
		p, err := lib.prepare(ctx, question, scope)
		if err != nil {
			t.Fatal(err)
		}
		_, order, err := lib.articleScores(ctx, p, scope, "", int(sentenceArticles))
		if err != nil || len(order) == 0 {
			t.Fatalf("articles: %v %v", order, err)
		}
		st := lib.scopeStats(scope)
		want, err := searchTop(ctx, lib.ix.sentences, bleve.NewConjunctionQuery(termsQuery(p, fieldText, 1, st), sourceIn(order)), sentenceCandidates)
		if err != nil {
			t.Fatal(err)
		}
		if len(want.Hits) == 0 {
			t.Fatal("the conjunction found nothing: the comparison tests nothing")
		}
		for _, size := range []int{sentenceCandidates, 3} { // all hits, and a cut among them
			want, err := searchTop(ctx, lib.ix.sentences, bleve.NewConjunctionQuery(termsQuery(p, fieldText, 1, st), sourceIn(order)), size)
			if err != nil {
				t.Fatal(err)
			}
			got, err := searchTopWithin(ctx, lib.ix.sentences, termsQuery(p, fieldText, 1, st).within(sourceIn(order)), size)
			if err != nil {
				t.Fatal(err)
			}
			sameHits(t, fmt.Sprintf("collected here, %d best", size), got, want)
		}
		got, err := searchTop(ctx, lib.ix.sentences, termsQuery(p, fieldText, 1, st).within(sourceIn(order)), sentenceCandidates)
		if err != nil {
			t.Fatal(err)
		}
		sameHits(t, "Bleve's collector", got, want)
		// Whether some term of the question is in none of the listed
		// sentences, the case where it is not read at all.
		r := indexReader(t, lib.ix.sentences)
		docs, err := listed(ctx, r, nil, sourceIn(order))
		if err != nil {
			t.Fatal(err)
		}
		for _, term := range p.terms {
			for _, w := range append([]string{term.Term}, altTerms(term)...) {
				held, err := holding(ctx, r, fieldText, w, docs)
				if err != nil {
					t.Fatal(err)
				}
				if len(held) == 0 {
					absent++
				}
			}
		}
	}
	tests := []struct{ question, scope string }{
		{"what did council officials say about the budget?", SharedScope},
		{"quxtrophane valve officials", SharedScope},
		{"quxtrophane valve officials", "guild-a"},
		{"zembolite seal council officials budget season plant", SharedScope},
	}
	for _, tt := range tests {
		t.Run(tt.question+"/"+tt.scope, func(t *testing.T) { check(t, tt.question, tt.scope) })
	}
	all, err := lib.Sources(SharedScope)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range all[:40] {
		if _, err := lib.Remove(ctx, SharedScope, s.ID, "test"); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range tests {
		t.Run("after removals/"+tt.question+"/"+tt.scope, func(t *testing.T) { check(t, tt.question, tt.scope) })
	}
	if absent == 0 {
		t.Error("every clause's term was in the best articles' sentences: the terms read not at all went untested")
	}
}

// sameHits fails t unless got has want's hits, in order, scored the same,
// and its best score.
func sameHits(t *testing.T, how string, got, want *bleve.SearchResult) {
	t.Helper()
	if len(got.Hits) != len(want.Hits) {
		t.Fatalf("confined (%s): %d hits, the conjunction %d", how, len(got.Hits), len(want.Hits))
	}
	for i := range want.Hits {
		if got.Hits[i].ID != want.Hits[i].ID || got.Hits[i].Score != want.Hits[i].Score {
			t.Errorf("confined (%s), hit %d: %s %v, the conjunction %s %v", how, i, got.Hits[i].ID, got.Hits[i].Score, want.Hits[i].ID, want.Hits[i].Score)
		}
	}
	if got.MaxScore != want.MaxScore {
		t.Errorf("confined (%s): best score %v, %v in the conjunction", how, got.MaxScore, want.MaxScore)
	}
}

func altTerms(t queryTerm) []string {
	var out []string
	for _, a := range t.Alts {
		out = append(out, a.Term)
	}
	return out
}

// TestTermCountsFollowTheIndex pins that a cached count of a term's
// documents is the index's count now: a source added after the count was
// cached counts. A stale count would weigh a word by a library that no
// longer is, and rank quotes by it.
func TestTermCountsFollowTheIndex(t *testing.T) {
	ctx := context.Background()
	lib := openTest(t, t.TempDir(), nil)
	count := func() uint64 {
		t.Helper()
		v, err := lib.vocab(SharedScope)
		if err != nil {
			t.Fatal(err)
		}
		defer v.Close()
		n, err := v.docFreq(ctx, "quxtrophan")
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := lib.counts.get(v.r, fieldText, "quxtrophan"); !ok {
			t.Fatal("the count was not cached: the test tests nothing")
		}
		return n
	}
	if _, err := lib.Add(ctx, Source{Title: "One", Text: "The quxtrophane valve failed. Engineers came."}); err != nil {
		t.Fatal(err)
	}
	before := count()
	if again := count(); again != before {
		t.Fatalf("the same index counted %d, then %d", before, again)
	}
	if _, err := lib.Add(ctx, Source{Title: "Two", Text: "A second quxtrophane valve failed too."}); err != nil {
		t.Fatal(err)
	}
	if after := count(); after != before+1 {
		t.Fatalf("after a source with the term was added, the count is %d; it was %d", after, before)
	}
}

// TestPretokenizeFillsTheCache pins that the ranking's sentences (the
// candidates, and the neighbours of those in the best articles) are
// analysed before the ranking reads them, so that its loop, one sentence
// after another, finds them analysed. Were any missing, the ranking
// would still be right, but analyse it again on its one core.
func TestPretokenizeFillsTheCache(t *testing.T) {
	ctx := context.Background()
	lib := openTest(t, t.TempDir(), nil)
	for i := range 12 {
		mustAdd(t, lib, Source{Title: fmt.Sprintf("Report %d", i), Text: fmt.Sprintf(
			"Officials met on day %d. The quxtrophane valve failed at the plant, engineers said. Repairs took %d hours. The council paid for them.", i, i+2)})
	}
	p, err := lib.prepare(ctx, "how long did the quxtrophane valve repairs take?", SharedScope)
	if err != nil {
		t.Fatal(err)
	}
	cands, order, err := lib.candidates(ctx, p, Query{Scope: SharedScope}, 5)
	if err != nil || len(cands) == 0 {
		t.Fatalf("candidates: %d, %v", len(cands), err)
	}
	top := topArticles(order)
	lib.pretokenize(ctx, cands, top)
	cached := func(source string, n int) bool {
		s, _, err := lib.load(source)
		if err != nil || n < 0 || n >= len(s.Spans) {
			return true // nothing to analyse
		}
		k := tokenKey{s.ID, s.Hash, s.Spans[n].Start, s.Spans[n].End}
		lib.toks.mu.Lock()
		defer lib.toks.mu.Unlock()
		_, cur := lib.toks.cur[k]
		_, old := lib.toks.old[k]
		return cur || old
	}
	neighbours := 0
	for _, c := range cands {
		if !cached(c.source, c.sentence) {
			t.Errorf("candidate %s#%d was not analysed beforehand", c.source, c.sentence)
		}
		if top[c.source] {
			for _, n := range []int{c.sentence - 1, c.sentence + 1} {
				neighbours++
				if !cached(c.source, n) {
					t.Errorf("neighbour %s#%d of a best article's candidate was not analysed beforehand", c.source, n)
				}
			}
		}
	}
	if neighbours == 0 {
		t.Error("no candidate came from the best articles: the neighbours went untested")
	}
}
