package search

// Adding sources, one (Add) or many (Import): the store first, then the index.

import (
	"context"
	"errors"
)

// importBatch is how many sources share one store transaction and one pair
// of index segments during an import. With the analysis out of Bleve's
// batches, their size no longer buys CPU: 236k passages took the same
// CPU in batches of 512, 1,024 or 2,048 sources (256: 2.5% more), and
// each doubling held about 140 MB more at the peak (332, 470, 776 MB).
const importBatch = 512

// storeChunk is how many sources one store transaction writes. A write
// transaction holds every page it changes, and a source changes about
// fifteen pages scattered through the store (its catalog names, hash and
// id keys): at a million passages, a batch of 512 held 60 MB until its
// commit. A batch is stored in several transactions, then indexed.
const storeChunk = 128

// ImportOptions tune Import.
type ImportOptions struct {
	Actor string // recorded in the audit log as who added the sources
	// Progress, when set, is called after each batch with the number of
	// sources handled so far and the total.
	Progress func(done, total int)
}

// ItemError is a source that Import could not store, by its position in
// the input.
type ItemError struct {
	Index int    // position in the slice given to Import
	ID    string // the source's id, when it had one
	Err   error
}

func (e ItemError) Error() string { return e.Err.Error() }

// ImportResult says what an import did.
type ImportResult struct {
	Added    int `json:"added"`
	Replaced int `json:"replaced"`
	// Passages is how many sentence passages the added and replaced
	// sources hold.
	Passages int         `json:"passages"`
	Failed   []ItemError `json:"-"`
	// Superseded lists positions whose id came again later in the same
	// import: the later one won.
	Superseded []int `json:"-"`
}

// Add stores one new source and indexes it. The same article already in
// the library (same text or same URL, in the source's scope or the shared
// one) is refused with a *DuplicateError; so is an id already in use.
// Validation failures wrap ErrInvalid, ErrEmptyText or ErrTooLarge. A
// context that has ended before the write returns its error and stores
// nothing; once the source is committed, Add finishes and returns it, with
// AddedAt as stored.
func (l *Library) Add(ctx context.Context, s Source) (Source, error) {
	if err := l.checkOpen(); err != nil {
		return Source{}, err
	}
	spans, err := s.normalize()
	if err != nil {
		return Source{}, err
	}
	batch := []storedSource{{Source: s, Spans: spans, Attribution: attribute(s.Text, spans), AttributionVersion: attributionVersion}}
	_, _, failed, err := l.write(ctx, batch, nil, true)
	if err != nil {
		return Source{}, err
	}
	if len(failed) > 0 {
		return Source{}, failed[0].Err
	}
	return batch[0].Source, nil
}

