package search

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"
)

// TestAddReturnsWhatWasStored pins Add's result: the source as stored,
// AddedAt included, so a caller can show when it landed without reading it
// back.
func TestAddReturnsWhatWasStored(t *testing.T) {
	at := time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)
	lib := openTest(t, t.TempDir(), &testClock{t: at})
	got := mustAdd(t, lib, Source{Title: "Cameras", Text: articleCameras})
	if !got.AddedAt.Equal(at) {
		t.Errorf("Add returned AddedAt %v, want %v", got.AddedAt, at)
	}
	stored, err := lib.Source(SharedScope, got.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !stored.AddedAt.Equal(got.AddedAt) || stored.Hash != got.Hash || stored.Sentences != got.Sentences || got.Sentences == 0 {
		t.Errorf("Add returned %+v, the store holds %+v", got, stored)
	}
}

// TestAddUnderCancelledContext pins both sides of Add's contract: a
// context that ended before the write stores nothing and says so; one that
// ends while the write is under way does not undo it, and Add reports the
// source as added (it is stored and indexed).
func TestAddUnderCancelledContext(t *testing.T) {
	t.Run("cancelled before: nothing stored", func(t *testing.T) {
		lib := openTest(t, t.TempDir(), nil)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := lib.Add(ctx, Source{Title: "Cameras", Text: articleCameras})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Add with a cancelled context: %v, want context.Canceled", err)
		}
		if srcs, err := lib.Sources(SharedScope); err != nil || len(srcs) != 0 {
			t.Errorf("Sources after a refused Add = %+v, %v; want none", srcs, err)
		}
		if n := sentenceDocs(t, lib); n != 0 {
			t.Errorf("%d sentences indexed after a refused Add", n)
		}
	})
	t.Run("cancelled during the write: stored and reported", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		// The library reads its clock inside the write, after the context
		// check: cancelling there is a cancellation that arrives mid-write.
		var armed atomic.Bool
		clock := func() time.Time {
			if armed.Load() {
				cancel()
			}
			return time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)
		}
		lib, err := Open(context.Background(), t.TempDir(), Options{Now: clock})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { lib.Close() })
		armed.Store(true)
		got, err := lib.Add(ctx, Source{Title: "Cameras", Text: articleCameras})
		if err != nil {
			t.Fatalf("Add whose context ended mid-write: %v; the source was committed, the caller must hear so", err)
		}
		if ctx.Err() == nil {
			t.Fatal("the clock did not cancel the context: the test proves nothing")
		}
		if _, err := lib.Source(SharedScope, got.ID); err != nil {
			t.Errorf("Source(%s): %v", got.ID, err)
		}
		if article, passages := indexed(t, lib, got.ID); !article || passages == 0 {
			t.Errorf("indexed(%s) = %v, %d; want the article and its sentences", got.ID, article, passages)
		}
	})
}

// TestImportBatchStoredInParts: a batch is stored in several transactions
// (storeChunk sources each). When a later one fails to commit, the
// sources already committed are indexed all the same (a user finds what
// the library lists) and those of the failed part are in neither the store
// nor the index.
func TestImportBatchStoredInParts(t *testing.T) {
	dir := t.TempDir()
	lib := openTest(t, dir, nil)
	srcs := make([]Source, storeChunk+10)
	for i := range srcs {
		srcs[i] = Source{ID: fmt.Sprintf("r%d", i), Text: fmt.Sprintf("Report %d says the bridge closed on day %d.", i, i)}
	}
	diskFull := errors.New("no space left on device (injected)")
	commits := 0
	lib.commitHook = func() error {
		if commits++; commits == 2 {
			return diskFull
		}
		return nil
	}
	if _, err := lib.Import(context.Background(), srcs, ImportOptions{}); !errors.Is(err, diskFull) {
		t.Fatalf("Import with the second commit failing: %v, want the commit's error", err)
	}
	lib.commitHook = nil
	listed, err := lib.Sources(SharedScope)
	if err != nil || len(listed) != storeChunk {
		t.Fatalf("%d sources stored (%v), want the first part's %d", len(listed), err, storeChunk)
	}
	for _, id := range []string{"r0", fmt.Sprintf("r%d", storeChunk-1)} {
		if art, n := indexed(t, lib, id); !art || n == 0 {
			t.Errorf("%s is stored but not indexed (article %v, %d passages): the library lists a source no answer can quote", id, art, n)
		}
	}
	if art, n := indexed(t, lib, fmt.Sprintf("r%d", storeChunk)); art || n > 0 {
		t.Errorf("the failed part's source is indexed (article %v, %d passages): answers would quote a source the library does not have", art, n)
	}
	lib.Close()
	if lib = openTest(t, dir, nil); lib.opened != (openReport{}) {
		t.Errorf("reopening did %+v; the index should already agree with the store", lib.opened)
	}
}
