package search

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"unicode"

	bolt "go.etcd.io/bbolt"
)

// The catalog: lookups of sources by name and listings newest first,
// without reading every source. Autocomplete runs on every keystroke; at
// 50,000 sources a scan took seconds, past Discord's 3-second window. The
// catalog's keys are written with the source, in the same transaction:
//
//	source_names: scope 0 name 0 id → kind   (title, outlet, id, word of either, handle)
//	source_added: scope 0 ^nanos id → nil    (newest first)
//	meta "scount" 0 scope → number of sources
//
// A name is the lower-cased title or outlet from one of its first words
// on, so what is typed finds the sources with a word starting with it.
var (
	bucketSourceNames = []byte("source_names")
	bucketSourceAdded = []byte("source_added")
	metaCatalog       = []byte("catalog")
	metaSourceCount   = []byte("scount\x00")
)

// Kinds of names, the value of a source_names key; lower sorts first.
const (
	nameStart  byte = '0' // the whole title, outlet or id
	nameWord   byte = '1' // a later word of the title or outlet on
	nameHandle byte = 'h' // SourceHandle(id)
)

const (
	catalogVersion  = "1"
	nameWords       = 12  // word starts of a title indexed
	nameBytes       = 64  // a word-start name is cut to this
	nameMaxScan     = 200 // keys one FindSources reads at most
	maxSourceSearch = 100 // FindSources' largest Limit
)

// SourceHandle is a short stable name for a source id, for places with
// little room (Discord's custom ids and choice values hold 100
// characters; ids may have 128): "~" and 16 hex digits of its hash.
// Library.SourceByName resolves it.
func SourceHandle(id string) string {
	sum := sha256.Sum256([]byte(id))
	return "~" + hex.EncodeToString(sum[:8])
}

// normName folds a name as the catalog keys it: lower case, one space.
func normName(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

// catalogNames lists the names of s, with their kinds.
func catalogNames(s Source) map[string]byte {
	names := map[string]byte{}
	put := func(name string, kind byte) {
		if name == "" {
			return
		}
		if old, ok := names[name]; !ok || kind < old {
			names[name] = kind
		}
	}
	for _, field := range []string{s.Title, s.Outlet} {
		f := normName(field)
		put(f, nameStart)
		starts := 0
		for k, r := range f {
			if k == 0 || f[k-1] != ' ' || !(unicode.IsLetter(r) || unicode.IsDigit(r)) {
				continue
			}
			if starts++; starts > nameWords {
				break
			}
			put(clipBytes(f[k:], nameBytes), nameWord)
		}
	}
	put(strings.ToLower(s.ID), nameStart)
	put(SourceHandle(s.ID), nameHandle)
	return names
}

// clipBytes cuts s to at most n bytes at a rune boundary.
func clipBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && (s[n]&0xC0) == 0x80 {
		n--
	}
	return s[:n]
}

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

// visibleScopes are the scopes whose sources scope sees.
func visibleScopes(scope string, ownOnly bool) []string {
	if ownOnly {
		return []string{scope}
	}
	if scope == SharedScope {
		return []string{SharedScope}
	}
	return []string{SharedScope, scope}
}

// SourcePage is one page of a scope's listing, newest first.
type SourcePage struct {
	Sources []Source `json:"sources"`
	Total   int      `json:"total"` // visible from the scope
	Own     int      `json:"own"`   // of those, the scope's own
}

// ListSources returns limit sources visible from scope, newest first,
// from offset on (an offset past the end gives the last page), and the
// counts. Its cost grows with offset+limit, not with the library.
func (l *Library) ListSources(scope string, offset, limit int) (SourcePage, error) {
	var p SourcePage
	if err := l.checkOpen(); err != nil {
		return p, err
	}
	err := l.db.View(func(tx *bolt.Tx) error {
		for _, sc := range visibleScopes(scope, false) {
			p.Total += sourceCount(tx, sc)
		}
		if scope != SharedScope {
			p.Own = sourceCount(tx, scope)
		}
		if limit <= 0 || p.Total == 0 {
			return nil
		}
		if offset >= p.Total {
			offset = (p.Total - 1) / limit * limit
		}
		offset = max(offset, 0)
		ids := newestIDs(tx, visibleScopes(scope, false), offset+limit)
		if offset < len(ids) {
			ids = ids[offset:]
		} else {
			ids = nil
		}
		var err error
		p.Sources, err = loadSources(tx, ids)
		return err
	})
	if err != nil {
		return p, errorf("list sources: %w", err)
	}
	return p, nil
}

// loadSources reads the sources ids (without text), skipping any gone.
func loadSources(tx *bolt.Tx, ids []string) ([]Source, error) {
	out := make([]Source, 0, len(ids))
	for _, id := range ids {
		s, ok, err := getSource(tx, id)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, s.Source)
		}
	}
	return out, nil
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

