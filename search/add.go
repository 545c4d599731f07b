package search

// Adding sources, one (Add) or many (Import): the store first, then the index.

import (
	"context"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"

	"sitrep/attrib"
)

// importBatch is how many sources share one store transaction and one pair
// of index batches during an import. Larger batches make fewer, larger
// Bleve segments and so less merging: 1024 (about 19k sentences of news)
// took a 100k-passage build from 11.5 to 10 s CPU, for about 100 MB more
// peak memory while a batch is analysed.
const importBatch = 1024

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
	Added    int         `json:"added"`
	Replaced int         `json:"replaced"`
	Failed   []ItemError `json:"-"`
	// Superseded lists positions whose id came again later in the same
	// import: the later one won.
	Superseded []int `json:"-"`
}

// Import stores many sources at once, in batches: a given id is kept, an
// existing id is replaced (within the same scope), and a source that fails
// validation is reported in the result while the rest are stored. The
// returned error is for failures of the store or index, which stop the
// import; sources of earlier batches stay stored.
func (l *Library) Import(ctx context.Context, srcs []Source, opts ImportOptions) (ImportResult, error) {
	var res ImportResult
	if err := l.checkOpen(); err != nil {
		return res, err
	}
	type item struct {
		i     int
		s     Source
		spans []Span
		attr  []attrib.Attribution
	}
	norm := normalizeAll(srcs, opts.Actor)
	last := make(map[string]int)
	items := make([]item, 0, len(srcs))
	for i, n := range norm {
		s, spans, attr, err := n.s, n.spans, n.attr, n.err
		if err != nil {
			res.Failed = append(res.Failed, ItemError{Index: i, ID: s.ID, Err: err})
			continue
		}
		if j, ok := last[s.ID]; ok {
			res.Superseded = append(res.Superseded, items[j].i)
			items[j].s.ID = "" // dropped below
		}
		last[s.ID] = len(items)
		items = append(items, item{i, s, spans, attr})
	}
	kept := items[:0]
	for _, it := range items {
		if it.s.ID != "" {
			kept = append(kept, it)
		}
	}
	for start := 0; start < len(kept); start += importBatch {
		chunk := kept[start:min(start+importBatch, len(kept))]
		batch := make([]storedSource, len(chunk))
		for k, it := range chunk {
			batch[k] = storedSource{Source: it.s, Spans: it.spans, Attribution: it.attr, AttributionVersion: attributionVersion}
		}
		added, replaced, failed, err := l.write(ctx, batch, false)
		if err != nil {
			return res, err
		}
		for _, f := range failed {
			f.Index = chunk[f.Index].i
			res.Failed = append(res.Failed, f)
		}
		res.Added += added
		res.Replaced += replaced
		if opts.Progress != nil {
			opts.Progress(start+len(chunk), len(kept))
		}
	}
	sort.Slice(res.Failed, func(i, j int) bool { return res.Failed[i].Index < res.Failed[j].Index })
	return res, nil
}

type normalized struct {
	s     Source
	spans []Span
	attr  []attrib.Attribution
	err   error
}

// normalizeAll validates and splits srcs on every core: sentence splitting
// is the largest single cost of an import after indexing itself.
func normalizeAll(srcs []Source, actor string) []normalized {
	out := make([]normalized, len(srcs))
	workers := min(runtime.GOMAXPROCS(0), (len(srcs)+15)/16)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(srcs) {
					return
				}
				s := srcs[i]
				if s.AddedBy == "" {
					s.AddedBy = actor
				}
				spans, err := s.normalize()
				var attr []attrib.Attribution
				if err == nil {
					attr = attribute(s.Text, spans)
				}
				out[i] = normalized{s, spans, attr, err}
			}
		}()
	}
	wg.Wait()
	return out
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
	_, _, failed, err := l.write(ctx, batch, true)
	if err != nil {
		return Source{}, err
	}
	if len(failed) > 0 {
		return Source{}, failed[0].Err
	}
	return batch[0].Source, nil
}

// write commits srcs to the store (with their audit entries and pending
// marks), then indexes them, then clears the marks. With refuseDuplicates,
// a source matching an existing one is reported instead of stored. ctx is
// checked once, before the transaction: what is committed is finished
// (indexed, marks cleared) and reported as done, so callers never tell a
// user "nothing was added" about a source that was.
func (l *Library) write(ctx context.Context, srcs []storedSource, refuseDuplicates bool) (added, replaced int, failed []ItemError, err error) {
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
	err = l.update(ctx, func(tx storeTx) error {
		for k := range srcs {
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
				if err := l.ix.add(b, *s, s.Text, stale); err != nil {
					return err
				}
			}
			ids = append(ids, s.ID)
		}
		return nil
	})
	if err != nil {
		return 0, 0, nil, errorf("store sources: %w", err)
	}
	l.guildSources.Add(guildDelta)
	for _, id := range ids {
		l.cache.forget(id)
	}
	// The store holds the sources now; if indexing fails or we crash, the
	// pending marks make the next Open finish the work (or, with a change
	// log, the change sequence does).
	if err := l.indexWritten(ctx, b); err != nil {
		return 0, 0, nil, err
	}
	if err := l.clearPending(ids); err != nil {
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
