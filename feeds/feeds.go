// Package feeds polls RSS, Atom and JSON feeds for the library: it finds
// a site's feed, checks each feed politely (conditional GET, backoff,
// jitter, the safe fetcher of package ingest), turns new items into
// sources of the scope that follows the feed, and says when a feed keeps
// failing and when it recovers. Parsing is gofeed's; storage is the
// library's, and the feed state of a check is written only after its
// items are stored, so a crash repeats the check and the library's
// duplicate refusal keeps every item exactly once.
package feeds

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"

	"sitrep/ingest"
	"sitrep/internal/textclip"
	"sitrep/search"
)

// Defaults of Options.
const (
	DefaultInterval = 15 * time.Minute
	DefaultMaxItems = 20
	// MaxBackoff caps the delay between checks of a failing feed, so a
	// repaired feed is noticed within hours.
	MaxBackoff = 6 * time.Hour
	// NoticeFailures and NoticeAfter say when a failing feed is announced:
	// after that many failed checks in a row, or that long failing.
	NoticeFailures = 3
	NoticeAfter    = 24 * time.Hour
	// jitterFraction spreads checks by ±10% of their delay so feeds added
	// together are not all fetched together.
	jitterFraction = 0.1
	// fullContentWords is how long an item's own content must be to be
	// taken as the article instead of fetching its link.
	fullContentWords = 150
	// maxSeen bounds the item keys remembered per feed.
	maxSeen = 400
	// previewItems is how many of the latest items Add shows.
	previewItems = 5
)

// feedAccept is the Accept header of feed fetches; HTML is accepted too,
// for discovery.
const feedAccept = "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, text/html;q=0.5, */*;q=0.1"

// ErrNotAFeed means the address serves no RSS, Atom or JSON feed and, when
// it is a web page, announces none.
var ErrNotAFeed = errors.New("feeds: not an RSS, Atom or JSON feed")

// Library is the part of *search.Library that feeds use.
type Library interface {
	Add(ctx context.Context, s search.Source) (search.Source, error)
	NearDuplicate(ctx context.Context, scope, text string) (search.Source, bool, error)
	SourceByURL(scope, url string) (search.Source, bool, error)
	AddFeed(f search.Feed) (search.Feed, error)
	Feeds(scope string) ([]search.Feed, error)
	AllFeeds() ([]search.Feed, error)
	RemoveFeed(scope, id string) (search.Feed, error)
	SaveFeedState(id string, st search.FeedState) error
}

// Options configure a Poller. The zero value is usable.
type Options struct {
	// Interval is the delay between checks of a healthy feed;
	// DefaultInterval when 0.
	Interval time.Duration
	// MaxItems is how many of a feed's newest items one check takes at
	// most; older unseen ones are passed over. DefaultMaxItems when 0.
	MaxItems int
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Jitter returns a number in [0, 1) that spreads the checks;
	// math/rand/v2's Float64 when nil.
	Jitter func() float64
	// Logger receives one line per check; discarded when nil.
	Logger *slog.Logger
}

// Poller adds, checks and removes the feeds of the library. It is safe
// for concurrent use, but checks of one feed must not overlap: the
// Scheduler and Poll are its callers, one at a time.
type Poller struct {
	lib   Library
	fetch *ingest.Fetcher
	opts  Options
}

