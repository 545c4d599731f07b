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

// withParam adds a query parameter to a database URL.
func withParam(dsn, kv string) string {
	if strings.Contains(dsn, "?") {
		return dsn + "&" + kv
	}
	return dsn + "?" + kv
}

// TestPGSessionLimits: every pooled connection starts with the lock,
// statement and idle-in-transaction limits, and a limit set in the
// database URL wins.
func TestPGSessionLimits(t *testing.T) {
	dsn := pgTestURL(t)
	tests := []struct {
		name, dsn string
		want      map[string]string
	}{
		{"defaults", dsn, map[string]string{"lock_timeout": "10s", "statement_timeout": "1min", "idle_in_transaction_session_timeout": "1min"}},
		{"from the URL", withParam(dsn, "lock_timeout=3s"), map[string]string{"lock_timeout": "3s", "statement_timeout": "1min"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, err := openPG(context.Background(), tc.dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			for name, want := range tc.want {
				var got string
				if err := st.pool.QueryRow(context.Background(), "SHOW "+name).Scan(&got); err != nil {
					t.Fatal(err)
				}
				if got != want {
					t.Errorf("%s = %q on a pooled connection, want %q: a stuck process could stall every writer", name, got, want)
				}
			}
		})
	}
}

// TestPGHeldLockIsAClearError: while another process holds the write lock
// and does nothing, each kind of write (a source, a digest, a follow-up, a
// feed) fails with ErrStoreBusy, saying nothing was written, instead of
// waiting for ever; once the lock is free the same writes land.
func TestPGHeldLockIsAClearError(t *testing.T) {
	dsn := pgTestURL(t)
	lib := openPGTest(t, t.TempDir(), dsn)
	writes := []struct {
		name  string
		write func() error
	}{
		{"/source add", func() error {
			_, err := lib.Add(context.Background(), Source{Title: "Cameras", Text: articleCameras, Scope: "1"})
			return err
		}},
		{"the digest's record", func() error { return lib.MarkDigestPosted("1", "2026-06-10", time.Now()) }},
		{"a follow-up", func() error { return lib.QueueFollowUps("1", "s1") }},
		{"/feed add", func() error {
			_, err := lib.AddFeed(Feed{Scope: "1", URL: "http://127.0.0.1/feed.xml", Title: "Feed"})
			return err
		}},
	}
	lockCtx, release := context.WithCancel(context.Background())
	t.Run("held", func(t *testing.T) {
		conn, err := pgx.Connect(lockCtx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(context.Background())
		tx, err := conn.Begin(lockCtx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(lockCtx, "SELECT pg_advisory_xact_lock($1)", lockWrite); err != nil {
			t.Fatal(err)
		}
		errs := make([]error, len(writes))
		took := make([]time.Duration, len(writes))
		var wg sync.WaitGroup
		for k, w := range writes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				start := time.Now()
				errs[k] = w.write()
				took[k] = time.Since(start)
			}()
		}
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(90 * time.Second):
			// Not a speed check: without a limit the writers never return.
			t.Fatal("writers still wait 90 s behind a lock another process holds: digests, feeds, follow-ups and /source add stall on every shard")
		}
		for k, w := range writes {
			var busy *StoreBusyError
			switch {
			case !errors.Is(errs[k], ErrStoreBusy) || !errors.As(errs[k], &busy):
				t.Errorf("%s behind a held lock: %v; want ErrStoreBusy", w.name, errs[k])
			case busy.MayHaveWritten || !strings.Contains(errs[k].Error(), "nothing was written"):
				t.Errorf("%s: %v: the user is not told nothing was written", w.name, errs[k])
			case !strings.Contains(busy.UserMessage(), "Nothing was changed"):
				t.Errorf("%s: user message %q", w.name, busy.UserMessage())
			}
			t.Logf("%s gave up after %v: %v", w.name, took[k].Round(100*time.Millisecond), errs[k])
		}
	})
	release()
	for _, w := range writes {
		if err := w.write(); err != nil {
			t.Errorf("%s once the lock is free: %v", w.name, err)
		}
	}
	if srcs, _ := lib.Sources("1"); len(srcs) != 2 {
		t.Errorf("%d sources visible after the retry, want the seed and the one added", len(srcs))
	}
}

