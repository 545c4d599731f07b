package search

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// Bucket names of the bbolt store.
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
	bucketDigestClaims  = []byte("digest_claims") // scopeKey 0 day → time claimed
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
	return ensureCatalog(tx)
}

func scopedKey(scope, rest string) []byte {
	return []byte(scopeKey(scope) + "\x00" + rest)
}

func hasPrefix(b, prefix []byte) bool {
	return len(b) >= len(prefix) && string(b[:len(prefix)]) == string(prefix)
}

func (t boltTx) Source(id string) (storedSource, bool, error) { return getSource(t.tx, id) }

func getSource(tx *bolt.Tx, id string) (storedSource, bool, error) {
	raw := tx.Bucket(bucketSources).Get([]byte(id))
	if raw == nil {
		return storedSource{}, false, nil
	}
	return decodeRecord[storedSource]("source", id, raw)
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

// Text returns a copy: bbolt's memory is valid only inside the
// transaction.
func (t boltTx) Text(id string) (string, error) {
	return string(t.tx.Bucket(bucketTexts).Get([]byte(id))), nil
}

func (t boltTx) PutSource(s storedSource, old *storedSource) error {
	tx := t.tx
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

func (t boltTx) DeleteSource(s storedSource) error {
	tx := t.tx
	if err := deleteKeys(tx, s); err != nil {
		return err
	}
	if err := tx.Bucket(bucketSources).Delete([]byte(s.ID)); err != nil {
		return err
	}
	if err := tx.Bucket(bucketTexts).Delete([]byte(s.ID)); err != nil {
		return err
	}
	return putPending(tx, s.ID, pendingOp{Remove: true, Stale: len(s.Spans)})
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

func (t boltTx) SourceIDByHash(scope, hash string) (string, error) {
	return string(t.tx.Bucket(bucketHashes).Get(scopedKey(scope, hash))), nil
}

func (t boltTx) SourceIDByURL(scope, url string) (string, error) {
	return string(t.tx.Bucket(bucketURLs).Get(scopedKey(scope, url))), nil
}

func (t boltTx) ScopeSourceIDs(scope string) ([]string, error) {
	var out []string
	prefix := scopedKey(scope, "")
	c := t.tx.Bucket(bucketByScope).Cursor()
	for k, _ := c.Seek(prefix); k != nil && hasPrefix(k, prefix); k, _ = c.Next() {
		out = append(out, string(k[len(prefix):]))
	}
	return out, nil
}

func (t boltTx) AllSourceIDs() ([]string, error) {
	var ids []string
	err := t.tx.Bucket(bucketSources).ForEach(func(k, _ []byte) error {
		ids = append(ids, string(k))
		return nil
	})
	sort.Strings(ids)
	return ids, err
}

func (t boltTx) CountSources() (total, guild int64, err error) {
	c := t.tx.Bucket(bucketByScope).Cursor()
	shared := []byte(scopeKey(SharedScope) + "\x00")
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		total++
		if !hasPrefix(k, shared) {
			guild++
		}
	}
	return total, guild, nil
}

func (t boltTx) SourceCount(scope string) (int, error) { return sourceCount(t.tx, scope), nil }

func (t boltTx) NewestIDs(scopes []string, n int) ([]string, error) {
	return newestIDs(t.tx, scopes, n), nil
}

func (t boltTx) Names(scope, prefix string, limit int) ([]catalogName, error) {
	var out []catalogName
	c := t.tx.Bucket(bucketSourceNames).Cursor()
	p := []byte(scopeKey(scope) + "\x00" + prefix)
	for k, v := c.Seek(p); k != nil && bytes.HasPrefix(k, p) && len(out) < limit; k, v = c.Next() {
		out = append(out, nameOfKey(scope, k, v))
	}
	return out, nil
}

func (t boltTx) ExactNames(scope, name string) ([]catalogName, error) {
	var out []catalogName
	c := t.tx.Bucket(bucketSourceNames).Cursor()
	p := []byte(scopeKey(scope) + "\x00" + name + "\x00")
	for k, v := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, v = c.Next() {
		out = append(out, nameOfKey(scope, k, v))
	}
	return out, nil
}

// nameOfKey decodes a source_names key and value; a value that is not
// one kind byte decodes as kind 0, which no lookup accepts.
func nameOfKey(scope string, k, v []byte) catalogName {
	rest := k[len(scopeKey(scope))+1:]
	cut := bytes.LastIndexByte(rest, 0)
	n := catalogName{Name: string(rest[:cut]), ID: string(rest[cut+1:])}
	if len(v) == 1 {
		n.Kind = v[0]
	}
	return n
}

func (t boltTx) Pending() ([]pendingJob, error) {
	var jobs []pendingJob
	err := t.tx.Bucket(bucketPending).ForEach(func(k, v []byte) error {
		var op pendingOp
		if err := json.Unmarshal(v, &op); err != nil {
			return err
		}
		jobs = append(jobs, pendingJob{string(k), op})
		return nil
	})
	return jobs, err
}

func (t boltTx) PendingCount() (int, error) {
	n := 0
	c := t.tx.Bucket(bucketPending).Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		n++
	}
	return n, nil
}

func (t boltTx) ClearPending(ids []string) error {
	b := t.tx.Bucket(bucketPending)
	for _, id := range ids {
		if err := b.Delete([]byte(id)); err != nil {
			return err
		}
	}
	return nil
}

func (t boltTx) ClearAllPending() error {
	if err := t.tx.DeleteBucket(bucketPending); err != nil {
		return err
	}
	_, err := t.tx.CreateBucket(bucketPending)
	return err
}

func (t boltTx) AddAudit(e AuditEntry) error {
	b := t.tx.Bucket(bucketAudit)
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

func (t boltTx) Audit() ([]AuditEntry, error) { return readAll[AuditEntry](t.tx, bucketAudit) }

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

// questionKey orders a scope's questions by time: scope 0 nanos seq.
func questionKey(scope string, at time.Time, seq uint64) []byte {
	k := scopedKey(scope, "")
	k = binary.BigEndian.AppendUint64(k, uint64(at.UnixNano()))
	return binary.BigEndian.AppendUint64(k, seq)
}

// questionIDKey is the store key of the question id in scope; an id that is
// not hex names no question (the bare scope prefix holds none).
func questionIDKey(scope, id string) []byte {
	suffix, err := hex.DecodeString(id)
	if err != nil {
		suffix = nil
	}
	return append([]byte(string(scopedKey(scope, ""))), suffix...)
}

func (t boltTx) AddQuestion(scope string, at time.Time, rec func(id string) QuestionRecord, limit uint64) (string, error) {
	b := t.tx.Bucket(bucketQuestions)
	seq, err := b.NextSequence()
	if err != nil {
		return "", err
	}
	key := questionKey(scope, at, seq)
	id := hex.EncodeToString(key[len(scopedKey(scope, "")):])
	raw, err := json.Marshal(rec(id))
	if err != nil {
		return "", err
	}
	if err := b.Put(key, raw); err != nil {
		return "", err
	}
	return id, pruneQuestions(t.tx, scope, at, limit)
}

// metaQuestionCount prefixes the meta keys holding each scope's number of
// logged questions.
var metaQuestionCount = []byte("qcount\x00")

// pruneQuestions deletes scope's questions older than the retention and
// beyond the cap, oldest first, in the transaction that just logged one
// (which is counted here).
func pruneQuestions(tx *bolt.Tx, scope string, now time.Time, limit uint64) error {
	meta := tx.Bucket(bucketMeta)
	countKey := append(append([]byte(nil), metaQuestionCount...), scopeKey(scope)...)
	prefix := scopedKey(scope, "")
	qb := tx.Bucket(bucketQuestions)
	var n uint64
	if v := meta.Get(countKey); len(v) == 8 {
		n = binary.BigEndian.Uint64(v) + 1
	} else {
		// First write since the count existed: count once.
		c := qb.Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			n++
		}
	}
	cutoff := questionKey(scope, now.Add(-questionRetention), 0)
	c := qb.Cursor()
	for deleted := 0; deleted < pruneStep; deleted++ {
		k, _ := c.Seek(prefix)
		if k == nil || !bytes.HasPrefix(k, prefix) || (bytes.Compare(k, cutoff) >= 0 && n <= limit) {
			break
		}
		if err := qb.Delete(k); err != nil {
			return err
		}
		n--
	}
	return meta.Put(countKey, binary.BigEndian.AppendUint64(nil, n))
}

func (t boltTx) Questions(scope string, since time.Time) ([]QuestionRecord, error) {
	var out []QuestionRecord
	prefix := scopedKey(scope, "")
	c := t.tx.Bucket(bucketQuestions).Cursor()
	for k, v := c.Seek(questionKey(scope, since, 0)); k != nil && hasPrefix(k, prefix); k, v = c.Next() {
		var r QuestionRecord
		if err := json.Unmarshal(v, &r); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

func (t boltTx) Question(scope, id string) (QuestionRecord, bool, error) {
	var rec QuestionRecord
	v := t.tx.Bucket(bucketQuestions).Get(questionIDKey(scope, id))
	if v == nil {
		return rec, false, nil
	}
	err := json.Unmarshal(v, &rec)
	return rec, true, err
}

func (t boltTx) MarkFollowedUp(scope string, ids []string) error {
	b := t.tx.Bucket(bucketQuestions)
	for _, id := range ids {
		key := questionIDKey(scope, id)
		raw := b.Get(key)
		if raw == nil {
			continue
		}
		var rec QuestionRecord
		if err := json.Unmarshal(raw, &rec); err != nil {
			return err
		}
		rec.FollowedUp = true
		out, err := json.Marshal(rec)
		if err != nil {
			return err
		}
		if err := b.Put(key, out); err != nil {
			return err
		}
	}
	return nil
}

func (t boltTx) DigestSettings(scope string) (DigestSettings, bool, error) {
	var s DigestSettings
	raw := t.tx.Bucket(bucketDigest).Get([]byte(scopeKey(scope)))
	if raw == nil {
		return s, false, nil
	}
	err := json.Unmarshal(raw, &s)
	return s, true, err
}

func (t boltTx) PutDigestSettings(scope string, s DigestSettings) error {
	raw, err := json.Marshal(s)
	if err != nil {
		return err
	}
	return t.tx.Bucket(bucketDigest).Put([]byte(scopeKey(scope)), raw)
}

func (t boltTx) AllDigestSettings() ([]DigestSettings, error) {
	return readAll[DigestSettings](t.tx, bucketDigest)
}

func (t boltTx) ClaimDigest(scope, day string, at time.Time) (bool, error) {
	b := t.tx.Bucket(bucketDigestClaims)
	key := scopedKey(scope, day)
	if b.Get(key) != nil {
		return false, nil
	}
	return true, b.Put(key, []byte(at.UTC().Format(time.RFC3339Nano)))
}

func (t boltTx) ReleaseDigest(scope, day string) error {
	return t.tx.Bucket(bucketDigestClaims).Delete(scopedKey(scope, day))
}

func (t boltTx) Feed(id string) (Feed, bool, error) {
	raw := t.tx.Bucket(bucketFeeds).Get([]byte(id))
	if raw == nil {
		return Feed{}, false, nil
	}
	return decodeRecord[Feed]("feed", id, raw)
}

func (t boltTx) PutFeed(f Feed) error {
	raw, err := json.Marshal(f)
	if err != nil {
		return err
	}
	return t.tx.Bucket(bucketFeeds).Put([]byte(f.ID), raw)
}

func (t boltTx) DeleteFeed(id string) error { return t.tx.Bucket(bucketFeeds).Delete([]byte(id)) }

func (t boltTx) AllFeeds() ([]Feed, error) { return readAll[Feed](t.tx, bucketFeeds) }

func (t boltTx) QueueFollowUp(scope, id string, at time.Time) error {
	b := t.tx.Bucket(bucketFollowUpQueue)
	var dup bool
	if err := b.ForEach(func(_, v []byte) error {
		var j FollowUpJob
		if json.Unmarshal(v, &j) == nil && j.Scope == scope && j.SourceID == id {
			dup = true
			return errStop
		}
		return nil
	}); err != nil && err != errStop {
		return err
	}
	if dup {
		return nil
	}
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	key := binary.BigEndian.AppendUint64(nil, seq)
	raw, err := json.Marshal(FollowUpJob{ID: hex.EncodeToString(key), Scope: scope, SourceID: id, QueuedAt: at})
	if err != nil {
		return err
	}
	return b.Put(key, raw)
}

// errStop ends a bbolt ForEach early once it found what it looked for.
var errStop = errors.New("search: stop")

func (t boltTx) FollowUpJobs() ([]FollowUpJob, error) {
	return readAll[FollowUpJob](t.tx, bucketFollowUpQueue)
}

func (t boltTx) DeleteFollowUpJob(id string) error {
	key, err := hex.DecodeString(id)
	if err != nil {
		return nil // not a job id: no job to finish
	}
	return t.tx.Bucket(bucketFollowUpQueue).Delete(key)
}

// The bbolt catalog's buckets and meta keys:
//
//	source_names: scope 0 name 0 id → kind
//	source_added: scope 0 ^nanos id → nil    (newest first)
//	meta "scount" 0 scope → number of sources
var (
	bucketSourceNames = []byte("source_names")
	bucketSourceAdded = []byte("source_added")
	metaCatalog       = []byte("catalog")
	metaSourceCount   = []byte("scount\x00")
)

func nameKey(scope, name, id string) []byte {
	return []byte(scopeKey(scope) + "\x00" + name + "\x00" + id)
}

func addedKey(s Source) []byte {
	k := scopedKey(s.Scope, "")
	k = binary.BigEndian.AppendUint64(k, ^uint64(s.AddedAt.UnixNano()))
	return append(k, s.ID...)
}

// catalogPut writes s's catalog keys; catalogDelete removes them.
func catalogPut(tx *bolt.Tx, s Source) error {
	names := tx.Bucket(bucketSourceNames)
	for name, kind := range catalogNames(s) {
		if err := names.Put(nameKey(s.Scope, name, s.ID), []byte{kind}); err != nil {
			return err
		}
	}
	if err := tx.Bucket(bucketSourceAdded).Put(addedKey(s), nil); err != nil {
		return err
	}
	return addSourceCount(tx, s.Scope, 1)
}

func catalogDelete(tx *bolt.Tx, s Source) error {
	names := tx.Bucket(bucketSourceNames)
	for name := range catalogNames(s) {
		if err := names.Delete(nameKey(s.Scope, name, s.ID)); err != nil {
			return err
		}
	}
	if err := tx.Bucket(bucketSourceAdded).Delete(addedKey(s)); err != nil {
		return err
	}
	return addSourceCount(tx, s.Scope, -1)
}

func sourceCount(tx *bolt.Tx, scope string) int {
	v := tx.Bucket(bucketMeta).Get(append(append([]byte(nil), metaSourceCount...), scopeKey(scope)...))
	if len(v) != 8 {
		return 0
	}
	return int(binary.BigEndian.Uint64(v))
}

func addSourceCount(tx *bolt.Tx, scope string, delta int) error {
	n := max(sourceCount(tx, scope)+delta, 0)
	key := append(append([]byte(nil), metaSourceCount...), scopeKey(scope)...)
	return tx.Bucket(bucketMeta).Put(key, binary.BigEndian.AppendUint64(nil, uint64(n)))
}

// ensureCatalog builds the catalog of a store written before it existed:
// once, from every source.
func ensureCatalog(tx *bolt.Tx) error {
	for _, b := range [][]byte{bucketSourceNames, bucketSourceAdded} {
		if _, err := tx.CreateBucketIfNotExists(b); err != nil {
			return err
		}
	}
	if string(tx.Bucket(bucketMeta).Get(metaCatalog)) == catalogVersion {
		return nil
	}
	err := tx.Bucket(bucketSources).ForEach(func(k, _ []byte) error {
		s, ok, err := getSource(tx, string(k))
		if err != nil || !ok {
			return err
		}
		return catalogPut(tx, s.Source)
	})
	if err != nil {
		return fmt.Errorf("build the source catalog: %w", err)
	}
	return tx.Bucket(bucketMeta).Put(metaCatalog, []byte(catalogVersion))
}

// newestIDs merges the scopes' source_added keys: the n newest ids.
func newestIDs(tx *bolt.Tx, scopes []string, n int) []string {
	type head struct {
		c      *bolt.Cursor
		prefix []byte
		k      []byte
	}
	var heads []*head
	for _, sc := range scopes {
		h := &head{c: tx.Bucket(bucketSourceAdded).Cursor(), prefix: scopedKey(sc, "")}
		if h.k, _ = h.c.Seek(h.prefix); h.k != nil && !bytes.HasPrefix(h.k, h.prefix) {
			h.k = nil
		}
		heads = append(heads, h)
	}
	var out []string
	for len(out) < n {
		var best *head
		for _, h := range heads {
			if h.k != nil && (best == nil || bytes.Compare(h.k[len(h.prefix):], best.k[len(best.prefix):]) < 0) {
				best = h
			}
		}
		if best == nil {
			break
		}
		out = append(out, string(best.k[len(best.prefix)+8:]))
		if best.k, _ = best.c.Next(); best.k != nil && !bytes.HasPrefix(best.k, best.prefix) {
			best.k = nil
		}
	}
	return out
}
