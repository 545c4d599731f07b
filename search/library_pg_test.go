package search

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"sitrep/internal/pgtest"
)

func openPGTest(tb testing.TB, dir, dsn string) *Library {
	tb.Helper()
	lib, err := Open(context.Background(), dir, Options{DatabaseURL: dsn, Seeds: []Source{{Title: "Seed", Text: articleHospital}}})
	if err != nil {
		tb.Fatalf("Open with PostgreSQL: %v", err)
	}
	tb.Cleanup(func() { lib.Close() })
	return lib
}

func quoteIDs(ans Answer) []string {
	var out []string
	for _, q := range ans.Quotes {
		out = append(out, q.Source.ID+"|"+q.Text)
	}
	return out
}

// TestPGTwoProcessesShareTheLibrary: two libraries on one PostgreSQL
// database with their own data directories, as two processes: the second
// builds its index from the store and answers as the first; each change
// one makes reaches the other's index on CatchUp; a restart with its
// index kept catches up without a rebuild.
func TestPGTwoProcessesShareTheLibrary(t *testing.T) {
	dsn := pgTestURL(t)
	ctx := context.Background()
	a := openPGTest(t, t.TempDir(), dsn)
	cams := mustAdd(t, a, Source{Title: "Cameras", Text: articleCameras, Scope: "1"})
	q := Query{Question: "How many cameras were hacked?", Scope: "1"}
	want := ask(t, a, q)
	if !quotedFrom(want, cams.ID) {
		t.Fatalf("the writer's own answer does not quote its source: %+v", want.Quotes)
	}

	dirB := t.TempDir()
	b := openPGTest(t, dirB, dsn)
	if !b.opened.rebuilt {
		t.Error("a fresh data directory was not built from the store")
	}
	if got := ask(t, b, q); len(got.Quotes) == 0 || quoteIDs(got)[0] != quoteIDs(want)[0] {
		t.Errorf("second process answers %q; want %q", quoteIDs(got), quoteIDs(want))
	}
	if srcs, _ := b.Sources("1"); len(srcs) != 2 {
		t.Errorf("second process sees %d sources; want the seed (added once) and the guild's", len(srcs))
	}
	if ans := ask(t, b, Query{Question: "How many cameras were hacked?", Scope: "2"}); quotedFrom(ans, cams.ID) {
		t.Error("another guild sees guild 1's source")
	}

	// A change by one reaches the other.
	weather := mustAdd(t, b, Source{Title: "Weather", Text: articleWeather, Scope: "1"})
	if n, _ := a.IndexLag(); n == 0 {
		t.Error("IndexLag of the first process is 0 with a change it has not applied")
	}
	if n, err := a.CatchUp(ctx); n == 0 || err != nil {
		t.Fatalf("CatchUp = %d, %v", n, err)
	}
	if n, err := a.IndexLag(); n != 0 || err != nil {
		t.Errorf("IndexLag after CatchUp = %d, %v", n, err)
	}
	rain := Query{Question: "Which districts flooded?", Scope: "1"}
	if ans := ask(t, a, rain); !quotedFrom(ans, weather.ID) {
		t.Errorf("the first process does not find what the second added: %+v", ans.Quotes)
	}
	if _, err := a.Remove(ctx, "1", weather.ID, "mod"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if ans := ask(t, b, rain); quotedFrom(ans, weather.ID) {
		t.Error("the second process still quotes a source the first removed")
	}

	// Restart the second with its index: caught up, not rebuilt.
	b.Close()
	mustAdd(t, a, Source{Title: "Council", Text: articleCouncil, Scope: "1"})
	b = openPGTest(t, dirB, dsn)
	if b.opened.rebuilt || b.opened.pending == 0 {
		t.Errorf("reopen: rebuilt=%v, caught up %d changes; want a catch-up, no rebuild", b.opened.rebuilt, b.opened.pending)
	}
	if got, want := ask(t, b, q), ask(t, a, q); quoteIDs(got)[0] != quoteIDs(want)[0] {
		t.Errorf("after the restart: %q; want %q", quoteIDs(got), quoteIDs(want))
	}
	if err := b.CheckIndex(); err != nil {
		t.Errorf("CheckIndex: %v", err)
	}
}

// TestPGWatchChanges: a process running WatchChanges finds a source
// another process added as soon as PostgreSQL notifies it, before its
// polling fallback (a catch-up watchPoll after the last) could have
// brought it; and again after its listening connection was cut (it
// listens anew and catches up by change sequence). The bound is the poll's
// interval, not a guess at how fast a machine is: by polling alone, a
// change made after the watcher's first catch-up is found watchPoll after
// that catch-up at the earliest, and that catch-up came after started.
func TestPGWatchChanges(t *testing.T) {
	dsn := pgTestURL(t)
	a := openPGTest(t, t.TempDir(), dsn)
	b := openPGTest(t, t.TempDir(), dsn)
	// A change b has not applied yet: the watcher's first catch-up shows.
	mustAdd(t, a, Source{Title: "Council", Text: articleCouncil, Scope: "1"})
	started := time.Now()
	watchChanges(t, b)
	pollDue := started.Add(watchPoll)
	for {
		n, err := b.IndexLag()
		if err == nil && n == 0 {
			break
		}
		if time.Now().After(pollDue) {
			t.Fatalf("the watcher has not applied a change made before it started after %v (lag %d, %v): a process that was down never finds the sources added meanwhile", watchPoll, n, err)
		}
		time.Sleep(10 * time.Millisecond)
	}

	// found waits until b quotes source id, and fails the test if that
	// takes until the poll was due.
	found := func(q Query, id, after string) time.Duration {
		t.Helper()
		added := time.Now()
		for {
			ok := quotedFrom(ask(t, b, q), id)
			if now := time.Now(); now.Before(pollDue) {
				if ok {
					return now.Sub(added)
				}
			} else {
				t.Fatalf("%s, the watching process did not find source %s before its poll every %v could bring it: without notifications, members on other processes wait up to %v for a source a moderator just added",
					after, id, watchPoll, watchPoll)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	cams := mustAdd(t, a, Source{Title: "Cameras", Text: articleCameras, Scope: "1"})
	t.Logf("followed an add in %v", found(Query{Question: "How many cameras were hacked?", Scope: "1"}, cams.ID, "once another process added it"))

	// Cut the follower's connection, as a database restart or a network
	// failure would.
	conn, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var cut int
	err = conn.QueryRow(context.Background(), `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND query LIKE 'LISTEN%'`).Scan(&cut)
	if err != nil || cut == 0 {
		t.Fatalf("terminated %d listening connections (%v): the watcher does not LISTEN, so it learns of changes only by polling", cut, err)
	}
	weather := mustAdd(t, a, Source{Title: "Weather", Text: articleWeather, Scope: "1"})
	t.Logf("followed an add after a cut connection in %v", found(Query{Question: "Which districts flooded?", Scope: "1"}, weather.ID, "after its listening connection was cut"))
}

// TestPGSameDataTwiceIsRefused: with PostgreSQL each process needs its own
// --data; a second one on the same directory fails at once with a
// *LockedError that says so, and the first keeps its index.
func TestPGSameDataTwiceIsRefused(t *testing.T) {
	dsn := pgTestURL(t)
	dir := t.TempDir()
	a := openPGTest(t, dir, dsn)
	cams := mustAdd(t, a, Source{Title: "Cameras", Text: articleCameras})
	_, err := Open(context.Background(), dir, Options{DatabaseURL: dsn})
	var locked *LockedError
	if !errors.As(err, &locked) || !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open on the same --data = %v; want a *LockedError", err)
	}
	for _, want := range []string{dir, "SITREP_DATABASE_URL", "a --data directory for each process"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error does not say %q: %v", want, err)
		}
	}
	if !quotedFrom(ask(t, a, Query{Question: "How many cameras were hacked?"}), cams.ID) {
		t.Error("the first process lost its index")
	}
}

// TestPGServerStopAndStart: while the database server is down, CheckStore
// fails and writes fail without harm; once it is back, CheckStore passes,
// WatchChanges has listened again, and a change made then reaches the
// watcher.
func TestPGServerStopAndStart(t *testing.T) {
	srv := pgtest.NewServer(t)
	dsn := srv.NewDatabase(t)
	a := openPGTest(t, t.TempDir(), dsn)
	b := openPGTest(t, t.TempDir(), dsn)
	watchChanges(t, b)
	if err := b.CheckStore(); err != nil {
		t.Fatalf("CheckStore with the server up: %v", err)
	}
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := b.CheckStore(); err == nil {
		t.Error("CheckStore passes with the server stopped")
	}
	if _, err := a.Add(context.Background(), Source{Title: "Lost", Text: articleWeather, Scope: "1"}); err == nil {
		t.Error("Add succeeded with the server stopped")
	}
	startCtx, stop := context.WithTimeout(context.Background(), time.Minute)
	defer stop()
	if err := srv.Start(startCtx); err != nil {
		t.Fatal(err)
	}
	// A connection the pool held from before the restart fails on its
	// first use and is dropped (pgx pings only connections idle over a
	// second): health is polled, so "back" means within a few seconds.
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		err := b.CheckStore()
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("CheckStore 5 s after the server is back: %v", err)
		}
	}
	cams := mustAdd(t, a, Source{Title: "Cameras", Text: articleCameras, Scope: "1"})
	deadline := time.Now().Add(5 * time.Second)
	for !quotedFrom(ask(t, b, Query{Question: "How many cameras were hacked?", Scope: "1"}), cams.ID) {
		if time.Now().After(deadline) {
			t.Fatal("the follower did not find a source added after the restart within 5 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	srcs, err := b.Sources("1")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range srcs {
		if s.Title == "Lost" {
			t.Error("the add that failed while the server was down was stored")
		}
	}
}

// watchChanges runs lib.WatchChanges until the test ends (before lib closes: cleanups
// run last-in first-out).
func watchChanges(t *testing.T, lib *Library) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- lib.WatchChanges(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("WatchChanges = %v", err)
		}
	})
}

