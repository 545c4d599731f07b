package bot

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"sitrep/feeds"
	"sitrep/ingest"
	"sitrep/search"
)

// The feed messages stay within Discord's limits whatever the feeds hold,
// and say what the user needs: which feed, what went wrong, how to fix it.
func TestFeedRendering(t *testing.T) {
	since := time.Date(2026, 6, 10, 8, 0, 0, 0, time.UTC)
	long := strings.Repeat("Very long feed title with *markdown* ", 20)
	feed := search.Feed{ID: "f1234abcd", Scope: "1", URL: "https://news.example/rss", Title: long}

	n := renderFeedNotice(feeds.Notice{Feed: feed, Failures: 3, Since: since, Err: "the server answered 404 Not Found",
		Cause: errors.New("x")})
	if !strings.Contains(n.Content, "`f1234abcd`") || !strings.Contains(n.Content, "404 Not Found") || !strings.Contains(n.Content, "How to fix it") ||
		strings.Contains(n.Content, "*markdown*") {
		t.Errorf("failure notice %q", n.Content)
	}
	r := renderFeedNotice(feeds.Notice{Feed: feed, Recovered: true, Failures: 5, Since: since})
	if !strings.Contains(r.Content, "works again") || !strings.Contains(r.Content, "5 failed checks") {
		t.Errorf("recovery notice %q", r.Content)
	}

	var list []search.Feed
	for i := range 30 {
		f := feed
		f.ID = feed.ID + string(rune('a'+i%26))
		f.State = search.FeedState{CheckedAt: since, NewAt: since, Items: i, Failures: i % 2, FailingSince: since,
			LastError: strings.Repeat("broken ", 100)}
		list = append(list, f)
	}
	m := renderFeedList(list)
	if len(m.Embeds) != 1 || len(m.Embeds[0].Fields) != feedListMax || m.Embeds[0].Footer == nil || !m.Ephemeral {
		t.Fatalf("list of 30 feeds: %+v", m)
	}
	if errs := checkLimits(m.Content, m.Embeds, nil); len(errs) > 0 {
		t.Errorf("feed list breaks limits: %v", errs)
	}

	var refs []search.Ref
	for i := range 80 {
		refs = append(refs, search.Ref{ID: "s" + string(rune('a'+i%26)), Title: long, URL: "https://news.example/a/" + strings.Repeat("x", i)})
	}
	d := search.Digest{Since: since, Until: since.Add(24 * time.Hour),
		NewSources: []search.DigestSource{{Source: search.Source{ID: "sa", Title: "One", AddedBy: "feed:f1"}, Summary: []string{"A sentence."}}},
		FromFeeds:  []search.DigestFeed{{FeedID: "f1", Title: "Harbour Herald", Sources: refs}}}
	// The digest's More lists them, past the sources it details.
	d.Counts.NewSources = 80
	msgs := append(renderDigest(d), renderDigestMore(d))
	var found bool
	for _, msg := range msgs {
		if errs := checkLimits(msg.Content, msg.Embeds, nil); len(errs) > 0 {
			t.Errorf("digest breaks limits: %v", errs)
		}
		for _, e := range msg.Embeds {
			found = found || strings.Contains(e.Description, "**Harbour Herald** brought 76 more") && strings.Contains(e.Description, "more")
		}
	}
	if !found {
		t.Errorf("the digest does not list what the feed brought: %+v", msgs)
	}
}

// TestFeedFix: a failing feed's notice tells the moderator what to do
// about its cause, in the bot's words (the feeds package gives only the
// cause).
func TestFeedFix(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("feeds: check: %w", &ingest.StatusError{Status: "404 Not Found", Code: 404}), "moved"},
		{&ingest.StatusError{Status: "403 Forbidden", Code: 403}, "`/feed remove`"},
		{feeds.ErrNotAFeed, "`/feed add`"},
		{errors.New("x"), "Check the feed's link"},
	} {
		if got := feedFix(tt.err); !strings.Contains(got, tt.want) {
			t.Errorf("feedFix(%v) = %q, want it to say %q", tt.err, got, tt.want)
		}
	}
}
