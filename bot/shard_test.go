package bot

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"sitrep/bot/discordtest"
	"sitrep/config"
	"sitrep/ops"
	"sitrep/ops/opstest"
	"sitrep/schedule/schedtest"
	"sitrep/search"
	"sitrep/seeds"
)

// TestShardsOwnTheirServers runs two shard Bots (0/2 and 1/2) in one
// process on one shared Library, against a fake Discord that routes each
// server's events to its shard. Each shard answers only its servers' /ask
// (and ignores one misrouted to it), only shard 0 registers the commands,
// and every server's digest is posted exactly once, by its owner.
func TestShardsOwnTheirServers(t *testing.T) {
	start := time.Date(2026, 6, 10, 7, 30, 0, 0, time.UTC)
	clocks := []*schedtest.Clock{schedtest.NewClock(start), schedtest.NewClock(start)}
	srcs, err := seeds.Sources()
	if err != nil {
		t.Fatal(err)
	}
	lib, err := search.Open(context.Background(), t.TempDir(), search.Options{Seeds: srcs, Now: clocks[0].Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lib.Close() })

	// Four servers: server k belongs to shard k % 2. Each has a digest
	// due at 09:00 UTC.
	type server struct {
		guild discordtest.Guild
		shard int
	}
	var servers []server
	var srvOpts []discordtest.Option
	for k := range 4 {
		g := discordtest.NumberedGuild(k)
		servers = append(servers, server{g, k % 2})
		srvOpts = append(srvOpts, discordtest.WithGuild(g))
		if err := lib.SetDigestSettings(search.DigestSettings{Scope: g.ID, ChannelID: g.Channels[0], Time: storedTime(t, "09:00"), Timezone: storedZone(t, "UTC"), Enabled: true}); err != nil {
			t.Fatal(err)
		}
	}
	srv := discordtest.New(t, srvOpts...)
	if err := SetAPIBase(srv.APIBase()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { SetAPIBase(config.DefaultAPIBase) }) // the default base is valid

	type shard struct {
		bot     *Bot
		metrics string // base URL of its /metrics
		logs    *syncBuffer
	}
	shards := make([]shard, 2)
	for id := range shards {
		sess := srv.Session(t)
		sess.ShardID, sess.ShardCount = id, 2
		m := ops.NewMetrics()
		ts := httptest.NewServer(ops.Mux(m, ops.NewHealth()))
		t.Cleanup(ts.Close)
		sh := shard{metrics: ts.URL + "/metrics", logs: &syncBuffer{}}
		sh.bot = New(sess, depsFor(lib), slog.New(slog.NewTextHandler(sh.logs, nil)), Options{
			Clock: clocks[id], Metrics: m, Shard: config.Shard{ID: id, Count: 2},
		})
		shards[id] = sh
		stop := runWired(sh.bot, nil)
		t.Cleanup(func() {
			if err := stop(); err != nil {
				t.Errorf("shard %d: Run: %v", id, err)
			}
		})
	}
	if err := srv.WaitSessions(waitCtx(t), 2); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.WaitRequest(waitCtx(t), "PUT", "/applications/{app}/commands"); err != nil {
		t.Fatal(err)
	}
	for _, id := range srv.Identifies() {
		if id.Shard == nil || id.Shard[1] != 2 {
			t.Errorf("IDENTIFY as shard %v, want one of 2", id.Shard)
		}
	}

	t.Run("each shard answers only its servers", func(t *testing.T) {
		for _, s := range servers {
			ic := srv.NewInteraction()
			ic.GuildID, ic.ChannelID = s.guild.ID, s.guild.Channels[0]
			h := &harness{srv: srv, logs: shards[s.shard].logs}
			if cb, _ := h.dispatch(t, ic, ic.SlashCommand("ask", ask("how many cameras were hacked?")...)); len(cb.Data.Embeds) == 0 {
				t.Errorf("%s: no quotes in the answer: %+v", s.guild.Name, cb.Data)
			}
		}
		// One misrouted on purpose: server 1 belongs to shard 1.
		ic := srv.NewInteraction()
		ic.GuildID, ic.ChannelID = servers[1].guild.ID, servers[1].guild.Channels[0]
		srv.DispatchToShard(t, 0, "INTERACTION_CREATE", ic.SlashCommand("ask", ask("who claimed it?")...))
		eventually(t, "shard 0 refuses the misrouted interaction", func() (bool, string) {
			return strings.Contains(shards[0].logs.String(), "does not own"), shards[0].logs.String()
		})
		for id, sh := range shards {
			eventually(t, fmt.Sprintf("shard %d counted its own servers' asks", id), func() (bool, string) {
				got := opstest.Scrape(t, sh.metrics)[`sitrep_interactions_total{command="ask",kind="command",outcome="ok"}`]
				return got == 2, fmt.Sprintf("shard %d answered %v asks, want 2", id, got)
			})
		}
		for _, r := range srv.Requests() {
			if strings.Contains(r.Path, ic.ID) {
				t.Errorf("the misrouted interaction was answered: %s %s", r.Method, r.Path)
			}
		}
	})

	t.Run("only shard 0 registers the commands", func(t *testing.T) {
		n := 0
		for _, r := range srv.Requests() {
			if r.Method == "PUT" && strings.HasSuffix(r.Path, "/commands") {
				n++
			}
		}
		if n != 1 || !strings.Contains(shards[1].logs.String(), "commands are registered by shard 0") {
			t.Errorf("%d registrations, want 1 (by shard 0)", n)
		}
	})

	t.Run("every server's digest is posted once, by its owner", func(t *testing.T) {
		h := &harness{srv: srv}
		for _, at := range []time.Time{start.Add(95 * time.Minute), start.Add(5 * time.Hour)} {
			for _, c := range clocks {
				c.AdvanceTo(t, at)
			}
			for _, s := range servers {
				if n := len(h.posts(t, s.guild.Channels[0])); n != 1 {
					t.Errorf("at %s: %d digests in %s, want 1", at.Format("15:04"), n, s.guild.Name)
				}
			}
		}
		for id, sh := range shards {
			if got := opstest.Scrape(t, sh.metrics)["sitrep_digests_posted_total"]; got != 2 {
				t.Errorf("shard %d posted %v digests, want its 2 servers'", id, got)
			}
		}
	})
}
