package search

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

const (
	camerasV1 = "An opposition group says it hacked more than 5,000 surveillance cameras in Tehran.\nThe municipality said its website was suspended for a few minutes. Officials blamed foreign enemies."
	camerasV2 = "State television said the hackers reached only part of the camera network in Tehran.\nThe municipality said its website was suspended for a few minutes. Officials blamed foreign enemies."
)

// openVersionsTest opens a library on bbolt, or on PostgreSQL for
// "postgres" (skipped without a server).
func openVersionsTest(t *testing.T, store string, clock *testClock) *Library {
	t.Helper()
	dir := t.TempDir()
	opts := Options{Now: clock.now}
	if store == "postgres" {
		opts.DatabaseURL = pgTestURL(t)
	}
	lib, err := Open(context.Background(), dir, opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { lib.Close() })
	return lib
}

// quoteOf returns the quote of ans from source id whose text holds want.
func quoteOf(ans Answer, id, want string) (Quote, bool) {
	for _, q := range ans.Quotes {
		if q.Source.ID == id && strings.Contains(q.Text, want) {
			return q, true
		}
	}
	return Quote{}, false
}

func TestUpdateKeepsWhatWasSaid(t *testing.T) {
	for _, store := range []string{"bbolt", "postgres"} {
		t.Run(store, func(t *testing.T) {
			ctx := context.Background()
			clock := &testClock{t: time.Date(2026, 6, 13, 9, 0, 0, 0, time.UTC)}
			lib := openVersionsTest(t, store, clock)
			first := mustAdd(t, lib, Source{Scope: "g1", Title: "Cameras hacked", Outlet: "Iran International", URL: "https://example.com/cameras", Text: camerasV1, AddedBy: "mod"})
			other := mustAdd(t, lib, Source{Scope: "g2", Title: "Weather", Text: articleWeather})

			clock.t = clock.t.Add(24 * time.Hour)
			rev, err := lib.Update(ctx, first.ID, Source{Scope: "g1", Title: "Cameras hacked (updated)", Outlet: "Iran International", Text: camerasV2, AddedBy: "feed:x"})
			if err != nil {
				t.Fatalf("Update: %v", err)
			}
			if !rev.Changed || rev.Source.Version != 2 || rev.Sentences != 1 || rev.Source.ID != first.ID {
				t.Fatalf("Update = %+v; want version 2 of %s, 1 sentence changed", rev, first.ID)
			}
			if rev.Source.URL != first.URL || !rev.Source.AddedAt.Equal(first.AddedAt) || rev.Source.AddedBy != "mod" || !rev.Source.UpdatedAt.Equal(clock.t) {
				t.Errorf("the update lost the source's link, first add or adder: %+v", rev.Source)
			}

			// The old figure is still found, marked as superseded.
			ans := ask(t, lib, Query{Question: "how many cameras were hacked?", Scope: "g1"})
			old, ok := quoteOf(ans, versionID(first.ID, 1), "5,000")
			if !ok {
				t.Fatalf("the superseded figure is no longer found; a moderator loses what the outlet said first: %+v", ans.Quotes)
			}
			if old.Superseded == nil || old.Superseded.By != 2 || !old.Superseded.At.Equal(clock.t) || old.Superseded.Current != first.ID {
				t.Errorf("the old quote is not marked superseded (by version 2 at %v): %+v", clock.t, old.Superseded)
			}
			cur := ask(t, lib, Query{Question: "what did state television say about the camera network?", Scope: "g1"})
			if q, ok := quoteOf(cur, first.ID, "part of the camera network"); !ok || q.Superseded != nil {
				t.Errorf("the current text is not found as current: %+v", cur.Quotes)
			}
			// An unchanged sentence is found once, in the current version.
			same := ask(t, lib, Query{Question: "was the municipality website suspended?", Scope: "g1"})
			if _, ok := quoteOf(same, versionID(first.ID, 1), "website"); ok {
				t.Errorf("a sentence the update kept is quoted from the superseded version too: %+v", same.Quotes)
			}
			if _, ok := quoteOf(same, first.ID, "website"); !ok {
				t.Errorf("a sentence the update kept is not quoted from the current version: %+v", same.Quotes)
			}
			// Another server sees nothing of it.
			if a := ask(t, lib, Query{Question: "how many cameras were hacked?", Scope: "g2"}); quotedFrom(a, versionID(first.ID, 1)) || quotedFrom(a, first.ID) {
				t.Errorf("another server sees the source's versions: %+v", a.Quotes)
			}
			srcs, err := lib.Sources("g1")
			if err != nil || len(srcs) != 1 || srcs[0].Version != 2 {
				t.Errorf("Sources(g1) = %+v, %v; want the one source at version 2, not its old version", srcs, err)
			}

			// The same text again stores nothing.
			again, err := lib.Update(ctx, first.ID, Source{Scope: "g1", Text: camerasV2 + "\n"})
			if err != nil || again.Changed || again.Source.Version != 2 {
				t.Errorf("Update with the same text = %+v, %v; want unchanged", again, err)
			}
			// Another server cannot update it.
			if _, err := lib.Update(ctx, first.ID, Source{Scope: "g2", Text: articleWeather}); !errors.Is(err, ErrNotFound) {
				t.Errorf("Update from another server = %v; want ErrNotFound", err)
			}
			if _, err := lib.Update(ctx, other.ID, Source{Scope: "g1", Text: articleWeather + " More."}); !errors.Is(err, ErrNotFound) {
				t.Errorf("Update of another server's source = %v; want ErrNotFound", err)
			}

			// Removing the source removes its versions.
			if _, err := lib.Remove(ctx, "g1", first.ID, "mod"); err != nil {
				t.Fatal(err)
			}
			if a := ask(t, lib, Query{Question: "how many cameras were hacked?", Scope: "g1"}); quotedFrom(a, versionID(first.ID, 1)) {
				t.Errorf("a removed source's old version is still quoted: %+v", a.Quotes)
			}
			if art, n := indexed(t, lib, versionID(first.ID, 1)); art || n != 0 {
				t.Errorf("a removed source's old version is still indexed: article %v, %d sentences", art, n)
			}
		})
	}
}

