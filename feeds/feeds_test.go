package feeds

import (
	"context"
	"errors"
	"fmt"
	"html"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sitrep/ingest"
	"sitrep/search"
)

// site is a local news site on 127.0.0.1 with an RSS and an Atom feed whose
// items the test changes between checks, article pages, and a record of
// the validators each feed request carried.
type site struct {
	*httptest.Server
	conns atomic.Int64

	mu       sync.Mutex
	rss      []entry // newest first
	atom     []entry
	status   int // when not 0, every feed request gets it
	retry    string
	etagSeen map[string]string // feed path → If-None-Match of its last request
	sinceSaw map[string]string // feed path → If-Modified-Since
	got304   map[string]int
	articles map[string]int // page path → fetches
	requests map[string]int // feed path → requests
}

type entry struct {
	guid, title, link, date string
}

func newSite(tb testing.TB) *site {
	tb.Helper()
	s := &site{etagSeen: map[string]string{}, sinceSaw: map[string]string{}, got304: map[string]int{}, articles: map[string]int{}, requests: map[string]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/rss", func(w http.ResponseWriter, r *http.Request) { s.serveFeed(w, r, "/rss") })
	mux.HandleFunc("/atom", func(w http.ResponseWriter, r *http.Request) { s.serveFeed(w, r, "/atom") })
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<html><head><title>Valley Gazette</title>
<link rel="alternate" type="application/atom+xml" href="/atom" title="Atom">
</head><body><p>Home</p></body></html>`)
	})
	mux.HandleFunc("/a/{n}", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.articles[r.URL.Path]++
		s.mu.Unlock()
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, articlePage(r.PathValue("n"), ""))
	})
	// /copy/N is a syndicated copy of /a/N: the same story with another
	// outlet's furniture around it.
	mux.HandleFunc("/copy/{n}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, articlePage(r.PathValue("n"), "This story was first published by the Valley Gazette and is republished here with permission."))
	})
	s.Server = httptest.NewUnstartedServer(mux)
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.conns.Add(1)
		}
	}
	s.Start()
	tb.Cleanup(s.Close)
	return s
}

// story is the text of article n: several distinct sentences.
func story(n string) []string {
	return []string{
		fmt.Sprintf("Report %s: the district council met on Tuesday to review the response to flooding along the river in ward %s.", n, n),
		fmt.Sprintf("Officials said %s pumping stations had failed overnight and that crews were working to restore power to them.", n),
		fmt.Sprintf("Residents of street number %s described water rising above their doorsteps within an hour of the first warning.", n),
		fmt.Sprintf("The council leader promised an independent inquiry into why the barrier near bridge %s was not raised in time.", n),
		fmt.Sprintf("Engineers estimated the repairs in sector %s would take at least three weeks and cost several million pounds.", n),
	}
}

func articlePage(n, footer string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<html><head><title>Story %s - Valley Gazette</title></head><body><article><h1>Story %s</h1>", n, n)
	for _, p := range story(n) {
		fmt.Fprintf(&b, "<p>%s</p>", html.EscapeString(p))
	}
	if footer != "" {
		fmt.Fprintf(&b, "<p>%s</p>", footer)
	}
	b.WriteString("</article></body></html>")
	return b.String()
}

func (s *site) serveFeed(w http.ResponseWriter, r *http.Request, path string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests[path]++
	s.etagSeen[path] = r.Header.Get("If-None-Match")
	s.sinceSaw[path] = r.Header.Get("If-Modified-Since")
	if s.status != 0 {
		if s.retry != "" {
			w.Header().Set("Retry-After", s.retry)
		}
		w.WriteHeader(s.status)
		return
	}
	var body, ctype string
	if path == "/rss" {
		body, ctype = s.rssDoc(), "application/rss+xml"
	} else {
		body, ctype = s.atomDoc(), "application/atom+xml"
	}
	etag := fmt.Sprintf(`"%x"`, len(body)*31+strings.Count(body, "<"))
	w.Header().Set("ETag", etag)
	w.Header().Set("Last-Modified", "Sun, 01 Mar 2026 09:00:00 GMT")
	if r.Header.Get("If-None-Match") == etag {
		s.got304[path]++
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", ctype)
	fmt.Fprint(w, body)
}

func (s *site) rssDoc() string {
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0"?><rss version="2.0"><channel><title>Valley Gazette</title><link>%s/</link><description>News</description>`, s.URL)
	for _, e := range s.rss {
		fmt.Fprintf(&b, "<item><title>%s</title><link>%s</link><guid>%s</guid><pubDate>%s</pubDate></item>",
			html.EscapeString(e.title), html.EscapeString(e.link), html.EscapeString(e.guid), e.date)
	}
	b.WriteString("</channel></rss>")
	return b.String()
}

