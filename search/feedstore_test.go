package search

import (
	"context"
	"errors"
	"testing"
	"time"
)

// Feeds persist across a reopen, are scoped, refuse a second follow of the
// same URL, and the digest groups what they brought by feed.
func TestFeedStoreAndDigest(t *testing.T) {
	dir := t.TempDir()
	clock := &testClock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	lib := openTest(t, dir, clock)
	const g1, g2 = "1001", "1002"
	f, err := lib.AddFeed(Feed{Scope: g1, URL: "https://news.example/rss", Title: "Example News"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lib.AddFeed(Feed{Scope: g1, URL: "https://news.example/rss"}); !errors.Is(err, ErrFeedExists) {
		t.Errorf("same feed again: %v, want ErrFeedExists", err)
	}
	if _, err := lib.AddFeed(Feed{Scope: g2, URL: "https://news.example/rss", Title: "Example News"}); err != nil {
		t.Errorf("same feed in another guild: %v", err)
	}
	st := FeedState{ETag: `"x"`, Failures: 2, Seen: []string{"guid:1"}}
	if err := lib.SaveFeedState(f.ID, st); err != nil {
		t.Fatal(err)
	}
	if _, err := lib.RemoveFeed(g2, f.ID); !errors.Is(err, ErrFeedNotFound) {
		t.Errorf("removing another guild's feed: %v, want ErrFeedNotFound", err)
	}

	mustAdd(t, lib, Source{Scope: g1, Title: "By hand", Text: articleWeather})
	fromFeed := mustAdd(t, lib, Source{Scope: g1, Title: "Cameras", Text: articleCameras, URL: "https://news.example/a/1", AddedBy: FeedActorPrefix + f.ID})
	lib.Close()

	lib = openTest(t, dir, clock)
	feeds, err := lib.Feeds(g1)
	if err != nil || len(feeds) != 1 || feeds[0].State.ETag != `"x"` || feeds[0].State.Failures != 2 {
		t.Fatalf("feeds after reopen: %+v %v", feeds, err)
	}
	if s, ok, err := lib.SourceByURL(g1, "https://news.example/a/1"); err != nil || !ok || s.ID != fromFeed.ID {
		t.Errorf("SourceByURL: %+v %v %v", s, ok, err)
	}
	if _, ok, _ := lib.SourceByURL(g2, "https://news.example/a/1"); ok {
		t.Error("SourceByURL found another guild's source")
	}
	d, err := lib.Digest(context.Background(), g1, clock.t.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.NewSources) != 2 || len(d.FromFeeds) != 1 || d.FromFeeds[0].Title != "Example News" ||
		len(d.FromFeeds[0].Sources) != 1 || d.FromFeeds[0].Sources[0].ID != fromFeed.ID {
		t.Errorf("digest from feeds: %+v", d.FromFeeds)
	}
	if _, err := lib.RemoveFeed(g1, f.ID); err != nil {
		t.Fatal(err)
	}
	if feeds, _ := lib.Feeds(g1); len(feeds) != 0 {
		t.Errorf("feeds after remove: %+v", feeds)
	}
	if err := lib.SaveFeedState(f.ID, st); err != nil {
		t.Errorf("saving the state of a removed feed: %v", err)
	}
	if feeds, _ := lib.Feeds(g1); len(feeds) != 0 {
		t.Errorf("saving state brought a removed feed back: %+v", feeds)
	}
}

// A syndicated copy (same story, other furniture) is a near duplicate; a
// different story on the same subject is not; other guilds are not looked at.
func TestNearDuplicate(t *testing.T) {
	lib := openTest(t, t.TempDir(), nil)
	story := "Flood waters rose above the barrier on Mill Lane late on Tuesday night. " +
		"The council said three pumping stations lost power during the storm. " +
		"Residents were moved to the sports hall by volunteers from the rowing club. " +
		"Engineers expect the repairs to take at least three weeks. " +
		"An inquiry will ask why the barrier was raised two hours late."
	orig := mustAdd(t, lib, Source{Scope: "g1", Title: "Floods", Text: story})
	ctx := context.Background()
	copyText := "By the Wire Service.\n" + story + "\nThis story was republished with permission."
	if s, ok, err := lib.NearDuplicate(ctx, "g1", copyText); err != nil || !ok || s.ID != orig.ID {
		t.Errorf("syndicated copy: %v %v %v", s.ID, ok, err)
	}
	other := "Flood waters are expected again next week, the forecasters said on Friday. " +
		"The council has asked residents of Mill Lane to keep sandbags ready. " +
		"Three pumping stations are still being repaired by engineers from the county."
	if s, ok, err := lib.NearDuplicate(ctx, "g1", other); err != nil || ok {
		t.Errorf("a different story is a near duplicate of %s (%v)", s.ID, err)
	}
	if _, ok, err := lib.NearDuplicate(ctx, "g2", copyText); err != nil || ok {
		t.Errorf("another guild's source counted as a near duplicate (%v)", err)
	}
}
