package search

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// FeedActorPrefix starts the AddedBy of a source that a feed brought:
// "feed:<feed id>". The digest groups new sources by it.
const FeedActorPrefix = "feed:"

// ErrFeedExists: the scope already follows that feed; the error wraps it
// as a *FeedExistsError.
var ErrFeedExists = errors.New("search: feed already followed")

// ErrFeedNotFound: no feed with that id in the caller's scope.
var ErrFeedNotFound = errors.New("search: no such feed")

// FeedExistsError names the feed a scope already follows.
type FeedExistsError struct{ Existing Feed }

func (e *FeedExistsError) Error() string {
	return fmt.Sprintf("search: this server already follows that feed as %s (%q)", e.Existing.ID, e.Existing.Title)
}

// Unwrap makes errors.Is(err, ErrFeedExists) true.
func (e *FeedExistsError) Unwrap() error { return ErrFeedExists }

// Feed is an RSS, Atom or JSON feed that a scope follows, and the state of
// its checks. Package feeds gives the state its meaning; the store
// keeps it so that a restart resumes the schedule.
type Feed struct {
	ID      string    `json:"id"`
	Scope   string    `json:"scope,omitempty"`
	URL     string    `json:"url"`            // the feed document's address
	Title   string    `json:"title"`          // the feed's own title
	Site    string    `json:"site,omitempty"` // the site the feed belongs to
	AddedBy string    `json:"added_by,omitempty"`
	AddedAt time.Time `json:"added_at"`
	State   FeedState `json:"state"`
}

// FeedState is what the checks of a feed remember.
type FeedState struct {
	// ETag and LastModified are the validators of the last copy read,
	// sent back as a conditional GET.
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
	// Seen are the keys (guid, normalised link) of the items of the last
	// copy already handled, so they are not fetched again.
	Seen []string `json:"seen,omitempty"`
	// Revisions are what the feed said of its newest known items' versions
	// (see feeds.itemRevision), by the item's first key: a change means
	// the outlet updated the item, and its page is fetched again.
	Revisions map[string]string `json:"revisions,omitempty"`

	CheckedAt time.Time `json:"checked_at,omitzero"` // last check, whatever its outcome
	OKAt      time.Time `json:"ok_at,omitzero"`      // last successful check
	NewAt     time.Time `json:"new_at,omitzero"`     // last check that added a source
	NextAt    time.Time `json:"next_at,omitzero"`    // next check due
	Items     int       `json:"items,omitempty"`     // sources added, in all

	// Failures counts the failed checks in a row since FailingSince;
	// LastError says what went wrong the last time.
	Failures     int       `json:"failures,omitempty"`
	FailingSince time.Time `json:"failing_since,omitzero"`
	LastError    string    `json:"last_error,omitempty"`
	// Notified is true once the failure was announced, until the
	// recovery is.
	Notified bool `json:"notified,omitempty"`

	// Day is the UTC date (2006-01-02) whose sources DayItems counts: the
	// scope's daily limit adds its feeds' counts up. LimitNoticed is the
	// date a notice last said the scope's feeds reached a limit.
	Day          string `json:"day,omitempty"`
	DayItems     int    `json:"day_items,omitempty"`
	LimitNoticed string `json:"limit_noticed,omitempty"`
}

// feedTx is the method set of a store transaction for followed feeds.
type feedTx interface {
	Feed(id string) (Feed, bool, error)
	PutFeed(f Feed) error
	DeleteFeed(id string) error
	// AllFeeds returns every feed, in no particular order.
	AllFeeds() ([]Feed, error)
}

// feedID is the id of the feed at url in scope: derived, so following the
// same feed twice finds the first, and short enough to type.
func feedID(scope, url string) string {
	sum := sha256.Sum256([]byte("feed\x00" + scope + "\x00" + url))
	return "f" + hex.EncodeToString(sum[:4])
}

// AddFeed stores a new followed feed. A feed with the same URL in the same
// scope is refused with a *FeedExistsError. The id and AddedAt are filled
// in; the state is stored as given (normally zero: due at once).
func (l *Library) AddFeed(f Feed) (Feed, error) {
	if err := l.checkOpen(); err != nil {
		return Feed{}, err
	}
	f.URL = strings.TrimSpace(f.URL)
	if f.URL == "" {
		return Feed{}, invalidf("A feed needs a URL")
	}
	f.ID = feedID(f.Scope, f.URL)
	f.Title = Clip(strings.TrimSpace(f.Title), 250)
	f.AddedAt = l.now().UTC()
	err := l.st.Update(context.Background(), func(tx storeTx) error {
		old, ok, err := tx.Feed(f.ID)
		if err != nil {
			return err
		}
		if ok {
			return &FeedExistsError{Existing: old}
		}
		return tx.PutFeed(f)
	})
	var exists *FeedExistsError
	if errors.As(err, &exists) {
		return Feed{}, err
	}
	if err != nil {
		return Feed{}, errorf("store feed: %w", err)
	}
	return f, nil
}

// Feeds lists the feeds scope follows, oldest first.
func (l *Library) Feeds(scope string) ([]Feed, error) {
	all, err := l.AllFeeds()
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, f := range all {
		if f.Scope == scope {
			out = append(out, f)
		}
	}
	return out, nil
}

// AllFeeds lists the feeds of every scope, oldest first: the scheduler's
// view.
func (l *Library) AllFeeds() ([]Feed, error) {
	if err := l.checkOpen(); err != nil {
		return nil, err
	}
	var out []Feed
	err := l.st.View(context.Background(), func(tx storeTx) error {
		var err error
		out, err = tx.AllFeeds()
		return err
	})
	if err != nil {
		return nil, errorf("list feeds: %w", err)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].AddedAt.Equal(out[j].AddedAt) {
			return out[i].AddedAt.Before(out[j].AddedAt)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// RemoveFeed stops following feed id of scope. The sources it brought
// stay. Another scope's feed is ErrFeedNotFound.
func (l *Library) RemoveFeed(scope, id string) (Feed, error) {
	if err := l.checkOpen(); err != nil {
		return Feed{}, err
	}
	var removed Feed
	err := l.st.Update(context.Background(), func(tx storeTx) error {
		f, ok, err := tx.Feed(id)
		if err != nil {
			return err
		}
		if !ok || f.Scope != scope {
			return ErrFeedNotFound
		}
		removed = f
		return tx.DeleteFeed(id)
	})
	if errors.Is(err, ErrFeedNotFound) {
		return Feed{}, fmt.Errorf("%w: %s", ErrFeedNotFound, id)
	}
	if err != nil {
		return Feed{}, errorf("remove feed %s: %w", id, err)
	}
	return removed, nil
}

// SaveFeedState records the state of feed id after a check. A feed removed
// meanwhile stays removed (nothing is written, no error).
func (l *Library) SaveFeedState(id string, st FeedState) error {
	if err := l.checkOpen(); err != nil {
		return err
	}
	err := l.st.Update(context.Background(), func(tx storeTx) error {
		f, ok, err := tx.Feed(id)
		if err != nil || !ok {
			return err
		}
		f.State = st
		return tx.PutFeed(f)
	})
	if err != nil {
		return errorf("save feed state %s: %w", id, err)
	}
	return nil
}
