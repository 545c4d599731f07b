package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"sitrep/bot"
	"sitrep/bot/discordtest"
	"sitrep/config"
)

// feedServer serves an RSS feed of n articles (n grows when the test says)
// and the articles, on 127.0.0.1.
func feedServer(tb testing.TB, items *atomic.Int64) *httptest.Server {
	tb.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/rss", func(w http.ResponseWriter, r *http.Request) {
		n := items.Load()
		if n < 0 {
			http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
			return
		}
		etag := fmt.Sprintf(`"n%d"`, n)
		w.Header().Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour Herald</title><link>http://%s/</link>`, r.Host)
		for i := n; i >= 1; i-- {
			fmt.Fprintf(w, `<item><title>Dispatch %d</title><link>http://%s/a/%d?utm_source=rss</link><guid>d%d</guid></item>`, i, r.Host, i, i)
		}
		fmt.Fprint(w, `</channel></rss>`)
	})
	mux.HandleFunc("/a/{n}", func(w http.ResponseWriter, r *http.Request) {
		n := r.PathValue("n")
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprintf(w, `<html><head><title>Dispatch %s</title></head><body><article>
<p>Dispatch %s: the harbour authority closed berth %s after a crane collapsed onto the quay early on Sunday.</p>
<p>Two dock workers were taken to hospital with minor injuries, the authority said in a statement about berth %s.</p>
<p>Ships due at berth %s this week will be sent to the northern terminal until inspectors finish their work.</p>
</article></body></html>`, n, n, n, n, n)
	})
	srv := httptest.NewServer(mux)
	tb.Cleanup(srv.Close)
	return srv
}

// The CLI contract of `sitrep feed`: add names the feed and what happens
// next, poll one line per feed by title (new N, unchanged, failed: why),
// with no log line unless --log, and exits 0 while the
// library works, list and list --json show the state, remove forgets.
func TestFeedCommands(t *testing.T) {
	var items atomic.Int64
	items.Store(2)
	srv := feedServer(t, &items)
	c := newCLI(t)

	// Without SITREP_ALLOW_PRIVATE_URLS a feed on 127.0.0.1 is refused.
	if code, _, stderr := c.run("", "feed", "add", srv.URL+"/rss"); code == 0 || !strings.Contains(stderr, "private address") {
		t.Fatalf("feed add of a private address: exit %d, %s", code, stderr)
	}
	c.env["SITREP_ALLOW_PRIVATE_URLS"] = "1"
	code, out, stderr := c.run("", "feed", "add", srv.URL+"/rss")
	if code != 0 {
		t.Fatalf("feed add: exit %d: %s", code, stderr)
	}
	first, next, _ := strings.Cut(strings.TrimSpace(out), "\n")
	if first != "Following “Harbour Herald” in the shared library." {
		t.Errorf("feed add printed %q first, want the feed's title and where it goes", first)
	}
	if !strings.Contains(next, "'sitrep feed poll'") || !strings.Contains(next, "within 15m while") || !strings.Contains(next, "'sitrep feed list'") {
		t.Errorf("feed add printed %q after the feed: a moderator is not told when its items arrive", next)
	}
	_, out, _ = c.run("", "feed", "list", "--json")
	var added struct{ Feeds []struct{ ID string } }
	if err := json.Unmarshal([]byte(out), &added); err != nil || len(added.Feeds) != 1 {
		t.Fatalf("feed list --json after feed add: %v\n%s", err, out)
	}
	id := added.Feeds[0].ID

	poll := func(want string) {
		t.Helper()
		code, out, stderr := c.run("", "feed", "poll")
		if code != 0 || strings.TrimSpace(out) != fmt.Sprintf("%q: %s", "Harbour Herald", want) {
			t.Fatalf("feed poll: exit %d, %q (stderr %s), want %q", code, out, stderr, want)
		}
	}
	poll("new 2")
	poll("unchanged (not modified)")
	items.Store(3)
	poll("new 1")
	items.Store(-1)
	poll("failed: the server answered 503 Service Unavailable")

	_, out, _ = c.run("", "sources", "--json", "--scope", "")
	var listed struct {
		Sources []struct {
			URL     string `json:"url"`
			AddedBy string `json:"added_by"`
		} `json:"sources"`
	}
	if err := json.Unmarshal([]byte(out), &listed); err != nil {
		t.Fatal(err)
	}
	fromFeed := map[string]int{}
	for _, s := range listed.Sources {
		if s.AddedBy == "feed:"+id {
			fromFeed[s.URL]++
		}
	}
	if len(fromFeed) != 3 || fromFeed[srv.URL+"/a/3"] != 1 {
		t.Errorf("sources from the feed: %v, want /a/1..3 once each, without tracking parameters", fromFeed)
	}

	code, out, _ = c.run("", "digest", "--since", "1h")
	if code != 0 || strings.Count(out, "from the feed Harbour Herald") != 3 {
		t.Errorf("digest: exit %d\n%s", code, out)
	}
	code, out, _ = c.run("", "feed", "list")
	if code != 0 || !strings.Contains(out, id) || !strings.Contains(out, "failing ×1: the server answered 503") {
		t.Errorf("feed list: exit %d\n%s", code, out)
	}
	code, out, _ = c.run("", "feed", "list", "--json")
	var js struct {
		Feeds []struct {
			ID    string `json:"id"`
			URL   string `json:"url"`
			State struct {
				Items    int    `json:"items"`
				Failures int    `json:"failures"`
				ETag     string `json:"etag"`
			} `json:"state"`
		} `json:"feeds"`
	}
	if err := json.Unmarshal([]byte(out), &js); code != 0 || err != nil || len(js.Feeds) != 1 ||
		js.Feeds[0].State.Items != 3 || js.Feeds[0].State.Failures != 1 || js.Feeds[0].State.ETag != `"n3"` {
		t.Errorf("feed list --json: exit %d, %v\n%s", code, err, out)
	}

	// The failure is said once, in its line; the poller's structured
	// log joins it only when asked for.
	if _, _, stderr := c.run("", "feed", "poll"); strings.Contains(stderr, "level=") {
		t.Errorf("feed poll printed log lines beside its own: %s", stderr)
	}
	if code, out, stderr := c.run("", "feed", "poll", "--log"); !strings.Contains(stderr, "level=WARN") {
		t.Errorf("feed poll --log printed no log: exit %d, %q, stderr %q", code, out, stderr)
	}
	if code, out, _ = c.run("", "feed", "remove", id); code != 0 || !strings.Contains(out, "removed "+id) {
		t.Errorf("feed remove: exit %d, %s", code, out)
	}
	if code, _, stderr = c.run("", "feed", "remove", id); code == 0 || !strings.Contains(stderr, "no feed \""+id+"\" is followed; 'sitrep feed list' lists") {
		t.Errorf("feed remove again: exit %d, %s", code, stderr)
	}
	if code, out, _ = c.run("", "feed", "poll"); code != 0 || !strings.Contains(out, "no feeds followed") {
		t.Errorf("feed poll with no feeds: exit %d, %s", code, out)
	}
	if code, _, _ = c.run("", "feed", "frobnicate"); code != 2 {
		t.Errorf("unknown subcommand: exit %d, want 2", code)
	}

}

