package feeds

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"sitrep/search"
)

// Defaults of the limits in Options. They keep one server's feeds, however
// hostile or slow, from stalling the others' or filling the shared store.
const (
	// DefaultMaxFeeds is as many as /feed list shows in one embed.
	DefaultMaxFeeds = 25
	// DefaultMaxNewPerCheck: a feed that changes every item on every
	// check brings at most this many sources a check.
	DefaultMaxNewPerCheck = 10
	// DefaultMaxSourcesPerDay is what all of a scope's feeds may bring in
	// one UTC day: twenty busy news feeds' worth.
	DefaultMaxSourcesPerDay = 200
	// DefaultMaxScopeSources is the size of a scope, in sources of its
	// own, past which its feeds add nothing.
	DefaultMaxScopeSources = 20000
	// DefaultCheckBudget is what one check of one feed may take, its
	// items' pages included (each page fetch is also held to the
	// Fetcher's own timeout).
	DefaultCheckBudget = 2 * time.Minute
	// DefaultConcurrency is how many feeds are checked at once.
	DefaultConcurrency = 4
	// DefaultMaxFeedBytes is the largest feed document read.
	DefaultMaxFeedBytes = 3 << 20
	// DefaultMaxParsedItems is how many of a document's items are parsed,
	// in the document's order (newest first, by custom).
	DefaultMaxParsedItems = 500
)

// ErrLimit is wrapped by every *LimitError.
var ErrLimit = errors.New("feeds: limit reached")

// ErrCredentials refuses a feed link that carries a user name or password
// (https://user:password@host/): it would be stored, and shown wherever
// the feed is, so Sitrep follows only public feeds.
var ErrCredentials = errors.New("feeds: the link carries a user name or password; only public feeds can be followed")

// LimitKind says which limit was reached.
type LimitKind int

// The limits a scope's feeds meet.
const (
	LimitFeeds         LimitKind = iota + 1 // feeds one scope may follow (Add)
	LimitSourcesPerDay                      // sources a scope's feeds may bring in a UTC day
	LimitScopeSources                       // sources a scope may hold for its feeds to add more
)

// LimitError says that a limit of Options stopped Add or held back items:
// Kind, and Max, its value. Front ends word it; it wraps ErrLimit.
type LimitError struct {
	Kind LimitKind
	Max  int
}

func (e *LimitError) Error() string {
	switch e.Kind {
	case LimitFeeds:
		return fmt.Sprintf("feeds: the scope follows %d feeds, the most it may", e.Max)
	case LimitSourcesPerDay:
		return fmt.Sprintf("feeds: the scope's feeds brought %d sources today, the most they may in a day", e.Max)
	}
	return fmt.Sprintf("feeds: the scope holds %d sources or more, the most its feeds may fill it to", e.Max)
}

// Unwrap makes errors.Is(err, ErrLimit) true.
func (e *LimitError) Unwrap() error { return ErrLimit }

// day is the UTC date that the daily limit counts in.
func day(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// budgets are what each scope's feeds may still add during one round of
// checks, shared by the checks running at once. A scope's feeds are all
// checked by one process (the shard that owns the scope), so the counts
// read at the start of the round stay true during it.
type budgets struct {
	f     *Poller
	today string
	feeds map[string][]search.Feed // by scope: the round's view

	mu     sync.Mutex
	scopes map[string]*scopeBudget
}

// scopeBudget is one scope's: left sources, and the limit that set it.
type scopeBudget struct {
	left    int
	limit   *LimitError
	noticed bool // a limit notice was given today
}

func (f *Poller) newBudgets(all []search.Feed, now time.Time) *budgets {
	b := &budgets{f: f, today: day(now), feeds: map[string][]search.Feed{}, scopes: map[string]*scopeBudget{}}
	for _, fd := range all {
		b.feeds[fd.Scope] = append(b.feeds[fd.Scope], fd)
	}
	return b
}

// reserve takes one source from scope's budget: nil when there is one,
// else the limit that is reached. Its error is the library's.
func (b *budgets) reserve(scope string) (*LimitError, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	sb, err := b.scopeLocked(scope)
	if err != nil {
		return nil, err
	}
	if sb.left <= 0 {
		return sb.limit, nil
	}
	sb.left--
	return nil, nil
}

// release gives back a reserved source that was not added.
func (b *budgets) release(scope string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.scopes[scope].left++
}

// claimNotice reports whether this check is the one to give scope's
// limit notice today (none was given, no other check is giving it);
// unclaimNotice hands it back when it could not be given.
func (b *budgets) claimNotice(scope string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	sb := b.scopes[scope]
	if sb == nil || sb.noticed {
		return false
	}
	sb.noticed = true
	return true
}

func (b *budgets) unclaimNotice(scope string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.scopes[scope].noticed = false
}

func (b *budgets) scopeLocked(scope string) (*scopeBudget, error) {
	if sb := b.scopes[scope]; sb != nil {
		return sb, nil
	}
	opts := b.f.opts
	sb := &scopeBudget{}
	used := 0
	for _, fd := range b.feeds[scope] {
		if fd.State.Day == b.today {
			used += fd.State.DayItems
		}
		sb.noticed = sb.noticed || fd.State.LimitNoticed == b.today
	}
	page, err := b.f.lib.ListSources(scope, 0, 0)
	if err != nil {
		return nil, err
	}
	own := page.Own
	if scope == search.SharedScope {
		own = page.Total
	}
	sb.left, sb.limit = opts.MaxSourcesPerDay-used, &LimitError{Kind: LimitSourcesPerDay, Max: opts.MaxSourcesPerDay}
	if room := opts.MaxScopeSources - own; room < sb.left {
		sb.left, sb.limit = room, &LimitError{Kind: LimitScopeSources, Max: opts.MaxScopeSources}
	}
	b.scopes[scope] = sb
	return sb, nil
}
