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

// tierLibrary is the real library with every answer in one tier: its
// answers keep their ranked quotes (issue 16's contract: quotes are
// returned whatever the verdict).
type tierLibrary struct {
	Reader
	tier search.Confidence
}

func (u tierLibrary) Ask(ctx context.Context, q search.Query) (search.Answer, error) {
	ans, err := u.Reader.Ask(ctx, q)
	ans.Confidence, ans.Answered = u.tier, u.tier == search.Answered
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
	cards := map[string]sentMessage{}
	var pagedAsker discordtest.Interaction
	for _, q := range questions {
		t.Run(q.question, func(t *testing.T) {
			ic := h.srv.NewInteraction()
			cb, body := askCard(t, ic, ic.SlashCommand("ask", ask(q.question)...))
			m := cb.Data
			if cb.Type != int(discordgo.InteractionResponseChannelMessageWithSource) || len(m.Embeds) == 0 {
				t.Fatalf("callback %+v, want a card", cb)
			}
			if len(m.Embeds) > 2 {
				t.Errorf("%d embeds, want at most 2", len(m.Embeds))
			}
			n := runes(cardText(m.Content, m.Embeds))
			t.Logf("%d embeds, %d characters of text, %q", len(m.Embeds), n, m.Embeds[0].Title)
			if n > maxCardText {
				t.Errorf("the card has %d characters of text, want at most %d:\n%s", n, maxCardText, cardText(m.Content, m.Embeds))
			}
			// The quote as users read it, as the answer or as the closest
			// passage: bold and escapes taken away.
			if d := m.Embeds[0].Description; !strings.HasPrefix(d, "> ") || !strings.Contains(unescape(d), q.want) {
				t.Errorf("first embed %q, want the quote %q", d, q.want)
			}
			if strings.Contains(cardText(m.Content, m.Embeds), " of ") && strings.Contains(m.Embeds[len(m.Embeds)-1].Title, "–") {
				t.Errorf("the card counts its passages: %q", m.Embeds[len(m.Embeds)-1].Title)
			}
			noInternals(t, body)
			m.checkLimits(t)
			cards[q.question] = m
			if q.question == questions[2].question {
				pagedAsker = ic
			}
		})
	}

	// Issue 25: the figure asked for is what stands out. Quote.Answer marks
	// it (filled by the core); the card bolds it and not "hacked" or
	// "cameras", the question's own words.
	t.Run("the figure asked for is bold", func(t *testing.T) {
		m, ok := cards[questions[0].question]
		if !ok {
			t.Skip("no card")
		}
		d := m.Embeds[0].Description
		if !boldHolds(d, "5,000") {
			t.Errorf("first embed %q: the 5,000 cameras asked for are not in bold", d)
		}
		if strings.Contains(d, "**hacked**") || strings.Contains(d, "**cameras**") {
			t.Errorf("first embed %q bolds the question's own words", d)
		}
	})

	// Paging, on an answered question with more quotes than a card shows.
	first := cards[questions[2].question]
	t.Run("the first card offers More, without Previous", func(t *testing.T) {
		if first.Embeds == nil {
			t.Skip("no card")
		}
		if _, disabled := first.button(t, "More"); disabled {
			t.Error("More is disabled on the first card")
		}
		for _, row := range first.Components {
			for _, c := range row.Components {
				if strings.Contains(c.Label, "Previous") {
					t.Errorf("the first card has %q", c.Label)
				}
			}
		}
	})

	t.Run("another reader's More is answered privately", func(t *testing.T) {
		if first.Embeds == nil {
			t.Skip("no first card")
		}
		next, _ := first.button(t, "More")
		ic := h.srv.NewInteraction()
		ic.UserID = "1000000000000000777"
		cb, body := askCard(t, ic, ic.Button(next, "1100000000000077777"))
		if cb.Type != int(discordgo.InteractionResponseChannelMessageWithSource) || cb.Data.Flags&int(discordgo.MessageFlagsEphemeral) == 0 {
			t.Fatalf("callback type %d flags %d, want a new private message (4, ephemeral)", cb.Type, cb.Data.Flags)
		}
		if len(cb.Data.Embeds) != 1 || cb.Data.Embeds[0].Title != moreQuotesName || strings.Contains(cb.Data.Embeds[0].Description, first.Embeds[0].Description[:60]) {
			t.Errorf("private page %+v, want the next quotes without the lead", cb.Data.Embeds)
		}
		noInternals(t, body)
		for _, r := range h.srv.Requests() {
			if r.Method == "PATCH" && strings.Contains(r.Path, pagedAsker.Token) {
				t.Errorf("the asker's card was edited: %s", r.Path)
			}
		}

		// On their private copy, Previous pages in place, back to the lead.
		prev, _ := cb.Data.button(t, "◀")
		ic = h.srv.NewInteraction()
		ic.UserID = "1000000000000000777"
		payload := withMessageFlags(t, ic.Button(prev, "1100000000000077778"), discordgo.MessageFlagsEphemeral)
		if cb, _ := askCard(t, ic, payload); cb.Type != int(discordgo.InteractionResponseUpdateMessage) || len(cb.Data.Embeds) == 0 || cb.Data.Embeds[0].Description != first.Embeds[0].Description {
			t.Errorf("paging a private copy: callback type %d, %+v; want the copy updated to the first card", cb.Type, cb.Data.Embeds)
		}
	})

	t.Run("the asker's More pages the card in place", func(t *testing.T) {
		if first.Embeds == nil {
			t.Skip("no first card")
		}
		next, _ := first.button(t, "More")
		ic := h.srv.NewInteraction() // the default user asked the questions
		cb, _ := askCard(t, ic, ic.Button(next, "1100000000000077779"))
		if cb.Type != int(discordgo.InteractionResponseUpdateMessage) || cb.Data.Flags&int(discordgo.MessageFlagsEphemeral) != 0 {
			t.Errorf("callback type %d flags %d, want the card updated (7)", cb.Type, cb.Data.Flags)
		}
	})
}

