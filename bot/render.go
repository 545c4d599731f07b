package bot

import (
	"net/url"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"sitrep/search"
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

// Rendering choices, within the limits above.
const (
	// embedColor is the accent of answer cards (a calm blue).
	embedColor = 0x2f6fb0
	// noAnswerColor is the accent of the card saying nothing answers.
	noAnswerColor = 0x9a9a9a
	ellipsis      = "…"
)

// message is what the bot sends for an interaction, before it becomes a
// callback (InteractionResponseData) or an edit of the original response
// (WebhookEdit). Keeping one shape lets fitLimits guard every path.
type message struct {
	Content    string
	Embeds     []*discordgo.MessageEmbed
	Components []discordgo.MessageComponent
	// Ephemeral shows the message only to the user who asked.
	Ephemeral bool
}

// responseData converts m for an interaction callback, enforcing Discord's
// limits. Mentions are disabled: quotes may contain "@everyone".
func (m message) responseData() *discordgo.InteractionResponseData {
	fitLimits(&m)
	d := &discordgo.InteractionResponseData{
		Content:         m.Content,
		Embeds:          m.Embeds,
		Components:      m.Components,
		AllowedMentions: &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}},
	}
	if d.Embeds == nil {
		d.Embeds = []*discordgo.MessageEmbed{}
	}
	if d.Components == nil {
		d.Components = []discordgo.MessageComponent{}
	}
	if m.Ephemeral {
		d.Flags = discordgo.MessageFlagsEphemeral
	}
	return d
}

// webhookEdit converts m for an edit of the original response (after a
// deferral), enforcing Discord's limits. Every part is set, so the edit
// replaces what an earlier version showed.
func (m message) webhookEdit() *discordgo.WebhookEdit {
	fitLimits(&m)
	embeds := m.Embeds
	if embeds == nil {
		embeds = []*discordgo.MessageEmbed{}
	}
	comps := m.Components
	if comps == nil {
		comps = []discordgo.MessageComponent{}
	}
	content := m.Content
	return &discordgo.WebhookEdit{
		Content:         &content,
		Embeds:          &embeds,
		Components:      &comps,
		AllowedMentions: &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}},
	}
}

