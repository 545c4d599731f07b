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

// Store is the part of *search.Library that feeds use: its sources and
// the feeds' records.
type Store interface {
	Add(ctx context.Context, s search.Source) (search.Source, error)
	NearDuplicate(ctx context.Context, scope, text string) (search.Source, bool, error)
	SourceByURL(scope, url string) (search.Source, bool, error)
	Update(ctx context.Context, id string, s search.Source) (search.Revision, error)
	AddFeed(f search.Feed) (search.Feed, error)
	Feeds(scope string) ([]search.Feed, error)
	AllFeeds() ([]search.Feed, error)
	RemoveFeed(scope, id string) (search.Feed, error)
	SaveFeedState(id string, st search.FeedState) error
	// ListSources counts a scope's sources (limit 0 reads none).
	ListSources(scope string, offset, limit int) (search.SourcePage, error)
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

	// The limits: the Default* of limits.go when 0.
	MaxFeeds         int           // feeds one scope may follow
	MaxNewPerCheck   int           // sources one check of one feed adds
	MaxSourcesPerDay int           // sources a scope's feeds bring in a UTC day
	MaxScopeSources  int           // a scope's own sources past which its feeds add none
	CheckBudget      time.Duration // one check of one feed, its pages included
	Concurrency      int           // feeds checked at once
	MaxFeedBytes     int64         // a feed document's size
	MaxParsedItems   int           // items parsed of one document
}

// Poller adds, checks and removes the feeds of the library. It is safe
// for concurrent use, but checks of one feed must not overlap: the
// Scheduler and Poll are its callers, one at a time.
type Poller struct {
	lib   Store
	fetch *ingest.Fetcher
	opts  Options
}

// New returns a Poller that stores into lib and fetches with fetcher
// (its rules on private addresses, size and time apply to feeds and to
// the articles their items link to).
func New(lib Store, fetcher *ingest.Fetcher, opts Options) *Poller {
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
	orDefault(&opts.MaxFeeds, DefaultMaxFeeds)
	orDefault(&opts.MaxNewPerCheck, DefaultMaxNewPerCheck)
	orDefault(&opts.MaxSourcesPerDay, DefaultMaxSourcesPerDay)
	orDefault(&opts.MaxScopeSources, DefaultMaxScopeSources)
	orDefault(&opts.CheckBudget, DefaultCheckBudget)
	orDefault(&opts.Concurrency, DefaultConcurrency)
	orDefault(&opts.MaxFeedBytes, DefaultMaxFeedBytes)
	orDefault(&opts.MaxParsedItems, DefaultMaxParsedItems)
	return &Poller{lib: lib, fetch: fetcher, opts: opts}
}

func orDefault[T int | int64 | time.Duration](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
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
// with that check. A link already followed, a scope at MaxFeeds and a
// link with credentials are refused before anything is fetched. Errors:
// ErrCredentials, *LimitError (LimitFeeds), search.ErrFeedExists (as
// *search.FeedExistsError), ingest's refusals (ErrPrivateAddress, …),
// ErrNotAFeed.
func (f *Poller) Add(ctx context.Context, scope, rawURL, actor string) (Preview, error) {
	if hasCredentials(rawURL) {
		return Preview{}, ErrCredentials
	}
	followed, err := f.lib.Feeds(scope)
	if err != nil {
		return Preview{}, err
	}
	want := NormalizeURL(rawURL)
	for _, fd := range followed {
		if NormalizeURL(fd.URL) == want {
			return Preview{}, &search.FeedExistsError{Existing: fd}
		}
	}
	if len(followed) >= f.opts.MaxFeeds {
		// Two adds at once may both pass: a scope can end one over.
		return Preview{}, &LimitError{Kind: LimitFeeds, Max: f.opts.MaxFeeds}
	}
	resp, parsed, err := f.resolve(ctx, rawURL)
	if err != nil {
		return Preview{}, err
	}
	if hasCredentials(resp.URL) {
		return Preview{}, ErrCredentials // a redirect, or the link a page announces
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
	f.opts.Logger.Info("feed followed", "scope", scope, "feed", stored.ID, "url", ShownURL(stored.URL), "by", actor)
	return p, nil
}

// resolve fetches rawURL and parses it as a feed; a web page is searched
// for the feeds it announces, and the first that parses is taken.
func (f *Poller) resolve(ctx context.Context, rawURL string) (ingest.Response, *gofeed.Feed, error) {
	resp, err := f.fetch.Get(ctx, rawURL, f.request(search.FeedState{}))
	if err != nil {
		return resp, nil, err
	}
	parsed, perr := parse(resp.Body, f.opts.MaxParsedItems)
	if perr == nil {
		return resp, parsed, nil
	}
	links := Discover(resp.Body, resp.URL)
	for _, link := range links[:min(len(links), 3)] {
		r, err := f.fetch.Get(ctx, link, f.request(search.FeedState{}))
		if err != nil {
			if errors.Is(err, ingest.ErrPrivateAddress) {
				return r, nil, err
			}
			continue
		}
		if p, err := parse(r.Body, f.opts.MaxParsedItems); err == nil {
			return r, p, nil
		}
	}
	if len(links) > 0 {
		return resp, nil, fmt.Errorf("%w: the page announces %s, but it could not be read as one", ErrNotAFeed, links[0])
	}
	return resp, nil, fmt.Errorf("%w at %s, and the page announces none (%v)", ErrNotAFeed, resp.URL, perr)
}

// request is the GET of a feed document whose last copy had st's
// validators.
func (f *Poller) request(st search.FeedState) ingest.Request {
	return ingest.Request{Accept: feedAccept, ETag: st.ETag, LastModified: st.LastModified, MaxBytes: f.opts.MaxFeedBytes}
}

// Remove stops following feed id of scope; its sources stay.
func (f *Poller) Remove(scope, id string) (search.Feed, error) {
	return f.lib.RemoveFeed(scope, id)
}

// List returns the feeds scope follows.
func (f *Poller) List(scope string) ([]search.Feed, error) {
	return f.lib.Feeds(scope)
}
