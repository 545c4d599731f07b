package search

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	bolt "go.etcd.io/bbolt"
)

const (
	articleCameras  = "An opposition group says it hacked more than 5,000 surveillance cameras in Tehran.\nThe municipality said its website was suspended for a few minutes. Officials blamed foreign enemies."
	articleHospital = "FBI Director Christopher Wray said Iranian hackers tried to target a children's hospital in Boston.\nThe attack was stopped before it caused harm."
	articleWeather  = "Heavy rain flooded the northern districts on Monday.\nForecasters expect more storms this week."
)

// testClock is a settable clock for the library.
type testClock struct{ t time.Time }

func (c *testClock) now() time.Time { return c.t }

func openTest(tb testing.TB, dir string, clock *testClock) *Library {
	tb.Helper()
	opts := Options{}
	if clock != nil {
		opts.Now = clock.now
	}
	opts.DatabaseURL = testStoreURL(tb, dir)
	lib, err := Open(context.Background(), dir, opts)
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() { lib.Close() })
	return lib
}

func mustAdd(tb testing.TB, lib *Library, s Source) Source {
	tb.Helper()
	got, err := lib.Add(context.Background(), s)
	if err != nil {
		tb.Fatalf("Add(%q): %v", s.Title, err)
	}
	return got
}

func ask(tb testing.TB, lib *Library, q Query) Answer {
	tb.Helper()
	ans, err := lib.Ask(context.Background(), q)
	if err != nil {
		tb.Fatalf("Ask(%q): %v", q.Question, err)
	}
	return ans
}

func quotedFrom(ans Answer, id string) bool {
	for _, q := range ans.Quotes {
		if q.Source.ID == id || q.reportedBy(id) {
			return true
		}
	}
	return false
}

// indexed reads both Bleve indexes directly (Ask skips hits whose source
// is gone, so it cannot see an orphan): whether source id has its article
// document, and how many sentence documents it has.
func indexed(tb testing.TB, lib *Library, id string) (article bool, passages uint64) {
	tb.Helper()
	res, err := lib.ix.articles.Search(bleve.NewSearchRequest(bleve.NewDocIDQuery([]string{id})))
	if err != nil {
		tb.Fatal(err)
	}
	tq := bleve.NewTermQuery(id)
	tq.SetField(fieldSource)
	sres, err := lib.ix.sentences.Search(bleve.NewSearchRequestOptions(tq, 0, 0, false))
	if err != nil {
		tb.Fatal(err)
	}
	return res.Total == 1, sres.Total
}