// TestPGShardIndexesItsServers: a process given IndexScope (a shard)
// indexes the shared library and its own servers only, whether it builds
// its index from the store or catches up; it answers its servers as a
// process indexing everything does.
func TestPGShardIndexesItsServers(t *testing.T) {
	dsn := pgTestURL(t)
	a := openPGTest(t, t.TempDir(), dsn)
	own := mustAdd(t, a, Source{Title: "Cameras", Text: articleCameras, Scope: "1"})
	mustAdd(t, a, Source{Title: "Weather", Text: articleWeather, Scope: "2"})
	openShard := func(dir, guild string) *Library {
		lib, err := Open(context.Background(), dir, Options{DatabaseURL: dsn,
			IndexScope: func(scope string) bool { return scope == guild }, IndexScopeName: "guild " + guild})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { lib.Close() })
		return lib
	}
	indexed := func(lib *Library) uint64 {
		n, err := lib.ix.articles.DocCount()
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	shardDir := t.TempDir()
	shard := openShard(shardDir, "1")
	if n := indexed(shard); n != 2 {
		t.Errorf("the shard built an index of %d articles; want 2 (the seed and its server's)", n)
	}
	q := Query{Question: "How many cameras were hacked?", Scope: "1"}
	if got, want := ask(t, shard, q), ask(t, a, q); !quotedFrom(got, own.ID) || quoteIDs(got)[0] != quoteIDs(want)[0] {
		t.Errorf("the shard answers %q; want %q", quoteIDs(got), quoteIDs(want))
	}
	mustAdd(t, a, Source{Title: "Council", Text: articleCouncil, Scope: "2"})
	council := mustAdd(t, a, Source{Title: "Council", Text: articleCouncil, Scope: "1"})
	if _, err := shard.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := indexed(shard); n != 3 {
		t.Errorf("after catching up the shard indexes %d articles; want 3", n)
	}
	if !quotedFrom(ask(t, shard, Query{Question: "Who did the head of the city council blame?", Scope: "1"}), council.ID) {
		t.Error("the shard does not find its server's new source")
	}
	if n := indexed(a); n != 5 {
		t.Errorf("the unsharded process indexes %d articles; want all 5", n)
	}

	// Resharded: the same directory now serves guild 2, whose sources
	// the old index never held. It is rebuilt, not caught up.
	shard.Close()
	shard = openShard(shardDir, "2")
	if !shard.opened.rebuilt || indexed(shard) != 3 {
		t.Errorf("reopened for another guild: rebuilt=%v, %d articles; want a rebuild with the seed and guild 2's two", shard.opened.rebuilt, indexed(shard))
	}
}

