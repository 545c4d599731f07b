package bot

import (
	"strings"

	"github.com/bwmarrin/discordgo"

	"sitrep/internal/textclip"
	"sitrep/search"
)

// Rendering choices, within Discord's limits (discordlimits.go).
const (
	// embedColor is the accent of answer cards (a calm blue).
	embedColor = 0x2f6fb0
	// noAnswerColor is the accent of the card saying nothing answers.
	noAnswerColor = 0x9a9a9a
	ellipsis      = "…"
)

// citationLine says where a source comes from in an embed footer: its
// outlet and date, the ones known ("" when neither is). Footers show no
// markdown, so nothing is escaped.
func citationLine(r search.Ref) string {
	var parts []string
	for _, p := range []string{clip(textclip.OneLine(r.Outlet), 100), clip(textclip.OneLine(r.Published), 20)} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, " · ")
}

// footer is an embed footer showing text, or nil when text is empty
// (Discord refuses an empty footer).
func footer(text string) *discordgo.MessageEmbedFooter {
	if strings.TrimSpace(text) == "" {
		return nil
	}
	return &discordgo.MessageEmbedFooter{Text: clip(text, 200)}
}

func orDefault(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return s
}