// SourceSearch asks FindSources for the sources whose title, outlet or id
// has a word starting with Prefix.
type SourceSearch struct {
	Scope  string
	Prefix string // as typed; "" lists the newest
	// OwnOnly leaves out the shared sources (which a guild cannot remove).
	OwnOnly bool
	Limit   int // at most maxSourceSearch
}

// FindSources returns the sources visible from q.Scope named by what was
// typed: titles, outlets and ids starting with it first, then those with a
// later word starting with it; alphabetically within each (the newest
// first when nothing was typed). Its cost does not grow with the library:
// it reads at most nameMaxScan catalog keys and decodes only the sources
// it returns.
func (l *Library) FindSources(q SourceSearch) ([]Source, error) {
	if err := l.checkOpen(); err != nil {
		return nil, err
	}
	q.Limit = min(max(q.Limit, 1), maxSourceSearch)
	needle := normName(q.Prefix)
	var out []Source
	err := l.db.View(func(tx *bolt.Tx) error {
		scopes := visibleScopes(q.Scope, q.OwnOnly)
		var err error
		if needle == "" {
			out, err = loadSources(tx, newestIDs(tx, scopes, q.Limit))
			return err
		}
		// Rank from the keys alone, then read only the sources shown.
		type hit struct {
			id   string
			kind byte
			n    int // key order: alphabetical by name
		}
		best := map[string]hit{}
		c := tx.Bucket(bucketSourceNames).Cursor()
		read := 0
		for _, sc := range scopes {
			prefix := []byte(scopeKey(sc) + "\x00" + needle)
			for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix) && read < nameMaxScan; k, v = c.Next() {
				read++
				if len(v) != 1 || v[0] == nameHandle {
					continue
				}
				id := string(k[bytes.LastIndexByte(k, 0)+1:])
				if old, ok := best[id]; !ok || v[0] < old.kind {
					best[id] = hit{id, v[0], read}
				}
			}
		}
		hits := make([]hit, 0, len(best))
		for _, h := range best {
			hits = append(hits, h)
		}
		sort.Slice(hits, func(i, j int) bool {
			if hits[i].kind != hits[j].kind {
				return hits[i].kind < hits[j].kind
			}
			return hits[i].n < hits[j].n
		})
		ids := make([]string, 0, q.Limit)
		for _, h := range hits[:min(len(hits), q.Limit)] {
			ids = append(ids, h.id)
		}
		out, err = loadSources(tx, ids)
		return err
	})
	if err != nil {
		return nil, errorf("find sources: %w", err)
	}
	return out, nil
}

// SourceByName returns the source visible from scope (only scope's own
// with ownOnly) that v names exactly: its id, its SourceHandle, or a title
// no other visible source has. It returns ErrNotFound otherwise.
func (l *Library) SourceByName(scope, v string, ownOnly bool) (Source, error) {
	if err := l.checkOpen(); err != nil {
		return Source{}, err
	}
	v = strings.TrimSpace(v)
	var found []Source
	err := l.db.View(func(tx *bolt.Tx) error {
		visible := func(s storedSource) bool {
			return s.Scope == scope || (!ownOnly && s.Scope == SharedScope)
		}
		if s, ok, err := getSource(tx, v); err != nil || (ok && visible(s)) {
			if ok {
				found = append(found, s.Source)
			}
			return err
		}
		byTitle := map[string]bool{}
		c := tx.Bucket(bucketSourceNames).Cursor()
		for _, sc := range visibleScopes(scope, ownOnly) {
			handle := []byte(scopeKey(sc) + "\x00" + v + "\x00")
			for k, kind := c.Seek(handle); k != nil && bytes.HasPrefix(k, handle); k, kind = c.Next() {
				if len(kind) == 1 && kind[0] == nameHandle {
					s, ok, err := getSource(tx, string(k[len(handle):]))
					if ok {
						found = []Source{s.Source}
					}
					return err
				}
			}
			title := []byte(scopeKey(sc) + "\x00" + normName(v) + "\x00")
			for k, kind := c.Seek(title); k != nil && bytes.HasPrefix(k, title); k, kind = c.Next() {
				if len(kind) == 1 && kind[0] == nameStart {
					byTitle[string(k[len(title):])] = true
				}
			}
		}
		for id := range byTitle {
			s, ok, err := getSource(tx, id)
			if err != nil {
				return err
			}
			if ok && normName(s.Title) == normName(v) {
				found = append(found, s.Source)
			}
		}
		return nil
	})
	if err != nil {
		return Source{}, errorf("find source: %w", err)
	}
	if len(found) != 1 {
		return Source{}, fmt.Errorf("%w: %s", ErrNotFound, Clip(v, 40))
	}
	return found[0], nil
}
