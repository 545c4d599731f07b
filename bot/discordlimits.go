package bot

import (
	"sitrep/search"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
)

// Discord's limits on a message, in characters (Unicode code points, as
// Discord counts them). A message breaking any of them is refused with 400,
// so everything the bot sends goes through fitLimits.
const (
	maxContent        = 2000
	maxEmbeds         = 10
	maxEmbedTitle     = 256
	maxEmbedDesc      = 4096
	maxFields         = 25
	maxFieldName      = 256
	maxFieldValue     = 1024
	maxFooter         = 2048
	maxAuthorName     = 256
	maxEmbedTotal     = 6000 // title+description+fields+footer+author of all embeds
	maxCustomID       = 100
	maxButtonLabel    = 80
	maxRowComponents  = 5
	maxComponentRows  = 5
	maxChoices        = 25
	maxChoiceName     = 100
	maxChoiceValueStr = 100
)

// runes counts characters the way Discord's limits do.
func runes(s string) int { return utf8.RuneCountInString(s) }

// clip is search.Clip, under the short name the renderers use.
func clip(s string, n int) string { return search.Clip(s, n) }

// fitLimits makes m acceptable to Discord whatever its parts hold: every
// text within its limit (cut on rune boundaries), at most 10 embeds and 25
// fields each, empty field names and values filled (Discord refuses them),
// the embeds' total within 6000 characters (long descriptions, then field
// values, are shortened from the last embed up; then trailing embeds
// dropped), at most 5 rows of 5 components, labels and custom ids within
// theirs, and a message never left empty.
func fitLimits(m *message) {
	m.Content = clip(m.Content, maxContent)
	if len(m.Embeds) > maxEmbeds {
		m.Embeds = m.Embeds[:maxEmbeds]
	}
	kept := m.Embeds[:0]
	for _, e := range m.Embeds {
		if e != nil {
			kept = append(kept, fitEmbed(e))
		}
	}
	m.Embeds = kept
	if over := embedsTotal(m.Embeds) - maxEmbedTotal; over > 0 {
		shrink := func(get func(e *discordgo.MessageEmbed) []*string, floor int) {
			for i := len(m.Embeds) - 1; i >= 0 && over > 0; i-- {
				for _, s := range get(m.Embeds[i]) {
					if n := runes(*s); n > floor && over > 0 {
						cut := min(over, n-floor)
						*s = clip(*s, n-cut)
						over -= cut
					}
				}
			}
		}
		shrink(func(e *discordgo.MessageEmbed) []*string { return []*string{&e.Description} }, 200)
		shrink(func(e *discordgo.MessageEmbed) []*string {
			var out []*string
			for _, f := range e.Fields {
				out = append(out, &f.Value)
			}
			return out
		}, 100)
		for over > 0 && len(m.Embeds) > 1 {
			over -= embedTotal(m.Embeds[len(m.Embeds)-1])
			m.Embeds = m.Embeds[:len(m.Embeds)-1]
		}
		if over > 0 {
			// One embed with every part at its limit is 6000+: cut them all.
			e := m.Embeds[0]
			e.Fields = nil
			e.Description = clip(e.Description, max(0, maxEmbedTotal-runes(e.Title)-runes(authorName(e))-runes(footerText(e))))
		}
	}
	m.Components = fitComponents(m.Components)
	if strings.TrimSpace(m.Content) == "" && len(m.Embeds) == 0 {
		m.Content = "(empty)"
	}
}

func fitEmbed(e *discordgo.MessageEmbed) *discordgo.MessageEmbed {
	c := *e
	c.Title = clip(c.Title, maxEmbedTitle)
	c.Description = clip(c.Description, maxEmbedDesc)
	if c.Footer != nil {
		f := *c.Footer
		f.Text = clip(f.Text, maxFooter)
		c.Footer = &f
	}
	if c.Author != nil {
		a := *c.Author
		a.Name = clip(a.Name, maxAuthorName)
		c.Author = &a
	}
	if c.URL != "" && linkURL(c.URL) == "" {
		c.URL = ""
	}
	fields := make([]*discordgo.MessageEmbedField, 0, min(len(c.Fields), maxFields))
	for _, f := range c.Fields {
		if f == nil || len(fields) == maxFields {
			continue
		}
		nf := *f
		nf.Name = clip(orDefault(nf.Name, "\u200b"), maxFieldName)
		nf.Value = clip(orDefault(nf.Value, "\u200b"), maxFieldValue)
		fields = append(fields, &nf)
	}
	c.Fields = fields
	if len(c.Fields) == 0 {
		c.Fields = nil
	}
	return &c
}

func embedsTotal(es []*discordgo.MessageEmbed) int {
	n := 0
	for _, e := range es {
		n += embedTotal(e)
	}
	return n
}

// embedTotal counts what Discord's 6000-character limit counts.
func embedTotal(e *discordgo.MessageEmbed) int {
	n := runes(e.Title) + runes(e.Description) + runes(footerText(e)) + runes(authorName(e))
	for _, f := range e.Fields {
		n += runes(f.Name) + runes(f.Value)
	}
	return n
}

func footerText(e *discordgo.MessageEmbed) string {
	if e.Footer == nil {
		return ""
	}
	return e.Footer.Text
}

func authorName(e *discordgo.MessageEmbed) string {
	if e.Author == nil {
		return ""
	}
	return e.Author.Name
}

func fitComponents(rows []discordgo.MessageComponent) []discordgo.MessageComponent {
	if len(rows) > maxComponentRows {
		rows = rows[:maxComponentRows]
	}
	out := make([]discordgo.MessageComponent, 0, len(rows))
	for _, r := range rows {
		row, ok := r.(discordgo.ActionsRow)
		if !ok {
			out = append(out, r)
			continue
		}
		comps := row.Components
		if len(comps) > maxRowComponents {
			comps = comps[:maxRowComponents]
		}
		fixed := make([]discordgo.MessageComponent, 0, len(comps))
		for _, c := range comps {
			if b, ok := c.(discordgo.Button); ok {
				b.Label = clip(b.Label, maxButtonLabel)
				if len(b.CustomID) > maxCustomID {
					continue // a cut id would not route back: drop the button
				}
				c = b
			}
			fixed = append(fixed, c)
		}
		if len(fixed) > 0 {
			out = append(out, discordgo.ActionsRow{Components: fixed})
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
