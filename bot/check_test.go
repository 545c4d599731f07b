package bot

import (
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"sitrep/bot/discordtest"
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

	t.Run("a figure the sources give differently", func(t *testing.T) {
		m := check(t, "Only 200 surveillance cameras in Tehran were hacked")
		if !strings.Contains(m.Content, "Checked against the sources") || len(m.Embeds) == 0 {
			t.Fatalf("reply %+v", m)
		}
		differs := false
		for _, e := range m.Embeds {
			if e.Author != nil && strings.HasPrefix(e.Author.Name, "Gives a different figure") && strings.Contains(e.Author.Name, "5,000") {
				differs = true
				if !strings.Contains(e.Description, "\nSaid by Iranian opposition group") {
					t.Errorf("the differing quote has no attribution: %q", e.Description)
				}
			}
		}
		if !differs {
			t.Errorf("no quote marked as giving a different figure: %+v", m.Embeds)
		}
	})

	t.Run("a claim no source covers", func(t *testing.T) {
		m := check(t, "Brazil won the football final on penalties after extra time")
		if len(m.Embeds) != 1 || m.Embeds[0].Title != "No source covers this" {
			t.Errorf("reply %+v", m)
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
