package search

import (
	"context"
	"time"

	"sitrep/attrib"
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

// storeTx is what the library reads and writes inside one transaction.
// Lookups of something absent return its zero value and false (or ""),
// never an error.
type storeTx interface {
	// Source returns a source without its text.
	Source(id string) (storedSource, bool, error)
	Text(id string) (string, error)
	// PutSource writes s, its text and its lookup and catalog keys,
	// replacing old (the source stored under the same id) if given, and
	// records the index work owed (a pendingOp).
	PutSource(s storedSource, old *storedSource) error
	// DeleteSource removes s with its keys and records its removal from
	// the index as owed.
	DeleteSource(s storedSource) error
	// SourceIDByHash and SourceIDByURL find a source of scope by its text
	// hash or URL; "" when there is none.
	SourceIDByHash(scope, hash string) (string, error)
	SourceIDByURL(scope, url string) (string, error)
	// ScopeSourceIDs lists the ids of scope's sources.
	ScopeSourceIDs(scope string) ([]string, error)
	// AllSourceIDs lists every source id, sorted.
	AllSourceIDs() ([]string, error)
	// CountSources counts every source and those outside the shared scope.
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

	// Meta returns the value of a library-wide setting; nil when unset.
	Meta(key string) ([]byte, error)
	PutMeta(key string, v []byte) error

	// AddQuestion logs a question of scope asked at at: rec builds the
	// record from the id the store gives it. Then it deletes scope's
	// questions past the retention and beyond limit, oldest first.
	AddQuestion(scope string, at time.Time, rec func(id string) QuestionRecord, limit uint64) (string, error)
	// Questions returns scope's questions at or after since (not before
	// the epoch), oldest first.
	Questions(scope string, since time.Time) ([]QuestionRecord, error)
	Question(scope, id string) (QuestionRecord, bool, error)
	// MarkFollowedUp sets FollowedUp on scope's questions ids; unknown
	// ids are ignored.
	MarkFollowedUp(scope string, ids []string) error

	DigestSettings(scope string) (DigestSettings, bool, error)
	PutDigestSettings(scope string, s DigestSettings) error
	AllDigestSettings() ([]DigestSettings, error)
	// ClaimDigest records that scope's digest of day is being posted;
	// false when it was claimed before (by any process).
	ClaimDigest(scope, day string, at time.Time) (bool, error)
	// ReleaseDigest gives a claim up (the post failed), so the day can
	// be claimed again; an unclaimed day is no error.
	ReleaseDigest(scope, day string) error

	Feed(id string) (Feed, bool, error)
	PutFeed(f Feed) error
	DeleteFeed(id string) error
	// AllFeeds returns every feed, in no particular order.
	AllFeeds() ([]Feed, error)

	// QueueFollowUp queues the follow-up check of source id of scope,
	// unless it is queued already.
	QueueFollowUp(scope, id string, at time.Time) error
	// FollowUpJobs returns the queued checks, oldest first.
	FollowUpJobs() ([]FollowUpJob, error)
	// DeleteFollowUpJob removes a queued check; an unknown id is no error.
	DeleteFollowUpJob(id string) error
}

// change is one change to a source, in the order of the store's change
// sequence: what an index that lags behind has to apply.
type change struct {
	Seq     int64
	ID      string
	Removed bool
	// Stale is how many sentence documents an index holding an older
	// version of the source may have.
	Stale int
	// Source and Text are the source as stored, unless Removed.
	Source storedSource
	Text   string
}

// changeLog is a store that numbers its source changes, so that every
// process can keep its own index in step (pgStore).
type changeLog interface {
	// LastChange returns the sequence number of the latest change.
	LastChange(ctx context.Context) (int64, error)
	// ChangesSince returns the changes after seq, oldest first, at most
	// limit, with the sources as they are now; for a source changed
	// several times only the latest.
	ChangesSince(ctx context.Context, seq int64, limit int) ([]change, error)
	// ChangeCount counts the changes after seq.
	ChangeCount(ctx context.Context, seq int64) (int, error)
	// Listen starts listening for changes committed from now on.
	Listen(ctx context.Context) (changeListener, error)
}

// changeListener wakes when the store's sources change.
type changeListener interface {
	// Wait returns when a change was committed since the last Wait, or
	// with an error when ctx ends or the connection is lost (then the
	// listener is spent: Close it and Listen again).
	Wait(ctx context.Context) error
	Close()
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

// AuditEntry records one change to the library: who did what, when.
type AuditEntry struct {
	At       time.Time `json:"at"`
	Actor    string    `json:"actor,omitempty"`
	Action   string    `json:"action"` // "add", "replace" or "remove"
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
