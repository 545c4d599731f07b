package search

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"
)

// sourceCacheBytes bounds the decoded sources kept for answering: about
// 10,000 news articles.
const sourceCacheBytes = 32 << 20

// tokenCacheSentences bounds the analysed sentences kept for answering,
// per generation (see tokenCache): about 1 KB each.
const tokenCacheSentences = 4096

// LockTimeout is how long Open waits for another process to release the
// store's file lock before it fails with a *LockedError. It is short: a
// second process should fail at once, not hang; a process that just exited
// has already released the lock (the kernel drops it with the file).
const LockTimeout = 500 * time.Millisecond

// Options configure a Library. The zero value is usable.
type Options struct {
	// Now is the clock for audit and question times; time.Now when nil.
	Now func() time.Time
	// Logger receives progress and repair notes; discarded when nil.
	Logger *slog.Logger
	// Seeds are added to the shared scope the first time the data
	// directory is opened (and never again, so a removed seed stays gone).
	Seeds []Source
	// DatabaseURL, when set (postgres://…), keeps the store in that
	// PostgreSQL database, which several processes may share; the data
	// directory then holds only this process's index, rebuilt from the
	// store when missing and caught up with it when behind.
	DatabaseURL string
	// IndexScope, with DatabaseURL, says which scopes this process's
	// index holds: a shard indexes the shared scope and the servers it
	// owns, never asked about the others. Nil indexes every scope; with
	// bbolt (one process) every scope is indexed whatever it says.
	IndexScope func(scope string) bool
	// IndexScopeName names IndexScope (a shard's "ID/COUNT"): an index
	// built under another name (another shard count) is rebuilt on Open,
	// so servers a shard newly owns are in it.
	IndexScopeName string
}

// metaSeeded is the meta key set once the seeds were added.
const metaSeeded = "seeded"

// Library is the collection of sources and the index over them. It is safe
// for concurrent use; writes are serialised so the store and the index
// change in the same order.
type Library struct {
	dir    string
	mapped string // dir as /proc/self/maps names it (mapped.go)
	st     store
	// changes is st when it numbers its changes (PostgreSQL): the index
	// then follows the change sequence instead of the pending marks.
	changes changeLog
	// indexScope: see Options.IndexScope; nil for every scope.
	indexScope     func(scope string) bool
	indexScopeName string
	ix             *indexes
	docs           docBuilder // the index's analysis, for import's workers
	an             analyzer
	now            func() time.Time
	log            *slog.Logger
	wmu            sync.Mutex // serialises writers: store first, then index
	quit           atomic.Bool

	// guildSources counts sources outside the shared scope; while it is
	// zero, shared-scope searches skip the scope filter.
	guildSources atomic.Int64
	qlog         *questionLog
	cache        *sourceCache
	toks         *tokenCache
	bounds       *termBounds // the article stage's per-segment term bounds (prune.go)
	counts       *termCounts // documents holding a term, per index snapshot (counts.go)
	wordTerms    sync.Map    // WordNet word → index term (wordTerm); bounded by WordNet's words
	maxQuestions uint64      // per scope; maxQuestionsPerScope

	// opened says what Open had to do to bring the index in line with
	// the store; tests read it.
	opened openReport
	// instance identifies the data directory, holder this open Library
	// of it: the holder of the digest claims it makes (digestclaim.go).
	instance, holder string

	// commitHook, set only by tests, runs at the end of a write
	// transaction, before its commit: an error fails the commit as a
	// full disk would, and the transaction rolls back.
	commitHook func() error
}

// openReport is what reconcile did when the library was opened.
type openReport struct {
	pending int  // sources whose interrupted index work was finished
	rebuilt bool // the whole index was rebuilt from the store
}