// TestPGWritersTakeTurns: while one process has a write transaction open,
// another's waits on the writers' lock and runs only once the first has
// committed. Without the turn, change numbers drawn in one order commit in
// another, and a process whose index caught up past a number never
// applies the change that committed under it later. The check is
// PostgreSQL's own word that the second writer waits (pg_stat_activity),
// not a delay.
func TestPGWritersTakeTurns(t *testing.T) {
	dsn := pgTestURL(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	open := func() *pgStore {
		s, err := openPG(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	first, second := open(), open()
	holding, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	free := func() { once.Do(func() { close(release) }) }
	defer free() // before the stores close: a pool waits for its connections
	firstDone := make(chan error, 1)
	go func() {
		firstDone <- first.Update(ctx, func(storeTx) error { close(holding); <-release; return nil })
	}()
	select {
	case <-holding:
	case err := <-firstDone:
		t.Fatalf("the first write transaction ended before it was held: %v", err)
	}
	entered := make(chan struct{})
	secondDone := make(chan error, 1)
	go func() {
		secondDone <- second.Update(ctx, func(storeTx) error { close(entered); return nil })
	}()

	watch, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer watch.Close(context.Background())
	for waiting := 0; waiting == 0; {
		select {
		case <-entered:
			t.Fatal("a second process's write transaction ran while another's was open: change numbers can commit out of order, and a process that caught up past one never indexes its source, which members on that process then never find")
		case <-ctx.Done():
			t.Fatalf("the second writer neither ran nor waited on the writers' lock: %v", ctx.Err())
		case <-time.After(10 * time.Millisecond):
		}
		err := watch.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = 'advisory'`).Scan(&waiting)
		if err != nil {
			t.Fatal(err)
		}
	}
	free()
	if err := <-firstDone; err != nil {
		t.Fatalf("the first write: %v", err)
	}
	if err := <-secondDone; err != nil {
		t.Fatalf("the second write, after the first committed: %v", err)
	}
	select {
	case <-entered:
	default:
		t.Fatal("the second write returned without running")
	}
}
