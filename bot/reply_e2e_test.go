package bot

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"sitrep/bot/discordtest"
)

// TestDeferredReplySurvivesDiscordErrors: a 500 on the edit of a deferred
// reply is retried; an edit that keeps failing becomes a follow-up; a 429
// is waited out only as long as the bot runs; and a failure after a public
// deferral is told privately, the public "thinking…" removed.
func TestDeferredReplySurvivesDiscordErrors(t *testing.T) {
	gate := &gatedLibrary{Reader: openSeeded(t)}
	gate.delay.Store(int64(300 * time.Millisecond))
	srv := newFakeDiscord(t)
	h, stop := runBotOn(t, srv, gate, Options{GuildID: discordtest.DefaultGuildID, DeferAfter: 50 * time.Millisecond,
		ReplyRetry: 2 * time.Second, ShutdownGrace: 300 * time.Millisecond, AskBurst: 100})
	edits := func(ic discordtest.Interaction) []discordtest.Request {
		var out []discordtest.Request
		for _, r := range srv.Requests() {
			if r.Method == "PATCH" && r.Path == "/webhooks/"+discordtest.AppID+"/"+ic.Token+"/messages/@original" {
				out = append(out, r)
			}
		}
		return out
	}
	askDeferred := func(t *testing.T, f discordtest.Failure, more ...*discordgo.ApplicationCommandInteractionDataOption) discordtest.Interaction {
		t.Helper()
		ic := h.srv.NewInteraction()
		srv.Fail("PATCH", "/webhooks/{app}/"+ic.Token+"/messages/@original", f)
		cb, _ := h.dispatch(t, ic, ic.SlashCommand("ask", ask("how many cameras were hacked?", more...)...))
		if cb.Type != int(discordgo.InteractionResponseDeferredChannelMessageWithSource) {
			t.Fatalf("callback type %d, want a deferral", cb.Type)
		}
		return ic
	}

	t.Run("a 500 on the edit is retried", func(t *testing.T) {
		ic := askDeferred(t, discordtest.Failure{Status: http.StatusInternalServerError, Times: 2})
		ctx := waitCtx(t)
		for len(edits(ic)) < 3 {
			if ctx.Err() != nil {
				t.Fatalf("%d edits, want 3 (two failures, then the answer)\nlogs:\n%s", len(edits(ic)), h.logs)
			}
			time.Sleep(20 * time.Millisecond)
		}
		last := edits(ic)[2]
		var got sentMessage
		if err := last.Decode(&got); err != nil || last.Status != http.StatusOK || len(got.Embeds) == 0 {
			t.Errorf("third edit: status %d, %+v, %v", last.Status, got, err)
		}
	})

	t.Run("an edit that keeps failing becomes a follow-up", func(t *testing.T) {
		ic := askDeferred(t, discordtest.Failure{Status: http.StatusServiceUnavailable})
		r, err := srv.WaitRequest(waitCtx(t), "POST", "/webhooks/{app}/"+ic.Token)
		if err != nil {
			t.Fatalf("no follow-up after the edits failed: %v\nlogs:\n%s", err, h.logs)
		}
		var m sentMessage
		if err := r.Decode(&m); err != nil || len(m.Embeds) == 0 {
			t.Errorf("follow-up %+v, %v: want the answer", m, err)
		}
		if n := len(edits(ic)); n < 2 {
			t.Errorf("%d edits before falling back, want retries", n)
		}
	})

	t.Run("a failure after a public deferral is said privately", func(t *testing.T) {
		gate.fail.Store(true)
		defer gate.fail.Store(false)
		ic := askDeferred(t, discordtest.Failure{})
		r, err := srv.WaitRequest(waitCtx(t), "POST", "/webhooks/{app}/"+ic.Token)
		if err != nil {
			t.Fatalf("no private apology: %v\nlogs:\n%s", err, h.logs)
		}
		var m sentMessage
		if err := r.Decode(&m); err != nil || m.Flags&int(discordgo.MessageFlagsEphemeral) == 0 || !strings.Contains(m.Content, "Sorry") {
			t.Errorf("apology %+v, %v: want it ephemeral", m, err)
		}
		if _, err := srv.WaitRequest(waitCtx(t), "DELETE", "/webhooks/{app}/"+ic.Token+"/messages/@original"); err != nil {
			t.Errorf("the public thinking… was left: %v", err)
		}
		for _, e := range edits(ic) {
			if strings.Contains(string(e.Body), "Sorry") {
				t.Errorf("the public message was replaced with the apology: %s", e.Body)
			}
		}
	})

	t.Run("a 429 does not hold up shutdown", func(t *testing.T) {
		ic := askDeferred(t, discordtest.Failure{Status: http.StatusTooManyRequests, RetryAfter: time.Minute})
		if _, err := srv.WaitRequest(waitCtx(t), "PATCH", "/webhooks/{app}/"+ic.Token+"/messages/@original"); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		stop()
		if took := time.Since(start); took > 15*time.Second {
			t.Errorf("shutdown took %v: the rate-limited edit ignored the bot's context", took)
		}
	})
}
