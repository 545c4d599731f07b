package search

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// Bucket names of the bbolt store: its whole layout, as the migrations are
// PostgreSQL's (the catalog's buckets are in bolt_sources.go).
var (
	bucketSources   = []byte("sources")   // id → storedSource (JSON, no text)
	bucketTexts     = []byte("texts")     // id → text
	bucketByScope   = []byte("by_scope")  // scopeKey 0 id → nil
	bucketHashes    = []byte("hashes")    // scopeKey 0 hash → id
	bucketURLs      = []byte("urls")      // scopeKey 0 url → id
	bucketPending   = []byte("pending")   // id → pendingOp: index work not yet known done
	bucketAudit     = []byte("audit")     // seq → AuditEntry
	bucketQuestions = []byte("questions") // scopeKey 0 time seq → QuestionRecord
	bucketDigest    = []byte("digest")    // guild → DigestSettings
	bucketMeta      = []byte("meta")
	bucketFeeds     = []byte("feeds") // feed id → Feed (see feedstore.go)
	// bucketFollowUpQueue holds the follow-up checks waiting: seq →
	// FollowUpJob, so that the bot's queue survives a restart.
	bucketFollowUpQueue = []byte("followup_queue")
	bucketDigestClaims  = []byte("digest_claims") // scopeKey 0 day → DigestClaim
	allBuckets          = [][]byte{bucketSources, bucketTexts, bucketByScope, bucketHashes, bucketURLs,
		bucketPending, bucketAudit, bucketQuestions, bucketDigest, bucketMeta, bucketFeeds,
		bucketFollowUpQueue, bucketDigestClaims}
)

// batchDelay is how long a batched write (a question's log entry) waits
// for others to share its transaction and fsync. bbolt's default, 10 ms,
// was most of a lone /ask: on the seeds, end to end through the fake
// Discord, p50 17.1 ms at 10 ms and 7.5 ms at 1 ms; 500 simultaneous
// /ask at 100k passages were first answered in the same 1.6-1.8 s with
// either (TestLoadConcurrentAsks, two runs each).
const batchDelay = time.Millisecond

// boltStore is the embedded store: one bbolt file in the data directory,
// which one process at a time may open.
type boltStore struct{ db *bolt.DB }

// openBolt opens (or creates) the bbolt store at path. Another process
// holding it gives a *LockedError naming dir after LockTimeout.
func openBolt(path, dir string) (*boltStore, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: LockTimeout})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, &LockedError{Dir: dir}
	}
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	if err := db.Update(createBuckets); err != nil {
		db.Close()
		return nil, fmt.Errorf("init store: %w", err)
	}
	db.MaxBatchDelay = batchDelay
	return &boltStore{db: db}, nil
}

func (s *boltStore) View(_ context.Context, fn func(storeTx) error) error {
	return s.db.View(func(tx *bolt.Tx) error { return fn(boltTx{tx}) })
}

func (s *boltStore) Update(_ context.Context, fn func(storeTx) error) error {
	return s.db.Update(func(tx *bolt.Tx) error { return fn(boltTx{tx}) })
}

func (s *boltStore) Batch(_ context.Context, fn func(storeTx) error) error {
	return s.db.Batch(func(tx *bolt.Tx) error { return fn(boltTx{tx}) })
}

func (s *boltStore) Close() error { return s.db.Close() }

// boltTx is one bbolt transaction seen as a storeTx.
type boltTx struct{ tx *bolt.Tx }

func createBuckets(tx *bolt.Tx) error {
	for _, b := range allBuckets {
		if _, err := tx.CreateBucketIfNotExists(b); err != nil {
			return fmt.Errorf("create bucket %s: %w", b, err)
		}
	}
	if err := ensureVersions(tx); err != nil {
		return fmt.Errorf("index the source versions: %w", err)
	}
	return ensureCatalog(tx)
}

func scopedKey(scope, rest string) []byte {
	return []byte(scopeKey(scope) + "\x00" + rest)
}

func hasPrefix(b, prefix []byte) bool {
	return len(b) >= len(prefix) && string(b[:len(prefix)]) == string(prefix)
}

// readAll decodes every JSON value of bucket, in key order: the one
// decode loop of the store.
func readAll[T any](tx *bolt.Tx, bucket []byte) ([]T, error) {
	var out []T
	err := tx.Bucket(bucket).ForEach(func(_, v []byte) error {
		var x T
		if err := json.Unmarshal(v, &x); err != nil {
			return err
		}
		out = append(out, x)
		return nil
	})
	return out, err
}

func (t boltTx) Meta(key string) ([]byte, error) {
	v := t.tx.Bucket(bucketMeta).Get([]byte(key))
	if v == nil {
		return nil, nil
	}
	return bytes.Clone(v), nil
}

func (t boltTx) PutMeta(key string, v []byte) error {
	return t.tx.Bucket(bucketMeta).Put([]byte(key), v)
}
