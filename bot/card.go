package bot

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/bwmarrin/discordgo"

	"sitrep/internal/textclip"
	"sitrep/search"
)

// The answer card is what /ask posts, in the tier the library's
// confidence gives it (search.Confidence), read at a glance on a phone:
//
//	answered: the best quote whole, the words that answer in bold, where
//	it comes from; at most two more quotes, whole; "More ▶" for the rest.
//
//	**Q:** how many cameras were hacked?
//	┃ > An Iranian opposition group says it has hacked more than **5,000** surveillance cameras in Tehran…
//	┃ — Iranian opposition group · in: [Iranian opposition group says it hacked…](https://…)
//	┃ Other quotes
//	┃ > According to Fallahi, hacking is not a one-night or an immediate decision.
//	┃ — iranfocus · 2022-06-01
//	[More ▶]
//
//	closest: up to three passages, whole, under "Not a confirmed answer —
//	the closest passages:", and the promise to say so when a source
//	answers; no button to press.
//
//	none: a plain no and that promise; nothing shown.
//
// Later pages show the next quotes alone. Quotes are block quotes, never
// wrapped in quotation marks of ours (a quote ending in ” would show
// ””). A card says nothing that says nothing: an unknown outlet or date
// is left out, and source ids (internal) never appear on it.

// Card sizes, in characters, well within Discord's limits (render.go).
const (
	// cardQuotes is how many quotes a card shows: the answer and two
	// more, the three closest passages, or three more on a later page.
	cardQuotes = 3
	// leadQuoteRunes bounds the lead quote's block quote: a sentence is
	// shown whole unless it runs past this, when it is cut with an
	// ellipsis.
	leadQuoteRunes = 900
	// passageRunes bounds any other quote the same way.
	passageRunes = 450
	// reporterRunes bounds the words naming a reporter's source: an
	// outlet, or a headline where the outlet is unknown.
	reporterRunes = 80
	// headlineRunes bounds a headline in a source line.
	headlineRunes = 120
	// leadReporters is how many outlets "Also reported by" names before
	// "and N more".
	leadReporters = 4
	// maxLinkBytes: longer links are left out; the words stay, unlinked.
	maxLinkBytes = 300
)

// Texts of the card that tests and the README quote.
const (
	noAnswerTitle   = "No source in the library answers this."
	noAnswerHint    = "Ask a moderator to add a source that covers it; I keep the question and will say so here if a source added later answers it."
	closestTitle    = "Not a confirmed answer — the closest passages:"
	keptHint        = "I keep the question and will say so here if a source added later answers it."
	otherQuotesName = "Other quotes"
	moreQuotesName  = "More quotes"
	noMoreQuotes    = "No more quotes for this question."
	forwardLabel    = "More ▶"
)

// page says which slice of an answer a card shows and how to ask for the
// neighbouring ones.
type page struct {
	// QuestionID is the logged question the buttons refer to; no
	// buttons without it.
	QuestionID string
	// Source is the source token of a restricted answer (see
	// sourceToken), or "".
	Source string
	// Offset is the position among the answer's quotes of the first one
	// the card shows: 0 on the first card, which leads with the best.
	Offset int
	// Size is how many quotes a card shows; cardQuotes when 0.
	Size int
}

func (p page) size() int {
	if p.Size <= 0 {
		return cardQuotes
	}
	return p.Size
}

// want is how many quotes, from the best one on, the library must return
// to render p.
func (p page) want() int { return p.Offset + p.size() }

// renderAnswer turns an answer into the card users see, in its tier (see
// the top of this file). ans.Quotes starts with the best quote; a later
// page's quotes start at p.Offset. It is pure: golden files in testdata
// pin its output.
func renderAnswer(ans search.Answer, p page) message {
	head := questionHead(ans)
	switch tier := tierOf(ans); {
	case p.Offset > 0:
		return renderLaterPage(ans, p, head)
	case tier == search.Answered:
		return renderAnswered(ans, p, head)
	case tier == search.Closest:
		return renderClosest(ans, p, head)
	}
	return message{Content: head, Embeds: []*discordgo.MessageEmbed{{Title: noAnswerTitle, Description: noAnswerHint, Color: noAnswerColor}}}
}

