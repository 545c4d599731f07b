package bot

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/bwmarrin/discordgo"

	"sitrep/internal/textclip"
	"sitrep/search"
)

// The answer card is what /ask posts. It reads like an answer on a phone
// in a busy channel: the best quote first and prominent (the lead embed),
// the next few compact in one embed, buttons for more. A card says
// nothing that says nothing: an unknown outlet or date is left out, and
// source ids (internal) never appear on it.
//
//	**Q:** how many cameras were hacked?
//	┃ > An Iranian opposition group says it has **hacked** more than 5,000 surveillance **cameras** in Tehran…
//	┃ — **Iran International** · 2022-05-27 · [Iranian opposition group says it hacked…](https://…)
//	┃ Also reported by [iranfocus](https://…)
//	┃ Other quotes · 2–5 of 19
//	┃ **2.** “According to Fallahi, hacking is not a one-night or…” — iranfocus, 2022-06-01
//	[◀ Previous] [More ▶]
//
// A "no" is one short embed, with the closest passages behind a button
// that answers privately whoever presses it.

// Card sizes, in characters, well within Discord's limits (render.go):
// the whole first card of a seed answer stays near 1,000.
const (
	// leadQuoteRunes bounds the lead quote's block quote; a longer
	// sentence is cut with an ellipsis.
	leadQuoteRunes = 900
	// entryRunes bounds a compact entry's sentence, trimmed at a word.
	entryRunes = 120
	// entrySourceRunes bounds the few words naming an entry's source.
	entrySourceRunes = 40
	// headlineRunes bounds a headline in the lead's source line.
	headlineRunes = 120
	// leadReporters is how many outlets "Also reported by" names before
	// "and N more".
	leadReporters = 4
	// maxLinkBytes: longer links are left out; the words stay, unlinked.
	maxLinkBytes = 300
)

// Texts of the card that tests and the README quote.
const (
	noAnswerTitle   = "No source in the library clearly answers this."
	noAnswerHint    = "Ask a moderator to add a source that covers it; I keep the question and will say so here if a source added later answers it."
	closestLabel    = "Show closest passages"
	closestTitle    = "Closest passages: none of them clearly answers the question"
	otherQuotesName = "Other quotes"
)

// page says which slice of an answer a card shows and how to ask for the
// neighbouring ones. A card always leads with the best quote; paging
// moves through the quotes after it.
type page struct {
	// QuestionID is the logged question the buttons refer to; no
	// buttons without it.
	QuestionID string
	// Source is the source token of a restricted answer (see
	// sourceToken), or "".
	Source string
	// Offset is the position of the first compact entry among the quotes
	// after the best one: 0 on the first card.
	Offset int
	// Limit is how many quotes a card shows, the best one included;
	// search.DefaultLimit when 0.
	Limit int
}

// entries is how many compact entries a card holds.
func (p page) entries() int {
	if p.Limit <= 0 {
		p.Limit = search.DefaultLimit
	}
	return max(1, p.Limit-1)
}

// want is how many quotes, from the best one on, the library must return
// to render p.
func (p page) want() int { return 1 + p.Offset + p.entries() }

// renderAnswer turns an answer into the card users see: the question,
// the best quote as the lead embed, the next quotes of the page compact
// in a second embed, and paging buttons. ans.Quotes starts with the best
// quote; the page's entries follow at 1+p.Offset. An answer that does not
// answer (Answered false) is the short "no" card. It is pure: golden files
// in testdata pin its output.
func renderAnswer(ans search.Answer, p page) message {
	if p.Limit <= 0 {
		p.Limit = search.DefaultLimit
	}
	head := questionHead(ans)
	if !ans.Answered || len(ans.Quotes) == 0 {
		return renderNoAnswer(ans, p, head)
	}
	lead := renderQuote(ans.Quotes[0], maxEmbedTotal/2)
	embeds := []*discordgo.MessageEmbed{lead}
	from := min(len(ans.Quotes), 1+p.Offset)
	rest := ans.Quotes[from:min(len(ans.Quotes), from+p.entries())]
	total := max(ans.Total, len(ans.Quotes))
	switch {
	case len(rest) > 0:
		title := otherQuotesName
		if p.Offset > 0 || total > 1+len(rest) {
			title += fmt.Sprintf(" · %d–%d of %d", 2+p.Offset, 1+p.Offset+len(rest), total)
		}
		embeds = append(embeds, entriesEmbed(title, rest, 2+p.Offset, embedColor))
	case p.Offset > 0:
		// Paged past the end: the library changed since the first card.
		embeds = append(embeds, &discordgo.MessageEmbed{Description: "No more quotes for this question.", Color: noAnswerColor})
	}
	// Where sources disagree the reader should see it, within what a
	// phone shows at once.
	if f := differFieldWithin(ans.Differ, cardTextBudget-cardRunes(head, embeds)); f != nil {
		lead.Fields = append(lead.Fields, f)
	}
	return message{Content: head, Embeds: embeds, Components: pagingRow(p, total)}
}

