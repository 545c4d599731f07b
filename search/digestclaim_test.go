package search

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// TestDigestClaimLease: two processes on one PostgreSQL library (and a
// restart of one of them) claim a server's digest of a day. Each step says
// who may post and with what progress; a process that died holding the
// claim loses the day only for the lease, and whoever takes over gets the
// progress it recorded.
func TestDigestClaimLease(t *testing.T) {
	dsn := pgTestURL(t)
	dirA := t.TempDir()
	a := openPGTest(t, dirA, dsn)
	b := openPGTest(t, t.TempDir(), dsn)
	const scope, day = "1", "2026-06-10"
	t0 := time.Date(2026, 6, 10, 9, 0, 0, 0, time.UTC)

	claim := func(l *Library, at time.Duration, want bool, wantProgress string) {
		t.Helper()
		c, ok, err := l.ClaimDigest(scope, day, t0.Add(at))
		if err != nil {
			t.Fatal(err)
		}
		if ok != want || string(c.Progress) != wantProgress {
			t.Errorf("claim at +%v = %v with progress %q; want %v with %q", at, ok, c.Progress, want, wantProgress)
		}
	}
	claim(a, 0, true, "")
	claim(b, time.Minute, false, "") // a holds it: b must not post
	if err := a.SaveDigestProgress(scope, day, t0.Add(2*time.Minute), []byte("part 1 sent")); err != nil {
		t.Fatal(err)
	}
	claim(b, 6*time.Minute, false, "part 1 sent")                                         // a's renewed lease runs to +7m
	claim(a, 6*time.Minute, false, "part 1 sent")                                         // nor twice by its holder
	claim(b, 7*time.Minute, true, "part 1 sent")                                          // a went quiet: b takes over, with a's progress
	err := a.SaveDigestProgress(scope, day, t0.Add(8*time.Minute), []byte("part 2 sent")) // a must stop
	if !errors.Is(err, ErrDigestClaimLost) {
		t.Errorf("the old holder saved progress after a takeover: %v; want ErrDigestClaimLost", err)
	}
	if err := b.ReleaseDigest(scope, day); err != nil { // b's post failed
		t.Fatal(err)
	}
	claim(a, 8*time.Minute, true, "part 1 sent") // released: claimed at once

	// a dies holding the claim; restarted on its data directory, it takes
	// the claim over at once (its predecessor is gone), others still wait.
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	claim(b, 9*time.Minute, false, "part 1 sent")
	restarted := openPGTest(t, dirA, dsn)
	claim(restarted, 9*time.Minute, true, "part 1 sent")

	// Many processes racing for a new day: one wins.
	libs := []*Library{b, restarted}
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for k := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, ok, err := libs[k%2].ClaimDigest(scope, "2026-06-11", t0.Add(24*time.Hour))
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				wins++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if wins != 1 {
		t.Errorf("%d claims of one day's digest won; want exactly 1", wins)
	}
}

// TestDigestClaimFromBeforeLeases: a claim stored by a version without
// leases (bbolt: the time alone) reads as run out, so a process that died
// between such a claim and its post does not lose the day.
func TestDigestClaimFromBeforeLeases(t *testing.T) {
	dir := t.TempDir()
	lib, err := Open(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	lib.Close()
	db, err := bolt.Open(filepath.Join(dir, "library.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketDigestClaims).Put(scopedKey("1", "2026-06-10"), []byte("2026-06-10T09:00:00Z"))
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	lib, err = Open(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer lib.Close()
	if _, ok, err := lib.ClaimDigest("1", "2026-06-10", time.Date(2026, 6, 10, 9, 30, 0, 0, time.UTC)); !ok || err != nil {
		t.Errorf("a claim from before leases blocks the day: %v, %v", ok, err)
	}
	if fi, err := os.Stat(filepath.Join(dir, instanceFile)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("instance id file: %v, %v; want it private (0600)", fi, err)
	}
}
