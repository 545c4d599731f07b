package search

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"sort"

	bolt "go.etcd.io/bbolt"
)

func (t boltTx) Source(id string) (storedSource, bool, error) { return getSource(t.tx, id) }

func getSource(tx *bolt.Tx, id string) (storedSource, bool, error) {
	raw := tx.Bucket(bucketSources).Get([]byte(id))
	if raw == nil {
		return storedSource{}, false, nil
	}
	return decodeRecord[storedSource]("source", id, raw)
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
		if old.Superseded != nil {
			return fmt.Errorf("source %s: a superseded version is never replaced", old.ID)
		}
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
	if s.Superseded != nil {
		if err := tx.Bucket(bucketVersions).Put([]byte(s.ID), nil); err != nil {
			return err
		}
		return putPending(tx, s.ID, pendingOp{Stale: stale})
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
	if s.Superseded == nil {
		if err := deleteKeys(tx, s); err != nil {
			return err
		}
	} else if err := tx.Bucket(bucketVersions).Delete([]byte(s.ID)); err != nil {
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

// VersionIDs finds the versions by their id's prefix: bucketSources is
// keyed by id.
func (t boltTx) VersionIDs(id string) ([]string, error) {
	var out []string
	prefix := []byte(id + versionSep)
	c := t.tx.Bucket(bucketSources).Cursor()
	for k, _ := c.Seek(prefix); k != nil && hasPrefix(k, prefix); k, _ = c.Next() {
		out = append(out, string(k))
	}
	return out, nil
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
	// Earlier versions are indexed too. They are counted by their key-only
	// bucket: walking bucketSources would read every source record, 1.3 s
	// of a cold open at a million passages.
	vs := t.tx.Bucket(bucketVersions).Cursor()
	for k, _ := vs.First(); k != nil; k, _ = vs.Next() {
		total++
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

// The bbolt catalog's buckets and meta keys:
//
//	source_names: scope 0 name 0 id → kind
//	source_added: scope 0 ^nanos id → nil    (newest first)
//	meta "scount" 0 scope → number of sources
var (
	bucketSourceNames = []byte("source_names")
	bucketSourceAdded = []byte("source_added")
	metaCatalog       = []byte("catalog")
	bucketVersions    = []byte("versions") // version id → nil (versions.go)
	metaVersions      = []byte("versions")
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
// ensureVersions keeps bucketVersions, the ids of the earlier versions
// kept in bucketSources, filled once for a store written before it.
func ensureVersions(tx *bolt.Tx) error {
	b, err := tx.CreateBucketIfNotExists(bucketVersions)
	if err != nil {
		return err
	}
	if string(tx.Bucket(bucketMeta).Get(metaVersions)) == "1" {
		return nil
	}
	c := tx.Bucket(bucketSources).Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		if bytes.Contains(k, []byte(versionSep)) {
			if err := b.Put(bytes.Clone(k), nil); err != nil {
				return err
			}
		}
	}
	return tx.Bucket(bucketMeta).Put(metaVersions, []byte("1"))
}

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
