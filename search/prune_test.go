package search

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// articleScoresUnpruned is the article stage as it was before pruning:
// every matching article scored, the filters a conjunction around it.
func articleScoresUnpruned(tb testing.TB, l *Library, p prepared, scope, sourceID string, size int) ([]string, []float64, uint64) {
	tb.Helper()
	var q query.Query = articleQuery(p, l.scopeStats(scope))
	if sourceID != "" {
		ids := bleve.NewDocIDQuery([]string{sourceID})
		ids.SetBoost(0)
		q = bleve.NewConjunctionQuery(q, ids)
	}
	q = l.filtered(q, scope, "")
	res, err := searchTop(context.Background(), l.ix.articles, q, size)
	if err != nil {
		tb.Fatal(err)
	}
	var ids []string
	var scores []float64
	for _, h := range res.Hits {
		ids, scores = append(ids, h.ID), append(scores, h.Score)
	}
	return ids, scores, res.Total
}

// TestArticleStagePrunesWithoutChangingTheTop pins that the article
// stage's early stopping returns exactly the articles, order and scores
// that scoring every article gave (ties at the cut included), in the
// shared scope, in a guild's (the scope filter inside the search) and for
// one source; and that it does pass over articles holding only the
// question's common words. A pruned-away article that belonged in the top
// would be an answer a user never sees.
func TestArticleStagePrunesWithoutChangingTheTop(t *testing.T) {
	ctx := context.Background()
	lib := openTest(t, t.TempDir(), nil)
	var srcs []Source
	// Articles that name the rare word, each of its own length so that
	// few scores tie: their scores lift the threshold above what the
	// common words alone can reach.
	for i := range 24 {
		srcs = append(srcs, Source{Title: fmt.Sprintf("Valve %d", i), Text: fmt.Sprintf(
			"The quxtrophane valve failed at the council's plant, officials said on day %d. Engineers replaced the quxtrophane seal within hours of report %d%s.", i, i, strings.Repeat(" extra", i))})
	}
	for i := range 120 {
		srcs = append(srcs, Source{Title: fmt.Sprintf("Council %d", i), Text: fmt.Sprintf(
			"Council officials met on day %d to discuss the budget. The officials said the plant would stay open for season %d.", i, i)})
	}
	// Another guild's articles: the scope filter must keep them out of
	// the shared scope's top and in guild-a's.
	for i := range 6 {
		srcs = append(srcs, Source{Scope: "guild-a", Title: fmt.Sprintf("Guild valve %d", i), Text: fmt.Sprintf(
			"Guild engineers said the quxtrophane valve at the council plant failed twice in week %d.", i)})
	}
	res, err := lib.Import(ctx, srcs, ImportOptions{Actor: "test"})
	if err != nil || len(res.Failed) > 0 {
		t.Fatalf("Import: %v %v", err, res.Failed)
	}
	pb, err := lib.prepare(ctx, "council officials budget", SharedScope)
	if err != nil {
		t.Fatal(err)
	}
	common, _, _ := articleScoresUnpruned(t, lib, pb, SharedScope, "", 15)
	one := common[4] // a common-words article
	tests := []struct {
		question, scope, source string
		size                    int
		passesOver              bool // some article holding only common words is never scored
	}{
		{question: "quxtrophane valve council officials", scope: SharedScope, size: 15, passesOver: true},
		{question: "quxtrophane valve council officials", scope: "guild-a", size: 15, passesOver: true},
		{question: "quxtrophane valve council officials", scope: SharedScope, size: 3, passesOver: true},
		{question: "what did council officials say?", scope: SharedScope, size: 15},
		{question: "what did council officials say?", scope: "guild-a", size: 40},
		{question: "council officials budget", scope: SharedScope, source: one, size: 15},
		{question: "quxtrophane", scope: "guild-b", size: 15},
	}
	// The stage searches two halves of the index side by side from
	// splitArticles documents (split.go); here both ways.
	defer func(v uint64) { splitArticles = v }(splitArticles)
	for _, split := range []bool{false, true} {
		splitArticles = 1 << 62
		if split {
			splitArticles = 1
		}
		for _, tt := range tests {
			t.Run(fmt.Sprintf("split %v/%s/%s/%s/%d", split, tt.question, tt.scope, tt.source, tt.size), func(t *testing.T) {
				p, err := lib.prepare(ctx, tt.question, tt.scope)
				if err != nil {
					t.Fatal(err)
				}
				wantIDs, wantScores, all := articleScoresUnpruned(t, lib, p, tt.scope, tt.source, tt.size)
				q := articleQuery(p, lib.scopeStats(tt.scope))
				scores, order, err := lib.articleScores(ctx, p, tt.scope, tt.source, tt.size)
				if err != nil {
					t.Fatal(err)
				}
				if fmt.Sprint(order) != fmt.Sprint(wantIDs) {
					t.Fatalf("pruned top %v, scoring every article gives %v", order, wantIDs)
				}
				for i, id := range order {
					if want := wantScores[i] / wantScores[0]; scores[id] != want {
						t.Errorf("%s scored %v pruned, %v unpruned", id, scores[id], want)
					}
				}
				// How many articles the pruned search returned to the collector.
				q.prune = &pruning{bounds: lib.bounds}
				q.prune.filter = scopeFilter(tt.scope) // guild-a has sources: every scope is filtered
				if tt.source != "" {
					ids := bleve.NewDocIDQuery([]string{tt.source})
					ids.SetBoost(0)
					q.prune.filter = bleve.NewConjunctionQuery(ids, scopeFilter(tt.scope))
				}
				pres, err := searchTop(ctx, lib.ix.articles, q, tt.size)
				if err != nil {
					t.Fatal(err)
				}
				if tt.passesOver && pres.Total >= all {
					t.Errorf("the pruned search returned %d articles of %d: it passed over none holding only the common words", pres.Total, all)
				}
			})
		}
	}
}

// TestConcurrentAsksShareTheTermBounds pins that questions asked at once,
// which share the library's cache of term bounds, get the answers they
// get alone: a bound read half-written would drop an article from a
// user's answer. Run it with -race.
func TestConcurrentAsksShareTheTermBounds(t *testing.T) {
	ctx := context.Background()
	lib := openTest(t, t.TempDir(), nil)
	mustAdd(t, lib, Source{Title: "Cameras", Text: articleCameras})
	mustAdd(t, lib, Source{Title: "Hospital", Text: articleHospital})
	questions := []string{"how many cameras were hacked?", "who targeted the hospital in Boston?",
		"what did the FBI director say?", "were the cameras hacked by Iranian hackers?"}
	want := map[string]string{}
	for _, q := range questions {
		want[q] = fmt.Sprint(ask(t, lib, Query{Question: q}).Quotes)
	}
	lib.bounds = newTermBounds() // every goroutine starts from an empty cache
	errs := make(chan error, 8*len(questions))
	for g := range 8 {
		go func() {
			for i := range questions {
				q := questions[(g+i)%len(questions)]
				ans, err := lib.Ask(ctx, Query{Question: q})
				if err == nil && fmt.Sprint(ans.Quotes) != want[q] {
					err = fmt.Errorf("%q asked alongside others got %v, alone %v", q, ans.Quotes, want[q])
				}
				errs <- err
			}
		}()
	}
	for range 8 * len(questions) {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
