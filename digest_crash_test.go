//go:build unix

package main

import (
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"sitrep/bot/discordtest"
)

// TestDigestOnceAfterKill runs the real binary, lets it claim the day's
// digest and send it, kills it with SIGKILL while its post is in flight,
// and restarts it on the same data directory: the channel ends with the
// day's digest exactly once, whether Discord never got the post, or made
// the message and the answer was lost (the restart coming within
// Discord's nonce window, or after it).
func TestDigestOnceAfterKill(t *testing.T) {
	tests := []struct {
		name        string
		made        bool // Discord made the message before the kill
		nonceWindow time.Duration
	}{
		{"killed before Discord had the post", false, discordtest.DefaultNonceWindow},
		{"killed after Discord made the message", true, discordtest.DefaultNonceWindow},
		{"killed after Discord made the message, back after the nonce window", true, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newShardFleet(t, 1, 1)
			f.srv.SetNonceWindow(tc.nonceWindow)
			channel := f.guilds[0].Channels[0]
			stalled, dead := make(chan struct{}), make(chan struct{})
			var once sync.Once
			kill := func() { once.Do(func() { close(dead) }) }
			t.Cleanup(kill) // before the fake closes: it waits for its handlers
			var mu sync.Mutex
			first := true
			f.srv.Handle("POST", "/channels/{channel}/messages", func(r discordtest.Request, p map[string]string) (int, any) {
				mu.Lock()
				stall := first && p["channel"] == channel
				first = first && !stall
				mu.Unlock()
				if !stall {
					return f.srv.ChannelMessage(r, p)
				}
				status, body := http.StatusInternalServerError, any(nil)
				if tc.made {
					status, body = f.srv.ChannelMessage(r, p)
				}
				close(stalled)
				<-dead // the answer never reaches the process
				return status, body
			})

			data := filepath.Join(t.TempDir(), "data")
			f.start(0, data)
			f.waitReady()
			f.setDigests()
			select {
			case <-stalled:
			case <-f.ctx.Done():
				t.Fatalf("the digest was never sent\n%s", f.allLogs())
			}
			f.kill(0)
			kill()

			f.start(0, data)
			f.waitReady()
			waitLogMatch(f.ctx, t, f.shards[0].logs, regexp.MustCompile(`msg="digest posted"`))
			f.stopAll()
			var heads []string
			for _, m := range f.srv.ChannelMessages(channel) {
				if c, _ := m["content"].(string); strings.HasPrefix(c, "**Daily digest**") {
					heads = append(heads, c)
				}
			}
			if len(heads) != 1 {
				t.Errorf("the channel holds %d digests for the day, want 1: %q\n%s", len(heads), heads, f.allLogs())
			}
		})
	}
}
