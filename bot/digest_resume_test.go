package bot

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"sitrep/bot/discordtest"
	"sitrep/ingest"
	"sitrep/schedule"
	"sitrep/search"
)

// crashedCurator is a library whose process dies as soon as a post fails:
// it never gives its claim up.
type crashedCurator struct{ *search.Library }

func (crashedCurator) ReleaseDigest(scope, day string) error { return nil }

// TestDigestResumedAfterCrash: a process posting a day's digest dies while
// the message is in flight; the process restarted on its data directory
// finishes the post. The channel then holds the digest exactly once,
// with its More button, whether Discord never got the message, or made it
// and the answer was lost (the retry within Discord's nonce window, or
// after it: then the channel's history tells). A digest is one message
// (one phone screen, the rest under More), so there is no "between two
// messages" to die in; the post still records each message it sends, in
// case a digest ever needs more than one.
func TestDigestResumedAfterCrash(t *testing.T) {
	tests := []struct {
		name        string
		stallAt     int  // the POST the process dies in (1-based)
		madeFirst   bool // Discord made the message before the process died
		nonceWindow time.Duration
		unreadable  bool // the bot may not read the channel's history
	}{
		{"killed before Discord had the first message", 1, false, discordtest.DefaultNonceWindow, false},
		{"killed after Discord made the first message", 1, true, discordtest.DefaultNonceWindow, false},
		{"killed after Discord made the first message, back after the nonce window", 1, true, 0, false},
		{"killed after Discord made the first message, channel not readable", 1, true, discordtest.DefaultNonceWindow, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			lib, err := search.Open(context.Background(), dir, search.Options{})
			if err != nil {
				t.Fatal(err)
			}
			for k := range 10 { // a busy day: the digest fills its screen and keeps the rest for More
				long := strings.Repeat(fmt.Sprintf(" along the boom of crane %d, near the cab, the hoist and the counterweight", k), 6)
				text := fmt.Sprintf("The harbour crane number %d at Pier %d in Valmora collapsed on Tuesday night after inspectors had found cracked welds%s, the port authority said. Inspectors of crane %d had also reported a worn brake%s.",
					k, k, long, k, long)
				if _, err := lib.Add(context.Background(), search.Source{Title: fmt.Sprintf("Crane %d collapse", k), Text: text, Scope: discordtest.DefaultGuildID}); err != nil {
					t.Fatal(err)
				}
			}
			srv := fakeDiscord(t)
			srv.SetNonceWindow(tc.nonceWindow)
			if tc.unreadable { // no Read Message History: only the nonce can tell
				srv.Fail("GET", "/channels/{channel}/messages", discordtest.Failure{Status: http.StatusForbidden})
			}
			channel := discordtest.DefaultChannelID
			var mu sync.Mutex
			posts := 0
			dead := make(chan struct{})
			var once sync.Once
			die := func() { once.Do(func() { close(dead) }) }
			t.Cleanup(die) // before the fake closes: it waits for its handlers
			srv.Handle("POST", "/channels/{channel}/messages", func(r discordtest.Request, p map[string]string) (int, any) {
				mu.Lock()
				posts++
				stall := posts == tc.stallAt
				mu.Unlock()
				select {
				case <-dead:
					// The first process gave up before its post got here (a
					// slow, loaded machine): nothing is in flight to stall,
					// and the restarted process must be answered.
					stall = false
				default:
				}
				if !stall {
					return srv.ChannelMessage(r, p)
				}
				status, body := http.StatusInternalServerError, any(nil)
				if tc.madeFirst {
					status, body = srv.ChannelMessage(r, p)
				}
				<-dead // the answer never reaches the process
				return status, body
			})
			settings := schedule.Settings{GuildID: discordtest.DefaultGuildID, ChannelID: channel, Enabled: true}
			const day = "2026-06-10"

			first := New(srv.Session(t), Deps{Library: lib, Curator: crashedCurator{lib}, Fetcher: &ingest.Fetcher{}}, nil, Options{})
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			err = (digestPoster{first}).PostDigest(ctx, settings, day)
			cancel()
			die()
			if err == nil {
				t.Fatal("the post that died returned no error")
			}
			lib.Close()

			lib, err = search.Open(context.Background(), dir, search.Options{}) // the restart
			if err != nil {
				t.Fatal(err)
			}
			defer lib.Close()
			second := New(srv.Session(t), depsFor(lib), nil, Options{})
			if err := (digestPoster{second}).PostDigest(waitCtx(t), settings, day); err != nil {
				t.Fatalf("the restarted process: %v", err)
			}

			got := srv.ChannelMessages(channel)
			var contents []string
			for _, m := range got {
				contents = append(contents, strings.SplitN(m["content"].(string), "\n", 2)[0])
			}
			if len(got) != 1 || !strings.HasPrefix(contents[0], "**Daily digest** · since") {
				t.Fatalf("the channel holds %q: want the digest once; a crash mid-post costs the team the day's digest or shows it twice", contents)
			}
			if comps, _ := got[0]["components"].([]any); len(comps) == 0 {
				t.Errorf("the resumed digest has no More button: members cannot see the rest of the day")
			}
			// Done: another attempt (a replica, the scheduler's retry)
			// posts nothing.
			if err := (digestPoster{second}).PostDigest(waitCtx(t), settings, day); err != nil {
				t.Fatal(err)
			}
			if n := len(srv.ChannelMessages(channel)); n != len(got) {
				t.Errorf("%d messages after another attempt, want %d", n, len(got))
			}
		})
	}
}