// Open opens (or creates) the library in dir. It finishes index work that a
// crash interrupted, rebuilds a missing or damaged index from the store, and
// adds opts.Seeds to a new library. Only one process may hold a library
// open; another gets a *LockedError (errors.Is ErrLocked) after
// LockTimeout.
func Open(ctx context.Context, dir string, opts Options) (*Library, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, errorf("create data directory: %w", err)
	}
	l := &Library{dir: dir, mapped: mappedDir(dir), docs: newDocBuilder(), now: opts.Now, log: opts.Logger, cache: newSourceCache(sourceCacheBytes), toks: newTokenCache(tokenCacheSentences), bounds: newTermBounds(), counts: newTermCounts(), maxQuestions: maxQuestionsPerScope}
	if l.now == nil {
		l.now = time.Now
	}
	if l.log == nil {
		l.log = slog.New(slog.DiscardHandler)
	}
	var err error
	if l.an, err = newAnalyzer(); err != nil {
		return nil, err
	}
	if l.st, err = openStore(ctx, dir, opts.DatabaseURL); err != nil {
		return nil, err
	}
	l.qlog = newQuestionLog(l.st, l.log.Error, questionLinger)
	if l.changes, _ = l.st.(changeLog); l.changes != nil {
		l.indexScope, l.indexScopeName = opts.IndexScope, opts.IndexScopeName
	}
	ix, created, err := openIndexes(filepath.Join(dir, "index"))
	if err != nil {
		l.qlog.close()
		l.st.Close()
		if errors.Is(err, errIndexLocked) {
			return nil, &LockedError{Dir: dir, Shared: l.changes != nil}
		}
		return nil, errorf("%w", err)
	}
	l.ix = ix
	if l.instance, err = instanceID(dir); err != nil {
		l.Close()
		return nil, errorf("%w", err)
	}
	l.holder = l.instance + "/" + randomID()
	if err := l.reconcile(ctx, created); err != nil {
		l.Close()
		return nil, err
	}
	if err := l.seed(ctx, opts.Seeds); err != nil {
		l.Close()
		return nil, err
	}
	return l, nil
}

// Close closes the index and then the store.
func (l *Library) Close() error {
	if l.quit.Swap(true) {
		return nil
	}
	l.qlog.close() // before the store closes under it
	l.wmu.Lock()
	defer l.wmu.Unlock()
	var errs []error
	if l.ix != nil {
		errs = append(errs, l.ix.Close())
	}
	errs = append(errs, l.st.Close())
	if err := errors.Join(errs...); err != nil {
		return errorf("close: %w", err)
	}
	return nil
}

// Compact merges each index into one segment. Bleve leaves what a bulk
// import wrote in several segments, and a question looks every term up in
// each of them: at 100k passages, merging the six sentence segments into
// one took 0.8 s and cut the CPU of 650 questions, process start
// included, by 17%. Questions and writes may go on meanwhile; sitrep
// import calls CompactIfItPays once at the end.
func (l *Library) Compact(ctx context.Context) error {
	if l.quit.Load() {
		return errorf("compact: %w", ErrClosed)
	}
	stop := l.releasing()
	defer stop()
	if _, err := l.ix.compact(ctx, false); err != nil {
		return errorf("compact: %w", err)
	}
	return nil
}

// CompactIfItPays is Compact for the end of an import: it merges only an
// index where that pays (a bulk import's segments), not one where a few
// sources joined a large library, which merging would rewrite whole. One
// article imported into a million passages: 2.3 s and 150 MB at the peak,
// against 2.8-3.6 s and 238 MB with Compact. It reports whether it merged.
func (l *Library) CompactIfItPays(ctx context.Context) (bool, error) {
	if l.quit.Load() {
		return false, errorf("compact: %w", ErrClosed)
	}
	stop := l.releasing()
	defer stop()
	merged, err := l.ix.compact(ctx, true)
	if err != nil {
		return merged, errorf("compact: %w", err)
	}
	return merged, nil
}

// Dir returns the data directory.
func (l *Library) Dir() string { return l.dir }