func sentenceDocs(tb testing.TB, lib *Library) uint64 {
	tb.Helper()
	n, err := lib.ix.sentences.DocCount()
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

func TestAddAskRemove(t *testing.T) {
	lib := openTest(t, t.TempDir(), nil)
	cams := mustAdd(t, lib, Source{Title: "Cameras", Outlet: "Wire", URL: "https://example.com/cams", Published: "2022-06-03", Text: articleCameras})
	mustAdd(t, lib, Source{Title: "Hospital", Text: articleHospital})

	ans := ask(t, lib, Query{Question: "how many surveillance cameras were hacked?"})
	if len(ans.Quotes) == 0 {
		t.Fatalf("%q: no quote at all, though a source says it outright: users are told the library knows nothing of it", ans.Question)
	}
	if !ans.Answered {
		t.Fatalf("%q: not answered (confidence %q, best quote %q), though that quote says it outright: users are told no source clearly answers and must judge the quotes themselves",
			ans.Question, ans.Confidence, ans.Quotes[0].Text)
	}
	top := ans.Quotes[0]
	if top.Text != "An opposition group says it hacked more than 5,000 surveillance cameras in Tehran." {
		t.Errorf("the best quote is %q, not the sentence that gives the number: users read the wrong sentence first", top.Text)
	}
	// Literal values, not cams.Ref(): a Ref that dropped a field would
	// agree with itself. A quote without its link cannot be checked.
	if want := (Ref{ID: cams.ID, Title: "Cameras", Outlet: "Wire", URL: "https://example.com/cams", Published: "2022-06-03"}); top.Source != want {
		t.Errorf("the quote cites %+v, want %+v: users lose the link and date to check the quote against", top.Source, want)
	}
	if got, err := lib.Source(SharedScope, cams.ID); err != nil || got.URL != "https://example.com/cams" || got.Outlet != "Wire" || got.Published != "2022-06-03" {
		t.Errorf("Source(%s) = %+v, %v: the stored source lost its URL, outlet or date", cams.ID, got, err)
	}
	if srcs, err := lib.Sources(SharedScope); err != nil || len(srcs) != 2 || srcs[1].URL != "https://example.com/cams" {
		t.Errorf("Sources lists %+v, %v: the listing lost the source's URL", srcs, err)
	}
	for _, h := range top.Highlights {
		word := strings.ToLower(top.Text[h.Start:h.End])
		if !strings.Contains(word, "camera") && !strings.Contains(word, "hack") && !strings.Contains(word, "surveillance") {
			t.Errorf("highlighted %q, which the question did not ask about", word)
		}
	}
	if len(top.Highlights) == 0 {
		t.Error("no highlights")
	}

	before := sentenceDocs(t, lib)
	removed, err := lib.Remove(context.Background(), SharedScope, cams.ID, "tester")
	if err != nil {
		t.Fatal(err)
	}
	if got := before - sentenceDocs(t, lib); got != uint64(removed.Sentences) {
		t.Errorf("removal dropped %d sentence documents, want %d", got, removed.Sentences)
	}
	if ans := ask(t, lib, Query{Question: "how many surveillance cameras were hacked?"}); quotedFrom(ans, cams.ID) {
		t.Error("a removed source is still quoted: what a moderator took out of the library still reaches users")
	}
	if _, err := lib.Remove(context.Background(), SharedScope, cams.ID, "tester"); !errors.Is(err, ErrNotFound) {
		t.Errorf("second remove: %v, want ErrNotFound", err)
	}
	audit, err := lib.Audit(SharedScope, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(audit) != 3 || audit[2].Action != "remove" || audit[2].Actor != "tester" || audit[2].SourceID != cams.ID {
		var entries []string
		for _, e := range audit {
			entries = append(entries, e.Actor+" "+e.Action+" "+e.SourceID)
		}
		t.Errorf("audit log %q, want two adds then \"tester remove %s\": moderators cannot tell who removed a source", entries, cams.ID)
	}
}

func TestOffTopicIsNotAnswered(t *testing.T) {
	lib := openTest(t, t.TempDir(), nil)
	mustAdd(t, lib, Source{Title: "Cameras", Text: articleCameras})
	mustAdd(t, lib, Source{Title: "Hospital", Text: articleHospital})
	for _, q := range []string{"Who wrote Hamlet?", "recipe for banana bread", "", "   ", "the and of", "???"} {
		ans := ask(t, lib, Query{Question: q})
		if ans.Answered || len(ans.Quotes) != 0 {
			t.Errorf("%q: answered=%v with %d quotes, want a plain no", q, ans.Answered, len(ans.Quotes))
		}
	}
}

// A question whose words are all in the library, but spread over sources
// that each answer a different part, is not answered: no one sentence says
// anything about "hospital rain cameras", and quoting the best of the
// three would pass a fragment off as the answer.
func TestWordsSpreadOverSourcesAreNotAnswered(t *testing.T) {
	lib := openTest(t, t.TempDir(), nil)
	for _, s := range []Source{{Title: "Cameras", Text: articleCameras}, {Title: "Hospital", Text: articleHospital}, {Title: "Weather", Text: articleWeather}} {
		mustAdd(t, lib, s)
	}
	for _, q := range []string{"hospital rain cameras", "rain cameras hospital?"} {
		if ans := ask(t, lib, Query{Question: q}); ans.Answered {
			var first string
			if len(ans.Quotes) > 0 {
				first = ans.Quotes[0].Text
			}
			t.Errorf("%q answered (first quote %q): each word is in a different source, so users would be told a fragment is the answer", q, first)
		}
	}
	// Control: each part alone is answered, so the refusal above is the
	// gate's doing, not an empty library.
	if ans := ask(t, lib, Query{Question: "how many surveillance cameras were hacked?"}); !ans.Answered {
		t.Error("a question one sentence answers is not answered")
	}
}

func TestTypoTolerance(t *testing.T) {
	lib := openTest(t, t.TempDir(), nil)
	mustAdd(t, lib, Source{Title: "Cameras", Text: articleCameras})
	mustAdd(t, lib, Source{Title: "Weather", Text: articleWeather})
	ans := ask(t, lib, Query{Question: "how many survelance camras in Tehrn?"})
	if !ans.Answered || len(ans.Quotes) == 0 || !strings.Contains(ans.Quotes[0].Text, "5,000") {
		t.Fatalf("typos not tolerated: %+v", ans)
	}
	if ans.Corrected == "" {
		t.Error("the correction is not reported")
	}
}

func TestAYearAskedMustBeSaid(t *testing.T) {
	lib := openTest(t, t.TempDir(), nil)
	mustAdd(t, lib, Source{Title: "Final", Text: "Greece won the 2004 European Championship, beating Portugal 1-0 in the final in Lisbon.\nThe winning goal came from a header."})
	mustAdd(t, lib, Source{Title: "Hosts", Text: "Austria and Switzerland will host the next tournament in 2008.\nTickets go on sale in the spring."})
	mustAdd(t, lib, Source{Title: "Weather", Text: articleWeather})
	if ans := ask(t, lib, Query{Question: "who won the 2004 european championship?"}); !ans.Answered {
		t.Errorf("the year the article says: not answered: %+v", ans)
	}
	// The library speaks of 2008, but not in the article about the final.
	ans := ask(t, lib, Query{Question: "who won the 2008 european championship final?"})
	if ans.Answered {
		t.Errorf("a year the article never says: answered with %q", ans.Quotes[0].Text)
	}
	if len(ans.Quotes) == 0 {
		t.Error("the closest passages are gone with the verdict")
	}
	// A year the library never names is no evidence: news rarely names
	// its own year (none of the seeds says 2022).
	lib = openTest(t, t.TempDir(), nil)
	mustAdd(t, lib, Source{Title: "Cameras", Text: articleCameras})
	mustAdd(t, lib, Source{Title: "Weather", Text: articleWeather})
	if ans := ask(t, lib, Query{Question: "how many surveillance cameras in tehran did the group hack in 2022?"}); !ans.Answered {
		t.Errorf("a year no source names: not answered: %+v", ans)
	}
}

func TestDuplicatesRefused(t *testing.T) {
	lib := openTest(t, t.TempDir(), nil)
	first := mustAdd(t, lib, Source{Title: "Cameras", URL: "https://example.com/a", Text: articleCameras})
	tests := []struct {
		name string
		src  Source
		by   string
	}{
		{"same text", Source{Title: "Copy", Text: articleCameras + "\n"}, "text"},
		{"same text, other white space", Source{Title: "Copy", Text: strings.ReplaceAll(articleCameras, " ", "  ")}, "text"},
		{"same url", Source{Title: "Other", URL: "https://example.com/a", Text: articleHospital}, "url"},
		{"same text in a guild as a shared source", Source{Scope: "111", Text: articleCameras}, "text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := lib.Add(context.Background(), tt.src)
			var dup *DuplicateError
			if !errors.As(err, &dup) || !errors.Is(err, ErrDuplicate) {
				t.Fatalf("err = %v, want a DuplicateError", err)
			}
			if dup.Existing.ID != first.ID || dup.By != tt.by {
				t.Errorf("points at %s by %s, want %s by %s", dup.Existing.ID, dup.By, first.ID, tt.by)
			}
		})
	}
	if srcs, _ := lib.Sources(SharedScope); len(srcs) != 1 {
		t.Errorf("%d sources after refused duplicates, want 1", len(srcs))
	}
}

func TestBadSourcesRefused(t *testing.T) {
	lib := openTest(t, t.TempDir(), nil)
	tests := []struct {
		name string
		src  Source
		want error
	}{
		{"empty", Source{Text: ""}, ErrEmptyText},
		{"white space", Source{Text: " \n\t "}, ErrEmptyText},
		{"punctuation only", Source{Text: "--- ... !!!"}, ErrEmptyText},
		{"too large", Source{Text: strings.Repeat("A sentence. ", MaxTextBytes/12+1)}, ErrTooLarge},
		{"invalid UTF-8", Source{Text: "bad \xff byte."}, ErrInvalid},
		{"bad date", Source{Text: "Fine.", Published: "June 2022"}, ErrInvalid},
		{"impossible date", Source{Text: "Fine.", Published: "2022-02-30"}, ErrInvalid},
		{"bad id", Source{ID: "has space", Text: "Fine."}, ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := lib.Add(context.Background(), tt.src); !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
		})
	}
	if srcs, _ := lib.Sources(SharedScope); len(srcs) != 0 {
		t.Errorf("refused sources were stored: %d", len(srcs))
	}
}

