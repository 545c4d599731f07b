package search

// Versions: an outlet updates an article in place; the library keeps
// what it said before as a superseded version of the same source.

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Revision says what Update did.
type Revision struct {
	// Source is the source as it is now (without its text).
	Source Source `json:"source"`
	// Changed is false when the text was the same as stored (same hash
	// after extraction): nothing was stored.
	Changed bool `json:"changed"`
	// Sentences counts the sentences that changed: reworded, added or
	// gone (a reworded one counts once).
	Sentences int `json:"sentences_changed"`
}

// versionSep joins a source id and a version number into the id of the
// superseded version. It is not allowed in an id given to Add, so no
// source can take a version's id.
const versionSep = "~v"

// versionID is the id under which version v of the source id is kept
// once superseded.
func versionID(id string, v int) string { return id + versionSep + strconv.Itoa(v) }

// Update stores s as a new version of the source id when its text
// differs from the stored one: the stored version is kept, marked
// superseded (its sentences stay answerable as what was said then), and
// the source keeps its id, when and by whom it was first added, and its
// link if s has none. The same text again stores nothing (Changed false).
// Only a source of s.Scope can be updated; anything else is ErrNotFound.
// Validation errors are Add's.
func (l *Library) Update(ctx context.Context, id string, s Source) (Revision, error) {
	if err := l.checkOpen(); err != nil {
		return Revision{}, err
	}
	s.ID = id
	spans, err := s.normalize()
	if err != nil {
		return Revision{}, err
	}
	l.wmu.Lock()
	defer l.wmu.Unlock()
	if err := l.checkOpen(); err != nil {
		return Revision{}, err
	}
	if err := ctx.Err(); err != nil {
		return Revision{}, err
	}
	now := l.now().UTC()
	b := l.ix.newBatches()
	var rev Revision
	var written []string
	err = l.update(ctx, func(tx storeTx) error {
		rev, written = Revision{}, nil
		old, ok, err := tx.Source(id)
		if err != nil {
			return err
		}
		if !ok || old.Scope != s.Scope || old.Superseded != nil {
			return fmt.Errorf("%w: %s", ErrNotFound, id)
		}
		if old.Hash == s.Hash {
			rev.Source = old.Source
			return nil
		}
		oldText, err := tx.Text(id)
		if err != nil {
			return err
		}
		// The versions kept so far number 1 to n: an import that replaced
		// the source in place may have reset its Version.
		kept, err := tx.VersionIDs(id)
		if err != nil {
			return err
		}
		ver := max(old.Version, len(kept)+1, 1)
		same, changed := compareVersions(oldText, old.Spans, s.Text, spans)
		prev := old
		prev.ID = versionID(id, ver)
		prev.Version = ver
		prev.Superseded = &Superseded{At: now, By: ver + 1, Current: id}
		prev.Kept = same
		prev.Text = oldText
		if err := tx.PutSource(prev, nil); err != nil {
			return err
		}
		cur := storedSource{Source: s, Spans: spans, Attribution: attribute(s.Text, spans), AttributionVersion: attributionVersion}
		cur.AddedAt, cur.AddedBy = old.AddedAt, old.AddedBy
		if cur.URL == "" {
			cur.URL = old.URL
		}
		cur.Version, cur.UpdatedAt = ver+1, now
		if err := tx.PutSource(cur, &old); err != nil {
			return err
		}
		if err := tx.AddAudit(AuditEntry{At: now, Actor: s.AddedBy, Action: "update", SourceID: id, Scope: s.Scope, Title: cur.Title}); err != nil {
			return err
		}
		if l.changes == nil {
			if err := l.ix.add(b, prev, oldText, 0); err != nil {
				return err
			}
			if err := l.ix.add(b, cur, cur.Text, len(old.Spans)); err != nil {
				return err
			}
		}
		cur.Text = ""
		rev = Revision{Source: cur.Source, Changed: true, Sentences: changed}
		written = []string{prev.ID, id}
		return nil
	})
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return Revision{}, err
		}
		return Revision{}, errorf("update %s: %w", id, err)
	}
	if !rev.Changed {
		return rev, nil
	}
	for _, w := range written {
		l.cache.forget(w)
	}
	if err := l.indexWritten(ctx, b); err != nil {
		return Revision{}, err
	}
	if err := l.clearPending(written); err != nil {
		return Revision{}, err
	}
	return rev, nil
}

// compareVersions compares an old version's sentences with a new one's:
// kept lists the old spans whose sentence (spaces aside) the new text
// still has, and changed counts the sentences reworded, added or gone.
func compareVersions(oldText string, oldSpans []Span, newText string, newSpans []Span) (kept []int, changed int) {
	have := make(map[string]int, len(newSpans))
	for _, sp := range newSpans {
		have[sentenceKey(newText[sp.Start:sp.End])]++
	}
	gone := 0
	for n, sp := range oldSpans {
		k := sentenceKey(oldText[sp.Start:sp.End])
		if have[k] > 0 {
			have[k]--
			kept = append(kept, n)
		} else {
			gone++
		}
	}
	added := len(newSpans) - len(kept)
	return kept, max(gone, added)
}

func sentenceKey(s string) string { return strings.Join(strings.Fields(s), " ") }

// AddOrUpdate adds s, unless the library already holds a source of s's
// own scope with the same link: then s is stored as a new version of it
// when the text changed (Update), and rev says what happened. rev is nil
// when s was added. Every other duplicate (the same text under another
// link, or a shared source's link) is Add's *DuplicateError.
func (l *Library) AddOrUpdate(ctx context.Context, s Source) (Source, *Revision, error) {
	stored, err := l.Add(ctx, s)
	var dup *DuplicateError
	if !errors.As(err, &dup) || s.URL == "" || dup.Existing.Scope != s.Scope {
		return stored, nil, err
	}
	link := withoutCredentials(strings.TrimSpace(s.URL))
	switch {
	case dup.By == "url":
	case dup.Existing.URL == link: // the same link and the same text
		return dup.Existing, &Revision{Source: dup.Existing}, nil
	default:
		return Source{}, nil, err
	}
	rev, err := l.Update(ctx, dup.Existing.ID, s)
	if err != nil {
		return Source{}, nil, err
	}
	return rev.Source, &rev, nil
}
