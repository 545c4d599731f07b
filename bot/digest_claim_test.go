package bot

import (
	"context"
	"net/http"
	"testing"
	"time"

	"sitrep/bot/discordtest"
	"sitrep/schedule"
	"sitrep/search"
)

// TestDigestClaimedOnce: two bots on one library, as two processes on one
// PostgreSQL store (a shard and its replacement during a deploy): a day's
// digest goes out once, whichever schedules it; a post that fails gives
// the day up, and the next attempt, by either, posts it.
func TestDigestClaimedOnce(t *testing.T) {
	lib, err := search.Open(context.Background(), t.TempDir(), search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lib.Close() })
	srv := fakeDiscord(t)
	sess := srv.Session(t)
	first, second := New(sess, depsFor(lib), nil, Options{}), New(sess, depsFor(lib), nil, Options{})
	settings := schedule.Settings{GuildID: discordtest.DefaultGuildID, ChannelID: discordtest.DefaultChannelID, Enabled: true}
	posts := func() int {
		n := 0
		for _, r := range srv.Requests() {
			if r.Method == http.MethodPost && r.Path == "/channels/"+discordtest.DefaultChannelID+"/messages" {
				n++
			}
		}
		return n
	}
	ctx := context.Background()

	if err := (digestPoster{first}).PostDigest(ctx, settings, "2026-06-10"); err != nil {
		t.Fatal(err)
	}
	sent := posts()
	if sent == 0 {
		t.Fatal("the first bot posted nothing")
	}
	if err := (digestPoster{second}).PostDigest(ctx, settings, "2026-06-10"); err != nil {
		t.Fatal(err)
	}
	if posts() != sent {
		t.Errorf("the day's digest was posted again by the second bot (%d messages, want %d)", posts(), sent)
	}
	if err := (digestStore{first}).MarkPosted(ctx, settings.GuildID, "2026-06-10", time.Now()); err != nil { // as the scheduler does
		t.Fatal(err)
	}

	srv.FailChannel(discordtest.DefaultChannelID, http.StatusInternalServerError)
	if err := (digestPoster{first}).PostDigest(ctx, settings, "2026-06-11"); err == nil {
		t.Fatal("a post Discord refused succeeded")
	}
	srv.FailChannel(discordtest.DefaultChannelID, 0)
	before := posts()
	if err := (digestPoster{second}).PostDigest(ctx, settings, "2026-06-11"); err != nil {
		t.Fatal(err)
	}
	if posts() == before {
		t.Error("after a failed post the day stayed claimed: its digest was never posted")
	}
}
