package feeds

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"sitrep/search"
)

// movingStory is a news site whose one story the outlet updates in place:
// the test sets the page's sentences and the date the Atom feed gives the
// entry, and counts the page's fetches.
type movingStory struct {
	mu      sync.Mutex
	updated string
	page    []string
	fetches int
	other   bool // a second, newer story in the feed
}

func (m *movingStory) set(updated string, page []string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.updated, m.page = updated, page
}

func (m *movingStory) pageFetches() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.fetches
}

func newMovingStory(tb testing.TB) (*site, *movingStory) {
	tb.Helper()
	m := &movingStory{}
	var srv *httptest.Server
	mux := http.NewServeMux()
	mux.HandleFunc("/atom", func(w http.ResponseWriter, r *http.Request) {
		m.mu.Lock()
		defer m.mu.Unlock()
		w.Header().Set("Content-Type", "application/atom+xml")
		fmt.Fprintf(w, `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Iran International</title><id>urn:ii</id><updated>%s</updated><link href="%s/"/>`+
			`<entry><title>Cameras hacked in Tehran</title><id>urn:ii:cameras</id><link href="%s/story/cameras"/><published>2026-06-13T08:00:00Z</published><updated>%s</updated></entry>`,
			m.updated, srv.URL, srv.URL, m.updated)
		if m.other {
			fmt.Fprintf(w, `<entry><title>Storm closes the port</title><id>urn:ii:port</id><link href="%s/story/port"/><published>2026-06-15T08:00:00Z</published><updated>2026-06-15T08:00:00Z</updated></entry>`, srv.URL)
		}
		fmt.Fprint(w, "</feed>")
	})
	mux.HandleFunc("/story/port", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<html><head><title>Storm closes the port</title></head><body><article><h1>Storm closes the port</h1>"+
			"<p>The harbour master closed the port of Bandar Abbas on Monday as winds reached ninety kilometres an hour.</p>"+
			"<p>Ferries to the islands were cancelled until the weather service lifts its warning.</p></article></body></html>")
	})
	mux.HandleFunc("/story/cameras", func(w http.ResponseWriter, r *http.Request) {
		m.mu.Lock()
		defer m.mu.Unlock()
		m.fetches++
		w.Header().Set("Content-Type", "text/html")
		var b strings.Builder
		b.WriteString("<html><head><title>Cameras hacked in Tehran</title></head><body><article><h1>Cameras hacked in Tehran</h1>")
		for _, p := range m.page {
			fmt.Fprintf(&b, "<p>%s</p>", html.EscapeString(p))
		}
		b.WriteString("</article></body></html>")
		fmt.Fprint(w, b.String())
	})
	srv = httptest.NewServer(mux)
	tb.Cleanup(srv.Close)
	return &site{Server: srv}, m
}

var (
	camerasPage1 = []string{
		"An opposition group said on Saturday that it had hacked more than 5,000 surveillance cameras across Tehran.",
		"The municipality said its website was suspended for a few minutes while engineers checked the servers.",
		"Officials blamed foreign enemies for the disruption and promised a full investigation of the network.",
	}
	camerasPage2 = []string{
		"State television said on Sunday that the hackers had reached only part of the camera network in Tehran.",
		"The municipality said its website was suspended for a few minutes while engineers checked the servers.",
		"Officials blamed foreign enemies for the disruption and promised a full investigation of the network.",
	}
)