// `sitrep serve` runs the feed schedule for its lifetime: a feed followed
// from the CLI is checked as soon as the bot runs, /feed is registered,
// and nothing is fetched after shutdown.
func TestServeChecksFeeds(t *testing.T) {
	var items atomic.Int64
	items.Store(1)
	var polls atomic.Int64
	feed := feedServer(t, &items)
	counted := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/rss" {
			polls.Add(1)
		}
		feed.Config.Handler.ServeHTTP(w, r)
	}))
	t.Cleanup(counted.Close)

	data := t.TempDir()
	env := map[string]string{"SITREP_DATA": data, "SITREP_ALLOW_PRIVATE_URLS": "1"}
	getenv := func(k string) string { return env[k] }
	var out bytes.Buffer
	if err := run(context.Background(), []string{"feed", "add", counted.URL + "/rss"}, getenv, strings.NewReader(""), &out, &out); err != nil {
		t.Fatalf("feed add: %v\n%s", err, out.String())
	}
	added := polls.Load()

	srv := discordtest.New(t)
	oldLogger := discordgo.Logger
	t.Cleanup(func() {
		discordgo.Logger = oldLogger
		if err := bot.SetAPIBase(config.DefaultAPIBase); err != nil {
			t.Error(err)
		}
	})
	env["DISCORD_TOKEN"], env["DISCORD_API_BASE"] = discordtest.BotToken, srv.APIBase()
	stderr := &lockedBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- run(ctx, []string{"serve"}, getenv, strings.NewReader(""), &bytes.Buffer{}, stderr) }()
	wait, stop := context.WithTimeout(context.Background(), 20*time.Second)
	defer stop()
	if _, err := srv.WaitRequest(wait, "PUT", "/applications/{app}/commands"); err != nil {
		cancel()
		t.Fatalf("%v (serve returned %v)\nlog:\n%s", err, <-errc, stderr)
	}
	var names []string
	for _, c := range srv.Commands("") {
		names = append(names, c.Name)
	}
	if !slices.Contains(names, "feed") {
		t.Errorf("registered %v, want /feed among them", names)
	}
	for !strings.Contains(stderr.String(), "feed checked") && wait.Err() == nil {
		time.Sleep(10 * time.Millisecond)
	}
	if polls.Load() == added || !strings.Contains(stderr.String(), "feed checked") {
		t.Fatalf("the served bot never checked the feed\nlog:\n%s", stderr)
	}
	cancel()
	if err := <-errc; err != nil {
		t.Errorf("serve: %v", err)
	}
	after := polls.Load()
	time.Sleep(100 * time.Millisecond)
	if polls.Load() != after {
		t.Error("the feed was fetched after serve stopped")
	}
}