// write commits srcs to the store (with their audit entries and pending
// marks), then indexes them (with docs[k] for srcs[k] where the caller
// analysed it already), then clears the marks. With refuseDuplicates,
// a source matching an existing one is reported instead of stored. ctx is
// checked once, before the transaction: what is committed is finished
// (indexed, marks cleared) and reported as done, so callers never tell a
// user "nothing was added" about a source that was.
func (l *Library) write(ctx context.Context, srcs []storedSource, docs []*sourceDocs, refuseDuplicates bool) (added, replaced int, failed []ItemError, err error) {
	l.wmu.Lock()
	defer l.wmu.Unlock()
	if err := l.checkOpen(); err != nil {
		return 0, 0, nil, err
	}
	if err := ctx.Err(); err != nil {
		return 0, 0, nil, err
	}
	now := l.now().UTC()
	b := l.ix.newBatches()
	var ids []string
	var guildDelta int64
	for from := 0; from < len(srcs) && err == nil; from += storeChunk {
		part := srcs[from:min(from+storeChunk, len(srcs))]
		uctx := ctx
		if from > 0 {
			uctx = context.WithoutCancel(ctx) // checked once, for the whole batch
		}
		// What a transaction that fails to commit did is undone below.
		nOps, nIDs, nFailed, nAdded, nReplaced, nGuild := len(b.ops), len(ids), len(failed), added, replaced, guildDelta
		err = l.update(uctx, func(tx storeTx) error {
			for j := range part {
				k := from + j
				s := &srcs[k]
				s.AddedAt = now
				old, exists, err := tx.Source(s.ID)
				if err != nil {
					return err
				}
				if exists && old.Scope != s.Scope {
					failed = append(failed, ItemError{Index: k, ID: s.ID, Err: invalidf("The id %s is used by another server's source", s.ID)})
					continue
				}
				if refuseDuplicates {
					dup, err := findDuplicate(tx, s.Source, exists)
					if err != nil {
						return err
					}
					if dup != nil {
						failed = append(failed, ItemError{Index: k, ID: s.ID, Err: dup})
						continue
					}
				}
				var oldp *storedSource
				action := "add"
				if exists {
					oldp, action = &old, "replace"
					replaced++
				} else {
					added++
					if s.Scope != SharedScope {
						guildDelta++
					}
				}
				if err := tx.PutSource(*s, oldp); err != nil {
					return err
				}
				if err := tx.AddAudit(AuditEntry{At: now, Actor: s.AddedBy, Action: action, SourceID: s.ID, Scope: s.Scope, Title: s.Title}); err != nil {
					return err
				}
				stale := 0
				if exists {
					stale = len(old.Spans)
				}
				if l.changes == nil {
					if k < len(docs) && docs[k] != nil {
						l.ix.addDocs(b, s.ID, docs[k], stale)
					} else if err := l.ix.add(b, *s, s.Text, stale); err != nil {
						return err
					}
				}
				ids = append(ids, s.ID)
			}
			return nil
		})
		if err != nil {
			b.ops, ids, failed, added, replaced, guildDelta = b.ops[:nOps], ids[:nIDs], failed[:nFailed], nAdded, nReplaced, nGuild
		}
	}
	if err != nil {
		err = errorf("store sources: %w", err)
		if len(ids) == 0 {
			return 0, 0, nil, err
		}
		// Earlier parts are committed: they are finished below, and the
		// error still stops the caller.
	}
	l.guildSources.Add(guildDelta)
	for _, id := range ids {
		l.cache.forget(id)
	}
	// The store holds the sources now; if indexing fails or we crash, the
	// pending marks make the next Open finish the work (or, with a change
	// log, the change sequence does).
	if ierr := l.indexWritten(ctx, b); ierr != nil {
		return 0, 0, nil, errors.Join(err, ierr)
	}
	if cerr := l.clearPending(ids); cerr != nil {
		return 0, 0, nil, errors.Join(err, cerr)
	}
	if err != nil {
		return 0, 0, nil, err
	}
	return added, replaced, failed, nil
}

// findDuplicate looks for s's text or URL in its scope and the shared one.
func findDuplicate(tx storeTx, s Source, sameID bool) (*DuplicateError, error) {
	if sameID {
		old, _, _ := tx.Source(s.ID)
		by := "id"
		if old.Hash == s.Hash {
			by = "text" // a content-derived id: the same article again
		}
		return &DuplicateError{Existing: old.Source, By: by}, nil
	}
	scopes := []string{s.Scope}
	if s.Scope != SharedScope {
		scopes = append(scopes, SharedScope)
	}
	for _, scope := range scopes {
		for _, k := range []struct {
			lookup func(scope, key string) (string, error)
			key    string
			by     string
		}{{tx.SourceIDByHash, s.Hash, "text"}, {tx.SourceIDByURL, s.URL, "url"}} {
			if k.key == "" {
				continue
			}
			id, err := k.lookup(scope, k.key)
			if err != nil {
				return nil, err
			}
			if id == "" {
				continue
			}
			if old, ok, err := tx.Source(id); err == nil && ok {
				return &DuplicateError{Existing: old.Source, By: k.by}, nil
			}
		}
	}
	return nil, nil
}
