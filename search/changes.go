package search

import (
	"context"
	"errors"
	"strconv"
	"time"
)

// With a store shared by several processes (PostgreSQL), each process
// derives its own index and keeps it in step by the store's change
// sequence: the index remembers the last change it holds (an internal
// value of the article index, written after the documents), and catching
// up applies every change after it, whoever made it. A crash between a
// commit and the index leaves the marker behind, so the next catch-up
// redoes the work; applying a change twice is harmless.

// indexedChangeKey is the article index's internal key holding the
// last change sequence number it holds.
var indexedChangeKey = []byte("sitrep:change_seq")

// indexScopeKey is the article index's internal key holding the
// IndexScopeName it was built under.
var indexScopeKey = []byte("sitrep:index_scope")

// indexLayoutKey is the article index's internal key holding the
// indexLayout it was built with: a process's index built before the
// guild fields it needs is rebuilt, as a bbolt library's is.
var indexLayoutKey = []byte("sitrep:index_layout")

// change is one change to a source, in the order of the store's change
// sequence: what an index that lags behind has to apply.
type change struct {
	Seq     int64
	ID      string
	Removed bool
	// Stale is how many sentence documents an index holding an older
	// version of the source may have.
	Stale int
	// Source and Text are the source as stored, unless Removed.
	Source storedSource
	Text   string
}

// changeLog is a store that numbers its source changes, so that every
// process can keep its own index in step (pgStore).
type changeLog interface {
	// LastChange returns the sequence number of the latest change.
	LastChange(ctx context.Context) (int64, error)
	// ChangesSince returns the changes after seq, oldest first, at most
	// limit, with the sources as they are now; for a source changed
	// several times only the latest.
	ChangesSince(ctx context.Context, seq int64, limit int) ([]change, error)
	// ChangeCount counts the changes after seq.
	ChangeCount(ctx context.Context, seq int64) (int, error)
	// Listen starts listening for changes committed from now on.
	Listen(ctx context.Context) (changeListener, error)
}

// changeListener wakes when the store's sources change.
type changeListener interface {
	// Wait returns when a change was committed since the last Wait, or
	// with an error when ctx ends or the connection is lost (then the
	// listener is spent: Close it and Listen again).
	Wait(ctx context.Context) error
	Close()
}

// indexedChange returns the index's marker; false for an index that has
// none (new, or written by a process without a change log).
func (l *Library) indexedChange() (int64, bool, error) {
	raw, err := l.ix.articles.GetInternal(indexedChangeKey)
	if err != nil {
		return 0, false, errorf("read the index's change marker: %w", err)
	}
	if raw == nil {
		return 0, false, nil
	}
	n, err := strconv.ParseInt(string(raw), 10, 64)
	if err != nil {
		return 0, false, nil // damaged: rebuild
	}
	return n, true, nil
}

func (l *Library) setIndexedChange(seq int64) error {
	if err := l.ix.articles.SetInternal(indexedChangeKey, []byte(strconv.FormatInt(seq, 10))); err != nil {
		return errorf("write the index's change marker: %w", err)
	}
	return nil
}

// markIndexScope records which scopes a freshly built index holds, and
// its layout.
func (l *Library) markIndexScope() error {
	if err := l.ix.articles.SetInternal(indexScopeKey, []byte(l.indexScopeName)); err != nil {
		return errorf("write the index's scope: %w", err)
	}
	if err := l.ix.articles.SetInternal(indexLayoutKey, []byte(indexLayout)); err != nil {
		return errorf("write the index's layout: %w", err)
	}
	return nil
}

// reconcileChanges brings the index in line with a store that has a
// change log: rebuilt when new or unmarked, else caught up. Pending marks
// found are settled by the catch-up, whichever process left them.
func (l *Library) reconcileChanges(ctx context.Context, rebuild bool) error {
	jobs, err := read(ctx, l.st, storeTx.Pending)
	if err != nil {
		return errorf("read pending work: %w", err)
	}
	_, marked, err := l.indexedChange()
	if err != nil {
		return err
	}
	scopeName, err := l.ix.articles.GetInternal(indexScopeKey)
	if err != nil {
		return errorf("read the index's scope: %w", err)
	}
	layout, err := l.ix.articles.GetInternal(indexLayoutKey)
	if err != nil {
		return errorf("read the index's layout: %w", err)
	}
	if rebuild || !marked || string(scopeName) != l.indexScopeName || string(layout) != indexLayout {
		l.opened.rebuilt = true
		l.log.Info("building the search index from the shared store")
		if err := l.rebuildLocked(ctx); err != nil {
			return err
		}
	} else {
		n, err := l.catchUpLocked(ctx)
		if err != nil {
			return err
		}
		l.opened.pending = n
	}
	if err := l.countGuildSources(ctx); err != nil {
		return err
	}
	ids := make([]string, len(jobs))
	for i, j := range jobs {
		ids[i] = j.ID
	}
	return l.clearPending(ids)
}

// countGuildSources recounts the sources outside the shared scope: other
// processes add and remove them too.
func (l *Library) countGuildSources(ctx context.Context) error {
	return l.st.View(ctx, func(tx storeTx) error {
		_, guild, err := tx.CountSources()
		l.guildSources.Store(guild)
		return err
	})
}