// New returns a Poller that stores into lib and fetches with fetcher
// (its rules on private addresses, size and time apply to feeds and to
// the articles their items link to).
func New(lib Library, fetcher *ingest.Fetcher, opts Options) *Poller {
	if opts.Interval <= 0 {
		opts.Interval = DefaultInterval
	}
	if opts.MaxItems <= 0 {
		opts.MaxItems = DefaultMaxItems
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Jitter == nil {
		opts.Jitter = rand.Float64
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Poller{lib: lib, fetch: fetcher, opts: opts}
}

// Interval is the delay between checks of a healthy feed.
func (f *Poller) Interval() time.Duration { return f.opts.Interval }

// Item is what a preview shows of a feed item.
type Item struct {
	Title     string    `json:"title"`
	Link      string    `json:"link,omitempty"`
	Published time.Time `json:"published,omitzero"`
}

// Preview is a feed just followed and its latest items.
type Preview struct {
	Feed   search.Feed `json:"feed"`
	Latest []Item      `json:"latest"`
}

// Add follows the feed at rawURL for scope: a feed's address, or a web
// page that announces one (<link rel="alternate">). It checks that the
// feed parses and stores it, due for a check at once; its items arrive
// with that check. Errors: ingest's refusals (ErrPrivateAddress, …),
// ErrNotAFeed, search.ErrFeedExists (as *search.FeedExistsError).
func (f *Poller) Add(ctx context.Context, scope, rawURL, actor string) (Preview, error) {
	resp, parsed, err := f.resolve(ctx, rawURL)
	if err != nil {
		return Preview{}, err
	}
	title := strings.TrimSpace(parsed.Title)
	if title == "" {
		if u, err := url.Parse(resp.URL); err == nil {
			title = strings.TrimPrefix(u.Hostname(), "www.")
		}
	}
	rec := search.Feed{Scope: scope, URL: resp.URL, Title: title, Site: siteOf(parsed, resp.URL), AddedBy: actor}
	stored, err := f.lib.AddFeed(rec)
	if err != nil {
		return Preview{}, err
	}
	p := Preview{Feed: stored, Latest: []Item{}}
	for _, it := range newestFirst(parsed.Items) {
		if len(p.Latest) == min(previewItems, f.opts.MaxItems) {
			break
		}
		p.Latest = append(p.Latest, Item{Title: textclip.OneLine(it.Title), Link: itemLink(it, resp.URL), Published: itemTime(it)})
	}
	f.opts.Logger.Info("feed followed", "scope", scope, "feed", stored.ID, "url", stored.URL, "by", actor)
	return p, nil
}

// resolve fetches rawURL and parses it as a feed; a web page is searched
// for the feeds it announces, and the first that parses is taken.
func (f *Poller) resolve(ctx context.Context, rawURL string) (ingest.Response, *gofeed.Feed, error) {
	resp, err := f.fetch.Get(ctx, rawURL, ingest.Request{Accept: feedAccept})
	if err != nil {
		return resp, nil, err
	}
	parsed, perr := parse(resp.Body)
	if perr == nil {
		return resp, parsed, nil
	}
	links := Discover(resp.Body, resp.URL)
	for _, link := range links[:min(len(links), 3)] {
		r, err := f.fetch.Get(ctx, link, ingest.Request{Accept: feedAccept})
		if err != nil {
			if errors.Is(err, ingest.ErrPrivateAddress) {
				return r, nil, err
			}
			continue
		}
		if p, err := parse(r.Body); err == nil {
			return r, p, nil
		}
	}
	if len(links) > 0 {
		return resp, nil, fmt.Errorf("%w: the page announces %s, but it could not be read as one", ErrNotAFeed, links[0])
	}
	return resp, nil, fmt.Errorf("%w at %s, and the page announces none (%v)", ErrNotAFeed, resp.URL, perr)
}

// parse reads an RSS, Atom or JSON feed.
func parse(body []byte) (*gofeed.Feed, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, errors.New("the document is empty")
	}
	feed, err := gofeed.NewParser().Parse(bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	return feed, nil
}

// Remove stops following feed id of scope; its sources stay.
func (f *Poller) Remove(scope, id string) (search.Feed, error) {
	return f.lib.RemoveFeed(scope, id)
}

// List returns the feeds scope follows.
func (f *Poller) List(scope string) ([]search.Feed, error) {
	return f.lib.Feeds(scope)
}

// Hooks are what a check tells its caller besides its result.
type Hooks struct {
	// Added is called once for each source a check stored, after all the
	// items of the check are stored (the bot follows up waiting questions).
	Added func(ctx context.Context, s search.Source)
	// Notify announces a failing feed or its recovery. A notice counts as
	// given only when Notify returns nil; without Notify none is given,
	// and the feed's state keeps it owed for a caller that can.
	Notify func(ctx context.Context, n Notice) error
}

// Notice says that a feed keeps failing, or that it works again.
type Notice struct {
	Feed      search.Feed
	Recovered bool
	// Failures and Since count the failed checks in a row; Err is the
	// last error as Describe words it, and Cause the error itself, for a
	// front end to say what can be done about it.
	Failures int
	Since    time.Time
	Err      string
	Cause    error
}

// Status is the outcome of one check.
type Status int

// Outcomes of a check.
const (
	Unchanged Status = iota // no new item (or 304 Not Modified)
	Fresh                   // at least one new source
	Failed                  // the feed could not be fetched or read
)

// Result is one check of one feed.
type Result struct {
	Feed        search.Feed // with the state after the check
	Status      Status
	Added       []search.Source
	NotModified bool
	// Skipped counts items passed over for good (duplicates, links
	// refused, pages without text); Deferred, items to try again next time.
	Skipped  int
	Deferred int
	Err      error // why the check failed (Status Failed)
	Notice   *Notice
}

// Line is the one-line summary of r that `sitrep feed poll` prints.
func (r Result) Line() string {
	name := fmt.Sprintf("%s %q", r.Feed.ID, r.Feed.Title)
	switch r.Status {
	case Fresh:
		return fmt.Sprintf("%s: new %d", name, len(r.Added))
	case Failed:
		return fmt.Sprintf("%s: failed: %s", name, Describe(r.Err))
	}
	if r.NotModified {
		return name + ": unchanged (not modified)"
	}
	return name + ": unchanged"
}

// Poll checks every feed once now, whatever their schedule, and returns a
// result per feed. The error is for failures of the library itself (a
// feed that fails is a result); ctx ending stops the poll.
func (f *Poller) Poll(ctx context.Context, hooks Hooks) ([]Result, error) {
	all, err := f.lib.AllFeeds()
	if err != nil {
		return nil, err
	}
	out := make([]Result, 0, len(all))
	for _, feed := range all {
		r, err := f.check(ctx, feed, f.opts.Now(), hooks)
		if err != nil {
			return out, err
		}
		out = append(out, r)
	}
	return out, nil
}

// Check checks one feed now. Its error is for failures of the library or
// of ctx; a feed that fails is a Result with Status Failed.
func (f *Poller) Check(ctx context.Context, feed search.Feed, hooks Hooks) (Result, error) {
	return f.check(ctx, feed, f.opts.Now(), hooks)
}

func (f *Poller) check(ctx context.Context, feed search.Feed, now time.Time, hooks Hooks) (Result, error) {
	log := f.opts.Logger.With("feed", feed.ID, "scope", feed.Scope)
	st := feed.State
	st.CheckedAt = now.UTC()
	resp, err := f.fetch.Get(ctx, feed.URL, ingest.Request{Accept: feedAccept, ETag: st.ETag, LastModified: st.LastModified})
	if err == nil && !resp.NotModified {
		var parsed *gofeed.Feed
		if parsed, err = parse(resp.Body); err == nil {
			return f.take(ctx, feed, st, resp, parsed, now, hooks, log)
		}
		err = fmt.Errorf("%w: %v", ErrNotAFeed, err)
	}
	if ctx.Err() != nil {
		return Result{Feed: feed}, ctx.Err() // shutting down: not the feed's fault
	}
	if err != nil {
		return f.failed(ctx, feed, st, err, now, hooks, log)
	}
	r := Result{Status: Unchanged, NotModified: true}
	return f.succeeded(ctx, feed, st, r, now, hooks, log)
}

// take stores the new items of a fresh copy of feed, then its state.
func (f *Poller) take(ctx context.Context, feed search.Feed, st search.FeedState, resp ingest.Response,
	parsed *gofeed.Feed, now time.Time, hooks Hooks, log *slog.Logger) (Result, error) {
	seen := make(map[string]bool, len(st.Seen))
	for _, k := range st.Seen {
		seen[k] = true
	}
	items := newestFirst(parsed.Items)
	var keep []string
	r := Result{Status: Unchanged}
	// The newest MaxItems are candidates, taken oldest first so that the
	// library's order is the feed's; older unseen items are passed over.
	var todo []*gofeed.Item
	for n, it := range items {
		keys := itemKeys(it, resp.URL)
		known := false
		for _, k := range keys {
			known = known || seen[k]
		}
		switch {
		case known:
		case n < f.opts.MaxItems:
			todo = append(todo, it)
			continue
		}
		if len(keep) < maxSeen {
			keep = append(keep, keys...)
		}
	}
	if len(todo) > 0 && !f.followed(feed) {
		log.Info("feed removed during its check; its items are not taken")
		return Result{Feed: feed, Status: Unchanged}, nil
	}
	for k := len(todo) - 1; k >= 0; k-- {
		it := todo[k]
		src, outcome, err := f.takeItem(ctx, feed, it, resp.URL)
		if err != nil {
			return Result{Feed: feed}, err // the library failed: state unchanged, the check repeats
		}
		switch outcome {
		case itemAdded:
			r.Added = append(r.Added, src)
		case itemSkipped:
			r.Skipped++
		case itemDeferred:
			r.Deferred++
			continue // not seen: try again next check
		}
		if len(keep) < maxSeen {
			keep = append(keep, itemKeys(it, resp.URL)...)
		}
	}
	if ctx.Err() != nil {
		return Result{Feed: feed}, ctx.Err()
	}
	st.Seen = keep
	st.ETag, st.LastModified = resp.ETag, resp.LastModified
	if r.Deferred > 0 {
		// A 304 next time would hide the deferred items: fetch in full.
		st.ETag, st.LastModified = "", ""
	}
	if len(r.Added) > 0 {
		r.Status = Fresh
		st.NewAt = now.UTC()
		st.Items += len(r.Added)
	}
	if hooks.Added != nil {
		for _, s := range r.Added {
			hooks.Added(ctx, s)
		}
	}
	return f.succeeded(ctx, feed, st, r, now, hooks, log)
}

// followed reports whether feed is still followed: a moderator may have
// removed it while it was being fetched.
func (f *Poller) followed(feed search.Feed) bool {
	list, err := f.lib.Feeds(feed.Scope)
	if err != nil {
		return true // the store will say so again when the items are added
	}
	for _, x := range list {
		if x.ID == feed.ID {
			return true
		}
	}
	return false
}

// succeeded records a check that read the feed (new items or not) and
// announces a recovery that is owed.
func (f *Poller) succeeded(ctx context.Context, feed search.Feed, st search.FeedState, r Result,
	now time.Time, hooks Hooks, log *slog.Logger) (Result, error) {
	if st.Notified && hooks.Notify != nil {
		n := Notice{Feed: feed, Recovered: true, Failures: st.Failures, Since: st.FailingSince}
		if err := hooks.Notify(ctx, n); err != nil {
			log.Warn("feed recovery notice not posted", "err", err)
		} else {
			st.Notified = false
			r.Notice = &n
		}
	}
	st.Failures, st.FailingSince, st.LastError = 0, time.Time{}, ""
	st.OKAt = now.UTC()
	st.NextAt = now.Add(f.jitter(f.opts.Interval)).UTC()
	if err := f.lib.SaveFeedState(feed.ID, st); err != nil {
		return Result{Feed: feed}, err
	}
	feed.State = st
	r.Feed = feed
	log.Info("feed checked", "new", len(r.Added), "skipped", r.Skipped, "deferred", r.Deferred, "not_modified", r.NotModified)
	return r, nil
}

// failed records a failed check, backs off, and announces the failure
// once it has lasted NoticeFailures checks or NoticeAfter.
func (f *Poller) failed(ctx context.Context, feed search.Feed, st search.FeedState, cause error,
	now time.Time, hooks Hooks, log *slog.Logger) (Result, error) {
	r := Result{Status: Failed, Err: cause}
	st.Failures++
	if st.FailingSince.IsZero() {
		st.FailingSince = now.UTC()
	}
	st.LastError = Describe(cause)
	delay := f.opts.Interval
	for n := 1; n < st.Failures && delay < MaxBackoff; n++ {
		delay *= 2
	}
	delay = min(delay, MaxBackoff)
	var se *ingest.StatusError
	if errors.As(cause, &se) && se.RetryAfter > delay {
		delay = se.RetryAfter
	}
	st.NextAt = now.Add(f.jitter(delay)).UTC()
	if !st.Notified && (st.Failures >= NoticeFailures || now.Sub(st.FailingSince) >= NoticeAfter) && hooks.Notify != nil {
		n := Notice{Feed: feed, Failures: st.Failures, Since: st.FailingSince, Err: st.LastError, Cause: cause}
		if err := hooks.Notify(ctx, n); err != nil {
			log.Warn("feed failure notice not posted", "err", err)
		} else {
			st.Notified = true
			r.Notice = &n
		}
	}
	if err := f.lib.SaveFeedState(feed.ID, st); err != nil {
		return Result{Feed: feed}, err
	}
	feed.State = st
	r.Feed = feed
	log.Warn("feed check failed", "failures", st.Failures, "next", st.NextAt, "err", cause)
	return r, nil
}

// jitter spreads d by ±jitterFraction.
func (f *Poller) jitter(d time.Duration) time.Duration {
	return d + time.Duration((f.opts.Jitter()*2-1)*jitterFraction*float64(d))
}