// TestUpdatedItemIsANewVersion: an outlet updates a story in place and its
// feed says so. The page is fetched again once, the new text is stored
// once as version 2, the first version's figure is still answerable and
// marked superseded, and the next digest names what the update changed.
// A page that changed while the feed said nothing is not fetched; the feed
// saying so while the text is the same stores nothing.
func TestUpdatedItemIsANewVersion(t *testing.T) {
	ctx := context.Background()
	s, story := newMovingStory(t)
	story.set("2026-06-13T08:00:00Z", camerasPage1)
	lib := openLibrary(t)
	f := New(lib, fetcherFor(s), Options{})
	if _, err := f.Add(ctx, guild, s.URL+"/atom", "mod"); err != nil {
		t.Fatal(err)
	}
	poll := func() []Result {
		t.Helper()
		res, err := f.Poll(ctx, Hooks{})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	if res := poll(); len(res) != 1 || len(res[0].Added) != 1 {
		t.Fatalf("first poll = %v; want the story added", lines(res))
	}
	src, found, err := lib.SourceByURL(guild, s.URL+"/story/cameras")
	if err != nil || !found {
		t.Fatalf("the story is not stored: %v", err)
	}
	fetched := story.pageFetches()

	// The page changes, the feed does not: nothing is fetched.
	story.set("2026-06-13T08:00:00Z", camerasPage2)
	if res := poll(); len(res[0].Updated) != 0 || story.pageFetches() != fetched {
		t.Errorf("a poll whose feed said nothing changed fetched the page (%d → %d fetches) or stored %d versions",
			fetched, story.pageFetches(), len(res[0].Updated))
	}

	// The feed says the entry was updated: one new version.
	since := time.Now()
	story.set("2026-06-14T07:00:00Z", camerasPage2)
	var hooked []string
	res, err := f.Poll(ctx, Hooks{Updated: func(_ context.Context, s search.Source) { hooked = append(hooked, s.ID) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(hooked) != 1 || hooked[0] != src.ID {
		t.Errorf("Hooks.Updated got %v; want %s once, so waiting questions are checked against the new text", hooked, src.ID)
	}
	if len(res[0].Updated) != 1 || res[0].Updated[0].Source.Version != 2 || res[0].Updated[0].Source.ID != src.ID || res[0].Updated[0].Sentences != 1 {
		t.Fatalf("poll after the update = %+v; want version 2 of %s with 1 sentence changed: members would not see the outlet's update", res[0].Updated, src.ID)
	}
	if !strings.Contains(res[0].Line(), "updated 1") {
		t.Errorf("poll line %q does not say an item was updated", res[0].Line())
	}
	fetched = story.pageFetches()
	for range 2 {
		if res := poll(); len(res[0].Updated) != 0 || len(res[0].Added) != 0 {
			t.Errorf("a later poll stored the update again: %v", lines(res))
		}
	}
	if story.pageFetches() != fetched {
		t.Errorf("later polls fetched the unchanged item again: %d → %d fetches", fetched, story.pageFetches())
	}
	srcs, _ := lib.Sources(guild)
	if len(srcs) != 1 || srcs[0].Version != 2 {
		t.Errorf("sources = %+v; want the one story at version 2", srcs)
	}

	// What was said first is still found, marked as superseded.
	ans, err := lib.Ask(ctx, search.Query{Question: "how many surveillance cameras were hacked?", Scope: guild})
	if err != nil {
		t.Fatal(err)
	}
	var old *search.Quote
	for i, q := range ans.Quotes {
		if strings.Contains(q.Text, "5,000") {
			old = &ans.Quotes[i]
			break
		}
	}
	if old == nil || old.Superseded == nil || old.Superseded.By != 2 {
		t.Errorf("the first version's figure is lost or not marked superseded: %+v", ans.Quotes)
	}

	// The next digest names what the update changed.
	d, err := lib.Digest(ctx, guild, since)
	if err != nil {
		t.Fatal(err)
	}
	var named bool
	for _, c := range d.Story {
		if c.Kind == "updated" && len(c.Claims) == 2 && strings.Contains(c.Claims[0].Quote, "5,000") && strings.Contains(c.Claims[1].Quote, "part of the camera network") {
			named = true
		}
	}
	if !named {
		t.Errorf("the digest does not name the update (5,000 → part of the camera network): %+v", d.Story)
	}

	// The feed says updated again, the text is the same: nothing stored.
	story.set("2026-06-14T09:00:00Z", camerasPage2)
	if res := poll(); len(res[0].Updated) != 0 {
		t.Errorf("the same text was stored as a new version: %+v", res[0].Updated)
	}
	if srcs, _ := lib.Sources(guild); srcs[0].Version != 2 {
		t.Errorf("version after an unchanged re-fetch = %d; want 2", srcs[0].Version)
	}
}

// TestUpdateWithinCaps: a re-fetch counts against MaxNewPerCheck like a
// new item; an update held back is not forgotten but taken next check.
func TestUpdateWithinCaps(t *testing.T) {
	ctx := context.Background()
	s, story := newMovingStory(t)
	story.set("2026-06-13T08:00:00Z", camerasPage1)
	lib := openLibrary(t)
	f := New(lib, fetcherFor(s), Options{MaxNewPerCheck: 1})
	if _, err := f.Add(ctx, guild, s.URL+"/atom", "mod"); err != nil {
		t.Fatal(err)
	}
	poll := func() Result {
		t.Helper()
		res, err := f.Poll(ctx, Hooks{})
		if err != nil || len(res) != 1 {
			t.Fatalf("Poll = %v, %v", lines(res), err)
		}
		return res[0]
	}
	if r := poll(); len(r.Added) != 1 {
		t.Fatalf("first poll: %s", r.Line())
	}
	story.set("2026-06-14T07:00:00Z", camerasPage2)
	story.mu.Lock()
	story.other = true
	story.mu.Unlock()
	if r := poll(); len(r.Added) != 1 || len(r.Updated) != 0 || r.Held != 1 {
		t.Errorf("poll with a new item and an update, one allowed: %s (held %d); want the new item, the update held", r.Line(), r.Held)
	}
	if r := poll(); len(r.Updated) != 1 || len(r.Added) != 0 {
		t.Errorf("next poll: %s; want the held update taken: the outlet's update would be lost", r.Line())
	}
}
