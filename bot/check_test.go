package bot

import (
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"sitrep/bot/discordtest"
	"sitrep/search"
)

// TestCheckAgainstSourcesEndToEnd drives the message command through the
// fake Discord (every request validated against Discord's spec): its
// registration as a type 3 command, then checks of three messages, each
// answered privately to the member who used it.
func TestCheckAgainstSourcesEndToEnd(t *testing.T) {
	lib := openSeeded(t)
	h := startBot(t, lib, Options{GuildID: discordtest.DefaultGuildID, DeferAfter: 2 * time.Second})

	t.Run("registers a message command", func(t *testing.T) {
		var found *discordgo.ApplicationCommand
		for _, c := range h.srv.Commands(discordtest.DefaultGuildID) {
			if c.Name == checkCommandName {
				found = c
			}
		}
		if found == nil || found.Type != discordgo.MessageApplicationCommand || found.Description != "" || len(found.Options) != 0 {
			t.Fatalf("registered %+v, want %q of type 3 with no description or options", found, checkCommandName)
		}
	})

	check := func(t *testing.T, content string) sentMessage {
		t.Helper()
		ic := h.srv.NewInteraction()
		cb, _ := h.dispatch(t, ic, ic.MessageCommand(checkCommandName, "1100000000000012345", "1000000000000000777", content))
		m := cb.Data
		if cb.Type == int(discordgo.InteractionResponseDeferredChannelMessageWithSource) {
			if cb.Data.Flags&int(discordgo.MessageFlagsEphemeral) == 0 {
				t.Error("the deferral is public")
			}
			m = h.edit(t, ic)
			m.Flags = cb.Data.Flags
		} else if cb.Type != int(discordgo.InteractionResponseChannelMessageWithSource) {
			t.Fatalf("callback type %d", cb.Type)
		}
		if m.Flags&int(discordgo.MessageFlagsEphemeral) == 0 {
			t.Errorf("the check of %q was answered publicly", content)
		}
		m.checkLimits(t)
		return m
	}

	// text is everything the check shows, as one string.
	text := func(m sentMessage) string { return cardText(m.Content, m.Embeds) }

	t.Run("a figure the sources give differently leads, and nothing merely sharing a number", func(t *testing.T) {
		m := check(t, "hackers took down 50 cameras")
		verdict, _, _ := strings.Cut(m.Content, "\n")
		if want := "**1 source gives a different figure: more than 5,000 surveillance cameras"; !strings.HasPrefix(verdict, want) {
			t.Errorf("verdict %q, want it to start %q", verdict, want)
		}
		if len(m.Embeds) == 0 || !strings.Contains(m.Embeds[0].Description, "**more than 5,000 surveillance cameras**") ||
			m.Embeds[0].Author == nil || !strings.HasPrefix(m.Embeds[0].Author.Name, "Gives a different figure") {
			t.Fatalf("first quote %+v, want the 5,000 cameras, marked as a different figure", m.Embeds)
		}
		if strings.Contains(text(m), "Agriculture") {
			t.Errorf("the check shows the Agriculture Ministry's 50 systems, which merely share a number:\n%s", text(m))
		}
		if len(m.Embeds) > checkQuotes {
			t.Errorf("%d quotes, want at most %d", len(m.Embeds), checkQuotes)
		}
		if n := runes(text(m)); n > cardTextBudget {
			t.Errorf("the check holds %d characters, want at most %d", n, cardTextBudget)
		}
	})

	t.Run("the quote says who said it once", func(t *testing.T) {
		m := check(t, "Only 200 surveillance cameras in Tehran were hacked")
		if !strings.Contains(m.Content, "gives a different figure: more than 5,000 surveillance cameras") || len(m.Embeds) == 0 {
			t.Fatalf("reply %+v", m)
		}
		d := m.Embeds[0].Description
		if !strings.Contains(d, "\n— Iranian opposition group") {
			t.Errorf("the differing quote has no attribution: %q", d)
		}
		if strings.Contains(text(m), "Said by") {
			t.Errorf("a Said by repeats the source line: %q", d)
		}
	})

	t.Run("a claim no source covers", func(t *testing.T) {
		m := check(t, "Brazil won the football final on penalties after extra time")
		if !strings.HasPrefix(m.Content, "**No source covers this**") || len(m.Embeds) != 1 || strings.Contains(m.Embeds[0].Description, "> ") {
			t.Errorf("reply %+v, want the verdict and no quote", m)
		}
	})

	t.Run("a message with no claim", func(t *testing.T) {
		m := check(t, "ok thanks")
		if !strings.HasPrefix(m.Content, "Nothing to check") || len(m.Embeds) != 0 {
			t.Errorf("reply %+v", m)
		}
	})
}

func TestHasClaim(t *testing.T) {
	for text, want := range map[string]bool{
		"ok thanks":                    false,
		"":                             false,
		"lol yes 👍":                    false,
		"Thank you all!":               false,
		"The MEK hacked 5,000 cameras": true,
		"Mossad was behind the Tehran camera hack": true,
	} {
		if got := hasClaim(text); got != want {
			t.Errorf("hasClaim(%q) = %v, want %v", text, got, want)
		}
	}
}

