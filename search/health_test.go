package search

import (
	"context"
	"errors"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// TestHealthChecks: the index is in step after writes; index work left
// owed by a failed write makes CheckIndex fail with the count until a
// reindex settles it; a closed library fails both checks.
func TestHealthChecks(t *testing.T) {
	lib := openTest(t, t.TempDir(), nil)
	mustAdd(t, lib, Source{Title: "Cameras", Text: articleCameras})
	if n, err := lib.IndexLag(); n != 0 || err != nil {
		t.Fatalf("IndexLag after an add = %d, %v; want 0", n, err)
	}
	if err := lib.CheckStore(); err != nil {
		t.Fatalf("CheckStore: %v", err)
	}
	if err := lib.CheckIndex(); err != nil {
		t.Fatalf("CheckIndex: %v", err)
	}

	// What a write whose index batch failed leaves behind.
	if err := boltDB(t, lib).Update(func(tx *bolt.Tx) error {
		if err := putPending(tx, "owed1", pendingOp{}); err != nil {
			return err
		}
		return putPending(tx, "owed2", pendingOp{Remove: true})
	}); err != nil {
		t.Fatal(err)
	}
	if n, err := lib.IndexLag(); n != 2 || err != nil {
		t.Fatalf("IndexLag with two owed = %d, %v; want 2", n, err)
	}
	if err := lib.CheckIndex(); err == nil || !strings.Contains(err.Error(), "behind the store by 2 sources") {
		t.Fatalf("CheckIndex with work owed = %v, want it to say the index is behind by 2", err)
	}
	if err := lib.CheckStore(); err != nil {
		t.Fatalf("CheckStore is about the store only: %v", err)
	}
	if err := lib.Reindex(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := lib.CheckIndex(); err != nil {
		t.Fatalf("CheckIndex after Reindex: %v", err)
	}

	lib.Close()
	for name, err := range map[string]error{"CheckStore": lib.CheckStore(), "CheckIndex": lib.CheckIndex()} {
		if !errors.Is(err, ErrClosed) {
			t.Errorf("%s after Close = %v, want ErrClosed", name, err)
		}
	}
	if _, err := lib.IndexLag(); !errors.Is(err, ErrClosed) {
		t.Errorf("IndexLag after Close = %v, want ErrClosed", err)
	}
}