// citationLine says where a source comes from in an embed footer: its
// outlet and date, the ones known ("" when neither is). Footers show no
// markdown, so nothing is escaped.
func citationLine(r search.Ref) string {
	var parts []string
	for _, p := range []string{clip(oneLine(r.Outlet), 100), clip(oneLine(r.Published), 20)} {
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

// blockQuote renders text as a Discord block quote with the highlighted
// ranges in bold and everything else escaped, cut (on a rune boundary of
// the original text, so markup stays balanced) to fit limit characters.
func blockQuote(text string, hs []search.Highlight, limit int) string {
	render := func(t string, cut bool) string {
		s := "> " + strings.ReplaceAll(emphasize(t, hs), "\n", "\n> ")
		if cut {
			s += ellipsis
		}
		return s
	}
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	full := render(text, false)
	if runes(full) <= limit {
		return full
	}
	// Binary search the longest prefix (in runes) whose rendering fits.
	offsets := runeOffsets(text)
	lo, hi := 0, len(offsets)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if runes(render(text[:offsets[mid]], true)) <= limit {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return clip(render(text[:offsets[lo]], true), limit)
}

// runeOffsets returns the byte offset of every rune start of s, and len(s).
func runeOffsets(s string) []int {
	out := make([]int, 0, len(s)+1)
	for i := range s {
		out = append(out, i)
	}
	return append(out, len(s))
}

// emphasize escapes text for Discord and wraps the highlighted ranges in
// bold. Ranges are byte offsets into the raw text, so emphasis is placed
// first and each segment is escaped on its own (escaping shifts offsets).
// Invalid, overlapping or mid-rune ranges are ignored; touching ranges are
// merged so "****" never appears.
func emphasize(text string, hs []search.Highlight) string {
	var b strings.Builder
	last := 0
	lineStart := func(i int) bool { return i == 0 || text[i-1] == '\n' }
	for _, h := range cleanHighlights(text, hs) {
		b.WriteString(escapeFrom(text[last:h.Start], lineStart(last)))
		b.WriteString("**" + escapeFrom(text[h.Start:h.End], false) + "**")
		last = h.End
	}
	b.WriteString(escapeFrom(text[last:], lineStart(last)))
	return b.String()
}

// cleanHighlights keeps the usable ranges of hs, sorted and merged, with
// white space trimmed from their ends (Discord does not bold "** x**").
func cleanHighlights(text string, hs []search.Highlight) []search.Highlight {
	var ok []search.Highlight
	for _, h := range hs {
		if h.Start < 0 || h.End > len(text) || h.Start >= h.End ||
			!utf8.RuneStart(text[h.Start]) || (h.End < len(text) && !utf8.RuneStart(text[h.End])) {
			continue
		}
		for h.Start < h.End {
			r, n := utf8.DecodeRuneInString(text[h.Start:h.End])
			if !unicode.IsSpace(r) {
				break
			}
			h.Start += n
		}
		for h.End > h.Start {
			r, n := utf8.DecodeLastRuneInString(text[h.Start:h.End])
			if !unicode.IsSpace(r) {
				break
			}
			h.End -= n
		}
		if h.Start < h.End && !strings.Contains(text[h.Start:h.End], "\n") {
			ok = append(ok, h)
		}
	}
	sort.Slice(ok, func(i, j int) bool { return ok[i].Start < ok[j].Start })
	var out []search.Highlight
	for _, h := range ok {
		if n := len(out); n > 0 && h.Start <= out[n-1].End {
			out[n-1].End = max(out[n-1].End, h.End)
			continue
		}
		out = append(out, h)
	}
	return out
}

// Characters Discord's markdown gives a meaning to: anywhere (emphasis,
// strike, code, spoilers, links, mentions and custom emoji), and only at
// the start of a line (quotes, headings, subtext, lists).
const (
	inlineSpecial    = "\\*_~`|[]()<"
	lineStartSpecial = ">#-+"
)

// escapeMarkdown makes s display verbatim in Discord: every markdown
// character is preceded by a backslash (the line-start ones only at the
// start of a line, so "one-night" stays readable), and invalid UTF-8 is
// replaced. s is taken to start a line.
func escapeMarkdown(s string) string { return escapeFrom(s, true) }

// escapeFrom is escapeMarkdown for a piece of text that starts a line or
// not (lineStart), for escaping the segments between bold ranges.
func escapeFrom(s string, lineStart bool) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(len(s) + 8)
	atStart, dotAt := lineStart, -1
	for i, r := range s {
		switch {
		case strings.ContainsRune(inlineSpecial, r):
			b.WriteByte('\\')
		case atStart && strings.ContainsRune(lineStartSpecial, r):
			b.WriteByte('\\')
		case atStart && r >= '0' && r <= '9':
			// "1. item" is a list: escape the dot after the digits.
			j := i
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			if j < len(s) && s[j] == '.' {
				dotAt = j
			}
		case i == dotAt:
			b.WriteByte('\\')
		}
		b.WriteRune(r)
		switch r {
		case '\n':
			atStart = true
		case ' ', '\t':
		default:
			atStart = false
		}
	}
	return b.String()
}

// linkURL returns u if Discord accepts it as a link (absolute http or
// https, at most 2048 bytes), with parentheses escaped so it can sit in a
// markdown link; "" otherwise.
func linkURL(u string) string {
	if u == "" || len(u) > 2048 || !utf8.ValidString(u) {
		return ""
	}
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return ""
	}
	p.User = nil // never show a link's user:password@
	s := p.String()
	if strings.ContainsAny(s, " ()<>") {
		s = strings.NewReplacer(" ", "%20", "(", "%28", ")", "%29", "<", "%3C", ">", "%3E").Replace(s)
	}
	return s
}

// oneLine collapses runs of white space (line breaks included) to one
// space, for titles and headers.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func orDefault(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return s
}

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

// plain is a short text reply (refusals, errors, hints).
func plain(text string, ephemeral bool) message {
	return message{Content: text, Ephemeral: ephemeral}
}