// goldenChecks are the checks pinned in testdata: a contradiction first,
// support, and nothing about the claim; CheckClaim reads the quotes.
func goldenChecks() map[string]struct {
	claim  string
	quotes []search.Quote
} {
	cameras := quote(cameraQuote, iranIntl)
	cameras.SaidBy = "Iranian opposition group"
	ministry := quote("The attack comes after some 50 systems of the Agriculture Ministry were targeted and hacked in early May.", iranIntl)
	network := quote(`The Young Journalists Club, an affiliate of Iranian state television, acknowledged the hack, writing on Twitter that "part of the network of municipal surveillance cameras, as well as service infrastructure such as the Tehran Municipality site and about 20 other sites were disrupted."`, suspended)
	network.SaidBy = "Young Journalists Club (affiliate of Iranian state television)"
	evin := quote("In February, the Edalat Ali hacker group claimed that it had hacked the cameras of Iran’s Ghezel Hesar Prison, after claiming to have hacked the cameras of Iran's Evin Prison and the Iranian Telewebion site.", council)
	evin.SaidBy = "Edalat Ali hacker group"
	return map[string]struct {
		claim  string
		quotes []search.Quote
	}{
		"check_contradiction": {"hackers took down 50 cameras", []search.Quote{ministry, network, cameras, evin}},
		"check_support":       {"The opposition hacked more than 5,000 surveillance cameras in Tehran", []search.Quote{cameras, ministry, network}},
		"check_nothing":       {"Brazil won the football final on penalties after extra time", []search.Quote{ministry, cameras}},
	}
}

// TestRenderCheckGolden pins what "Check against sources" shows. Run with
// -update to rewrite testdata/check_*.golden.json.
func TestRenderCheckGolden(t *testing.T) {
	for name, c := range goldenChecks() {
		t.Run(name, func(t *testing.T) {
			m := renderCheck(c.claim, search.CheckClaim(c.claim, c.quotes))
			if errs := checkLimits(m.Content, m.Embeds, m.Components); len(errs) > 0 {
				t.Errorf("check breaks Discord's limits before fitting: %v", errs)
			}
			if n := cardRunes(m.Content, m.Embeds); n > cardTextBudget {
				t.Errorf("the check holds %d characters, want at most %d", n, cardTextBudget)
			}
			if !m.Ephemeral {
				t.Error("a check is shown to others")
			}
			checkGolden(t, name, cardJSON(t, m, c.quotes))
		})
	}
}

func TestCheckVerdict(t *testing.T) {
	src := func(id string, st search.Stance, value string) search.ClaimQuote {
		return search.ClaimQuote{Quote: search.Quote{Source: search.Ref{ID: id}}, Stance: st, Kind: "figure", Value: value}
	}
	tests := []struct {
		name    string
		bearing []search.ClaimQuote
		want    string
	}{
		{"two sources differ, one of them twice", []search.ClaimQuote{src("a", search.Contradicts, "more than 5,000 surveillance cameras"),
			src("a", search.Contradicts, "5,000 cameras"), src("b", search.Contradicts, "300 cameras"), src("c", search.Mentions, "")},
			"2 sources give a different figure: more than 5,000 surveillance cameras"},
		{"one differs, one supports", []search.ClaimQuote{src("a", search.Contradicts, "300 cameras"), src("b", search.Supports, "50 cameras")},
			"1 source gives a different figure: 300 cameras; 1 other supports it"},
		{"support", []search.ClaimQuote{src("a", search.Supports, "50 cameras"), src("c", search.Mentions, "")}, "1 source supports this"},
		{"spoken of only", []search.ClaimQuote{src("c", search.Mentions, "")}, "No source confirms or contradicts this"},
		{"nothing", nil, "No source covers this"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := checkVerdict(tt.bearing); got != tt.want {
				t.Errorf("verdict %q, want %q", got, tt.want)
			}
		})
	}
}

// TestCheckSharesTheAskPace: "Check against sources" is a search, paced
// with /ask on one budget per member (issue 24): past the budget either
// one asks the member to wait, privately, and searches nothing; another
// member is not held back.
func TestCheckSharesTheAskPace(t *testing.T) {
	lib := openSeeded(t)
	h := startBot(t, lib, Options{GuildID: discordtest.DefaultGuildID, AskBurst: 2, AskEvery: time.Hour})
	const member, other = "1000000000000000555", "1000000000000000556"
	checkBy := func(who string) sentMessage {
		ic := h.srv.NewInteraction()
		ic.UserID = who
		cb, _ := h.dispatch(t, ic, ic.MessageCommand(checkCommandName, "1100000000000012345", "1000000000000000777", "hackers took down 50 cameras"))
		return cb.Data
	}
	askBy := func(who string) sentMessage {
		ic := h.srv.NewInteraction()
		ic.UserID = who
		cb, _ := h.dispatch(t, ic, ic.SlashCommand("ask", ask("how many cameras were hacked?")...))
		return cb.Data
	}
	slowed := func(m sentMessage) bool {
		return strings.Contains(m.Content, "please wait") && m.Flags&int(discordgo.MessageFlagsEphemeral) != 0 && len(m.Embeds) == 0
	}
	if m := askBy(member); slowed(m) {
		t.Fatalf("the first /ask was slowed down: %+v", m)
	}
	if m := checkBy(member); slowed(m) || len(m.Embeds) == 0 {
		t.Fatalf("the first check, within the budget, got %+v", m)
	}
	if m := checkBy(member); !slowed(m) {
		t.Errorf("a check past the budget /ask and checks share was answered: %+v", m)
	}
	if m := askBy(member); !slowed(m) {
		t.Errorf("an /ask past the budget was answered: %+v", m)
	}
	if m := checkBy(other); slowed(m) {
		t.Errorf("another member's check was slowed down: %+v", m)
	}
	qs, err := lib.Questions(discordtest.DefaultGuildID, epoch)
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) != 1 {
		t.Errorf("%d questions logged, want the one /ask within the budget", len(qs))
	}
}
