//go:build unix

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// crashFeedRounds is how many polls TestCrashDuringFeedPoll kills (or lets finish).
const crashFeedRounds = 14

// TestCrashDuringFeedPoll kills `sitrep feed poll` with SIGKILL at random
// points while it stores a feed's items (the real binary, as in
// TestCrashSafety), then polls to the end in a fresh process: every item
// of the feed is then in the library exactly once, whatever the kill
// interrupted (the feed's state is written only after its items, and a
// repeated check finds them by link).
func TestCrashDuringFeedPoll(t *testing.T) {
	bin := sitrepBinary(t)
	seed := time.Now().UnixNano()
	rng := rand.New(rand.NewSource(seed))
	t.Logf("seed %d", seed)

	// The feed grows by a few items each round; each article is slow
	// enough (25 ms) that a poll takes a few hundred milliseconds.
	var mu sync.Mutex
	items := 10
	words := map[int]string{}
	word := func(n int) string {
		mu.Lock()
		defer mu.Unlock()
		if w, ok := words[n]; ok {
			return w
		}
		b := make([]byte, 10)
		for i := range b {
			b[i] = byte('a' + rng.Intn(26))
		}
		words[n] = string(b)
		return words[n]
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/rss", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n := items
		mu.Unlock()
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Crash Courier</title><link>http://%s/</link>`, r.Host)
		for i := n; i >= 1; i-- {
			fmt.Fprintf(w, `<item><title>Bulletin %d</title><link>http://%s/a/%d?utm_source=rss</link><guid>c%d</guid></item>`, i, r.Host, i, i)
		}
		fmt.Fprint(w, `</channel></rss>`)
	})
	mux.HandleFunc("/a/{n}", func(w http.ResponseWriter, r *http.Request) {
		var n int
		fmt.Sscan(r.PathValue("n"), &n)
		time.Sleep(25 * time.Millisecond)
		wd := word(n)
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprintf(w, `<html><head><title>Bulletin %d</title></head><body><article>
<p>Bulletin %d reports that the %s committee met again on Thursday to review the outage.</p>
<p>Its chair said the %s systems were restored by the evening shift after a long night.</p>
<p>A full account of the %s incident will be published next month, officials said.</p>
</article></body></html>`, n, n, wd, wd, wd)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	work := t.TempDir()
	data := filepath.Join(work, "data")
	run := func(ctx context.Context, args ...string) *exec.Cmd {
		cmd := exec.CommandContext(ctx, bin, append(args, "--data", data)...)
		cmd.Dir = work
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + work, "TZ=UTC", "SITREP_ALLOW_PRIVATE_URLS=1"}
		return cmd
	}
	runToEnd := func(args ...string) string {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		out, err := run(ctx, args...).Output()
		if err != nil {
			var stderr string
			if xe, ok := err.(*exec.ExitError); ok {
				stderr = string(xe.Stderr)
			}
			t.Fatalf("%v: %v\n%s", args, err, stderr)
		}
		return string(out)
	}
	runToEnd("feed", "add", srv.URL+"/rss")
	var listed struct{ Feeds []struct{ ID string } }
	if err := json.Unmarshal([]byte(runToEnd("feed", "list", "--json")), &listed); err != nil || len(listed.Feeds) != 1 {
		t.Fatalf("feed list --json after feed add: %v, %+v", err, listed)
	}
	feedID := listed.Feeds[0].ID

	// base is how long a poll with nothing new takes (process start, open,
	// the feed's fetch); each new item adds an article fetch and a store.
	base := 300 * time.Millisecond
	var killed, finished int
	var landed [3]int // killed polls that had stored none, some, all of their new items
	for r := range crashFeedRounds {
		mu.Lock()
		before := items
		items += 1 + rng.Intn(4)
		want := items
		mu.Unlock()
		est := base + time.Duration(want-before)*60*time.Millisecond
		mu.Lock() // the article handler draws from rng too
		killAfter := time.Duration(rng.Int63n(int64(est) * 13 / 10))
		mu.Unlock()

		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		cmd := run(ctx, "feed", "poll")
		switch wasKilled, err := runKilledAfter(t, cmd, killAfter); {
		case wasKilled:
			killed++
			got := feedItems(t, runToEnd("sources", "--json"), feedID)
			switch stored := len(got); {
			case stored <= before:
				landed[0]++
			case stored < want:
				landed[1]++
			default:
				landed[2]++
			}
		case err != nil:
			t.Fatalf("round %d: poll failed: %v", r, err)
		default:
			finished++
		}
		cancel()

		// What the kill left: never a duplicate.
		got := feedItems(t, runToEnd("sources", "--json"), feedID)
		for url, n := range got {
			if n > 1 {
				t.Fatalf("round %d: %s stored %d times after a kill", r, url, n)
			}
		}
		// Polls to the end: every item exactly once. A check adds at most
		// feeds.DefaultMaxNewPerCheck items, so a round with more new
		// items than that needs a second poll.
		for range 3 {
			start := time.Now()
			runToEnd("feed", "poll")
			base = (base + time.Since(start)) / 2
			if got = feedItems(t, runToEnd("sources", "--json"), feedID); len(got) >= want {
				break
			}
		}
		for i := 1; i <= want; i++ {
			if url := fmt.Sprintf("%s/a/%d", srv.URL, i); got[url] != 1 {
				t.Fatalf("round %d: item %d stored %d times, want once (items %v)", r, i, got[url], got)
			}
		}
		if len(got) != want {
			t.Fatalf("round %d: %d sources from the feed, want %d", r, len(got), want)
		}
	}
	t.Logf("%d polls killed (having stored none/some/all of their new items: %v), %d finished before the kill", killed, landed, finished)
	if killed == 0 {
		t.Error("no poll was killed: the test proved nothing")
	}
}

// feedItems counts the sources that the feed brought, by URL, from the
// output of `sitrep sources --json`.
func feedItems(tb testing.TB, out, feedID string) map[string]int {
	tb.Helper()
	var v struct {
		Sources []struct {
			URL     string `json:"url"`
			AddedBy string `json:"added_by"`
		} `json:"sources"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		tb.Fatalf("sources --json: %v", err)
	}
	got := map[string]int{}
	for _, s := range v.Sources {
		if s.AddedBy == "feed:"+feedID {
			got[s.URL]++
		}
	}
	return got
}