func TestScopesAreIsolated(t *testing.T) {
	lib := openTest(t, t.TempDir(), nil)
	shared := mustAdd(t, lib, Source{Title: "Hospital", Text: articleHospital})
	a := mustAdd(t, lib, Source{Scope: "1001", Title: "Cameras", Text: articleCameras})
	q := "how many surveillance cameras were hacked?"

	if ans := ask(t, lib, Query{Question: q, Scope: "1001"}); !quotedFrom(ans, a.ID) {
		t.Error("guild A does not see its own source")
	}
	if ans := ask(t, lib, Query{Question: q, Scope: "2002"}); quotedFrom(ans, a.ID) || ans.Answered {
		t.Errorf("guild B was answered from guild A's source: %+v", ans)
	}
	if ans := ask(t, lib, Query{Question: q}); quotedFrom(ans, a.ID) {
		t.Error("the shared scope sees a guild's source")
	}
	if ans := ask(t, lib, Query{Question: "which hospital did hackers target?", Scope: "2002"}); !quotedFrom(ans, shared.ID) {
		t.Error("guild B does not see the shared source")
	}
	if _, err := lib.Remove(context.Background(), "2002", a.ID, "b-mod"); !errors.Is(err, ErrNotFound) {
		t.Errorf("guild B removing A's source: %v, want ErrNotFound", err)
	}
	if _, err := lib.Remove(context.Background(), "1001", shared.ID, "a-mod"); !errors.Is(err, ErrNotFound) {
		t.Errorf("a guild removing a shared source: %v, want ErrNotFound", err)
	}
	if _, err := lib.Source("2002", a.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("guild B reading A's source: %v", err)
	}
	srcsB, _ := lib.Sources("2002")
	for _, s := range srcsB {
		if s.ID == a.ID {
			t.Error("guild B lists A's source")
		}
	}
	// A source restricted by id from another guild is still invisible.
	if ans := ask(t, lib, Query{Question: q, Scope: "2002", SourceID: a.ID}); len(ans.Quotes) != 0 {
		t.Error("guild B got quotes by naming A's source id")
	}
}