// TestVersionsSurviveReopen: a reopened library neither rebuilds its index
// for the versions (their article documents count) nor loses them.
func TestVersionsSurviveReopen(t *testing.T) {
	dir, clock, first := closedWithVersion(t)
	lib := openTest(t, dir, clock)
	if lib.opened.rebuilt {
		t.Error("reopening a library with a superseded version rebuilt the whole index")
	}
	ans := ask(t, lib, Query{Question: "how many cameras were hacked?", Scope: "g1"})
	if q, ok := quoteOf(ans, versionID(first.ID, 1), "5,000"); !ok || q.Superseded == nil {
		t.Errorf("after reopening, the superseded quote is lost or unmarked: %+v", ans.Quotes)
	}
}

// TestReaddedLinkIsUpdated: adding a link the server already has stores
// its changed text as a new version and says so; the same text is
// reported unchanged; another server's copy of the link is its own.
func TestReaddedLinkIsUpdated(t *testing.T) {
	ctx := context.Background()
	clock := &testClock{t: time.Date(2026, 6, 13, 9, 0, 0, 0, time.UTC)}
	lib := openTest(t, t.TempDir(), clock)
	link := "https://example.com/cameras"
	first, rev, err := lib.AddOrUpdate(ctx, Source{Scope: "g1", Title: "Cameras", URL: link, Text: camerasV1})
	if err != nil || rev != nil || first.Version > 1 {
		t.Fatalf("first add = %+v, %+v, %v; want a plain add", first, rev, err)
	}
	cases := []struct {
		name        string
		scope, text string
		wantChanged bool
		wantVersion int
		wantSame    bool // the same source as first
	}{
		{"the same text again", "g1", camerasV1, false, 1, true},
		{"the outlet's update", "g1", camerasV2, true, 2, true},
		{"the update again", "g1", camerasV2, false, 2, true},
		{"another server", "g2", camerasV2, false, 0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			clock.t = clock.t.Add(time.Hour)
			got, rev, err := lib.AddOrUpdate(ctx, Source{Scope: c.scope, Title: "Cameras", URL: link, Text: c.text})
			if err != nil {
				t.Fatalf("AddOrUpdate: %v", err)
			}
			if !c.wantSame {
				if rev != nil || got.ID == first.ID {
					t.Errorf("another server's add of the link changed this server's source: %+v, %+v", got, rev)
				}
				return
			}
			if rev == nil || rev.Changed != c.wantChanged || got.ID != first.ID || max(got.Version, 1) != c.wantVersion {
				t.Errorf("AddOrUpdate = %+v, %+v; want changed %v at version %d: the moderator is told the wrong thing", got, rev, c.wantChanged, c.wantVersion)
			}
		})
	}
	if srcs, _ := lib.Sources("g1"); len(srcs) != 1 {
		t.Errorf("re-adding a link made %d sources; want 1", len(srcs))
	}
}

