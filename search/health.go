package search

import (
	"context"
	"fmt"
)

// IndexLag returns how many sources have changes that the store holds and
// the index may not: the index work recorded with each change and cleared
// once the index has it (with a shared PostgreSQL store: the changes after
// the last one this process's index holds). It is 0 when the index is in
// step. It returns
// ErrClosed after Close, or the store's error when it cannot be read.
func (l *Library) IndexLag() (int, error) {
	if err := l.checkOpen(); err != nil {
		return 0, err
	}
	if l.changes != nil {
		n, err := l.changeLag(context.Background())
		if err != nil {
			return 0, errorf("read the store's changes: %w", err)
		}
		return n, nil
	}
	n := 0
	err := l.st.View(context.Background(), func(tx storeTx) error {
		var err error
		n, err = tx.PendingCount()
		return err
	})
	if err != nil {
		return 0, errorf("read pending index work: %w", err)
	}
	return n, nil
}

// CheckStore returns nil when the store answers a read, ErrClosed after
// Close, or the store's error.
func (l *Library) CheckStore() error {
	_, err := l.IndexLag()
	return err
}

// CheckIndex returns nil when the index holds every change in the store,
// or while a write is under way (the writer settles its own work). It
// returns an error counting the sources when index work is owed and no
// writer is doing it: an index write failed, and the next Open (or
// sitrep reindex) repairs it. It returns the store's error, or ErrClosed
// after Close, when the store cannot be read.
func (l *Library) CheckIndex() error {
	// Pending marks exist for the length of every write; only marks left
	// behind by a finished write mean the index is behind.
	if !l.wmu.TryLock() {
		return l.checkOpen()
	}
	defer l.wmu.Unlock()
	n, err := l.IndexLag()
	if err != nil {
		return err
	}
	if n > 0 {
		return fmt.Errorf("search: the index is behind the store by %d sources; restart or run sitrep reindex", n)
	}
	return nil
}