func (l *Library) seed(ctx context.Context, seeds []Source) error {
	var seeded bool
	if err := l.st.View(ctx, func(tx storeTx) error {
		v, err := tx.Meta(metaSeeded)
		seeded = v != nil
		return err
	}); err != nil || seeded {
		return err
	}
	for i := range seeds {
		seeds[i].Scope = SharedScope
	}
	if _, err := l.Import(ctx, seeds, ImportOptions{Actor: "seed"}); err != nil {
		return errorf("add seed articles: %w", err)
	}
	return l.st.Update(ctx, func(tx storeTx) error {
		return tx.PutMeta(metaSeeded, []byte(l.now().UTC().Format(time.RFC3339)))
	})
}

// reconcile brings the index in line with the store: pending work first,
// then, if the article count still disagrees (or the index is new), a full
// comparison.
func (l *Library) reconcile(ctx context.Context, rebuild bool) error {
	l.wmu.Lock()
	defer l.wmu.Unlock()
	if l.changes != nil {
		return l.reconcileChanges(ctx, rebuild)
	}
	var guild, total int64
	layoutOK, marked := false, false
	if err := l.st.View(ctx, func(tx storeTx) error {
		var err error
		if total, guild, err = tx.CountSources(); err != nil {
			return err
		}
		if layoutOK, err = layoutCurrent(tx, guild); err != nil {
			return err
		}
		marked, err = layoutCurrent(tx, 1)
		return err
	}); err != nil {
		return errorf("count sources: %w", err)
	}
	l.guildSources.Store(guild)
	pending, err := l.finishPending(ctx)
	if err != nil {
		return err
	}
	l.opened.pending = pending
	count, err := l.ix.articles.DocCount()
	if err != nil {
		return errorf("count indexed articles: %w", err)
	}
	if !rebuild && count == uint64(total) && layoutOK {
		if marked {
			return nil
		}
		return l.st.Update(ctx, markLayout) // guild sentences indexed from now on get the guild fields
	}
	l.opened.rebuilt = true
	l.log.Info("rebuilding the search index from the store", "sources", total, "indexed", count)
	return l.rebuildLocked(ctx)
}

// finishPending applies the index work recorded in the pending bucket and
// returns how many sources it concerned.
func (l *Library) finishPending(ctx context.Context) (int, error) {
	var jobs []pendingJob
	if err := l.st.View(ctx, func(tx storeTx) error {
		var err error
		jobs, err = tx.Pending()
		return err
	}); err != nil {
		return 0, errorf("read pending work: %w", err)
	}
	if len(jobs) == 0 {
		return 0, nil
	}
	l.log.Info("finishing interrupted index work", "sources", len(jobs))
	for start := 0; start < len(jobs); start += importBatch {
		chunk := jobs[start:min(start+importBatch, len(jobs))]
		b := l.ix.newBatches()
		var ids []string
		err := l.st.View(ctx, func(tx storeTx) error {
			for _, j := range chunk {
				s, ok, err := tx.Source(j.ID)
				if err != nil {
					return err
				}
				if !ok || j.Op.Remove {
					l.ix.remove(b, j.ID, max(j.Op.Stale, len(s.Spans)))
					ids = append(ids, j.ID)
					continue
				}
				text, err := tx.Text(j.ID)
				if err != nil {
					return err
				}
				if err := l.ix.add(b, s, text, j.Op.Stale); err != nil {
					return err
				}
				ids = append(ids, j.ID)
			}
			return nil
		})
		if err != nil {
			return 0, errorf("redo index work: %w", err)
		}
		if err := l.ix.apply(b); err != nil {
			return 0, errorf("%w", err)
		}
		if err := l.clearPending(ids); err != nil {
			return 0, err
		}
		if err := ctx.Err(); err != nil {
			return 0, err
		}
	}
	return len(jobs), nil
}

