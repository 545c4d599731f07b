package feeds

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"sitrep/ingest"
	"sitrep/schedule/schedtest"
	"sitrep/search"
)

// stories fills the RSS feed with stories from..to, newest first.
func stories(s *site, from, to int) []entry {
	var out []entry
	for n := to; n >= from; n-- {
		out = append(out, entry{fmt.Sprintf("g%d", n), fmt.Sprintf("Story %d", n), fmt.Sprintf("%s/a/%d", s.URL, n), rssDate(1 + n%27)})
	}
	return out
}

func (s *site) feedRequests(path string) int {
	var n int
	s.set(func(s *site) { n = s.requests[path] })
	return n
}

// A feed link with user:password@ is refused before anything is fetched
// or stored, and the password reaches neither the log nor the error.
func TestAddRefusesFeedURLWithCredentials(t *testing.T) {
	s := newSite(t)
	s.set(func(s *site) { s.rss = stories(s, 1, 2) })
	lib := openLibrary(t)
	var logs bytes.Buffer
	f := New(lib, fetcherFor(s), Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	secret := "hunter2-secret"
	link := strings.Replace(s.URL, "http://", "http://editor:"+secret+"@", 1) + "/rss"
	_, err := f.Add(context.Background(), guild, link, "mod")
	if !errors.Is(err, ErrCredentials) {
		t.Fatalf("Add(%s) = %v, want ErrCredentials: the password would be stored and shown in /feed list", link, err)
	}
	if strings.Contains(err.Error(), secret) || strings.Contains(logs.String(), secret) {
		t.Errorf("the password reached the error or the log: %v\n%s", err, logs.String())
	}
	if n := s.feedRequests("/rss"); n != 0 {
		t.Errorf("the feed was fetched %d times with the credentials", n)
	}
	if list, _ := f.List(guild); len(list) != 0 {
		t.Errorf("the feed was followed anyway: %+v", list)
	}
}

// ShownURL drops the credentials of a feed followed before they were
// refused, so /feed list and the logs never show its password.
func TestShownURLHidesCredentials(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"https://editor:hunter2@news.example/feed", "https://news.example/feed"},
		{"https://token@news.example/feed?x=1", "https://news.example/feed?x=1"},
		{"https://news.example/feed", "https://news.example/feed"},
		{"not a url %zz", "not a url %zz"},
	} {
		if got := ShownURL(tc.in); got != tc.want {
			t.Errorf("ShownURL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// Following a feed already followed, or past MaxFeeds, is refused before
// the document is fetched: a 5 MB feed costs nothing to refuse.
func TestAddRefusesBeforeFetching(t *testing.T) {
	s := newSite(t)
	s.set(func(s *site) { s.rss, s.atom = stories(s, 1, 2), nil })
	lib := openLibrary(t)
	f := New(lib, fetcherFor(s), Options{MaxFeeds: 2})
	ctx := context.Background()
	if _, err := f.Add(ctx, guild, s.URL+"/rss", "mod"); err != nil {
		t.Fatal(err)
	}
	before := s.feedRequests("/rss")
	_, err := f.Add(ctx, guild, s.URL+"/rss?utm_source=x", "mod")
	var exists *search.FeedExistsError
	if !errors.As(err, &exists) || exists.Existing.URL != s.URL+"/rss" {
		t.Errorf("following it again: %v, want a FeedExistsError naming the feed", err)
	}
	if n := s.feedRequests("/rss") - before; n != 0 {
		t.Errorf("a feed already followed was fetched %d more times to say so", n)
	}

	if _, err := f.Add(ctx, guild, s.URL+"/atom", "mod"); err != nil {
		t.Fatal(err)
	}
	atomBefore := s.feedRequests("/atom")
	if _, err := f.Add(ctx, "222222222222222222", s.URL+"/atom", "mod"); err != nil {
		t.Errorf("another server at its first feed: %v", err)
	}
	var limit *LimitError
	_, err = f.Add(ctx, guild, s.URL+"/", "mod")
	if !errors.As(err, &limit) || limit.Kind != LimitFeeds || limit.Max != 2 || !errors.Is(err, ErrLimit) {
		t.Fatalf("a third feed with MaxFeeds 2: %v, want a LimitError (feeds, 2)", err)
	}
	if n := s.feedRequests("/atom") - atomBefore; n != 1 {
		t.Errorf("the refused add fetched the site (%d fetches of /atom besides the other server's)", n-1)
	}
	if list, _ := f.List(guild); len(list) != 2 {
		t.Errorf("the server follows %d feeds, want 2", len(list))
	}
}

// One check adds at most MaxNewPerCheck sources; the rest wait, unseen,
// for the next check, which takes them.
func TestCheckHoldsItemsPastMaxNewPerCheck(t *testing.T) {
	s := newSite(t)
	s.set(func(s *site) { s.rss = stories(s, 1, 7) })
	lib := openLibrary(t)
	f := New(lib, fetcherFor(s), Options{MaxNewPerCheck: 4})
	ctx := context.Background()
	if _, err := f.Add(ctx, guild, s.URL+"/rss", "mod"); err != nil {
		t.Fatal(err)
	}
	res, err := f.Poll(ctx, Hooks{})
	if err != nil || len(res[0].Added) != 4 || res[0].Held != 3 || res[0].Limit != nil {
		t.Fatalf("first check: %v %v, want 4 new and 3 held", lines(res), err)
	}
	if !strings.Contains(res[0].Line(), "3 held for the next check") {
		t.Errorf("the CLI line does not say what waits: %s", res[0].Line())
	}
	res, err = f.Poll(ctx, Hooks{})
	if err != nil || len(res[0].Added) != 3 || res[0].Held != 0 {
		t.Fatalf("second check: %v %v, want the 3 held", lines(res), err)
	}
	if n := len(feedSources(t, lib, guild)); n != 7 {
		t.Errorf("%d sources after two checks, want all 7", n)
	}
}

// A scope's feeds bring at most MaxSourcesPerDay sources in a UTC day, all
// feeds together; moderators are told once that day (a second round and a
// restart do not repeat it), and the items held arrive the next day.
func TestDailyLimitHoldsItemsAndNoticesOnce(t *testing.T) {
	s := newSite(t)
	s.set(func(s *site) {
		s.rss = stories(s, 1, 4)
		s.atom = []entry{{"urn:5", "Story 5", s.URL + "/a/5", atomDate(5)}, {"urn:6", "Story 6", s.URL + "/a/6", atomDate(6)}}
	})
	lib := openLibrary(t)
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	clock := schedtest.NewClock(start)
	opts := Options{MaxSourcesPerDay: 3, Interval: 15 * time.Minute, Now: clock.Now, Jitter: func() float64 { return 0.5 }}
	var (
		mu      sync.Mutex
		notices []Notice
	)
	hooks := Hooks{Notify: func(_ context.Context, n Notice) error {
		mu.Lock()
		notices = append(notices, n)
		mu.Unlock()
		return nil
	}}
	ctx := context.Background()
	f := New(lib, fetcherFor(s), opts)
	for _, p := range []string{"/rss", "/atom"} {
		if _, err := f.Add(ctx, guild, s.URL+p, "mod"); err != nil {
			t.Fatal(err)
		}
	}
	round := func(f *Poller) {
		t.Helper()
		if _, err := NewScheduler(f, clock, hooks).RunDue(ctx); err != nil {
			t.Fatal(err)
		}
	}
	round(f)
	if n := len(feedSources(t, lib, guild)); n != 3 {
		t.Fatalf("%d sources on the first day, want the limit of 3", n)
	}
	if len(notices) != 1 || notices[0].Limit == nil || notices[0].Limit.Kind != LimitSourcesPerDay || notices[0].Limit.Max != 3 {
		t.Fatalf("notices %+v, want one saying the daily limit of 3 was reached", notices)
	}
	clock.Set(start.Add(time.Hour))
	round(New(lib, fetcherFor(s), opts)) // a restarted process, the same day
	if n := len(feedSources(t, lib, guild)); n != 3 || len(notices) != 1 {
		t.Errorf("later the same day: %d sources, %d notices; want 3 and still 1", n, len(notices))
	}
	clock.Set(start.Add(24 * time.Hour))
	round(f)
	if n := len(feedSources(t, lib, guild)); n != 6 {
		t.Errorf("the next day: %d sources, want the 3 held arrived (6)", n)
	}
}

// Feeds add nothing to a scope that holds MaxScopeSources sources of its
// own, and say why.
func TestScopeSourcesLimit(t *testing.T) {
	s := newSite(t)
	s.set(func(s *site) { s.rss = stories(s, 1, 3) })
	lib := openLibrary(t)
	f := New(lib, fetcherFor(s), Options{MaxScopeSources: 2})
	ctx := context.Background()
	if _, err := f.Add(ctx, guild, s.URL+"/rss", "mod"); err != nil {
		t.Fatal(err)
	}
	var notices []Notice
	res, err := f.Poll(ctx, Hooks{Notify: func(_ context.Context, n Notice) error { notices = append(notices, n); return nil }})
	if err != nil || len(res[0].Added) != 2 || res[0].Held != 1 || res[0].Limit == nil || res[0].Limit.Kind != LimitScopeSources {
		t.Fatalf("check: %v %v, want 2 new and 1 held by the scope's size", lines(res), err)
	}
	if len(notices) != 1 || notices[0].Limit.Kind != LimitScopeSources {
		t.Errorf("notices %+v, want one about the scope's size", notices)
	}
}

// A feed that never answers holds up one worker: the other feeds are
// checked meanwhile.
func TestSlowFeedDoesNotStallOthers(t *testing.T) {
	fastSeen := make(chan struct{})
	var once sync.Once
	stalled := make(chan bool, 1)
	mux := http.NewServeMux()
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-fastSeen:
			stalled <- false
		case <-time.After(10 * time.Second): // only a broken scheduler gets here
			stalled <- true
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, `<rss version="2.0"><channel><title>Slow</title></channel></rss>`)
	})
	mux.HandleFunc("/fast", func(w http.ResponseWriter, r *http.Request) {
		once.Do(func() { close(fastSeen) })
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, `<rss version="2.0"><channel><title>Fast</title></channel></rss>`)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	ap := netip.MustParseAddrPort(srv.Listener.Addr().String())
	lib := openLibrary(t)
	f := New(lib, (&ingest.Fetcher{}).AllowingListeners(func(a netip.AddrPort) bool { return a == ap }, nil), Options{Concurrency: 2})
	for _, p := range []string{"/slow", "/fast"} { // the slow one first in the schedule's order
		if _, err := lib.AddFeed(search.Feed{Scope: guild, URL: srv.URL + p, Title: p}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Millisecond) // distinct AddedAt: the slow feed is first
	}
	if _, err := NewScheduler(f, schedtest.NewClock(time.Now()), Hooks{}).RunDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	if <-stalled {
		t.Error("the fast feed was not checked while the slow one hung: one slow feed stalls every server's feeds")
	}
}

// A check spends at most CheckBudget: item pages that hang are given up
// when it runs out, the items wait for the next check, and the check
// still records its state instead of failing the round.
func TestCheckBudgetGivesUpOnHangingPages(t *testing.T) {
	var (
		mu    sync.Mutex
		pages int
	)
	mux := http.NewServeMux()
	mux.HandleFunc("/feed", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, `<rss version="2.0"><channel><title>Hangs</title>`)
		for n := 1; n <= 3; n++ {
			fmt.Fprintf(w, `<item><title>Story %d</title><link>http://%s/page/%d</link><guid>h%d</guid></item>`, n, r.Host, n, n)
		}
		fmt.Fprint(w, `</channel></rss>`)
	})
	mux.HandleFunc("/page/{n}", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		pages++
		mu.Unlock()
		select { // hang until the bot gives up
		case <-r.Context().Done():
		case <-time.After(20 * time.Second):
		}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	ap := netip.MustParseAddrPort(srv.Listener.Addr().String())
	lib := openLibrary(t)
	fetcher := (&ingest.Fetcher{Timeout: 10 * time.Second}).AllowingListeners(func(a netip.AddrPort) bool { return a == ap }, nil)
	f := New(lib, fetcher, Options{CheckBudget: 200 * time.Millisecond})
	ctx := context.Background()
	if _, err := f.Add(ctx, guild, srv.URL+"/feed", "mod"); err != nil {
		t.Fatal(err)
	}
	res, err := f.Poll(ctx, Hooks{})
	if err != nil {
		t.Fatalf("a check out of time failed the round: %v", err)
	}
	r := res[0]
	if r.Status == Failed || r.Deferred != 3 || r.Feed.State.CheckedAt.IsZero() {
		t.Errorf("check: %s, state %+v; want 3 items deferred and the check recorded", r.Line(), r.Feed.State)
	}
	mu.Lock()
	defer mu.Unlock()
	if pages != 1 {
		t.Errorf("%d hanging pages waited for, want 1: the check went on past its budget", pages)
	}
}