func (s *site) atomDoc() string {
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Wire Service</title><id>urn:wire</id><updated>2026-03-01T00:00:00Z</updated><link href="%s/"/>`, s.URL)
	for _, e := range s.atom {
		fmt.Fprintf(&b, `<entry><title>%s</title><id>%s</id><link href="%s"/><updated>%s</updated></entry>`,
			html.EscapeString(e.title), html.EscapeString(e.guid), html.EscapeString(e.link), e.date)
	}
	b.WriteString("</feed>")
	return b.String()
}

func (s *site) set(fn func(s *site)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn(s)
}

func (s *site) addrPort() netip.AddrPort {
	return netip.MustParseAddrPort(s.Listener.Addr().String())
}

// fetcherFor refuses internal addresses as in production except the
// listeners of the sites given.
func fetcherFor(sites ...*site) *ingest.Fetcher {
	return (&ingest.Fetcher{Timeout: 5 * time.Second}).AllowingListeners(func(ap netip.AddrPort) bool {
		for _, s := range sites {
			if ap == s.addrPort() {
				return true
			}
		}
		return false
	}, nil)
}

func openLibrary(tb testing.TB) *search.Library {
	tb.Helper()
	lib, err := search.Open(context.Background(), tb.TempDir(), search.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { lib.Close() })
	return lib
}

func rssDate(day int) string {
	return time.Date(2026, 3, day, 9, 0, 0, 0, time.UTC).Format(time.RFC1123Z)
}

func atomDate(day int) string {
	return time.Date(2026, 3, day, 9, 0, 0, 0, time.UTC).Format(time.RFC3339)
}

// urls returns the URLs of scope's sources that came from feeds.
func feedSources(tb testing.TB, lib *search.Library, scope string) map[string]int {
	tb.Helper()
	srcs, err := lib.Sources(scope)
	if err != nil {
		tb.Fatal(err)
	}
	out := map[string]int{}
	for _, s := range srcs {
		if strings.HasPrefix(s.AddedBy, search.FeedActorPrefix) {
			out[strings.TrimPrefix(s.URL, "")]++
		}
	}
	return out
}

const guild = "111111111111111111"

// The user's journey: follow an RSS feed by its address and an Atom feed
// through the site's page; checks take new items once, send the
// validators and get 304s; the same story through both feeds, with a
// tracking parameter, a new guid or as a syndicated copy is one source.
func TestFollowRSSAndAtom(t *testing.T) {
	s := newSite(t)
	s.set(func(s *site) {
		s.rss = []entry{
			{"g2", "Story 2", s.URL + "/a/2", rssDate(2)},
			{"g1", "Story 1", s.URL + "/a/1", rssDate(1)},
		}
		s.atom = []entry{
			{"urn:a:1", "Story 1 (wire)", s.URL + "/a/1?utm_source=rss&utm_medium=feed#top", atomDate(1)},
			{"urn:a:3", "Story 3", s.URL + "/a/3", atomDate(3)},
		}
	})
	lib := openLibrary(t)
	f := New(lib, fetcherFor(s), Options{})
	ctx := context.Background()

	rss, err := f.Add(ctx, guild, s.URL+"/rss", "mod")
	if err != nil {
		t.Fatal(err)
	}
	if rss.Feed.Title != "Valley Gazette" || len(rss.Latest) != 2 || rss.Latest[0].Title != "Story 2" {
		t.Errorf("RSS preview: %+v", rss)
	}
	atom, err := f.Add(ctx, guild, s.URL+"/", "mod") // the site's page: discovery
	if err != nil {
		t.Fatal(err)
	}
	if atom.Feed.URL != s.URL+"/atom" || atom.Feed.Title != "Wire Service" {
		t.Errorf("discovered feed: %+v", atom.Feed)
	}
	if _, err := f.Add(ctx, guild, s.URL+"/atom", "mod"); !errors.Is(err, search.ErrFeedExists) {
		t.Errorf("following the Atom feed again: %v, want ErrFeedExists", err)
	}

	res, err := f.Poll(ctx, Hooks{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 2 || res[0].Status != Fresh || len(res[0].Added) != 2 || res[1].Status != Fresh || len(res[1].Added) != 1 {
		t.Fatalf("first poll: %v", lines(res))
	}
	want := map[string]int{s.URL + "/a/1": 1, s.URL + "/a/2": 1, s.URL + "/a/3": 1}
	if got := feedSources(t, lib, guild); !equalCounts(got, want) {
		t.Fatalf("sources after the first poll: %v, want %v", got, want)
	}
	src, _, _ := lib.SourceByURL(guild, s.URL+"/a/2")
	if src.Title != "Story 2" || src.Outlet != "Valley Gazette" || src.Published != "2026-03-02" || src.AddedBy != "feed:"+rss.Feed.ID {
		t.Errorf("source from the feed: %+v", src)
	}

	// Nothing changed: both feeds answer 304 to the validators they sent.
	res, err = f.Poll(ctx, Hooks{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Status != Unchanged || !r.NotModified {
			t.Errorf("second poll: %s, want unchanged (not modified)", r.Line())
		}
	}
	s.set(func(s *site) {
		for _, p := range []string{"/rss", "/atom"} {
			if s.got304[p] != 1 || s.etagSeen[p] == "" || s.sinceSaw[p] != "Sun, 01 Mar 2026 09:00:00 GMT" {
				t.Errorf("%s: %d 304s, If-None-Match %q, If-Modified-Since %q", p, s.got304[p], s.etagSeen[p], s.sinceSaw[p])
			}
		}
	})

	// The feeds change: RSS re-guids story 1, re-dates story 2 and adds
	// story 4; Atom carries story 4 with a tracking parameter, and a
	// syndicated copy of story 3 under another address.
	s.set(func(s *site) {
		s.rss = []entry{
			{"g4", "Story 4", s.URL + "/a/4", rssDate(4)},
			{"g2", "Story 2 (updated)", s.URL + "/a/2", rssDate(5)},
			{"new-guid-1", "Story 1", s.URL + "/a/1", rssDate(1)},
		}
		s.atom = append([]entry{
			{"urn:a:4", "Story 4", s.URL + "/a/4/?utm_campaign=x&fbclid=abc", atomDate(4)},
			{"urn:copy:3", "Story 3 (syndicated)", s.URL + "/copy/3", atomDate(4)},
		}, s.atom...)
	})
	res, err = f.Poll(ctx, Hooks{})
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Status != Fresh || len(res[0].Added) != 1 || res[1].Status != Unchanged || res[1].Skipped != 2 {
		t.Errorf("third poll: %v", lines(res))
	}
	want[s.URL+"/a/4"] = 1
	if got := feedSources(t, lib, guild); !equalCounts(got, want) {
		t.Fatalf("sources after the third poll: %v, want %v", got, want)
	}
	s.set(func(s *site) {
		if n := s.articles["/a/1"]; n != 1 {
			t.Errorf("story 1 fetched %d times; known links must not be fetched again", n)
		}
	})

	// Another server follows the same feed: its own sources, its own ids.
	other := "222222222222222222"
	if _, err := f.Add(ctx, other, s.URL+"/rss", "mod"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Poll(ctx, Hooks{}); err != nil {
		t.Fatal(err)
	}
	if got := feedSources(t, lib, other); len(got) != 3 {
		t.Errorf("the other server's sources: %v", got)
	}
	if got := feedSources(t, lib, guild); !equalCounts(got, want) {
		t.Errorf("the first server's sources changed: %v", got)
	}
}

func lines(rs []Result) []string {
	var out []string
	for _, r := range rs {
		out = append(out, fmt.Sprintf("%s (skipped %d, deferred %d)", r.Line(), r.Skipped, r.Deferred))
	}
	return out
}

func equalCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// A feed that starts failing is announced once after three failures,
// backs off, honours Retry-After, and is announced once when it recovers.
func TestFailureNoticeAndRecovery(t *testing.T) {
	s := newSite(t)
	s.set(func(s *site) { s.rss = []entry{{"g1", "Story 1", s.URL + "/a/1", rssDate(1)}} })
	lib := openLibrary(t)
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	f := New(lib, fetcherFor(s), Options{Now: func() time.Time { return now }, Jitter: func() float64 { return 0.5 }})
	ctx := context.Background()
	p, err := f.Add(ctx, guild, s.URL+"/rss", "mod")
	if err != nil {
		t.Fatal(err)
	}
	var notices []Notice
	hooks := Hooks{Notify: func(_ context.Context, n Notice) error { notices = append(notices, n); return nil }}
	check := func() Result {
		t.Helper()
		feeds, err := lib.Feeds(guild)
		if err != nil || len(feeds) != 1 {
			t.Fatalf("feeds: %v %v", feeds, err)
		}
		r, err := f.Check(ctx, feeds[0], hooks)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	if r := check(); r.Status != Fresh {
		t.Fatalf("healthy check: %s", r.Line())
	}
	s.set(func(s *site) { s.status = http.StatusInternalServerError })
	var delays []time.Duration
	for n := 1; n <= 4; n++ {
		now = now.Add(time.Hour)
		r := check()
		if r.Status != Failed || !strings.Contains(r.Line(), "500") {
			t.Fatalf("failing check %d: %s", n, r.Line())
		}
		delays = append(delays, r.Feed.State.NextAt.Sub(now))
		if want := min(n/3, 1); len(notices) != want {
			t.Fatalf("after %d failures: %d notices, want %d", n, len(notices), want)
		}
	}
	if n := notices[0]; n.Recovered || n.Failures != 3 || n.Feed.ID != p.Feed.ID || !strings.Contains(n.Err, "500") || n.Cause == nil {
		t.Errorf("failure notice: %+v", n)
	}
	for i := 1; i < len(delays); i++ {
		if delays[i] <= delays[i-1] {
			t.Errorf("no backoff: delays %v", delays)
		}
	}
	// The server asks to wait two days: the bot waits (capped at 24 h).
	s.set(func(s *site) { s.status, s.retry = http.StatusTooManyRequests, "172800" })
	now = now.Add(time.Hour)
	if r := check(); r.Feed.State.NextAt.Sub(now) < 20*time.Hour || len(notices) != 1 {
		t.Errorf("after a 429 with Retry-After: next in %v, %d notices", r.Feed.State.NextAt.Sub(now), len(notices))
	}
	s.set(func(s *site) { s.status, s.retry = 0, "" })
	now = now.Add(25 * time.Hour)
	r := check()
	if r.Status != Unchanged || len(notices) != 2 || !notices[1].Recovered {
		t.Fatalf("recovery: %s, notices %+v", r.Line(), notices)
	}
	if st := r.Feed.State; st.Failures != 0 || st.Notified || st.LastError != "" {
		t.Errorf("state after recovery: %+v", st)
	}
	now = now.Add(time.Hour)
	check()
	if len(notices) != 2 {
		t.Errorf("a healthy check after the recovery sent a notice: %+v", notices[2:])
	}
}

// A notice that could not be posted (or a door that cannot post, the
// CLI) stays owed: the next check with a poster gives it.
func TestNoticeStaysOwedUntilPosted(t *testing.T) {
	s := newSite(t)
	s.set(func(s *site) { s.status = http.StatusNotFound })
	lib := openLibrary(t)
	f := New(lib, fetcherFor(s), Options{})
	ctx := context.Background()
	if _, err := lib.AddFeed(search.Feed{Scope: guild, URL: s.URL + "/rss", Title: "Gone"}); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := f.Poll(ctx, Hooks{}); err != nil {
			t.Fatal(err)
		}
	}
	var posted []Notice
	res, err := f.Poll(ctx, Hooks{Notify: func(_ context.Context, n Notice) error { posted = append(posted, n); return nil }})
	if err != nil {
		t.Fatal(err)
	}
	var se *ingest.StatusError
	if len(posted) != 1 || posted[0].Failures != 4 || !errors.As(posted[0].Cause, &se) || se.Code != http.StatusNotFound || res[0].Notice == nil {
		t.Errorf("notice owed from the CLI's polls: %+v", posted)
	}
}

// Feeds and item links on private addresses are refused without
// SITREP_ALLOW_PRIVATE_URLS, before any connection is made.
func TestPrivateAddressesRefused(t *testing.T) {
	feedSite := newSite(t)
	probe := newSite(t) // never allowed: a private server
	feedSite.set(func(s *site) {
		s.rss = []entry{{"p1", "Internal memo", probe.URL + "/a/1", rssDate(1)}}
	})
	lib := openLibrary(t)
	ctx := context.Background()

	strict := New(lib, &ingest.Fetcher{}, Options{})
	if _, err := strict.Add(ctx, guild, probe.URL+"/rss", "mod"); !errors.Is(err, ingest.ErrPrivateAddress) {
		t.Errorf("following a feed on 127.0.0.1: %v, want ErrPrivateAddress", err)
	}
	if _, err := strict.Add(ctx, guild, "http://localhost:1/feed", "mod"); !errors.Is(err, ingest.ErrPrivateAddress) {
		t.Errorf("following a feed on localhost: %v, want ErrPrivateAddress", err)
	}

	f := New(lib, fetcherFor(feedSite), Options{})
	if _, err := f.Add(ctx, guild, feedSite.URL+"/rss", "mod"); err != nil {
		t.Fatal(err)
	}
	res, err := f.Poll(ctx, Hooks{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 1 || res[0].Status != Unchanged || res[0].Skipped != 1 {
		t.Errorf("poll with a private item link: %v", lines(res))
	}
	if n := len(feedSources(t, lib, guild)); n != 0 {
		t.Errorf("%d sources added from a private link", n)
	}
	if n := probe.conns.Load(); n != 0 {
		t.Errorf("%d connection(s) reached the private server", n)
	}
}

// A malformed feed and a 50 MB feed get a clear error; nothing is stored.
func TestMalformedAndHugeFeeds(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/broken", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Broken</title><item><title>Half`)
	})
	mux.HandleFunc("/huge", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Huge</title>`)
		item := []byte(strings.Repeat("<item><title>x</title><description>padding padding padding</description></item>", 100))
		for written := 0; written < 50<<20; written += len(item) {
			if _, err := w.Write(item); err != nil {
				return // the client stopped reading: the point
			}
		}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	ap := netip.MustParseAddrPort(srv.Listener.Addr().String())
	fetcher := (&ingest.Fetcher{}).AllowingListeners(func(a netip.AddrPort) bool { return a == ap }, nil)
	lib := openLibrary(t)
	f := New(lib, fetcher, Options{})
	ctx := context.Background()

	if _, err := f.Add(ctx, guild, srv.URL+"/broken", "mod"); !errors.Is(err, ErrNotAFeed) {
		t.Errorf("malformed feed: %v, want ErrNotAFeed", err)
	}
	if _, err := f.Add(ctx, guild, srv.URL+"/huge", "mod"); !errors.Is(err, ingest.ErrTooLarge) || !strings.Contains(err.Error(), "3.0 MB") {
		t.Errorf("50 MB feed: %v, want ErrTooLarge naming the limit", err)
	}
	// Followed while it was fine, then broken: failed checks, nothing half-stored.
	for _, p := range []string{"/broken", "/huge"} {
		if _, err := lib.AddFeed(search.Feed{Scope: guild, URL: srv.URL + p, Title: p}); err != nil {
			t.Fatal(err)
		}
	}
	res, err := f.Poll(ctx, Hooks{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Status != Failed || r.Feed.State.Failures != 1 || r.Feed.State.LastError == "" {
			t.Errorf("%s: %+v", r.Line(), r.Feed.State)
		}
		t.Log(r.Line())
	}
	if srcs, _ := lib.Sources(guild); len(srcs) != 0 {
		t.Errorf("%d sources stored from broken feeds", len(srcs))
	}
}

// Items that carry their whole text are taken from the feed without
// fetching their link.
func TestFullContentItems(t *testing.T) {
	var body strings.Builder
	for i := range 8 {
		fmt.Fprintf(&body, "<p>%s</p>", strings.Join(story(fmt.Sprint(i+10)), " "))
	}
	var fetched atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("/feed", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Full</title>
<item><title>Long read</title><link>%s/long</link><guid>l1</guid><content:encoded><![CDATA[%s]]></content:encoded></item></channel></rss>`,
			"http://"+r.Host, body.String())
	})
	mux.HandleFunc("/long", func(w http.ResponseWriter, r *http.Request) { fetched.Add(1); http.NotFound(w, r) })
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	ap := netip.MustParseAddrPort(srv.Listener.Addr().String())
	lib := openLibrary(t)
	f := New(lib, (&ingest.Fetcher{}).AllowingListeners(func(a netip.AddrPort) bool { return a == ap }, nil), Options{})
	ctx := context.Background()
	if _, err := f.Add(ctx, guild, srv.URL+"/feed", "mod"); err != nil {
		t.Fatal(err)
	}
	res, err := f.Poll(ctx, Hooks{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res[0].Added) != 1 || fetched.Load() != 0 {
		t.Fatalf("%s, link fetched %d times", res[0].Line(), fetched.Load())
	}
	src, err := lib.Source(guild, res[0].Added[0].ID)
	if err != nil || !strings.Contains(src.Text, "Report 17: the district council") || src.URL != srv.URL+"/long" {
		t.Errorf("source from full content: %+v %v", src, err)
	}
}

