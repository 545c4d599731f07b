package bot

import (
	"context"
	"strings"
	"testing"

	"sitrep/bot/discordtest"
	"sitrep/search"
)

// TestFollowUpGoesWhereLastAsked: a question asked first in one channel
// and later in another is followed up once, in the channel where it was
// last asked (README: "in the channel where it was last asked"), naming
// both askers. The later channel has the lower id, so neither the first
// asking nor the channels' order can pass for the latest.
func TestFollowUpGoesWhereLastAsked(t *testing.T) {
	const (
		earlier = "1000000000000000009" // a channel of the default guild
		alice   = "2000000000000000001"
		bob     = "2000000000000000002"
	)
	lib := openSeeded(t)
	srv := newFakeDiscord(t, discordtest.WithGuild(discordtest.Guild{ID: discordtest.DefaultGuildID, Name: "Newsroom",
		Channels: []string{discordtest.DefaultChannelID, earlier}}))
	for _, a := range []struct{ user, channel string }{{alice, earlier}, {bob, discordtest.DefaultChannelID}} {
		ans, err := lib.Ask(context.Background(), search.Query{Question: lighthouseQuestion, Scope: discordtest.DefaultGuildID,
			Asker: &search.Asker{UserID: a.user, ChannelID: a.channel}})
		if err != nil || ans.Answered {
			t.Fatalf("Ask = answered %v, %v: want a waiting question", ans.Answered, err)
		}
	}
	h, _ := runBotOn(t, srv, lib, Options{GuildID: discordtest.DefaultGuildID})
	h.addByModal(t, "Lighthouse keeper retires", lighthouseText)
	waitFollowUps(t, lib)

	if old := h.posts(t, earlier); len(old) != 0 {
		t.Errorf("the follow-up went to <#%s>, where the question was first asked, not where it was asked last: the members talking about it now do not see the answer (%q)", earlier, old[0].Content)
	}
	latest := h.posts(t, discordtest.DefaultChannelID)
	if len(latest) != 1 {
		t.Fatalf("%d follow-ups in <#%s>, where the question was asked last, want 1\nlogs:\n%s", len(latest), discordtest.DefaultChannelID, h.logs)
	}
	if c := latest[0].Content; !strings.Contains(c, "<@"+alice+">") || !strings.Contains(c, "<@"+bob+">") {
		t.Errorf("follow-up %q: want both askers named, or the one who asked first is never told", c)
	}
}
