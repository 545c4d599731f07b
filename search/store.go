package search

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
)

// store is the library's source of truth: bbolt in the data directory by
// default (boltStore), or a PostgreSQL database that several processes
// share (pgStore). Each holds everything but the Bleve index, which is
// derived from it. Transactions see one consistent state; Update runs one
// writer at a time (across processes, for PostgreSQL) and commits only
// when fn returns nil.
type store interface {
	View(ctx context.Context, fn func(storeTx) error) error
	Update(ctx context.Context, fn func(storeTx) error) error
	// Batch is Update for small writes independent of every other
	// writer's (the question log): bbolt coalesces concurrent ones into
	// one commit; PostgreSQL runs them beside other writers, so that an
	// import in another process does not hold up /ask.
	Batch(ctx context.Context, fn func(storeTx) error) error
	Close() error
}

// storeTx is what the library reads and writes inside one transaction,
// one method set a domain of record, each declared beside its records.
// Lookups of something absent return its zero value and false (or ""),
// never an error.
type storeTx interface {
	sourceTx   // sourcestore.go: sources, catalog, pending index work, audit
	questionTx // questions.go: the question log
	digestTx   // digeststore.go: digest settings and claims
	feedTx     // feedstore.go: followed feeds
	followUpTx // followups.go: the follow-up queue

	// Meta returns the value of a library-wide setting; nil when unset.
	Meta(key string) ([]byte, error)
	PutMeta(key string, v []byte) error
}

// openStore opens the store: PostgreSQL at databaseURL when it is set,
// else the bbolt file in dir.
func openStore(ctx context.Context, dir, databaseURL string) (store, error) {
	if databaseURL != "" {
		st, err := openPG(ctx, databaseURL)
		if err != nil {
			return nil, errorf("%w", err)
		}
		return st, nil
	}
	st, err := openBolt(filepath.Join(dir, "library.db"), dir)
	var locked *LockedError
	if errors.As(err, &locked) {
		return nil, err
	}
	if err != nil {
		return nil, errorf("%w", err)
	}
	return st, nil
}

// read runs fn in a read transaction of st and returns what it found.
func read[T any](ctx context.Context, st store, fn func(storeTx) (T, error)) (T, error) {
	var out T
	err := st.View(ctx, func(tx storeTx) error {
		var err error
		out, err = fn(tx)
		return err
	})
	return out, err
}

// scopeKey maps a scope to its key prefix; the shared scope needs a
// non-empty token because Bleve does not index empty terms.
func scopeKey(scope string) string {
	if scope == SharedScope {
		return "~"
	}
	return scope
}

// decodeRecord decodes a stored JSON record (a source, a feed), as both
// stores keep them; what names the kind in the error.
func decodeRecord[T any](what, id string, raw []byte) (T, bool, error) {
	var v T
	if err := json.Unmarshal(raw, &v); err != nil {
		var zero T
		return zero, false, fmt.Errorf("decode %s %s: %w", what, id, err)
	}
	return v, true, nil
}
