package feeds

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sync"
	"testing"
	"time"

	"sitrep/config"
	"sitrep/ingest"
	"sitrep/schedule/schedtest"
	"sitrep/search"
)

// roundView is the library as a process sees it at the start of a round:
// AllFeeds answers with the list as it was then, so two shards that read
// it at the same moment both see every feed due.
type roundView struct {
	*search.Library
	feeds []search.Feed
}

func (v *roundView) AllFeeds() ([]search.Feed, error) { return v.feeds, nil }

// Two shards on one library: each server's feeds are checked by the shard
// that owns the server, the shared library's by shard 0, so every feed is
// fetched once per interval, not once per shard.
func TestShardsCheckEachFeedOnce(t *testing.T) {
	var (
		mu      sync.Mutex
		fetches = map[string]int{}
	)
	mux := http.NewServeMux()
	mux.HandleFunc("/feed/{name}", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		fetches[r.PathValue("name")]++
		mu.Unlock()
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, `<rss version="2.0"><channel><title>%s</title></channel></rss>`, r.PathValue("name"))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	ap := netip.MustParseAddrPort(srv.Listener.Addr().String())
	fetcher := (&ingest.Fetcher{}).AllowingListeners(func(a netip.AddrPort) bool { return a == ap }, nil)

	shards := []config.Shard{{ID: 0, Count: 2}, {ID: 1, Count: 2}}
	scopes := map[string]string{ // feed name → scope
		"shared": search.SharedScope,
		"even":   fmt.Sprint(uint64(1) << 22 * 4), // (id >> 22) % 2 == 0
		"odd":    fmt.Sprint(uint64(1) << 22 * 5),
	}
	if !shards[0].Owns(scopes["even"]) || !shards[1].Owns(scopes["odd"]) || !shards[0].Owns(scopes["shared"]) {
		t.Fatal("the test's servers are not split between the shards")
	}
	lib := openLibrary(t)
	for name, scope := range scopes {
		if _, err := lib.AddFeed(search.Feed{Scope: scope, URL: srv.URL + "/feed/" + name, Title: name}); err != nil {
			t.Fatal(err)
		}
	}
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	clock := schedtest.NewClock(start)
	view := &roundView{Library: lib}
	opts := Options{Interval: 15 * time.Minute, Now: clock.Now, Jitter: func() float64 { return 0.5 }}
	var scheds []*Scheduler
	for _, sh := range shards {
		s := NewScheduler(New(view, fetcher, opts), clock, Hooks{})
		s.Owns = sh.Owns
		scheds = append(scheds, s)
	}
	for round := 1; round <= 2; round++ {
		all, err := lib.AllFeeds()
		if err != nil {
			t.Fatal(err)
		}
		view.feeds = all // both shards read the list at the same moment
		for _, s := range scheds {
			if _, err := s.RunDue(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		mu.Lock()
		for name := range scopes {
			if fetches[name] != round {
				t.Errorf("round %d: feed %q fetched %d times in all, want %d: each shard fetches every feed", round, name, fetches[name], round)
			}
		}
		mu.Unlock()
		clock.Set(start.Add(time.Duration(round) * 16 * time.Minute))
	}
}
