package bot

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"sitrep/bot/discordtest"
	"sitrep/search"
	"sitrep/seeds"
)

// unsureLibrary is the real library with every verdict "no": its answers
// keep their ranked quotes as the closest passages (issue 16's contract:
// quotes are returned whatever the verdict).
type unsureLibrary struct{ Library }

func (u unsureLibrary) Ask(ctx context.Context, q search.Query) (search.Answer, error) {
	ans, err := u.Library.Ask(ctx, q)
	ans.Answered = false
	return ans, err
}

// maxCardText is issue 14's bound on a first answer card's text, all
// parts counted.
const maxCardText = 1500

// TestAnswerCardEndToEnd asks the seeds through the fake Discord the way
// a team member would, and holds the card to issue 14: the best quote in
// the first embed, at most 3 embeds and 1,500 characters, nothing that
// says nothing, and paging that never takes the card from the asker.
func TestAnswerCardEndToEnd(t *testing.T) {
	lib := openSeeded(t)
	srcs, err := seeds.Sources()
	if err != nil {
		t.Fatal(err)
	}
	h := startBot(t, lib, Options{GuildID: discordtest.DefaultGuildID, DeferAfter: 2500 * time.Millisecond})

	// noInternals fails when a message the bot sent shows a placeholder or
	// a seed's internal id.
	noInternals := func(t *testing.T, body []byte) {
		t.Helper()
		if strings.Contains(string(body), "not stated") {
			t.Errorf(`the message says "not stated": %s`, body)
		}
		for _, s := range srcs {
			if strings.Contains(string(body), s.ID) {
				t.Errorf("the message shows the internal source id %s", s.ID)
			}
		}
	}
	// askCard sends payload for ic and returns the callback and its body
	// as sent (re-encoded).
	askCard := func(t *testing.T, ic discordtest.Interaction, payload json.RawMessage) (callback, []byte) {
		t.Helper()
		cb, _ := h.dispatch(t, ic, payload)
		body, err := json.Marshal(cb)
		if err != nil {
			t.Fatal(err)
		}
		return cb, body
	}

	questions := []struct{ question, want string }{
		{"how many cameras were hacked?", "hacked more than 5,000 surveillance cameras in Tehran"},
		{"who did the head of the Tehran City Council blame?", "blamed the Mossad and anti-government groups"},
		{"how many systems of the Agriculture Ministry were hacked?", "some 50 systems of the Agriculture Ministry were targeted"},
		{"when were the cameras of the ministry of intelligence disabled?", "On June 2, during a large-scale operation"},
	}
	var first sentMessage // the card for the first question
	var firstAsker discordtest.Interaction
	for k, q := range questions {
		t.Run(q.question, func(t *testing.T) {
			ic := h.srv.NewInteraction()
			cb, body := askCard(t, ic, ic.SlashCommand("ask", ask(q.question)...))
			m := cb.Data
			if cb.Type != int(discordgo.InteractionResponseChannelMessageWithSource) || len(m.Embeds) == 0 {
				t.Fatalf("callback %+v, want a card", cb)
			}
			if len(m.Embeds) > 3 {
				t.Errorf("%d embeds, want at most 3", len(m.Embeds))
			}
			n := runes(cardText(m.Content, m.Embeds))
			t.Logf("%d embeds, %d characters of text", len(m.Embeds), n)
			if n > maxCardText {
				t.Errorf("the card has %d characters of text, want at most %d:\n%s", n, maxCardText, cardText(m.Content, m.Embeds))
			}
			// The quote as users read it: bold and escapes taken away.
			if d := m.Embeds[0].Description; !strings.HasPrefix(d, "> ") || !strings.Contains(unescape(d), q.want) {
				t.Errorf("first embed %q, want the quote %q", d, q.want)
			}
			noInternals(t, body)
			m.checkLimits(t)
			if k == 0 {
				first, firstAsker = m, ic
			}
		})
	}

	t.Run("another reader's More is answered privately", func(t *testing.T) {
		if first.Embeds == nil {
			t.Skip("no first card")
		}
		next, disabled := first.button(t, "More")
		if disabled {
			t.Fatal("More is disabled on the first card")
		}
		ic := h.srv.NewInteraction()
		ic.UserID = "1000000000000000777"
		cb, body := askCard(t, ic, ic.Button(next, "1100000000000077777"))
		if cb.Type != int(discordgo.InteractionResponseChannelMessageWithSource) || cb.Data.Flags&int(discordgo.MessageFlagsEphemeral) == 0 {
			t.Fatalf("callback type %d flags %d, want a new private message (4, ephemeral)", cb.Type, cb.Data.Flags)
		}
		if len(cb.Data.Embeds) != 2 || !strings.Contains(cb.Data.Embeds[1].Title, "6–9 of") || cb.Data.Embeds[0].Description != first.Embeds[0].Description {
			t.Errorf("private page %+v, want the best quote and quotes 6–9", cb.Data.Embeds)
		}
		noInternals(t, body)
		for _, r := range h.srv.Requests() {
			if r.Method == "PATCH" && strings.Contains(r.Path, firstAsker.Token) {
				t.Errorf("the asker's card was edited: %s", r.Path)
			}
		}

		// On their private copy, More pages in place.
		more, _ := cb.Data.button(t, "More")
		ic = h.srv.NewInteraction()
		ic.UserID = "1000000000000000777"
		payload := withMessageFlags(t, ic.Button(more, "1100000000000077778"), discordgo.MessageFlagsEphemeral)
		if cb, _ := askCard(t, ic, payload); cb.Type != int(discordgo.InteractionResponseUpdateMessage) || !strings.Contains(cb.Data.Embeds[1].Title, "10–") {
			t.Errorf("paging a private copy: callback type %d, %+v; want the copy updated to quotes 10 on", cb.Type, cb.Data.Embeds)
		}
	})

	t.Run("the asker's More pages the card in place", func(t *testing.T) {
		if first.Embeds == nil {
			t.Skip("no first card")
		}
		next, _ := first.button(t, "More")
		ic := h.srv.NewInteraction() // the default user asked the first question
		cb, _ := askCard(t, ic, ic.Button(next, "1100000000000077779"))
		if cb.Type != int(discordgo.InteractionResponseUpdateMessage) || cb.Data.Flags&int(discordgo.MessageFlagsEphemeral) != 0 {
			t.Errorf("callback type %d flags %d, want the card updated (7)", cb.Type, cb.Data.Flags)
		}
	})
}

