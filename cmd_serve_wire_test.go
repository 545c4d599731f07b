package main

import (
	"context"
	"log/slog"
	"testing"

	"sitrep/bot"
	"sitrep/bot/discordtest"
	"sitrep/config"
	"sitrep/feeds"
	"sitrep/ingest"
	"sitrep/schedule"
	"sitrep/search"
)

// Each shard's feed schedule checks the feeds of the servers it owns, and
// shard 0 those of the shared library: two shards never fetch one feed.
func TestFeedScheduleFollowsShard(t *testing.T) {
	lib, err := search.Open(context.Background(), t.TempDir(), search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lib.Close() })
	poller := feeds.New(lib, &ingest.Fetcher{}, feeds.Options{})
	for _, sh := range []config.Shard{{}, {ID: 0, Count: 2}, {ID: 1, Count: 2}} {
		b := bot.New(nil, bot.Deps{Library: lib, Curator: lib, Fetcher: &ingest.Fetcher{}, Feeds: poller}, nil, bot.Options{Shard: sh})
		s := schedulers(b, poller, schedule.SystemClock{}, sh, slog.New(slog.DiscardHandler))
		if s.Digests == nil || s.Feeds == nil {
			t.Fatalf("shard %s: serve wires no digest or no feed schedule (%v): servers get no daily digest or no feed checks", sh, s)
		}
		if s.Feeds.Owns == nil {
			t.Fatalf("shard %s: the feed schedule checks every server's feeds", sh)
		}
		for _, scope := range []string{search.SharedScope, "4194304", "8388608", discordtest.DefaultGuildID} {
			if got, want := s.Feeds.Owns(scope), sh.Owns(scope); got != want {
				t.Errorf("shard %s: checks the feeds of %q = %v, want %v (the shard that owns the server)", sh, scope, got, want)
			}
		}
	}
}
