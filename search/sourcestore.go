package search

import (
	"context"
	"slices"
	"time"

	"sitrep/attrib"
)

// sourceTx is the method set of a store transaction for sources and what
// hangs on them: their text, lookup keys, catalog, the index work owed
// (pendingOp) and the audit log.
type sourceTx interface {
	// Source returns a source without its text.
	Source(id string) (storedSource, bool, error)
	Text(id string) (string, error)
	// PutSource writes s, its text and its lookup and catalog keys,
	// replacing old (the source stored under the same id) if given, and
	// records the index work owed (a pendingOp). A superseded version
	// (s.Superseded set) gets no lookup or catalog keys: it is found by
	// its sentences only, and never listed or counted.
	PutSource(s storedSource, old *storedSource) error
	// DeleteSource removes s with its keys and records its removal from
	// the index as owed.
	DeleteSource(s storedSource) error
	// SourceIDByHash and SourceIDByURL find a source of scope by its text
	// hash or URL; "" when there is none.
	SourceIDByHash(scope, hash string) (string, error)
	SourceIDByURL(scope, url string) (string, error)
	// VersionIDs lists the ids of the superseded versions of source id.
	VersionIDs(id string) ([]string, error)
	// ScopeSourceIDs lists the ids of scope's sources.
	ScopeSourceIDs(scope string) ([]string, error)
	// AllSourceIDs lists every source id, sorted.
	AllSourceIDs() ([]string, error)
	// CountSources counts every stored text (superseded versions too:
	// the article index holds one document each) and the sources outside
	// the shared scope.
	CountSources() (total, guild int64, err error)
	// SourceCount counts scope's sources.
	SourceCount(scope string) (int, error)
	// NewestIDs returns the n newest source ids of the scopes, newest
	// first (ties by id).
	NewestIDs(scopes []string, n int) ([]string, error)
	// Names returns at most limit catalog names of scope starting with
	// prefix, by name then id.
	Names(scope, prefix string, limit int) ([]catalogName, error)
	// ExactNames returns scope's catalog entries whose name is name.
	ExactNames(scope, name string) ([]catalogName, error)

	// Pending lists the index work owed; PendingCount counts it.
	Pending() ([]pendingJob, error)
	PendingCount() (int, error)
	ClearPending(ids []string) error
	ClearAllPending() error

	AddAudit(e AuditEntry) error
	// Audit returns every audit entry, oldest first.
	Audit() ([]AuditEntry, error)
}

// catalogName is one catalog entry: a name of a source and its kind
// (nameStart, nameWord, nameHandle).
type catalogName struct {
	Name string
	ID   string
	Kind byte
}

// pendingJob is index work owed for one source.
type pendingJob struct {
	ID string
	Op pendingOp
}

// storedSource is a source as the store keeps it: metadata and sentence
// spans, with the text apart (its own bucket or column) so listings never
// decode it.
type storedSource struct {
	Source
	Spans []Span `json:"spans"`
	// Attribution holds who speaks in each sentence, by span index (see
	// attribute); absent when no sentence names anyone.
	Attribution        []attrib.Attribution `json:"attrib,omitempty"`
	AttributionVersion int                  `json:"attrib_v,omitempty"`
	// Kept, on a superseded version, lists the spans whose sentence the
	// next version still has: they are not indexed, so a sentence that
	// did not change is found once, in its latest version.
	Kept []int `json:"kept,omitempty"`
}

// indexed reports whether span n of s belongs in the index.
func (s storedSource) indexed(n int) bool {
	return s.Superseded == nil || !slices.Contains(s.Kept, n)
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

// AuditEntry records one change to the library: who did what, when.
type AuditEntry struct {
	At       time.Time `json:"at"`
	Actor    string    `json:"actor,omitempty"`
	Action   string    `json:"action"` // "add", "replace", "update" or "remove"
	SourceID string    `json:"source_id"`
	Scope    string    `json:"scope,omitempty"`
	Title    string    `json:"title"`
}

// Audit returns the changes made in scope (all scopes when all is true),
// oldest first.
func (l *Library) Audit(scope string, all bool) ([]AuditEntry, error) {
	if err := l.checkOpen(); err != nil {
		return nil, err
	}
	var out []AuditEntry
	err := l.st.View(context.Background(), func(tx storeTx) error {
		entries, err := tx.Audit()
		for _, e := range entries {
			if all || e.Scope == scope {
				out = append(out, e)
			}
		}
		return err
	})
	if err != nil {
		return nil, errorf("read audit log: %w", err)
	}
	return out, nil
}

// SourceByURL returns the source visible from scope whose URL is url.
func (l *Library) SourceByURL(scope, url string) (Source, bool, error) {
	if err := l.checkOpen(); err != nil {
		return Source{}, false, err
	}
	var out Source
	var found bool
	err := l.st.View(context.Background(), func(tx storeTx) error {
		for _, sc := range []string{scope, SharedScope} {
			id, err := tx.SourceIDByURL(sc, url)
			if err != nil {
				return err
			}
			if id == "" {
				continue
			}
			s, ok, err := tx.Source(id)
			if err != nil {
				return err
			}
			if ok {
				out, found = s.Source, true
				return nil
			}
		}
		return nil
	})
	if err != nil {
		return Source{}, false, errorf("look up %s: %w", url, err)
	}
	return out, found, nil
}