// TestPGStoppedWriterIsEnded: a process stopped in the middle of a write
// (SIGSTOP, a frozen host) holds the write lock only until the server ends
// its idle transaction; then other writers go on, and its own write fails
// without leaving anything behind.
func TestPGStoppedWriterIsEnded(t *testing.T) {
	dsn := pgTestURL(t)
	lib := openPGTest(t, t.TempDir(), dsn)
	// The stopped process's limit, short for the test (60 s by default).
	stopped, err := openPG(context.Background(), withParam(dsn, "idle_in_transaction_session_timeout=1s"))
	if err != nil {
		t.Fatal(err)
	}
	defer stopped.Close()
	inside, resume := make(chan struct{}), make(chan struct{})
	stoppedErr := make(chan error, 1)
	go func() {
		stoppedErr <- stopped.Update(context.Background(), func(tx storeTx) error {
			close(inside)
			<-resume // the process is stopped here, the lock held
			return tx.PutMeta("stopped-writer", []byte("x"))
		})
	}()
	<-inside
	if err := lib.QueueFollowUps("1", "s1"); err != nil {
		t.Errorf("a writer behind a stopped process: %v; want its write to land once the server ended the stopped transaction", err)
	}
	close(resume)
	if err := <-stoppedErr; err == nil {
		t.Error("the stopped process's write succeeded after the server ended its transaction")
	}
	v, err := read(context.Background(), lib.st, func(tx storeTx) ([]byte, error) { return tx.Meta("stopped-writer") })
	if err != nil || v != nil {
		t.Errorf("the stopped process's write left %q (%v)", v, err)
	}
	if jobs, err := lib.FollowUpJobs(); err != nil || len(jobs) != 1 {
		t.Errorf("follow-up jobs %v (%v), want the one queued", jobs, err)
	}
}

// restartServer stops and starts srv, with every connection lib's pool
// held before (n of them) still in the pool, dead.
func restartServer(t *testing.T, srv *pgtest.Server, lib *Library, n int) {
	t.Helper()
	st := lib.st.(*pgStore)
	ctx := context.Background()
	var conns []interface{ Release() }
	for range n {
		c, err := st.pool.Acquire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	for _, c := range conns {
		c.Release()
	}
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	startCtx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := srv.Start(startCtx); err != nil {
		t.Fatal(err)
	}
}

// TestPGReadsSurviveRestart: after the database server restarts, the
// first read of each kind succeeds: the pool's connections from before are
// dead, and the read is tried again on a fresh one instead of failing
// (a /ask, a digest or /feed list failing once per pooled connection).
func TestPGReadsSurviveRestart(t *testing.T) {
	srv := pgtest.NewServer(t)
	lib := openPGTest(t, t.TempDir(), srv.NewDatabase(t))
	reads := []struct {
		name string
		read func() error
	}{
		{"sources", func() error { _, err := lib.Sources("1"); return err }},
		{"follow-up queue", func() error { _, err := lib.FollowUpJobs(); return err }},
		{"digest settings", func() error { _, err := lib.AllDigestSettings(); return err }},
		{"feeds", func() error { _, err := lib.AllFeeds(); return err }},
		{"questions", func() error { _, err := lib.Questions("1", time.Time{}); return err }},
		{"store health (change log)", lib.CheckStore},
	}
	for _, r := range reads {
		restartServer(t, srv, lib, 4)
		if err := r.read(); err != nil {
			t.Errorf("%s, first read after a restart: %v", r.name, err)
		}
	}
}

// TestPGWriteLandsOrSays: around a database restart a write either lands
// whole or returns an error and leaves nothing: the first write after a
// restart lands; a write whose server stops before its commit fails, and
// none of it (source, catalog, audit) is stored; written again, it is
// stored once.
func TestPGWriteLandsOrSays(t *testing.T) {
	srv := pgtest.NewServer(t)
	lib := openPGTest(t, t.TempDir(), srv.NewDatabase(t))

	restartServer(t, srv, lib, 4)
	if err := lib.QueueFollowUps("1", "after-restart"); err != nil {
		t.Errorf("first write after a restart: %v", err)
	}
	if jobs, _ := lib.FollowUpJobs(); len(jobs) != 1 {
		t.Errorf("%d follow-up jobs after the write, want 1", len(jobs))
	}

	src := Source{Title: "Cameras", Text: articleCameras, Scope: "1"}
	lib.commitHook = func() error { return srv.Stop() }
	_, err := lib.Add(context.Background(), src)
	lib.commitHook = nil
	if err == nil {
		t.Fatal("Add returned no error though the server stopped before its commit")
	}
	startCtx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := srv.Start(startCtx); err != nil {
		t.Fatal(err)
	}
	srcs, err := lib.Sources("1")
	if err != nil {
		t.Fatal(err)
	}
	audit, err := lib.Audit("1", false)
	if err != nil {
		t.Fatal(err)
	}
	if len(srcs) != 1 || len(audit) != 0 {
		t.Errorf("after a failed write: %d sources (want the seed alone), %d audit entries (want 0): half a write was stored", len(srcs), len(audit))
	}
	added, err := lib.Add(context.Background(), src)
	if err != nil {
		t.Fatalf("the same write again: %v", err)
	}
	if srcs, _ = lib.Sources("1"); len(srcs) != 2 {
		t.Errorf("%d sources after writing again, want 2", len(srcs))
	}
	if got := quotedFrom(ask(t, lib, Query{Question: "How many cameras were hacked?", Scope: "1"}), added.ID); !got {
		t.Error("the source written again is not answerable")
	}
}