// cardTextBudget is how much text an answer card aims to hold: about what
// a phone shows without scrolling far.
const cardTextBudget = 1500

// cardRunes counts a card's text as Discord shows it: the content and each
// embed's title, description, fields, footer and author.
func cardRunes(content string, embeds []*discordgo.MessageEmbed) int {
	n := runes(content)
	for _, e := range embeds {
		n += runes(e.Title) + runes(e.Description)
		for _, f := range e.Fields {
			n += runes(f.Name) + runes(f.Value)
		}
		if e.Footer != nil {
			n += runes(e.Footer.Text)
		}
		if e.Author != nil {
			n += runes(e.Author.Name)
		}
	}
	return n
}

// questionHead is a card's content: the question, and what was searched
// for when a typo was corrected.
func questionHead(ans search.Answer) string {
	head := "**Q:** " + escapeMarkdown(clip(textclip.OneLine(ans.Question), 300))
	if ans.Corrected != "" {
		head += "\n*Searched for: " + escapeMarkdown(clip(textclip.OneLine(ans.Corrected), 300)) + "*"
	}
	return head
}

// renderNoAnswer is the short "no": one embed saying so and what to do,
// and the closest passages behind a button when there are any (and a
// logged question to recompute them from).
func renderNoAnswer(ans search.Answer, p page, head string) message {
	m := message{
		Content: head,
		Embeds:  []*discordgo.MessageEmbed{{Title: noAnswerTitle, Description: noAnswerHint, Color: noAnswerColor}},
	}
	if len(ans.Quotes) > 0 && p.QuestionID != "" {
		m.Components = []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: closestLabel, Style: discordgo.SecondaryButton, CustomID: closestCustomID(p.QuestionID, p.Source)},
		}}}
	}
	return m
}

// renderClosest is the private reply to "Show closest passages": the
// passages nearest the question, labelled as such, compact. It is meant
// for an answer whose verdict is "no"; the quotes are shown all the same.
func renderClosest(ans search.Answer) message {
	m := message{Content: questionHead(ans), Ephemeral: true}
	if len(ans.Quotes) == 0 {
		m.Content += "\nNo passage in the library comes close to this question."
		return m
	}
	m.Embeds = []*discordgo.MessageEmbed{entriesEmbed(closestTitle, ans.Quotes, 1, noAnswerColor)}
	return m
}

// renderQuote is the lead embed of a quote, within budget characters:
// the quote as a block quote with the matched words in bold, the line
// saying where it comes from, and who else reported it. Follow-ups use it
// too.
func renderQuote(q search.Quote, budget int) *discordgo.MessageEmbed {
	var tail []string
	if line := sourceLine(q); line != "" {
		tail = append(tail, line)
	}
	if len(q.AlsoReportedBy) > 0 {
		tail = append(tail, "Also reported by "+reporters(q.AlsoReportedBy))
	}
	after := strings.Join(tail, "\n")
	limit := max(100, min(leadQuoteRunes, budget-runes(after)-1))
	desc := blockQuote(q.Text, q.Highlights, limit)
	if after != "" {
		desc += "\n" + after
	}
	return &discordgo.MessageEmbed{Description: desc, Color: embedColor}
}

// sourceLine says where a lead quote comes from, on one line: who is
// speaking and through whom, where the text says so ("— Mehdi Chamran
// (head of the Tehran City Council), via Mehr News Agency"), the outlet
// and date where known, and the headline, linked when the source has a URL
// ("— **Iran International** · 2022-05-27 · [Headline](https://…)"), after
// "in:" when a speaker leads. Nothing is invented: a quote whose text names no
// speaker gets the citation alone.
func sourceLine(q search.Quote) string {
	r := q.Source
	var parts []string
	who := textclip.OneLine(search.AttributionLine(q.SaidBy, q.AccordingTo))
	if who != "" {
		parts = append(parts, escapeMarkdown(clip(who, maxAttributionRunes-20)))
	}
	if o := textclip.OneLine(r.Outlet); o != "" {
		parts = append(parts, "**"+escapeFrom(clip(o, 60), false)+"**")
	}
	if d := textclip.OneLine(r.Published); d != "" {
		parts = append(parts, escapeFrom(clip(d, 20), false))
	}
	if t := textclip.OneLine(r.Title); t != "" {
		title := linked(escapeFrom(clip(t, headlineRunes), false), r.URL, "*")
		if who != "" {
			title = "in: " + title
		}
		parts = append(parts, title)
	}
	if len(parts) == 0 {
		return ""
	}
	return "— " + strings.Join(parts, " · ")
}

