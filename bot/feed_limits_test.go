package bot

import (
	"strings"
	"testing"

	"sitrep/bot/discordtest"
	"sitrep/feeds"
	"sitrep/search"
)

// /feed add refuses a link with user:password@ (nothing followed, the
// password in no message to Discord and no log line), refuses a feed past
// the server's limit saying what to do, and /feed list never shows the
// password of a feed followed before such links were refused.
func TestFeedCredentialsAndLimitEndToEnd(t *testing.T) {
	guild := discordtest.DefaultGuildID
	site := newHerald(t)
	site.items.Store(1)
	h, lib, _, _ := startFeedBot(t, site, feeds.Options{MaxFeeds: 2})

	const secret = "hunter2-secret"
	withSecret := strings.Replace(site.URL, "http://", "http://editor:"+secret+"@", 1)
	ic := moderator(h)
	m := h.deferredPrivate(t, ic, ic.SlashCommand("feed", sub("add", discordtest.StringOption("url", withSecret+"/rss"))))
	if !strings.Contains(m.Content, "user name or password") || !strings.Contains(m.Content, "Nothing was followed") {
		t.Errorf("reply %q, want a refusal saying the link carries a password", m.Content)
	}
	if list, _ := lib.Feeds(guild); len(list) != 0 {
		t.Fatalf("the feed with a password was followed: %+v", list)
	}

	// A feed stored with credentials by an earlier version.
	if _, err := lib.AddFeed(search.Feed{Scope: guild, URL: withSecret + "/old", Title: "Old intranet feed"}); err != nil {
		t.Fatal(err)
	}
	ic = moderator(h)
	cb, _ := h.dispatch(t, ic, ic.SlashCommand("feed", sub("list")))
	if len(cb.Data.Embeds) != 1 || !strings.Contains(cb.Data.Embeds[0].Fields[0].Value, site.URL+"/old") {
		t.Errorf("/feed list %+v, want the old feed's link without its password", cb.Data.Embeds)
	}

	ic = moderator(h)
	if m := h.deferredPrivate(t, ic, ic.SlashCommand("feed", sub("add", discordtest.StringOption("url", site.URL+"/rss")))); !strings.Contains(m.Content, "Following feed") {
		t.Fatalf("the second feed: %q", m.Content)
	}
	ic = moderator(h)
	m = h.deferredPrivate(t, ic, ic.SlashCommand("feed", sub("add", discordtest.StringOption("url", site.URL+"/"))))
	if !strings.Contains(m.Content, "already follows 2 feeds") || !strings.Contains(m.Content, "/feed remove") {
		t.Errorf("a third feed with a limit of 2: %q, want the limit and what to do", m.Content)
	}

	for _, r := range h.srv.Requests() {
		if strings.Contains(string(r.Body), secret) {
			t.Errorf("the password reached Discord: %s %s %s", r.Method, r.Path, r.Body)
		}
	}
	if strings.Contains(h.logs.String(), secret) {
		t.Errorf("the password reached the log:\n%s", h.logs.String())
	}
}

// The limit notice says which limit, what waits and what moderators can
// do, within Discord's limits.
func TestFeedLimitNoticeRendering(t *testing.T) {
	feed := search.Feed{ID: "f1234abcd", Scope: "1", URL: "https://editor:hunter2@news.example/rss", Title: "Harbour *Herald*"}
	for _, tt := range []struct {
		limit *feeds.LimitError
		want  []string
	}{
		{&feeds.LimitError{Kind: feeds.LimitSourcesPerDay, Max: 200}, []string{"200 sources today", "next day", "`f1234abcd`", "/feed remove"}},
		{&feeds.LimitError{Kind: feeds.LimitScopeSources, Max: 20000}, []string{"20,000 sources", "/source remove", "/feed remove"}},
	} {
		m := renderFeedNotice(feeds.Notice{Feed: feed, Limit: tt.limit})
		for _, w := range tt.want {
			if !strings.Contains(m.Content, w) {
				t.Errorf("notice %q lacks %q", m.Content, w)
			}
		}
		if strings.Contains(m.Content, "hunter2") || strings.Contains(m.Content, "*Herald*") {
			t.Errorf("notice %q shows a password or unescaped markdown", m.Content)
		}
		if errs := checkLimits(m.Content, m.Embeds, nil); len(errs) > 0 {
			t.Errorf("notice breaks limits: %v", errs)
		}
	}
}