// tierOf is the tier an answer is shown in: a tier with no quote to
// show is a no.
func tierOf(ans search.Answer) search.Confidence {
	if len(ans.Quotes) == 0 {
		return search.None
	}
	return ans.Confidence
}

// renderAnswered is the first card of an answer: the best quote as the
// lead embed, the next of the page in a second one, and where sources
// disagree, within what a phone shows at once.
func renderAnswered(ans search.Answer, p page, head string) message {
	lead := renderQuote(ans.Quotes[0], maxEmbedTotal/2)
	embeds := []*discordgo.MessageEmbed{lead}
	rest := ans.Quotes[1:min(len(ans.Quotes), p.size())]
	cited := map[string]bool{ans.Quotes[0].Source.ID: true}
	text, shown := passagesWithin(rest, cardTextBudget-cardRunes(head, embeds)-runes(otherQuotesName), false, cited)
	if shown > 0 {
		embeds = append(embeds, &discordgo.MessageEmbed{Title: otherQuotesName, Description: text, Color: embedColor})
	}
	if f := differFieldWithin(ans.Differ, cardTextBudget-cardRunes(head, embeds)); f != nil {
		lead.Fields = append(lead.Fields, f)
	}
	return message{Content: head, Embeds: embeds, Components: pagingRow(p, 1+shown, total(ans))}
}

// renderClosest is the card of a question the library cannot confirm an
// answer to: the closest passages in plain sight, labelled as such, and
// the promise to say so when a source answers. No paging: the passages
// further down are further still from the question.
func renderClosest(ans search.Answer, p page, head string) message {
	qs := ans.Quotes[:min(len(ans.Quotes), p.size())]
	text, _ := passagesWithin(qs, cardTextBudget-runes(head)-runes(closestTitle)-runes(keptHint), true, map[string]bool{})
	e := &discordgo.MessageEmbed{Title: closestTitle, Description: text, Color: noAnswerColor, Footer: footer(keptHint)}
	if f := differFieldWithin(ans.Differ, cardTextBudget-cardRunes(head, []*discordgo.MessageEmbed{e})); f != nil {
		e.Fields = append(e.Fields, f)
	}
	return message{Content: head, Embeds: []*discordgo.MessageEmbed{e}}
}

// renderLaterPage is a page after the first: the next quotes alone, the
// lead not repeated.
func renderLaterPage(ans search.Answer, p page, head string) message {
	from := min(len(ans.Quotes), p.Offset)
	qs := ans.Quotes[from:min(len(ans.Quotes), from+p.size())]
	if len(qs) == 0 {
		// Paged past the end: the library changed since the first card.
		return message{Content: head, Embeds: []*discordgo.MessageEmbed{{Description: noMoreQuotes, Color: noAnswerColor}},
			Components: pagingRow(p, 0, 0)}
	}
	text, shown := passagesWithin(qs, cardTextBudget-runes(head)-runes(moreQuotesName), true, map[string]bool{})
	return message{Content: head, Embeds: []*discordgo.MessageEmbed{{Title: moreQuotesName, Description: text, Color: embedColor}},
		Components: pagingRow(p, p.Offset+shown, total(ans))}
}

func total(ans search.Answer) int { return max(ans.Total, len(ans.Quotes)) }

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

// passagesWithin renders quotes as passages, one after another, within
// budget characters: as many whole ones as fit, and shown says how many.
// With first set, the first is shown even when it must be cut to fit.
// cited holds the sources the card has named already, and gains these.
func passagesWithin(qs []search.Quote, budget int, first bool, cited map[string]bool) (text string, shown int) {
	var parts []string
	used := 0
	for k, q := range qs {
		line := passageSource(q, cited)
		p := passage(q, passageRunes, line)
		if n := runes(p) + 2; used+n > budget {
			if k > 0 || !first {
				break
			}
			p = passage(q, max(100, budget-used-runes(line)-1), line)
		}
		cited[q.Source.ID] = true
		parts = append(parts, p)
		used += runes(p) + 2
	}
	return strings.Join(parts, "\n\n"), len(parts)
}

