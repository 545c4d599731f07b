package search

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"sitrep/search/attrib"
)

// Bucket names of the bbolt store, the library's source of truth.
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
	allBuckets      = [][]byte{bucketSources, bucketTexts, bucketByScope, bucketHashes, bucketURLs,
		bucketPending, bucketAudit, bucketQuestions, bucketDigest, bucketMeta, bucketFeeds,
		bucketFollowUpQueue}

	metaSeeded = []byte("seeded")
)

// storedSource is a source as the store keeps it: metadata and sentence
// spans, with the text in its own bucket so listings never decode it.
type storedSource struct {
	Source
	Spans []Span `json:"spans"`
	// Attribution holds who speaks in each sentence, by span index (see
	// attribute); absent when no sentence names anyone.
	Attribution        []attrib.Attribution `json:"attrib,omitempty"`
	AttributionVersion int                  `json:"attrib_v,omitempty"`
}

// pendingOp records index work that a crash may have interrupted. It is
// written in the same transaction as the change to the source, and deleted
// once the index holds the change.
type pendingOp struct {
	Remove bool `json:"remove,omitempty"`
	// Stale is how many sentence documents of an earlier version of the
	// source may still be in the index and must go.
	Stale int `json:"stale,omitempty"`
}

// scopeKey maps a scope to its key prefix; the shared scope needs a
// non-empty token because Bleve does not index empty terms.
func scopeKey(scope string) string {
	if scope == SharedScope {
		return "~"
	}
	return scope
}

func scopedKey(scope, rest string) []byte {
	return []byte(scopeKey(scope) + "\x00" + rest)
}

func createBuckets(tx *bolt.Tx) error {
	for _, b := range allBuckets {
		if _, err := tx.CreateBucketIfNotExists(b); err != nil {
			return fmt.Errorf("create bucket %s: %w", b, err)
		}
	}
	return ensureCatalog(tx)
}

func getSource(tx *bolt.Tx, id string) (storedSource, bool, error) {
	raw := tx.Bucket(bucketSources).Get([]byte(id))
	if raw == nil {
		return storedSource{}, false, nil
	}
	var s storedSource
	if err := json.Unmarshal(raw, &s); err != nil {
		return storedSource{}, false, fmt.Errorf("decode source %s: %w", id, err)
	}
	return s, true, nil
}

func getText(tx *bolt.Tx, id string) string {
	return string(tx.Bucket(bucketTexts).Get([]byte(id)))
}

// putSource writes s (and its text) with its lookup keys, replacing old if
// given, and marks it pending for the index.
func putSource(tx *bolt.Tx, s storedSource, old *storedSource) error {
	stale := 0
	if old != nil {
		if err := deleteKeys(tx, *old); err != nil {
			return err
		}
		stale = len(old.Spans)
	}
	text := s.Text
	s.Text = ""
	raw, err := json.Marshal(s)
	if err != nil {
		return err
	}
	if err := tx.Bucket(bucketSources).Put([]byte(s.ID), raw); err != nil {
		return err
	}
	if err := tx.Bucket(bucketTexts).Put([]byte(s.ID), []byte(text)); err != nil {
		return err
	}
	if err := tx.Bucket(bucketByScope).Put(scopedKey(s.Scope, s.ID), nil); err != nil {
		return err
	}
	if err := tx.Bucket(bucketHashes).Put(scopedKey(s.Scope, s.Hash), []byte(s.ID)); err != nil {
		return err
	}
	if s.URL != "" {
		if err := tx.Bucket(bucketURLs).Put(scopedKey(s.Scope, s.URL), []byte(s.ID)); err != nil {
			return err
		}
	}
	if err := catalogPut(tx, s.Source); err != nil {
		return err
	}
	return putPending(tx, s.ID, pendingOp{Stale: stale})
}

// deleteKeys removes the lookup keys of s, but only where they still point
// to s (a later source may own the same hash).
func deleteKeys(tx *bolt.Tx, s storedSource) error {
	if err := tx.Bucket(bucketByScope).Delete(scopedKey(s.Scope, s.ID)); err != nil {
		return err
	}
	if err := catalogDelete(tx, s.Source); err != nil {
		return err
	}
	for _, k := range []struct {
		bucket []byte
		key    string
	}{{bucketHashes, s.Hash}, {bucketURLs, s.URL}} {
		if k.key == "" {
			continue
		}
		b := tx.Bucket(k.bucket)
		key := scopedKey(s.Scope, k.key)
		if string(b.Get(key)) == s.ID {
			if err := b.Delete(key); err != nil {
				return err
			}
		}
	}
	return nil
}

func putPending(tx *bolt.Tx, id string, op pendingOp) error {
	if prev := tx.Bucket(bucketPending).Get([]byte(id)); prev != nil {
		// Work already owed for an older version: keep the larger debt.
		var p pendingOp
		if json.Unmarshal(prev, &p) == nil && p.Stale > op.Stale {
			op.Stale = p.Stale
		}
	}
	raw, err := json.Marshal(op)
	if err != nil {
		return err
	}
	return tx.Bucket(bucketPending).Put([]byte(id), raw)
}

// AuditEntry records one change to the library: who did what, when.
type AuditEntry struct {
	At       time.Time `json:"at"`
	Actor    string    `json:"actor,omitempty"`
	Action   string    `json:"action"` // "add", "replace" or "remove"
	SourceID string    `json:"source_id"`
	Scope    string    `json:"scope,omitempty"`
	Title    string    `json:"title"`
}

func putAudit(tx *bolt.Tx, e AuditEntry) error {
	b := tx.Bucket(bucketAudit)
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	raw, err := json.Marshal(e)
	if err != nil {
		return err
	}
	return b.Put(binary.BigEndian.AppendUint64(nil, seq), raw)
}

// Audit returns the changes made in scope (all scopes when all is true),
// oldest first.
func (l *Library) Audit(scope string, all bool) ([]AuditEntry, error) {
	out, err := readAll(l.db, bucketAudit, func(e AuditEntry) bool { return all || e.Scope == scope })
	if err != nil {
		return nil, errorf("read audit log: %w", err)
	}
	return out, nil
}

// readAll decodes every JSON value of bucket, in key order, keeping those
// keep accepts (all of them when keep is nil): the one view-and-decode
// loop of the store.
func readAll[T any](db *bolt.DB, bucket []byte, keep func(T) bool) ([]T, error) {
	var out []T
	err := db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucket).ForEach(func(_, v []byte) error {
			var x T
			if err := json.Unmarshal(v, &x); err != nil {
				return err
			}
			if keep == nil || keep(x) {
				out = append(out, x)
			}
			return nil
		})
	})
	return out, err
}
