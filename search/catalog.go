package search

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"unicode"
)

// The catalog: lookups of sources by name and listings newest first,
// without reading every source. Autocomplete runs on every keystroke; at
// 50,000 sources a scan took seconds, past Discord's 3-second window. The
// store writes a source's names (title, outlet, id, word of either,
// handle; see catalogNames) with the source, in the same transaction, and
// keeps its sources ordered by time added and counted by scope.
//
// A name is the lower-cased title or outlet from one of its first words
// on, so what is typed finds the sources with a word starting with it.

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
	err := l.st.View(context.Background(), func(tx storeTx) error {
		for _, sc := range visibleScopes(scope, false) {
			n, err := tx.SourceCount(sc)
			if err != nil {
				return err
			}
			p.Total += n
			if sc == scope && scope != SharedScope {
				p.Own = n
			}
		}
		if limit <= 0 || p.Total == 0 {
			return nil
		}
		if offset >= p.Total {
			offset = (p.Total - 1) / limit * limit
		}
		offset = max(offset, 0)
		ids, err := tx.NewestIDs(visibleScopes(scope, false), offset+limit)
		if err != nil {
			return err
		}
		if offset < len(ids) {
			ids = ids[offset:]
		} else {
			ids = nil
		}
		p.Sources, err = loadSources(tx, ids)
		return err
	})
	if err != nil {
		return p, errorf("list sources: %w", err)
	}
	return p, nil
}

// loadSources reads the sources ids (without text), skipping any gone.
func loadSources(tx storeTx, ids []string) ([]Source, error) {
	out := make([]Source, 0, len(ids))
	for _, id := range ids {
		s, ok, err := tx.Source(id)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, s.Source)
		}
	}
	return out, nil
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
	err := l.st.View(context.Background(), func(tx storeTx) error {
		scopes := visibleScopes(q.Scope, q.OwnOnly)
		if needle == "" {
			ids, err := tx.NewestIDs(scopes, q.Limit)
			if err != nil {
				return err
			}
			out, err = loadSources(tx, ids)
			return err
		}
		// Rank from the keys alone, then read only the sources shown.
		type hit struct {
			id   string
			kind byte
			n    int // key order: alphabetical by name
		}
		best := map[string]hit{}
		read := 0
		for _, sc := range scopes {
			if read >= nameMaxScan {
				break
			}
			names, err := tx.Names(sc, needle, nameMaxScan-read)
			if err != nil {
				return err
			}
			for _, nm := range names {
				read++
				if nm.Kind == 0 || nm.Kind == nameHandle {
					continue
				}
				if old, ok := best[nm.ID]; !ok || nm.Kind < old.kind {
					best[nm.ID] = hit{nm.ID, nm.Kind, read}
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
		var err error
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
	err := l.st.View(context.Background(), func(tx storeTx) error {
		visible := func(s storedSource) bool {
			return s.Scope == scope || (!ownOnly && s.Scope == SharedScope)
		}
		if s, ok, err := tx.Source(v); err != nil || (ok && visible(s)) {
			if ok {
				found = append(found, s.Source)
			}
			return err
		}
		byTitle := map[string]bool{}
		for _, sc := range visibleScopes(scope, ownOnly) {
			handles, err := tx.ExactNames(sc, v)
			if err != nil {
				return err
			}
			for _, nm := range handles {
				if nm.Kind == nameHandle {
					s, ok, err := tx.Source(nm.ID)
					if ok {
						found = []Source{s.Source}
					}
					return err
				}
			}
			titles, err := tx.ExactNames(sc, normName(v))
			if err != nil {
				return err
			}
			for _, nm := range titles {
				if nm.Kind == nameStart {
					byTitle[nm.ID] = true
				}
			}
		}
		for id := range byTitle {
			s, ok, err := tx.Source(id)
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