// shortSource names a compact entry's source in a few words: its outlet
// (else the start of its headline) linked to the article, and its date
// where known. "" when the source has neither. entriesEmbed puts the
// speaker's name, where the text gives one, before these words.
func shortSource(r search.Ref) string {
	name, style := textclip.OneLine(r.Outlet), ""
	if name == "" {
		name, style = textclip.OneLine(r.Title), "*"
	}
	var parts []string
	if name != "" {
		parts = append(parts, linked(escapeFrom(trimWords(name, entrySourceRunes), false), r.URL, style))
	}
	if d := textclip.OneLine(r.Published); d != "" {
		parts = append(parts, escapeFrom(clip(d, 20), false))
	}
	return strings.Join(parts, ", ")
}

// linked is text (already escaped) as a link to u when Discord takes u as
// one and it is short enough, else text wrapped in style ("*" for
// italics, or "").
func linked(text, u, style string) string {
	if l := linkURL(u); l != "" && len(l) <= maxLinkBytes {
		return "[" + text + "](" + l + ")"
	}
	return style + text + style
}

// reporters names the other sources that say the same as a quote:
// outlets (headlines where the outlet is unknown), each once, linked,
// then "and N more".
func reporters(rs []search.Reporter) string {
	var names []string
	seen := map[string]bool{}
	for _, r := range rs {
		key := strings.ToLower(textclip.OneLine(r.Outlet))
		if key == "" {
			key = "\x00" + r.ID
		}
		if seen[key] {
			continue
		}
		seen[key] = true
		names = append(names, shortName(r.Ref))
	}
	if len(names) > leadReporters {
		more := len(names) - leadReporters
		return strings.Join(names[:leadReporters], ", ") + fmt.Sprintf(" and %d more", more)
	}
	if len(names) > 1 {
		return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
	}
	return strings.Join(names, "")
}

// shortName is a reporter's outlet, or the start of its headline, linked.
func shortName(r search.Ref) string {
	if o := textclip.OneLine(r.Outlet); o != "" {
		return linked(escapeFrom(clip(o, entrySourceRunes), false), r.URL, "")
	}
	return linked(escapeFrom(trimWords(orDefault(textclip.OneLine(r.Title), "another source"), entrySourceRunes), false), r.URL, "*")
}

// entriesEmbed lists quotes compactly under title, numbered from first:
// each sentence trimmed at a word, and its source in a few words.
func entriesEmbed(title string, qs []search.Quote, first int, color int) *discordgo.MessageEmbed {
	lines := make([]string, 0, len(qs))
	for k, q := range qs {
		line := fmt.Sprintf("**%d.** “%s”", first+k, escapeFrom(trimWords(textclip.OneLine(q.Text), entryRunes), false))
		src := shortSource(q.Source)
		if who := textclip.OneLine(q.SaidBy); who != "" {
			src = strings.TrimSuffix(escapeMarkdown(trimWords(who, entrySourceRunes))+", "+src, ", ")
		}
		if src != "" {
			line += " — " + src
		}
		if n := len(q.AlsoReportedBy); n > 0 {
			line += fmt.Sprintf(" (+%s)", plural(n, "other source", "other sources"))
		}
		lines = append(lines, line)
	}
	return &discordgo.MessageEmbed{Title: title, Description: strings.Join(lines, "\n"), Color: color}
}

// trimWords shortens s to at most n characters, cutting at the last word
// boundary that fits (mid-word only when a single word is that long) and
// marking the cut with an ellipsis.
func trimWords(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if runes(s) <= n {
		return s
	}
	if n <= 1 {
		return clip(s, n)
	}
	cut := clip(s, n)
	cut = strings.TrimSuffix(cut, ellipsis)
	if i := strings.LastIndexFunc(cut, unicode.IsSpace); i > len(cut)/2 {
		cut = cut[:i]
	}
	cut = strings.TrimRightFunc(cut, func(r rune) bool { return unicode.IsSpace(r) || strings.ContainsRune(",;:–—-", r) })
	return cut + ellipsis
}

// pagingRow returns the Previous and More buttons for p, or none when
// everything fits on one card or it cannot be paged (no logged question).
func pagingRow(p page, total int) []discordgo.MessageComponent {
	n := p.entries()
	if p.QuestionID == "" || (p.Offset == 0 && total <= 1+n) {
		return nil
	}
	prev := max(0, p.Offset-n)
	next := p.Offset + n
	return pageButtons(pageCustomID(p.QuestionID, prev, p.Source), pageCustomID(p.QuestionID, next, p.Source),
		"More ▶", p.Offset == 0, 1+next >= total)
}
