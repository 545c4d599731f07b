package bot

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"sitrep/bot/discordtest"
	"sitrep/feeds"
	"sitrep/ingest"
	"sitrep/schedule/schedtest"
	"sitrep/search"
)

// herald is a local news site with an RSS feed on 127.0.0.1: items is how
// many dispatches the feed lists, and while failing is set it answers 500.
type herald struct {
	*httptest.Server
	items   atomic.Int64
	failing atomic.Bool
}

func newHerald(tb testing.TB) *herald {
	tb.Helper()
	h := &herald{}
	mux := http.NewServeMux()
	mux.HandleFunc("/rss", func(w http.ResponseWriter, r *http.Request) {
		if h.failing.Load() {
			http.Error(w, "broken", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour Herald</title><link>http://%s/</link>`, r.Host)
		for i := h.items.Load(); i >= 1; i-- {
			fmt.Fprintf(w, `<item><title>Berth %d closed after crane collapse</title><link>http://%s/a/%d</link><guid>b%d</guid></item>`, i, r.Host, i, i)
		}
		fmt.Fprint(w, `</channel></rss>`)
	})
	mux.HandleFunc("/a/{n}", func(w http.ResponseWriter, r *http.Request) {
		n := r.PathValue("n")
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprintf(w, `<html><head><title>Berth %s closed</title></head><body><article>
<p>The harbour authority closed berth %s of Kestrel Bay on Sunday after a crane collapsed onto the quay.</p>
<p>Two dock workers were taken to hospital with minor injuries, the authority said of berth %s.</p>
<p>Ships due at berth %s will be sent to the northern terminal until inspectors finish their work.</p>
</article></body></html>`, n, n, n, n)
	})
	h.Server = httptest.NewServer(mux)
	tb.Cleanup(h.Close)
	return h
}

// /feed through the fake Discord, every request checked against the spec:
// moderators only; add finds and previews the feed and its first check
// brings the items (with follow-ups); list shows the state; a failing
// feed is announced once in the digest channel, then its recovery;
// autocomplete and remove; a private address is refused unconnected.
func TestFeedEndToEnd(t *testing.T) {
	guild := discordtest.DefaultGuildID
	site := newHerald(t)
	site.items.Store(2)
	private := newHerald(t) // never allowed
	var privateConns atomic.Int64
	private.Config.ConnState = func(net.Conn, http.ConnState) { privateConns.Add(1) }
	h, lib, fclock, start := startFeedBot(t, site, feeds.Options{Interval: 15 * time.Minute, Jitter: func() float64 { return 0.5 }})

	t.Run("registered for moderators, in servers only", func(t *testing.T) {
		var c *discordgo.ApplicationCommand
		for _, cmd := range h.srv.Commands(guild) {
			if cmd.Name == "feed" {
				c = cmd
			}
		}
		if c == nil || c.DefaultMemberPermissions == nil || *c.DefaultMemberPermissions != discordgo.PermissionManageMessages ||
			!h.srv.GuildOnly(guild, "feed") || len(c.Options) != 3 {
			t.Fatalf("/feed registered as %+v", c)
		}
		ic := h.srv.NewInteraction()
		cb, _ := h.dispatch(t, ic, ic.SlashCommand("feed", sub("list")))
		refusedPrivately(t, cb, "Only moderators")
	})

	// A question the feed's item answers with confidence (a follow-up
	// waits for an answer, not for the closest passages).
	question := "when did the harbour authority close berth 2 of Kestrel Bay?"
	ic := h.srv.NewInteraction()
	if cb, _ := h.dispatch(t, ic, ic.SlashCommand("ask", ask(question)...)); len(cb.Data.Embeds) != 1 ||
		(cb.Data.Embeds[0].Title != noAnswerTitle && cb.Data.Embeds[0].Title != closestTitle) {
		t.Fatalf("the question was answered before the feed: %+v", cb.Data)
	}
	askChannel := ic.ChannelID

	var feedID string
	t.Run("add previews the feed; its first check brings the items and the follow-up", func(t *testing.T) {
		ic := moderator(h)
		m := h.deferredPrivate(t, ic, ic.SlashCommand("feed", sub("add", discordtest.StringOption("url", site.URL+"/rss"))))
		if !strings.Contains(m.Content, "Following feed `") || !strings.Contains(m.Content, "every 15 minutes") || len(m.Embeds) != 1 {
			t.Fatalf("reply %+v", m)
		}
		e := m.Embeds[0]
		if e.Title != "Harbour Herald" || !strings.Contains(e.Description, "Berth 2 closed after crane collapse") {
			t.Errorf("preview %+v", e)
		}
		list, _ := lib.Feeds(guild)
		if len(list) != 1 {
			t.Fatalf("feeds %+v", list)
		}
		feedID = list[0].ID
		fclock.Woken()
		fclock.AdvanceTo(t, start) // the woken schedule checks the feed, then sleeps
		var fromFeed int
		for _, s := range guildSources(t, lib, guild) {
			if s.AddedBy == search.FeedActorPrefix+feedID {
				fromFeed++
			}
		}
		if fromFeed != 2 {
			t.Fatalf("%d sources from the feed, want 2", fromFeed)
		}
		if _, err := h.srv.WaitRequest(waitCtx(t), "POST", "/channels/"+askChannel+"/messages"); err != nil {
			t.Fatalf("no follow-up for the waiting question: %v\nlogs:\n%s", err, h.logs)
		}
	})

	t.Run("list shows the state", func(t *testing.T) {
		ic := moderator(h)
		cb, _ := h.dispatch(t, ic, ic.SlashCommand("feed", sub("list")))
		if cb.Type != 4 || cb.Data.Flags&int(discordgo.MessageFlagsEphemeral) == 0 || len(cb.Data.Embeds) != 1 || len(cb.Data.Embeds[0].Fields) != 1 {
			t.Fatalf("list %+v", cb)
		}
		f := cb.Data.Embeds[0].Fields[0]
		if !strings.Contains(f.Name, feedID) || !strings.Contains(f.Value, "2 sources so far") || !strings.Contains(f.Value, "checked <t:") {
			t.Errorf("list field %+v", f)
		}
	})

	t.Run("a failing feed is announced once, then its recovery once", func(t *testing.T) {
		site.failing.Store(true)
		for _, d := range []time.Duration{15 * time.Minute, 30 * time.Minute, 60 * time.Minute} {
			fclock.Advance(t, d)
		}
		notices := feedNotices(t, h)
		if len(notices) != 1 || !strings.Contains(notices[0].Content, "has failed 3 checks in a row") ||
			!strings.Contains(notices[0].Content, "How to fix it") || !strings.Contains(notices[0].Content, feedID) {
			t.Fatalf("notices after 3 failures: %+v", notices)
		}
		ic := moderator(h)
		cb, _ := h.dispatch(t, ic, ic.SlashCommand("feed", sub("list")))
		if len(cb.Data.Embeds) != 1 || !strings.Contains(cb.Data.Embeds[0].Fields[0].Value, "failing since") {
			t.Errorf("list while failing %+v", cb.Data.Embeds)
		}
		fclock.Advance(t, 3*time.Hour)
		if n := len(feedNotices(t, h)); n != 1 {
			t.Errorf("%d notices after more failures, want still 1", n)
		}
		site.failing.Store(false)
		site.items.Store(3)
		fclock.Advance(t, 7*time.Hour)
		notices = feedNotices(t, h)
		if len(notices) != 2 || !strings.Contains(notices[1].Content, "works again") {
			t.Fatalf("notices after the recovery: %+v", notices)
		}
		if n := len(guildSources(t, lib, guild)); n != 3 {
			t.Errorf("%d sources after the recovery, want 3", n)
		}
	})

	t.Run("a private address is refused without connecting", func(t *testing.T) {
		ic := moderator(h)
		m := h.deferredPrivate(t, ic, ic.SlashCommand("feed", sub("add", discordtest.StringOption("url", private.URL+"/rss"))))
		if !strings.Contains(m.Content, "private address") || !strings.Contains(m.Content, "Nothing was followed") {
			t.Errorf("reply %q", m.Content)
		}
		if n := privateConns.Load(); n != 0 {
			t.Errorf("%d connection(s) reached the private server", n)
		}
	})

	t.Run("autocomplete and remove", func(t *testing.T) {
		ic := moderator(h)
		cb, _ := h.dispatch(t, ic, ic.Autocomplete("feed", sub("remove", discordtest.Focused(discordtest.StringOption("id", "herald")))))
		if len(cb.Data.Choices) != 1 || cb.Data.Choices[0].Value != feedID {
			t.Fatalf("choices %+v", cb.Data.Choices)
		}
		ic = moderator(h)
		cb, _ = h.dispatch(t, ic, ic.SlashCommand("feed", sub("remove", discordtest.StringOption("id", feedID))))
		if !strings.Contains(cb.Data.Content, "Stopped following “Harbour Herald”") || !strings.Contains(cb.Data.Content, "3 sources it brought stay") {
			t.Errorf("remove %q", cb.Data.Content)
		}
		ic = moderator(h)
		cb, _ = h.dispatch(t, ic, ic.SlashCommand("feed", sub("remove", discordtest.StringOption("id", feedID))))
		refusedPrivately(t, cb, "This server follows no feed")
		ic = moderator(h)
		cb, _ = h.dispatch(t, ic, ic.SlashCommand("feed", sub("list")))
		refusedPrivately(t, cb, "follows no feed")
		if n := len(guildSources(t, lib, guild)); n != 3 {
			t.Errorf("%d sources after removing the feed, want the 3 it brought", n)
		}
	})
}

// feedNotices are the feed notices posted in the digest channel (the
// digest scheduler runs on real time and may post there too).
func feedNotices(tb testing.TB, h *harness) []discordgo.MessageSend {
	tb.Helper()
	var out []discordgo.MessageSend
	for _, m := range h.posts(tb, digestChannelID) {
		if strings.Contains(m.Content, "The feed “") {
			out = append(out, m)
		}
	}
	return out
}

// startFeedBot runs a bot whose feeds may reach site only, on a new
// library, with a feed clock at 2026-06-10 07:30 UTC on which the schedule
// already sleeps (it found no feed).
func startFeedBot(tb testing.TB, site *herald, opts feeds.Options) (*harness, *search.Library, *schedtest.Clock, time.Time) {
	tb.Helper()
	allowed := netip.MustParseAddrPort(site.Listener.Addr().String())
	fetcher := (&ingest.Fetcher{}).AllowingListeners(func(ap netip.AddrPort) bool { return ap == allowed }, nil)
	lib, err := search.Open(context.Background(), tb.TempDir(), search.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { lib.Close() })
	start := time.Date(2026, 6, 10, 7, 30, 0, 0, time.UTC)
	fclock := schedtest.NewClock(start)
	opts.Now = fclock.Now
	deps := depsFor(lib)
	deps.Feeds = feeds.New(lib, fetcher, opts)
	h := startBotClocked(tb, deps, Options{GuildID: discordtest.DefaultGuildID, DigestChannel: digestChannelID}, fclock)
	fclock.AdvanceTo(tb, start)
	return h, lib, fclock, start
}
