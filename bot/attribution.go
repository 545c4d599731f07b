package bot

import (
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"

	"sitrep/internal/textclip"
	"sitrep/search"
)

// Attribution on the answer card. Pure functions for the card renderer to
// call: they do not change renderAnswer themselves.

// maxAttributionRunes bounds the attribution line under a quote: a role
// and a chain of outlets fit; a runaway noun phrase does not take over
// the card.
const maxAttributionRunes = 300

// attributionLine is the line under a quote: "— Mehdi Chamran (head of
// the Tehran City Council), via Mehr News Agency · in: *Title*". Names
// come from article text, so they are escaped. Empty when the text names
// no one: the card then shows the citation alone, as before.
func attributionLine(saidBy string, accordingTo []string, title string) string {
	who := textclip.OneLine(search.AttributionLine(saidBy, accordingTo))
	if who == "" {
		return ""
	}
	line := "— " + escapeMarkdown(clip(who, maxAttributionRunes-20))
	if t := textclip.OneLine(title); t != "" {
		line += " · in: *" + escapeFrom(clip(t, 120), false) + "*"
	}
	return line
}

// differField is the "Sources differ" field of the card: one block per
// disagreement, what each side says with its attribution, within
// maxFieldValue characters (whole blocks only; the rest counted). Nil when
// the sources agree.
func differField(ds []search.Disagreement) *discordgo.MessageEmbedField {
	return differFieldWithin(ds, maxFieldValue)
}

// differFieldWithin is differField within limit characters: whole
// blocks, the first one without the headlines when it does not fit
// whole (a block cut mid-way would show markup unclosed); nil when not
// even that fits.
func differFieldWithin(ds []search.Disagreement, limit int) *discordgo.MessageEmbedField {
	if len(ds) == 0 {
		return nil
	}
	room := min(limit, maxFieldValue) - len("Sources differ") - 20 // for "…and N more"
	var blocks []string
	used := 0
	for i, d := range ds {
		b := differBlock(d, true)
		if i == 0 && runes(b) > room {
			b = differBlock(d, false)
		}
		if used+runes(b) > room {
			if i == 0 {
				return nil
			}
			blocks = append(blocks, fmt.Sprintf("…and %d more", len(ds)-i))
			break
		}
		blocks = append(blocks, b)
		used += runes(b) + 2
	}
	return &discordgo.MessageEmbedField{Name: "Sources differ", Value: strings.Join(blocks, "\n")}
}

// differBlock: "**Figure** (camera): more than 5,000 surveillance cameras
// — Iranian opposition group · in: *Title* / 300 surveillance cameras — …";
// without the headlines unless withTitles.
func differBlock(d search.Disagreement, withTitles bool) string {
	var b strings.Builder
	kind := orDefault(d.Kind, "differ")
	b.WriteString("**" + escapeFrom(strings.ToUpper(kind[:1])+kind[1:], false) + "**")
	if d.About != "" {
		b.WriteString(" (" + escapeFrom(clip(textclip.OneLine(d.About), 60), false) + ")")
	}
	b.WriteString(":")
	for _, s := range []search.Side{d.A, d.B} {
		b.WriteString("\n• " + escapeFrom(clip(textclip.OneLine(s.Value), 120), false))
		title := s.Source.Title // never the id: it is internal
		if !withTitles {
			title = ""
		}
		if line := attributionLine(s.SaidBy, s.AccordingTo, title); line != "" {
			b.WriteString(" " + line)
		} else if title != "" {
			b.WriteString(" — in: *" + escapeFrom(clip(textclip.OneLine(title), 120), false) + "*")
		}
	}
	return b.String()
}
