package bot

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"sitrep/bot/discordtest"
	"sitrep/config"
	"sitrep/ops"
	"sitrep/ops/opstest"
	"sitrep/schedule/schedtest"
	"sitrep/search"
)

// TestMetricsAndHealthThroughDiscord drives the bot through the fake
// Discord with its REST client wrapped by ops.Metrics.Transport, then
// scrapes /metrics for exactly the counts the script caused: interactions
// by command and outcome, their latency, deferrals, a 403 and a 429 from
// Discord, and one digest posted. /healthz follows the gateway and the
// store.
func TestMetricsAndHealthThroughDiscord(t *testing.T) {
	const (
		deniedChannel = "1000000000000000301" // the bot may not post here
		slowChannel   = "1000000000000000302" // rate limited once
	)
	lib := openSeeded(t)
	m := ops.NewMetrics()
	m.WatchIndexLag(lib.IndexLag)
	srv := discordtest.New(t)
	if err := SetAPIBase(srv.APIBase()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { SetAPIBase(config.DefaultAPIBase) }) // the default base is valid
	var limited atomic.Bool
	srv.Handle("POST", "/channels/{channel}/messages", func(r discordtest.Request, p map[string]string) (int, any) {
		switch {
		case p["channel"] == deniedChannel:
			return http.StatusForbidden, map[string]any{"code": 50013, "message": "Missing Permissions"}
		case !limited.Swap(true):
			return http.StatusTooManyRequests, map[string]any{"message": "You are being rate limited.", "retry_after": 0.05, "global": false}
		}
		return http.StatusOK, map[string]any{"id": "1100000000000000777", "channel_id": p["channel"], "type": 0, "content": "",
			"author": map[string]any{"id": discordtest.AppID, "username": discordtest.BotUsername}}
	})
	// /digest set asks Discord which server a channel belongs to: these
	// are the test server's.
	srv.Handle("GET", "/channels/{channel}", func(r discordtest.Request, p map[string]string) (int, any) {
		return http.StatusOK, map[string]any{"id": p["channel"], "type": 0, "guild_id": discordtest.DefaultGuildID, "name": "channel-" + p["channel"],
			"position": 0, "permission_overwrites": []any{}, "nsfw": false, "last_message_id": nil, "flags": 0}
	})
	sess := srv.Session(t)
	sess.Client.Transport = m.Transport(sess.Client.Transport)
	logs := &syncBuffer{}
	// The scheduled digest is due at 09:00 and the clock stays at 07:30:
	// only /digest now posts.
	clock := schedtest.NewClock(time.Date(2026, 6, 10, 7, 30, 0, 0, time.UTC))
	b := New(sess, depsFor(lib), slog.New(slog.NewTextHandler(logs, nil)), Options{
		GuildID: discordtest.DefaultGuildID, Metrics: m, Clock: clock, DigestTime: config.Clock{Hour: 9},
	})
	h := &harness{srv: srv, bot: b, logs: logs}

	var lib2 atomic.Pointer[search.Library] // the store the health check sees
	lib2.Store(lib)
	health := ops.NewHealth(
		ops.Check{Name: "gateway", Run: func(context.Context) error { return b.CheckGateway() }},
		ops.Check{Name: "store", Run: func(context.Context) error { return lib2.Load().CheckStore() }},
		ops.Check{Name: "index", Run: func(context.Context) error { return lib2.Load().CheckIndex() }},
	)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	opsCtx, stopOps := context.WithCancel(context.Background())
	opsDone := make(chan error, 1)
	go func() { opsDone <- ops.Serve(opsCtx, ln, m, health, nil) }()
	defer func() {
		stopOps()
		if err := <-opsDone; err != nil {
			t.Error(err)
		}
	}()

	if code, body := healthz(t, base); code != http.StatusServiceUnavailable || !strings.Contains(body, ErrGatewayDown.Error()) {
		t.Errorf("healthz before the bot connects: %d %s", code, body)
	}
	ctx, stop := context.WithCancel(context.Background())
	runDone := make(chan error, 1)
	go func() { runDone <- b.Run(ctx, schedulersFor(b, nil)) }()
	if _, err := srv.WaitRequest(waitCtx(t), "PUT", "/applications/{app}/guilds/"+discordtest.DefaultGuildID+"/commands"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "healthz 200 once connected", func() (bool, string) {
		code, body := healthz(t, base)
		return code == http.StatusOK, fmt.Sprint(code, body)
	})

	// The script.
	for _, q := range []string{"how many cameras were hacked?", "who claimed the attack?"} {
		ic := srv.NewInteraction()
		h.dispatch(t, ic, ic.SlashCommand("ask", ask(q)...))
	}
	ic := srv.NewInteraction()
	h.dispatch(t, ic, ic.Autocomplete("ask", discordtest.Focused(discordtest.StringOption("source", "tehran"))))
	ic = srv.NewInteraction()
	h.dispatch(t, ic, ic.SlashCommand("frobnicate")) // a stale command
	ic = moderator(h)
	h.dispatch(t, ic, ic.SlashCommand("digest", sub("set", channelOption("channel", deniedChannel))))
	ic = moderator(h)
	if got := h.deferredPrivate(t, ic, ic.SlashCommand("digest", sub("now"))); !strings.Contains(got.Content, "missing permission") {
		t.Errorf("digest now in a denied channel: %q", got.Content)
	}
	ic = moderator(h)
	h.dispatch(t, ic, ic.SlashCommand("digest", sub("set", channelOption("channel", slowChannel))))
	ic = moderator(h)
	if got := h.deferredPrivate(t, ic, ic.SlashCommand("digest", sub("now"))); !strings.Contains(got.Content, "Posted the digest") {
		t.Errorf("digest now after a rate limit: %q\n%s", got.Content, logs)
	}

	want := map[string]float64{
		`sitrep_interactions_total{command="ask",kind="command",outcome="ok"}`:       2,
		`sitrep_interactions_total{command="ask",kind="autocomplete",outcome="ok"}`:  1,
		`sitrep_interactions_total{command="unknown",kind="command",outcome="ok"}`:   1,
		`sitrep_interactions_total{command="digest",kind="command",outcome="ok"}`:    3,
		`sitrep_interactions_total{command="digest",kind="command",outcome="error"}`: 1,
		`sitrep_interaction_duration_seconds_count{command="ask",kind="command"}`:    2,
		`sitrep_interaction_duration_seconds_count{command="digest",kind="command"}`: 4,
		`sitrep_interaction_deferrals_total`:                                         2,
		`sitrep_discord_rest_errors_total{status="403"}`:                             1,
		`sitrep_discord_rate_limited_total`:                                          1,
		`sitrep_digests_posted_total`:                                                1,
		`sitrep_index_lag_sources`:                                                   0,
	}
	// Handlers record their outcome after their last request: wait for it.
	eventually(t, "metrics match the script", func() (bool, string) {
		got := opstest.Scrape(t, base+"/metrics")
		var diff []string
		for series, v := range want {
			if got[series] != v {
				diff = append(diff, fmt.Sprintf("%s = %v, want %v", series, got[series], v))
			}
		}
		return len(diff) == 0, strings.Join(diff, "\n")
	})

	srv.Disconnect(t, true)
	if err := srv.WaitResumed(waitCtx(t), 1); err != nil {
		t.Fatal(err)
	}
	eventually(t, "healthz 200 after resuming", func() (bool, string) {
		code, body := healthz(t, base)
		return code == http.StatusOK, fmt.Sprint(code, body)
	})
	stop()
	if err := <-runDone; err != nil {
		t.Fatal(err)
	}
	if code, body := healthz(t, base); code != http.StatusServiceUnavailable || !strings.Contains(body, ErrGatewayDown.Error()) {
		t.Errorf("healthz after the bot stopped: %d %s", code, body)
	}
	lib.Close()
	if code, body := healthz(t, base); code != http.StatusServiceUnavailable || !strings.Contains(body, search.ErrClosed.Error()) {
		t.Errorf("healthz with the store closed: %d %s", code, body)
	}
	lib2.Store(openSeeded(t))
	if code, body := healthz(t, base); code != http.StatusServiceUnavailable || strings.Contains(body, search.ErrClosed.Error()) {
		t.Errorf("healthz with the store back and the gateway down: %d %s", code, body)
	}
}

// healthz GETs /healthz and returns its status and body.
func healthz(tb testing.TB, base string) (int, string) {
	tb.Helper()
	return opstest.Get(tb, base+"/healthz")
}

// eventually polls cond for up to 10 s; it fails the test with cond's
// last report when cond never holds.
func eventually(tb testing.TB, what string, cond func() (bool, string)) {
	tb.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ok, report := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("%s: still not after 10 s:\n%s", what, report)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
