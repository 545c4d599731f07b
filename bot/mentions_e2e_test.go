package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"sitrep/bot/discordtest"
	"sitrep/search"
)

// TestFirstResponsePingsNobody: the reply to /ask quotes a source whose
// text holds "@everyone" and a user mention; the message that carries it
// to Discord (the callback, or the edit after a deferral) tells Discord to
// parse no mention, so nobody is pinged by what a source says.
func TestFirstResponsePingsNobody(t *testing.T) {
	lib := openSeeded(t)
	_, err := lib.Import(context.Background(), []search.Source{{
		ID: "ping", Scope: discordtest.DefaultGuildID, Title: "Terminal notice", Outlet: "Harbour Gazette",
		Text: "@everyone at the Kestrel Bay terminal was told by <@2000000000000000009> that the cranes stopped for six hours after a cyber attack.\n" +
			"The terminal operator restored its scheduling system from backups by the evening.",
	}}, search.ImportOptions{Actor: "test"})
	if err != nil {
		t.Fatal(err)
	}
	h := startBot(t, lib, Options{GuildID: discordtest.DefaultGuildID, DeferAfter: 2500 * time.Millisecond})

	ic := h.srv.NewInteraction()
	cb, _ := h.dispatch(t, ic, ic.SlashCommand("ask", ask("why did the cranes at Kestrel Bay stop?")...))
	r := requestsTo(h.srv, "POST", "/interactions/"+ic.ID+"/"+ic.Token+"/callback")[0]
	what := "the answer to /ask"
	if cb.Type == int(discordgo.InteractionResponseDeferredChannelMessageWithSource) {
		// Slow under load: the answer comes as the edit of the deferral.
		h.edit(t, ic)
		r = requestsTo(h.srv, "PATCH", "/webhooks/"+discordtest.AppID+"/"+ic.Token+"/messages/@original")[0]
		what = "the edit that fills in the deferred answer to /ask"
	}
	if !strings.Contains(string(r.Body), "Kestrel Bay terminal") {
		t.Logf("the reply does not quote the notice (%s); its allowed_mentions are checked all the same", r.Body)
	}
	if got, ok := pingsNobody(t, r); !ok {
		t.Errorf(`%s carries allowed_mentions %s, want {"parse":[]}: Discord would parse the quote's @everyone and ping the whole server, and ping the member it names`, what, got)
	}
}