// clearPending removes the pending marks of ids. With none it writes
// nothing, so opening a library needs no write lock: a `sitrep ask` or a
// shard starting is not held up by a writer.
func (l *Library) clearPending(ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	err := l.st.Update(context.Background(), func(tx storeTx) error {
		return tx.ClearPending(ids)
	})
	if err != nil {
		return errorf("clear pending work: %w", err)
	}
	return nil
}

// Reindex rebuilds both indexes from the store. Use it after changing the
// analysis, or to repair an index by hand; Open does it by itself when the
// index is missing or disagrees with the store.
func (l *Library) Reindex(ctx context.Context) error {
	l.wmu.Lock()
	defer l.wmu.Unlock()
	return l.rebuildLocked(ctx)
}

func (l *Library) rebuildLocked(ctx context.Context) error {
	var last int64
	if l.changes != nil {
		// Changes made while we read are caught up later; none is lost.
		var err error
		if last, err = l.changes.LastChange(ctx); err != nil {
			return errorf("read the change sequence: %w", err)
		}
	}
	dir := filepath.Join(l.dir, "index")
	if err := l.ix.Close(); err != nil {
		l.log.Warn("closing the old index", "err", err)
	}
	if err := os.RemoveAll(dir); err != nil {
		return errorf("remove old index: %w", err)
	}
	ix, _, err := openIndexes(dir)
	if err != nil {
		return errorf("%w", err)
	}
	l.ix = ix
	ids, err := read(ctx, l.st, storeTx.AllSourceIDs)
	if err != nil {
		return errorf("list sources: %w", err)
	}
	for start := 0; start < len(ids); start += importBatch {
		chunk := ids[start:min(start+importBatch, len(ids))]
		b := l.ix.newBatches()
		if err := l.st.View(ctx, func(tx storeTx) error {
			for _, id := range chunk {
				s, ok, err := tx.Source(id)
				if err != nil {
					return err
				}
				if !ok || !l.indexes(s.Scope) {
					continue // gone since listed, or another shard's
				}
				text, err := tx.Text(id)
				if err != nil {
					return err
				}
				if err := l.ix.add(b, s, text, 0); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			return errorf("reindex: %w", err)
		}
		if err := l.ix.apply(b); err != nil {
			return errorf("reindex: %w", err)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	// A rebuild is a bulk import: leave one segment, as sitrep import
	// does (see Compact). Questions work without it, only slower.
	if len(ids) > 0 {
		stop := l.releasing()
		_, err := l.ix.compact(ctx, false)
		stop()
		if err != nil {
			l.log.Warn("merging the rebuilt index", "err", err)
		}
	}
	if l.changes != nil {
		if err := l.setIndexedChange(last); err != nil {
			return err
		}
		if err := l.markIndexScope(); err != nil {
			return err
		}
	}
	// Everything in the store is indexed now; older debts are settled.
	return l.st.Update(ctx, func(tx storeTx) error {
		if err := markLayout(tx); err != nil {
			return err
		}
		return tx.ClearAllPending()
	})
}

// update runs fn in a write transaction of the store and commits it.
func (l *Library) update(ctx context.Context, fn func(storeTx) error) error {
	return l.st.Update(ctx, func(tx storeTx) error {
		if err := fn(tx); err != nil {
			return err
		}
		if l.commitHook != nil {
			return l.commitHook()
		}
		return nil
	})
}

func (l *Library) checkOpen() error {
	if l.quit.Load() {
		return ErrClosed
	}
	return nil
}

// Stats counts what the library holds in a scope.
type Stats struct {
	Sources   int `json:"sources"`
	Sentences int `json:"sentences"`
}

// Stats returns the number of sources and sentences visible from scope.
func (l *Library) Stats(scope string) (Stats, error) {
	srcs, err := l.Sources(scope)
	if err != nil {
		return Stats{}, err
	}
	st := Stats{Sources: len(srcs)}
	for _, s := range srcs {
		st.Sentences += s.Sentences
	}
	return st, nil
}