// TestUpdateAfterImportReplaced: an import that replaced a versioned
// source in place (its Version reset) does not make the next update
// overwrite a version kept earlier.
func TestUpdateAfterImportReplaced(t *testing.T) {
	ctx := context.Background()
	clock := &testClock{t: time.Date(2026, 6, 13, 9, 0, 0, 0, time.UTC)}
	lib := openTest(t, t.TempDir(), clock)
	s := mustAdd(t, lib, Source{ID: "cams", Scope: "g1", Title: "Cameras", Text: camerasV1})
	if _, err := lib.Update(ctx, s.ID, Source{Scope: "g1", Text: camerasV2}); err != nil {
		t.Fatal(err)
	}
	if _, err := lib.Import(ctx, []Source{{ID: "cams", Scope: "g1", Title: "Cameras", Text: articleWeather}}, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	rev, err := lib.Update(ctx, s.ID, Source{Scope: "g1", Text: articleHospital})
	if err != nil || rev.Source.Version != 3 {
		t.Fatalf("Update after an import = %+v, %v; want version 3", rev, err)
	}
	first := ask(t, lib, Query{Question: "how many cameras were hacked?", Scope: "g1"})
	if _, ok := quoteOf(first, versionID(s.ID, 1), "5,000"); !ok {
		t.Errorf("the first version was overwritten by a later one: %+v", first.Quotes)
	}
}

// TestPreferCurrent: at an equal score the current text's quote leads; a
// better-scoring superseded quote keeps its place.
func TestPreferCurrent(t *testing.T) {
	old := &Superseded{By: 2, Current: "a"}
	cand := func(id string, score float64, sup *Superseded) candidate {
		return candidate{source: id, score: score, ref: Ref{ID: id, superseded: sup}}
	}
	cases := []struct {
		name string
		in   []candidate
		want []string
	}{
		{"tie", []candidate{cand("a~v1", 2, old), cand("a", 2, nil), cand("b", 1, nil)}, []string{"a", "a~v1", "b"}},
		{"two superseded before a current", []candidate{cand("a~v1", 2, old), cand("a~v2", 2, old), cand("a", 2, nil)}, []string{"a", "a~v1", "a~v2"}},
		{"better superseded", []candidate{cand("a~v1", 3, old), cand("a", 2, nil)}, []string{"a~v1", "a"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sortCandidates(c.in)
			var got []string
			for _, x := range c.in {
				got = append(got, x.source)
			}
			if strings.Join(got, " ") != strings.Join(c.want, " ") {
				t.Errorf("order %v; want %v: a member would read the outlet's earlier word first", got, c.want)
			}
		})
	}
}

// TestPGVersionReachesTheOtherProcess: an update made by one process
// reaches the other's index by the change sequence: there too the old
// figure is found, marked superseded, and an unchanged sentence only once;
// removing the source removes its version there as well.
func TestPGVersionReachesTheOtherProcess(t *testing.T) {
	dsn := pgTestURL(t)
	ctx := context.Background()
	a := openPGTest(t, t.TempDir(), dsn)
	b := openPGTest(t, t.TempDir(), dsn)
	s := mustAdd(t, a, Source{Title: "Cameras", Text: camerasV1, Scope: "1"})
	if _, err := b.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Update(ctx, s.ID, Source{Scope: "1", Text: camerasV2}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	ans := ask(t, b, Query{Question: "how many cameras were hacked?", Scope: "1"})
	if q, ok := quoteOf(ans, versionID(s.ID, 1), "5,000"); !ok || q.Superseded == nil {
		t.Errorf("the other process lost or did not mark the superseded figure: %+v", ans.Quotes)
	}
	same := ask(t, b, Query{Question: "was the municipality website suspended?", Scope: "1"})
	if _, ok := quoteOf(same, versionID(s.ID, 1), "website"); ok {
		t.Errorf("the other process quotes a kept sentence from the superseded version: %+v", same.Quotes)
	}
	if _, err := a.Remove(ctx, "1", s.ID, "mod"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if art, n := indexed(t, b, versionID(s.ID, 1)); art || n != 0 {
		t.Errorf("the other process still indexes a removed source's version: article %v, %d sentences", art, n)
	}
}

// TestVersionsIndexedForOldStores: a store written before the versions
// bucket gets it filled once on open, so its earlier versions still count
// and the index is not rebuilt on every open.
func TestVersionsIndexedForOldStores(t *testing.T) {
	dir, clock, _ := closedWithVersion(t)
	db, err := bolt.Open(filepath.Join(dir, "library.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *bolt.Tx) error {
		if err := tx.DeleteBucket(bucketVersions); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Delete(metaVersions)
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	for range 2 {
		lib := openTest(t, dir, clock)
		if lib.opened.rebuilt {
			t.Error("a store from before the versions bucket rebuilt the whole index on open: its earlier versions went uncounted")
		}
		lib.Close()
	}
}

// closedWithVersion writes a library whose source has an earlier version
// kept, closes it, and returns its directory, clock and source.
func closedWithVersion(t *testing.T) (string, *testClock, Source) {
	t.Helper()
	dir := t.TempDir()
	clock := &testClock{t: time.Date(2026, 6, 13, 9, 0, 0, 0, time.UTC)}
	lib := openTest(t, dir, clock)
	first := mustAdd(t, lib, Source{Scope: "g1", Title: "Cameras hacked", Text: camerasV1})
	if _, err := lib.Update(context.Background(), first.ID, Source{Scope: "g1", Text: camerasV2}); err != nil {
		t.Fatal(err)
	}
	lib.Close()
	return dir, clock, first
}