// TestNoAnswerCardEndToEnd checks the "no" card through the fake Discord:
// short, and the closest passages privately to whoever presses the
// button, labelled as such.
func TestNoAnswerCardEndToEnd(t *testing.T) {
	lib := openSeeded(t)
	h := startBot(t, unsureLibrary{lib}, Options{GuildID: discordtest.DefaultGuildID, DeferAfter: 2500 * time.Millisecond})

	ic := h.srv.NewInteraction()
	cb, _ := h.dispatch(t, ic, ic.SlashCommand("ask", ask("how many cameras were hacked?")...))
	m := cb.Data
	if len(m.Embeds) != 1 || m.Embeds[0].Title != noAnswerTitle || !strings.Contains(m.Embeds[0].Description, "moderator") {
		t.Fatalf("no card %+v", m)
	}
	if n := runes(cardText(m.Content, m.Embeds)); n > 300 {
		t.Errorf("the no card has %d characters; a no stays short", n)
	}
	if strings.Contains(cardText(m.Content, m.Embeds), "5,000") {
		t.Error("the no card shows a passage as if it answered")
	}
	m.checkLimits(t)
	button, _ := m.button(t, closestLabel)

	for _, who := range []string{discordtest.DefaultUserID, "1000000000000000777"} {
		t.Run("pressed by "+who, func(t *testing.T) {
			ic := h.srv.NewInteraction()
			ic.UserID = who
			cb, _ := h.dispatch(t, ic, ic.Button(button, "1100000000000066666"))
			if cb.Type != int(discordgo.InteractionResponseChannelMessageWithSource) || cb.Data.Flags&int(discordgo.MessageFlagsEphemeral) == 0 {
				t.Fatalf("callback type %d flags %d, want a private message", cb.Type, cb.Data.Flags)
			}
			if len(cb.Data.Embeds) != 1 || cb.Data.Embeds[0].Title != closestTitle || !strings.Contains(cb.Data.Embeds[0].Description, "5,000") {
				t.Errorf("closest passages %+v", cb.Data.Embeds)
			}
			cb.Data.checkLimits(t)
		})
	}
	qs, err := lib.Questions(discordtest.DefaultGuildID, epoch)
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) != 1 {
		t.Errorf("%d questions logged; showing the closest passages must not log the question again", len(qs))
	}
}

// withMessageFlags sets the flags of the message a component payload
// sits on (the fake Discord sends 0).
func withMessageFlags(tb testing.TB, payload json.RawMessage, flags discordgo.MessageFlags) json.RawMessage {
	tb.Helper()
	var p map[string]any
	if err := json.Unmarshal(payload, &p); err != nil {
		tb.Fatal(err)
	}
	p["message"].(map[string]any)["flags"] = int(flags)
	out, err := json.Marshal(p)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}