func TestNormalizeURL(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"https://News.Example.com:443/a/1/?utm_source=rss&b=2&a=1#comments", "https://news.example.com/a/1?a=1&b=2"},
		{"http://example.com:80/", "http://example.com"},
		{"http://example.com:8080/x?fbclid=1&gclid=2", "http://example.com:8080/x"},
		{"https://example.com/story?id=7&utm_medium=x", "https://example.com/story?id=7"},
		{"https://user:pw@example.com/a", "https://example.com/a"},
		{"  https://example.com/a//  ", "https://example.com/a"},
		{"mailto:a@example.com", "mailto:a@example.com"},
		{"/relative", "/relative"},
	} {
		if got := NormalizeURL(tc.in); got != tc.want {
			t.Errorf("NormalizeURL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// A feed failing for a day is announced even if it has failed fewer than
// three checks (it is checked rarely after a Retry-After).
func TestNoticeAfterADayOfFailures(t *testing.T) {
	s := newSite(t)
	s.set(func(s *site) { s.status = http.StatusBadGateway })
	lib := openLibrary(t)
	now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	f := New(lib, fetcherFor(s), Options{Now: func() time.Time { return now }})
	feed, err := lib.AddFeed(search.Feed{Scope: guild, URL: s.URL + "/rss", Title: "Gazette"})
	if err != nil {
		t.Fatal(err)
	}
	feed.State = search.FeedState{Failures: 1, FailingSince: now.Add(-25 * time.Hour), LastError: "the server answered 502 Bad Gateway"}
	if err := lib.SaveFeedState(feed.ID, feed.State); err != nil {
		t.Fatal(err)
	}
	var got []Notice
	r, err := f.Check(context.Background(), feed, Hooks{Notify: func(_ context.Context, n Notice) error { got = append(got, n); return nil }})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Failures != 2 || !got[0].Since.Equal(now.Add(-25*time.Hour)) || !r.Feed.State.Notified {
		t.Errorf("after 25 h and 2 failures: notices %+v, state %+v", got, r.Feed.State)
	}
}

// JSON Feed is followed like RSS and Atom; its content_html, when it is
// the whole article, is taken as the text.
func TestJSONFeed(t *testing.T) {
	body := strings.Repeat(strings.Join(story("21"), " ")+" ", 3)
	mux := http.NewServeMux()
	mux.HandleFunc("/feed.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/feed+json")
		fmt.Fprintf(w, `{"version":"https://jsonfeed.org/version/1.1","title":"JSON Journal","home_page_url":"http://%s/",
"items":[{"id":"j1","url":"http://%s/j/1","title":"Long read","date_published":"2026-03-07T10:00:00Z","content_html":%q}]}`,
			r.Host, r.Host, "<p>"+body+"</p>")
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	ap := netip.MustParseAddrPort(srv.Listener.Addr().String())
	lib := openLibrary(t)
	f := New(lib, (&ingest.Fetcher{}).AllowingListeners(func(a netip.AddrPort) bool { return a == ap }, nil), Options{})
	p, err := f.Add(context.Background(), guild, srv.URL+"/feed.json", "mod")
	if err != nil || p.Feed.Title != "JSON Journal" {
		t.Fatalf("add: %+v %v", p, err)
	}
	res, err := f.Poll(context.Background(), Hooks{})
	if err != nil || len(res) != 1 || len(res[0].Added) != 1 {
		t.Fatalf("poll: %v %v", lines(res), err)
	}
	if s := res[0].Added[0]; s.Title != "Long read" || s.Published != "2026-03-07" || s.Outlet != "JSON Journal" {
		t.Errorf("source %+v", s)
	}
}

// A feed removed while a check is under way brings nothing.
func TestRemovedDuringCheck(t *testing.T) {
	s := newSite(t)
	s.set(func(s *site) { s.rss = []entry{{"g1", "Story 1", s.URL + "/a/1", rssDate(1)}} })
	lib := openLibrary(t)
	f := New(lib, fetcherFor(s), Options{})
	ctx := context.Background()
	p, err := f.Add(ctx, guild, s.URL+"/rss", "mod")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Remove(guild, p.Feed.ID); err != nil {
		t.Fatal(err)
	}
	r, err := f.Check(ctx, p.Feed, Hooks{}) // the check began before the removal
	if err != nil || len(r.Added) != 0 {
		t.Fatalf("check of a removed feed: %s %v", r.Line(), err)
	}
	if n := len(feedSources(t, lib, guild)); n != 0 {
		t.Errorf("%d sources from a removed feed", n)
	}
	if list, _ := f.List(guild); len(list) != 0 {
		t.Errorf("the check brought the feed back: %+v", list)
	}
}