// TestNoAnswerCardEndToEnd checks the "no" card through the fake Discord:
// short, nothing shown as if it answered, no button, the question kept;
// and the "Show closest passages" button of cards posted before the
// tiers still answers, privately, with the card as it reads now.
func TestNoAnswerCardEndToEnd(t *testing.T) {
	lib := openSeeded(t)
	h := startBot(t, tierLibrary{lib, search.None}, Options{GuildID: discordtest.DefaultGuildID, DeferAfter: 2500 * time.Millisecond})

	ic := h.srv.NewInteraction()
	cb, _ := h.dispatch(t, ic, ic.SlashCommand("ask", ask("how many cameras were hacked?")...))
	m := cb.Data
	if len(m.Embeds) != 1 || m.Embeds[0].Title != noAnswerTitle || !strings.Contains(m.Embeds[0].Description, "I keep the question") {
		t.Fatalf("no card %+v", m)
	}
	if n := runes(cardText(m.Content, m.Embeds)); n > 300 {
		t.Errorf("the no card has %d characters; a no stays short", n)
	}
	if strings.Contains(cardText(m.Content, m.Embeds), "5,000") {
		t.Error("the no card shows a passage as if it answered")
	}
	if len(m.Components) != 0 {
		t.Errorf("the no card offers %+v", m.Components)
	}
	m.checkLimits(t)
	qs, err := lib.Questions(discordtest.DefaultGuildID, epoch)
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) != 1 || qs[0].Answered {
		t.Fatalf("logged questions %+v, want the question kept as unanswered for its follow-up", qs)
	}

	for _, who := range []string{discordtest.DefaultUserID, "1000000000000000777"} {
		t.Run("an old closest-passages button pressed by "+who, func(t *testing.T) {
			ic := h.srv.NewInteraction()
			ic.UserID = who
			cb, _ := h.dispatch(t, ic, ic.Button(askClosestPrefix+qs[0].ID, "1100000000000066666"))
			if cb.Type != int(discordgo.InteractionResponseChannelMessageWithSource) || cb.Data.Flags&int(discordgo.MessageFlagsEphemeral) == 0 {
				t.Fatalf("callback type %d flags %d, want a private message", cb.Type, cb.Data.Flags)
			}
			if len(cb.Data.Embeds) != 1 || cb.Data.Embeds[0].Title != noAnswerTitle {
				t.Errorf("old button answered with %+v, want the card as it reads now", cb.Data.Embeds)
			}
			cb.Data.checkLimits(t)
		})
	}
	if qs, _ := lib.Questions(discordtest.DefaultGuildID, epoch); len(qs) != 1 {
		t.Errorf("%d questions logged; pressing a button must not log the question again", len(qs))
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

// boldHolds reports whether one of the bold runs of Markdown text holds want.
func boldHolds(text, want string) bool {
	parts := strings.Split(text, "**")
	for i := 1; i < len(parts); i += 2 { // the odd parts stand between a pair of **
		if strings.Contains(parts[i], want) {
			return true
		}
	}
	return false
}