func TestImportReplacesAndReports(t *testing.T) {
	lib := openTest(t, t.TempDir(), nil)
	ctx := context.Background()
	res, err := lib.Import(ctx, []Source{
		{ID: "a", Text: articleCameras},
		{ID: "b", Text: ""},
		{ID: "c", Text: articleWeather},
		{ID: "c", Text: articleHospital},
	}, ImportOptions{Actor: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Added != 2 || len(res.Failed) != 1 || res.Failed[0].Index != 1 || len(res.Superseded) != 1 || res.Superseded[0] != 2 {
		t.Fatalf("result %+v", res)
	}
	c, err := lib.Source(SharedScope, "c")
	if err != nil || c.Text != articleHospital {
		t.Fatalf("the later line of a repeated id did not win: %v %q", err, c.Text)
	}
	// Replacing a source with a shorter text leaves no stale sentences.
	res, err = lib.Import(ctx, []Source{{ID: "a", Text: "Only one sentence now."}}, ImportOptions{})
	if err != nil || res.Replaced != 1 {
		t.Fatalf("replace: %+v %v", res, err)
	}
	want := uint64(1 + c.Sentences)
	if got := sentenceDocs(t, lib); got != want {
		t.Errorf("%d sentence documents after replace, want %d", got, want)
	}
	if ans := ask(t, lib, Query{Question: "surveillance cameras hacked"}); quotedFrom(ans, "a") {
		t.Error("the replaced text is still quoted")
	}
}

func TestQuotesAreVerbatim(t *testing.T) {
	lib := openTest(t, t.TempDir(), nil)
	text := "The *group* said_it [hacked] `5,000` cameras — “all of them.”\nسلام دنیا cameras 🙂 hacked too."
	src := mustAdd(t, lib, Source{Title: "Marks", Text: text})
	ans := ask(t, lib, Query{Question: "cameras hacked"})
	if len(ans.Quotes) == 0 {
		t.Fatal("no quotes")
	}
	for _, q := range ans.Quotes {
		if q.Source.ID != src.ID {
			t.Errorf("quote %q cites %s, the library holds only %s", q.Text, q.Source.ID, src.ID)
			continue
		}
		CheckVerbatim(t, lib, src.ID, q.Text, "cameras hacked")
		for _, h := range q.Highlights {
			if h.Start < 0 || h.End > len(q.Text) || h.Start >= h.End {
				t.Errorf("highlight %+v out of range for %q", h, q.Text)
			}
		}
	}
}

func TestNearDuplicatesAreGrouped(t *testing.T) {
	lib := openTest(t, t.TempDir(), nil)
	a := mustAdd(t, lib, Source{Title: "A", Outlet: "Wire One", Text: "The group hacked more than 5,000 surveillance cameras in Tehran on Thursday.\nIt also posted a video."})
	b := mustAdd(t, lib, Source{Title: "B", Outlet: "Wire Two", Text: "On Thursday the group hacked more than 5,000 surveillance cameras in Tehran.\nOfficials denied it."})
	ans := ask(t, lib, Query{Question: "how many surveillance cameras were hacked in Tehran?"})
	if len(ans.Quotes) == 0 {
		t.Fatal("no quotes")
	}
	top := ans.Quotes[0]
	if len(top.AlsoReportedBy) != 1 {
		t.Fatalf("top quote %q from %s has also_reported_by %+v, want the other wire", top.Text, top.Source.ID, top.AlsoReportedBy)
	}
	other := map[string]string{a.ID: b.ID, b.ID: a.ID}[top.Source.ID]
	if top.AlsoReportedBy[0].ID != other || top.AlsoReportedBy[0].Outlet == "" || top.AlsoReportedBy[0].Quote == "" {
		t.Errorf("also reported by %+v, want %s with its outlet and quote", top.AlsoReportedBy[0], other)
	}
	for _, q := range ans.Quotes[1:] {
		if strings.Contains(q.Text, "5,000") {
			t.Errorf("the same story is quoted twice: %q", q.Text)
		}
	}
}

func TestPaging(t *testing.T) {
	lib := openTest(t, t.TempDir(), nil)
	places := []string{"the airport terminal", "a metro station in the north", "the city council chamber",
		"the main bazaar entrance", "a hospital car park", "the football stadium gates", "the central bank lobby",
		"a university library", "the national museum roof", "the railway depot yard", "a busy ring road junction"}
	var text strings.Builder
	for _, p := range places {
		text.WriteString("One camera hacked on Thursday watched " + p + ".\n")
	}
	mustAdd(t, lib, Source{Title: "Many", Text: text.String()})
	first := ask(t, lib, Query{Question: "which camera was hacked", Limit: 5})
	second := ask(t, lib, Query{Question: "which camera was hacked", Limit: 5, Offset: 5})
	if len(first.Quotes) != 5 || len(second.Quotes) == 0 || first.Total != second.Total {
		t.Fatalf("pages of %d and %d quotes, totals %d/%d", len(first.Quotes), len(second.Quotes), first.Total, second.Total)
	}
	seen := map[string]bool{}
	for _, q := range append(first.Quotes, second.Quotes...) {
		if seen[q.Text] {
			t.Errorf("quote %q on two pages", q.Text)
		}
		seen[q.Text] = true
	}
}

// TestReopenFinishesInterruptedWork simulates a crash after the store
// commit and before the index batch: the pending mark is there, the index
// is not. Opening again must make the source searchable.
func TestReopenFinishesInterruptedWork(t *testing.T) {
	dir := t.TempDir()
	lib := openTest(t, dir, nil)
	gone := mustAdd(t, lib, Source{Title: "Weather", Text: articleWeather})
	src := Source{Title: "Cameras", Text: articleCameras}
	spans, err := src.normalize()
	if err != nil {
		t.Fatal(err)
	}
	// Store the source and remove another as a crashed process would have
	// left them: committed, pending, not indexed.
	err = boltDB(t, lib).Update(func(tx *bolt.Tx) error {
		if err := putSource(tx, storedSource{Source: src, Spans: spans}, nil); err != nil {
			return err
		}
		old, _, _ := getSource(tx, gone.ID)
		if err := deleteKeys(tx, old); err != nil {
			return err
		}
		if err := tx.Bucket(bucketSources).Delete([]byte(gone.ID)); err != nil {
			return err
		}
		return putPending(tx, gone.ID, pendingOp{Remove: true, Stale: len(old.Spans)})
	})
	if err != nil {
		t.Fatal(err)
	}
	lib.Close()

	lib = openTest(t, dir, nil)
	if lib.opened.pending != 2 || lib.opened.rebuilt {
		t.Errorf("Open finished %d pending sources and rebuilt=%v; want the 2 replayed and no rebuild (a rebuild re-reads every source: minutes on a large library)",
			lib.opened.pending, lib.opened.rebuilt)
	}
	ans := ask(t, lib, Query{Question: "how many surveillance cameras were hacked?"})
	if !quotedFrom(ans, src.ID) {
		t.Error("the stored source is not searchable after reopening")
	}
	if art, n := indexed(t, lib, gone.ID); art || n > 0 {
		t.Errorf("a removed source's passages survived reopening: article indexed %v, %d passages in the index", art, n)
	}
	if n := sentenceDocs(t, lib); n != uint64(len(spans)) {
		t.Errorf("%d sentence documents, want %d", n, len(spans))
	}
	lib.Close()
	// Nothing is owed any more: the next open has nothing to do.
	if lib = openTest(t, dir, nil); lib.opened != (openReport{}) {
		t.Errorf("the second reopen did %+v; the first should have settled everything", lib.opened)
	}
}

// TestFailedCommitLeavesIndexUntouched: the store is the truth and is
// written first. When its commit fails (a full disk), the index must hold
// nothing of the source that was being added, and must still hold all of
// the one that was being removed.
func TestFailedCommitLeavesIndexUntouched(t *testing.T) {
	dir := t.TempDir()
	lib := openTest(t, dir, nil)
	ctx := context.Background()
	cams := mustAdd(t, lib, Source{Title: "Cameras", Text: articleCameras})
	diskFull := errors.New("no space left on device (injected)")
	lib.commitHook = func() error { return diskFull }

	hosp := Source{Title: "Hospital", Text: articleHospital}
	if _, err := lib.Add(ctx, hosp); !errors.Is(err, diskFull) {
		t.Fatalf("Add with a failing commit: %v, want the commit's error", err)
	}
	if _, err := lib.Import(ctx, []Source{{ID: "weather", Text: articleWeather}}, ImportOptions{}); !errors.Is(err, diskFull) {
		t.Fatalf("Import with a failing commit: %v, want the commit's error", err)
	}
	if _, err := hosp.normalize(); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{hosp.ID, "weather"} {
		if art, n := indexed(t, lib, id); art || n > 0 {
			t.Errorf("the store refused %s but the index holds its article (%v) and %d passages: users would get quotes from a source the library does not have and no list shows", id, art, n)
		}
	}
	if _, err := lib.Remove(ctx, SharedScope, cams.ID, "tester"); !errors.Is(err, diskFull) {
		t.Fatalf("Remove with a failing commit: %v, want the commit's error", err)
	}
	if art, n := indexed(t, lib, cams.ID); !art || n != uint64(cams.Sentences) {
		t.Errorf("the store kept %s but the index has its article %v and %d of %d passages: users lose answers from a source the library still lists", cams.ID, art, n, cams.Sentences)
	}

	// The store agrees, and the next open finds nothing to repair.
	lib.commitHook = nil
	if srcs, err := lib.Sources(SharedScope); err != nil || len(srcs) != 1 || srcs[0].ID != cams.ID {
		t.Errorf("sources after the failed commits: %+v, %v; want only %s", srcs, err, cams.ID)
	}
	lib.Close()
	if lib = openTest(t, dir, nil); lib.opened != (openReport{}) {
		t.Errorf("reopening after the failed commits did %+v; the index should already agree with the store", lib.opened)
	}
}

func TestReopenRebuildsLostIndex(t *testing.T) {
	for _, damage := range []string{"missing", "corrupt"} {
		t.Run(damage, func(t *testing.T) {
			dir := t.TempDir()
			lib := openTest(t, dir, nil)
			src := mustAdd(t, lib, Source{Title: "Cameras", Text: articleCameras})
			lib.Close()
			idx := filepath.Join(dir, "index", "sentences.bleve")
			if damage == "missing" {
				os.RemoveAll(filepath.Join(dir, "index"))
			} else if err := os.WriteFile(filepath.Join(idx, "index_meta.json"), []byte("{not json"), 0o600); err != nil {
				t.Fatal(err)
			}
			lib = openTest(t, dir, nil)
			if ans := ask(t, lib, Query{Question: "surveillance cameras hacked"}); !quotedFrom(ans, src.ID) {
				t.Error("not searchable after the index was rebuilt")
			}
		})
	}
}

func TestDataIsPrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	lib := openTest(t, dir, nil)
	mustAdd(t, lib, Source{Text: articleCameras})
	lib.Close()
	err := filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if perm := info.Mode().Perm(); perm&0o077 != 0 {
			t.Errorf("%s has mode %v: readable by others", path, perm)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A process killed between Bleve creating an index and the chmod that
// follows leaves the metadata world-readable; the next open settles it.
// (TestCrashSafety's privacy check caught this when a kill landed there.)
func TestReopenMakesIndexMetaPrivate(t *testing.T) {
	dir := t.TempDir()
	lib := openTest(t, dir, nil)
	lib.Close()
	meta := filepath.Join(dir, "index", "sentences.bleve", "index_meta.json")
	if err := os.Chmod(meta, 0o664); err != nil {
		t.Fatal(err)
	}
	openTest(t, dir, nil)
	info, err := os.Stat(meta)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("after reopening, %s has mode %v, want 0600: other users could read the index", meta, info.Mode().Perm())
	}
}

// TestSecondOpenIsRefused: bbolt allows one opener; a second Open of the
// same directory fails soon with a *LockedError that names the directory
// and the way to run more processes, and the directory opens again once the
// first holder closes it.
func TestSecondOpenIsRefused(t *testing.T) {
	dir := t.TempDir()
	first, err := Open(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	type result struct {
		lib *Library
		err error
	}
	done := make(chan result, 1)
	go func() {
		lib, err := Open(context.Background(), dir, Options{})
		done <- result{lib, err}
	}()
	var second result
	select {
	case second = <-done:
	case <-time.After(30 * time.Second): // a hang detector, not a speed check
		t.Fatal("second Open still waiting after 30 s: it must fail, not hang")
	}
	if second.err == nil {
		second.lib.Close()
		t.Fatal("second Open succeeded while the first holds the store")
	}
	var locked *LockedError
	if !errors.Is(second.err, ErrLocked) || !errors.As(second.err, &locked) || locked.Dir != dir {
		t.Fatalf("second Open: %v, want a *LockedError for %s", second.err, dir)
	}
	for _, want := range []string{dir, "another Sitrep process", "SITREP_DATABASE_URL", "a --data directory for each process"} {
		if !strings.Contains(second.err.Error(), want) {
			t.Errorf("error %q does not say %q", second.err, want)
		}
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	again, err := Open(context.Background(), dir, Options{})
	if err != nil {
		t.Fatalf("Open after the holder closed: %v", err)
	}
	again.Close()
}

func TestSeedsOnlyOnce(t *testing.T) {
	dir := t.TempDir()
	seeds := []Source{{ID: "seed1", Title: "Cameras", Text: articleCameras, AddedBy: "seed"}}
	lib, err := Open(context.Background(), dir, Options{Seeds: seeds})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lib.Remove(context.Background(), SharedScope, "seed1", "mod"); err != nil {
		t.Fatal(err)
	}
	lib.Close()
	lib, err = Open(context.Background(), dir, Options{Seeds: seeds})
	if err != nil {
		t.Fatal(err)
	}
	defer lib.Close()
	if srcs, _ := lib.Sources(SharedScope); len(srcs) != 0 {
		t.Errorf("a removed seed came back: %d sources", len(srcs))
	}
}

// TestScopeFilterDoesNotChangeScores guards the scope filter: it must
// filter without scoring. A zero-boost match on a norm-less field once made
// every guild answer NaN (so nothing was answered), and scope terms that
// scored would favour one scope's sources over another's.
func TestScopeFilterDoesNotChangeScores(t *testing.T) {
	lib := openTest(t, t.TempDir(), nil)
	mustAdd(t, lib, Source{Title: "Cameras", Text: articleCameras})
	mustAdd(t, lib, Source{Title: "Hospital", Text: articleHospital})
	mustAdd(t, lib, Source{Scope: "5", Title: "Weather", Text: articleWeather})
	q := "how many surveillance cameras were hacked?"
	shared := ask(t, lib, Query{Question: q})
	for _, scope := range []string{"5", "123"} {
		guild := ask(t, lib, Query{Question: q, Scope: scope})
		if !guild.Answered || len(guild.Quotes) != len(shared.Quotes) {
			t.Fatalf("scope %s: answered=%v with %d quotes; shared scope: %d", scope, guild.Answered, len(guild.Quotes), len(shared.Quotes))
		}
		for i := range guild.Quotes {
			g, s := guild.Quotes[i], shared.Quotes[i]
			if g.Text != s.Text || g.Score != s.Score {
				t.Errorf("scope %s quote %d: %q %.3f, shared scope: %q %.3f", scope, i, g.Text, g.Score, s.Text, s.Score)
			}
		}
	}
}

// segments is how many segments each index's current snapshot holds.
func segments(tb testing.TB, lib *Library) (articles, sentences int) {
	tb.Helper()
	count := func(bi bleve.Index) int {
		return len(indexReader(tb, bi).(*scorch.IndexSnapshot).Segments())
	}
	return count(lib.ix.articles), count(lib.ix.sentences)
}

func TestCompactLeavesOneSegmentAndTheSameAnswers(t *testing.T) {
	lib := openTest(t, t.TempDir(), nil)
	ctx := context.Background()
	// Bleve merges small segments as it persists them: import until each
	// index holds several.
	texts := []string{articleCameras, articleWeather, articleHospital}
	for i := 0; ; i++ {
		src := Source{ID: fmt.Sprint(i), Text: texts[i%len(texts)] + fmt.Sprintf(" Report %d.", i)}
		if _, err := lib.Import(ctx, []Source{src}, ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		if a, s := segments(t, lib); a > 1 && s > 1 {
			break
		} else if i == 200 {
			t.Fatalf("200 imports left %d article and %d sentence segments; the test needs more than one", a, s)
		}
	}
	q := Query{Question: "how many cameras were hacked?", Limit: 10}
	before := ask(t, lib, q)
	if err := lib.Compact(ctx); err != nil {
		t.Fatal(err)
	}
	if a, s := segments(t, lib); a != 1 || s != 1 {
		t.Errorf("after Compact: %d article and %d sentence segments, want 1 and 1", a, s)
	}
	after := ask(t, lib, q)
	if len(after.Quotes) == 0 || !reflect.DeepEqual(quoteTexts(before), quoteTexts(after)) || before.Answered != after.Answered {
		t.Errorf("answers changed by Compact:\nbefore %v %q\nafter  %v %q", before.Answered, quoteTexts(before), after.Answered, quoteTexts(after))
	}
	lib.Close()
	if err := lib.Compact(ctx); !errors.Is(err, ErrClosed) {
		t.Errorf("Compact after Close: %v, want ErrClosed", err)
	}
}

// TestCompactIfItPays: after a bulk import the index is merged into one
// segment (questions run faster); after a few sources joined a large
// library it is left alone, since merging would rewrite the whole index
// for a segment that costs questions next to nothing.
func TestCompactIfItPays(t *testing.T) {
	lib := openTest(t, t.TempDir(), nil)
	ctx := context.Background()
	srcs := make([]Source, 0, 3*importBatch)
	for i := range cap(srcs) {
		srcs = append(srcs, Source{ID: fmt.Sprint(i), Text: fmt.Sprintf("Report %d says the cameras were hacked on day %d.", i, i)})
	}
	if _, err := lib.Import(ctx, srcs, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := lib.CompactIfItPays(ctx); err != nil {
		t.Fatal(err)
	}
	if a, s := segments(t, lib); a != 1 || s != 1 {
		t.Fatalf("after a bulk import: %d article and %d sentence segments, want 1 and 1: questions would look every term up in each", a, s)
	}
	if _, err := lib.Import(ctx, []Source{{ID: "late", Text: "A late report says the bridge reopened."}}, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	merged, err := lib.CompactIfItPays(ctx)
	if err != nil || merged {
		t.Errorf("after one source joined %d: merged %v (%v); want the index left alone, not rewritten whole", len(srcs), merged, err)
	}
	if ans := ask(t, lib, Query{Question: "when did the bridge reopen?"}); !quotedFrom(ans, "late") {
		t.Error("the late source is not searchable")
	}
}

func TestRebuildLeavesOneSegment(t *testing.T) {
	dir := t.TempDir()
	lib := openTest(t, dir, nil)
	// More sources than one batch of the rebuild holds: each batch is a
	// segment of its own until merged.
	srcs := make([]Source, 0, 2*importBatch+100)
	for i := range cap(srcs) {
		srcs = append(srcs, Source{ID: fmt.Sprint(i), Text: fmt.Sprintf("Report %d says the cameras were hacked on day %d.", i, i)})
	}
	if _, err := lib.Import(context.Background(), srcs, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	lib.Close()
	if err := os.RemoveAll(filepath.Join(dir, "index")); err != nil {
		t.Fatal(err)
	}
	lib = openTest(t, dir, nil)
	if a, s := segments(t, lib); a != 1 || s != 1 {
		t.Errorf("after the rebuild: %d article and %d sentence segments, want 1 and 1", a, s)
	}
	last := fmt.Sprint(len(srcs) - 1)
	if ans := ask(t, lib, Query{Question: "report " + last + " cameras"}); !quotedFrom(ans, last) {
		t.Error("the last batch is not searchable after the rebuild")
	}
}

func quoteTexts(a Answer) []string {
	var out []string
	for _, q := range a.Quotes {
		out = append(out, fmt.Sprintf("%s %.6f", q.Text, q.Score))
	}
	return out
}