// passage is one quote as a block quote, the words that answer in bold,
// cut past limit characters, then the line saying where it comes from.
func passage(q search.Quote, limit int, line string) string {
	s := blockQuote(q.Text, q.Answer, limit)
	if line != "" {
		s += "\n" + line
	}
	return s
}

// passageSource is the short source line of a quote after the lead; for
// a source the card has cited already, who speaks and "same article":
// the seeds' long headlines repeated under every quote read as noise.
func passageSource(q search.Quote, cited map[string]bool) string {
	if !cited[q.Source.ID] {
		return shortSourceLine(q)
	}
	if who := textclip.OneLine(search.AttributionLine(q.SaidBy, q.AccordingTo)); who != "" {
		return "— " + escapeMarkdown(clip(who, maxAttributionRunes-20)) + " · same article"
	}
	return "— same article"
}

// renderQuote is the lead embed of a quote, within budget characters:
// the quote whole as a block quote with the words that answer in bold
// (Quote.Answer; the question's own words are not marked: they are what
// the reader already knows), the line saying where it comes from, and who
// else reported it. Follow-ups use it too.
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
	desc := blockQuote(q.Text, q.Answer, limit)
	if after != "" {
		desc += "\n" + after
	}
	return &discordgo.MessageEmbed{Description: desc, Color: embedColor}
}

// sourceLine says where a lead quote comes from, on one line: who is
// speaking and through whom, where the text says so ("— Mehdi Chamran
// (head of the Tehran City Council), via Mehr News Agency"), the outlet
// and date where known, and the headline, linked when the source has a URL
// ("— Iran International · 2022-05-27 · [Headline](https://…)"), after
// "in:" when a speaker leads. Nothing in it is bold: the bold on a card is
// the answer's. Nothing is invented: a quote whose text names no speaker
// gets the citation alone.
func sourceLine(q search.Quote) string { return citeLine(q, false) }

// shortSourceLine is sourceLine for a quote after the lead: the outlet
// stands for the headline, linked in its place, where it is known.
func shortSourceLine(q search.Quote) string { return citeLine(q, true) }

func citeLine(q search.Quote, short bool) string {
	r := q.Source
	var parts []string
	who := textclip.OneLine(search.AttributionLine(q.SaidBy, q.AccordingTo))
	if who != "" {
		parts = append(parts, escapeMarkdown(clip(who, maxAttributionRunes-20)))
	}
	outlet := textclip.OneLine(r.Outlet)
	if outlet != "" {
		o := escapeFrom(clip(outlet, 60), false)
		if short {
			o = linked(o, r.URL, "")
		}
		parts = append(parts, o)
	}
	if d := textclip.OneLine(r.Published); d != "" {
		parts = append(parts, escapeFrom(clip(d, 20), false))
	}
	if q.Superseded != nil {
		parts = append(parts, "superseded: updated "+q.Superseded.At.UTC().Format("2 Jan 2006"))
	}
	if t := textclip.OneLine(r.Title); t != "" && (!short || outlet == "") {
		title := linked(escapeFrom(trimWords(t, headlineRunes), false), r.URL, "*")
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
		return linked(escapeFrom(clip(o, reporterRunes), false), r.URL, "")
	}
	return linked(escapeFrom(trimWords(orDefault(textclip.OneLine(r.Title), "another source"), reporterRunes), false), r.URL, "*")
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

// pagingRow is the row of paging buttons of a card of p whose quotes end
// before next, of total: "◀ Previous" past the first card, "More ▶"
// while quotes remain; none when neither applies or the card cannot be
// paged (no logged question).
func pagingRow(p page, next, total int) []discordgo.MessageComponent {
	if p.QuestionID == "" {
		return nil
	}
	var prevID, nextID string
	if p.Offset > 0 {
		prevID = pageCustomID(p.QuestionID, max(0, p.Offset-p.size()), p.Source)
	}
	if next > p.Offset && next < total {
		nextID = pageCustomID(p.QuestionID, next, p.Source)
	}
	return pageButtons(prevID, nextID, forwardLabel)
}