// indexWritten brings the index up to what this process just committed:
// with a change log by catching up (which also applies what others
// wrote), else by applying b, the batch built with the write.
func (l *Library) indexWritten(ctx context.Context, b *batches) error {
	if l.changes == nil {
		if err := l.ix.apply(b); err != nil {
			return errorf("%w", err)
		}
		return nil
	}
	_, err := l.catchUpLocked(context.WithoutCancel(ctx))
	return err
}

// CatchUp applies to the index the changes that other processes made to a
// shared store, and returns how many it applied. With bbolt there are
// none: it returns 0.
func (l *Library) CatchUp(ctx context.Context) (int, error) {
	if l.changes == nil {
		return 0, nil
	}
	l.wmu.Lock()
	defer l.wmu.Unlock()
	if err := l.checkOpen(); err != nil {
		return 0, err
	}
	return l.catchUpLocked(ctx)
}

// catchUpLocked applies the changes after the index's marker, a batch at
// a time, moving the marker after each.
func (l *Library) catchUpLocked(ctx context.Context) (int, error) {
	seq, _, err := l.indexedChange()
	if err != nil {
		return 0, err
	}
	applied := 0
	guildChanged := false
	for {
		chs, err := l.changes.ChangesSince(ctx, seq, importBatch)
		if err != nil {
			return applied, errorf("read changes after %d: %w", seq, err)
		}
		if len(chs) == 0 {
			break
		}
		b := l.ix.newBatches()
		for _, c := range chs {
			if c.Removed {
				l.ix.remove(b, c.ID, c.Stale)
				guildChanged = true
				continue
			}
			if !l.indexes(c.Source.Scope) {
				continue
			}
			if err := l.ix.add(b, c.Source, c.Text, c.Stale); err != nil {
				return applied, errorf("catch up: %w", err)
			}
			guildChanged = guildChanged || c.Source.Scope != SharedScope
		}
		if guildChanged {
			// Count before the guild's sentences are searchable: while
			// the count is 0, shared-scope searches skip the scope filter.
			if err := l.countGuildSources(ctx); err != nil {
				return applied, errorf("count sources: %w", err)
			}
		}
		if err := l.ix.apply(b); err != nil {
			return applied, errorf("catch up: %w", err)
		}
		for _, c := range chs {
			l.cache.forget(c.ID)
		}
		seq = chs[len(chs)-1].Seq
		if err := l.setIndexedChange(seq); err != nil {
			return applied, err
		}
		applied += len(chs)
		if len(chs) < importBatch {
			break
		}
	}
	if guildChanged {
		if err := l.countGuildSources(ctx); err != nil {
			return applied, errorf("count sources: %w", err)
		}
	}
	return applied, nil
}

// indexes reports whether this process's index holds scope's sources.
func (l *Library) indexes(scope string) bool {
	return l.indexScope == nil || scope == SharedScope || l.indexScope(scope)
}

// changeLag counts the changes in the store that the index does not hold.
func (l *Library) changeLag(ctx context.Context) (int, error) {
	seq, _, err := l.indexedChange()
	if err != nil {
		return 0, err
	}
	return l.changes.ChangeCount(ctx, seq)
}

// watchPoll is how long WatchChanges waits for a notification before it
// catches up anyway, and watchRetry how long it waits before listening
// again after the connection was lost.
const (
	watchPoll  = 30 * time.Second
	watchRetry = time.Second
)

// WatchChanges keeps the index in step with changes that other processes
// make to a shared store, until ctx ends: it listens for the store's
// notifications and catches up by change sequence on each, after every
// (re)connection, and at least every 30 seconds. It returns nil when ctx
// ends. With bbolt there is nothing to watch and it returns nil at once.
// Errors are logged and retried, never returned: a watcher that stops
// would leave the index behind silently. End ctx, and let WatchChanges
// return, before Close: its listening connection belongs to the store's
// pool.
func (l *Library) WatchChanges(ctx context.Context) error {
	if l.changes == nil {
		return nil
	}
	for ctx.Err() == nil {
		if err := l.watchOnce(ctx); err != nil && ctx.Err() == nil {
			l.log.Warn("following the store's changes; retrying", "err", err)
			t := time.NewTimer(watchRetry)
			select {
			case <-ctx.Done():
				t.Stop()
			case <-t.C:
			}
		}
	}
	return nil
}

// watchOnce listens, catches up with what happened before listening,
// then catches up on each notification until the listener fails.
func (l *Library) watchOnce(ctx context.Context) error {
	ln, err := l.changes.Listen(ctx)
	if err != nil {
		return err
	}
	defer ln.Close()
	for {
		if _, err := l.CatchUp(ctx); err != nil {
			return err
		}
		wait, cancel := context.WithTimeout(ctx, watchPoll)
		err := ln.Wait(wait)
		cancel()
		if err != nil && !errors.Is(err, context.DeadlineExceeded) {
			return err
		}
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			// The poll timed out: the connection is spent after a
			// cancelled wait, so listen afresh.
			return nil
		}
	}
}
