package bot

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/bwmarrin/discordgo"

	"sitrep/internal/textclip"
	"sitrep/search"
)

// What the digest's first message holds: one phone screen. The rest is
// behind "More".
const (
	// screenRunes bounds the characters the first message shows (link
	// targets and markdown marks aside): 1,005 of them render 770 px high
	// at 420 px wide (discord_render.py, shoot.sh), within the about
	// 800 px a phone shows of a channel.
	screenRunes     = 1050
	screenStory     = 2 // changes of the story, at most
	screenClaims    = 2 // claims quoted in each
	screenQuestions = 3 // most asked questions, each with its answer line
	screenOpen      = 3 // questions without an answer, named in one line
	// screenQuoteRunes bounds a question's answer line, or a claim's
	// quote (the core cuts those to about 100 already).
	screenQuoteRunes = 110
	// screenNameRunes bounds a name (who said something, an outlet) or a
	// heading on the first screen.
	screenNameRunes = 40
	// screenQuestionRunes bounds a question on the first screen.
	screenQuestionRunes = 100
	// moreWhoRunes bounds who said something, with their role, in More.
	moreWhoRunes = 80
	// moreQuestionRunes bounds a question where it is listed.
	moreQuestionRunes = 200
	// moreSummaryRunes bounds a new source's summary behind "More".
	moreSummaryRunes = 300
)

// renderDigest turns a digest into the message posted: how the story
// moved, the most asked questions with one answer line each, the
// questions still without an answer in a line, and the counts, within one
// phone screen (screenRunes); a "More" button shows the rest (the new
// sources, every change and question). A period with nothing new is one
// short line. It is pure: golden files pin it.
func renderDigest(d search.Digest) []message {
	since := fmt.Sprintf("<t:%d:f>", d.Since.Unix())
	if d.Empty() {
		return []message{{Content: fmt.Sprintf("**Daily digest** · Nothing new since %s. The library holds %s.",
			since, plural(d.Counts.Sources, "source", "sources"))}}
	}
	p := planScreen(d)
	m := message{Content: p.head}
	if len(p.blocks) > 0 {
		e := &discordgo.MessageEmbed{Title: "How the story moved", Description: strings.Join(p.blocks, "\n\n"), Color: digestColor}
		if n := len(d.Story) - p.story; n > 0 {
			e.Footer = footer(plural(n, "more change", "more changes") + " under More")
		}
		m.Embeds = append(m.Embeds, e)
	}
	if len(p.questions) > 0 {
		m.Embeds = append(m.Embeds, &discordgo.MessageEmbed{Title: "Most asked", Description: strings.Join(p.questions, "\n"), Color: embedColor})
	}
	if p.more {
		m.Components = []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: moreLabel(d), Style: discordgo.SecondaryButton, CustomID: digestMoreCustomID(d)},
		}}}
	}
	return []message{m}
}

// screen is what the digest's first message shows.
type screen struct {
	head      string
	blocks    []string // the story's changes shown
	story     int      // how many
	questions []string // the questions' lines
	more      bool     // something is left for More
}

// planScreen fills one phone screen: the counts, then the story's
// changes, then the most asked questions and the unanswered ones, each
// while it fits in screenRunes; the first change always does.
func planScreen(d search.Digest) screen {
	p := screen{head: fmt.Sprintf("**Daily digest** · since <t:%d:f>\n%s", d.Since.Unix(), digestCounts(d))}
	left := screenRunes - visibleRunes(p.head) - len("How the story moved") - len("Most asked")
	for k, c := range d.Story[:min(len(d.Story), screenStory)] {
		b := storyBlock(c, screenClaims)
		if k > 0 && visibleRunes(b) > left {
			break
		}
		p.blocks = append(p.blocks, b)
		p.story++
		left -= visibleRunes(b)
		p.more = p.more || len(c.Claims) > screenClaims
	}
	above := storyQuotes(d.Story[:p.story])
	shownQ := 0
	for _, q := range d.TopQuestions[:min(len(d.TopQuestions), screenQuestions)] {
		b := questionBlock(q, above, screenQuestionRunes)
		if visibleRunes(b) > left {
			break
		}
		p.questions = append(p.questions, b)
		left -= visibleRunes(b)
		shownQ++
	}
	shownOpen := 0
	if len(d.Unanswered) > 0 {
		line := "**No answer yet:** "
		for k, q := range d.Unanswered[:min(len(d.Unanswered), screenOpen)] {
			name := questionName(q, screenQuestionRunes/2)
			if k > 0 {
				name = " · " + name
			}
			if visibleRunes(line+name) > left {
				break
			}
			line += name
			shownOpen++
		}
		if n := len(d.Unanswered) - shownOpen; n > 0 && shownOpen > 0 {
			line += fmt.Sprintf(" · and %d more", n)
		}
		if shownOpen > 0 {
			p.questions = append(p.questions, line)
		}
	}
	p.more = p.more || p.story < len(d.Story) || shownQ < len(d.TopQuestions) || shownOpen < len(d.Unanswered) ||
		d.Counts.NewSources > 0 || d.Counts.OffTopic > 0 || d.Counts.Private > 0
	return p
}

// linkTarget is the target of a markdown link, which Discord does not show.
var linkTarget = regexp.MustCompile(`\]\([^)]*\)`)

// visibleRunes counts the characters Discord shows of markdown: without
// link targets, emphasis, quote and subtext marks, and escapes.
func visibleRunes(md string) int {
	s := linkTarget.ReplaceAllString(md, "]")
	s = strings.NewReplacer("**", "", "\\", "", "\n> ", "\n", "\n-# ", "\n", "> -# ", "", "[", "", "]", "", "*", "").Replace(s)
	return runes(s)
}

// digestCounts is the digest's line of counts, saying which questions
// they include: /ask on Discord, in this server.
func digestCounts(d search.Digest) string {
	c := d.Counts
	line := plural(c.NewSources, "new source", "new sources")
	if c.Updated > 0 {
		line += fmt.Sprintf(" · %d updated", c.Updated)
	}
	line += fmt.Sprintf(" · %d in the library", c.Sources)
	if c.Questions == 0 {
		return line + " · no questions asked with /ask here"
	}
	line += fmt.Sprintf(" · %s asked with /ask here", plural(c.Questions, "question", "questions"))
	if c.OffTopic > 0 {
		line += fmt.Sprintf(", %d off topic", c.OffTopic)
	}
	return line
}

// storyBlock is one change: what moved, then each claim's short quote
// (its value in bold) with who said it, where and when; a revision reads
// from the earlier word to the latest. Past quotes claims, the others
// are named in a line (quotes < 0: all quoted).
func storyBlock(c search.StoryChange, quotes int) string {
	var b strings.Builder
	b.WriteString(storyHeading(c))
	if c.Asked > 0 {
		fmt.Fprintf(&b, " · asked %s", times(c.Asked))
	}
	// Which claims to quote: all, or the first ones (for a revision, the
	// first and the latest word).
	quoted := make([]int, len(c.Claims))
	for k := range quoted {
		quoted[k] = k
	}
	if quotes > 0 && len(quoted) > quotes {
		if c.Kind == "revised" || c.Kind == "updated" {
			quoted = append(quoted[:quotes-1:quotes-1], len(c.Claims)-1)
		} else {
			quoted = quoted[:quotes]
		}
	}
	var claims []search.Claim
	var others []string
	for k, cl := range c.Claims {
		if slices.Contains(quoted, k) {
			claims = append(claims, cl)
		} else {
			others = append(others, escapeFrom(clip(textclip.OneLine(orDefault(speaker(cl), cl.Source.Outlet)), screenNameRunes), false))
		}
	}
	for k, cl := range claims {
		b.WriteString("\n> ")
		if k > 0 && (c.Kind == "revised" || c.Kind == "updated") {
			b.WriteString("→ ")
		}
		short := cl.Short
		if quotes > 0 {
			short = clip(short, screenQuoteRunes)
		}
		b.WriteString(quoteWithValue(short, cl.Value))
		b.WriteString("\n> -# " + claimSource(cl, quotes < 0))
	}
	if len(others) > 0 {
		b.WriteString("\n-# Also " + clip(strings.Join(others, "; "), 2*screenNameRunes) + ", under More")
	}
	return b.String()
}

// storyHeading names a change: "**Revised · cameras**".
func storyHeading(c search.StoryChange) string {
	label := map[string]string{"revised": "Revised", "disputed": "Disputed", "new": "New", "updated": "Updated"}[c.Kind]
	if label == "" {
		label = "Changed"
	}
	if c.Kind == "updated" && len(c.Claims) > 0 && c.Claims[0].Source.Outlet != "" {
		label += " by " + escapeFrom(clip(textclip.OneLine(c.Claims[0].Source.Outlet), screenNameRunes), false)
	}
	return fmt.Sprintf("**%s · %s**", label, escapeFrom(clip(textclip.OneLine(c.About), screenNameRunes), false))
}

// quoteWithValue escapes a short quote for Discord, its value in bold.
func quoteWithValue(short, value string) string {
	short = textclip.OneLine(short)
	i := strings.Index(short, value)
	if value == "" || i < 0 {
		return escapeFrom(short, false)
	}
	return escapeFrom(short[:i], false) + "**" + escapeFrom(value, false) + "**" + escapeFrom(short[i+len(value):], false)
}

// claimSource says who made a claim, in which outlet (linked) and when:
// "Iranian opposition group · Iran International · 13 Jun"; where the
// speaker names the outlet, the speaker is the link. full gives the
// speaker's role and the reporting chain too.
func claimSource(cl search.Claim, full bool) string {
	var parts []string
	who := textclip.OneLine(speaker(cl))
	if full {
		who = textclip.OneLine(cl.Attribution())
	}
	outlet := textclip.OneLine(orDefault(cl.Source.Outlet, cl.Source.Title))
	u := linkURL(cl.Source.URL)
	link := func(s string) string {
		if u == "" {
			return s
		}
		return fmt.Sprintf("[%s](%s)", s, u)
	}
	n := screenNameRunes
	if full {
		n = moreWhoRunes
	}
	if who != "" {
		w := escapeFrom(clip(who, n), false)
		if outlet != "" && strings.Contains(strings.ToLower(who), strings.ToLower(outlet)) {
			w, outlet = link(w), ""
		}
		parts = append(parts, w)
	}
	if outlet != "" {
		parts = append(parts, link(escapeFrom(clip(outlet, n), false)))
	}
	parts = append(parts, claimDay(cl))
	return strings.Join(parts, " · ")
}

// speaker is who made a claim, without their role (the first screen is
// narrow; More gives it): the speaker, else the first in the
// reporting chain.
func speaker(cl search.Claim) string {
	who := cl.SaidBy
	if i := strings.Index(who, " ("); i > 0 {
		who = who[:i]
	}
	if who == "" && len(cl.AccordingTo) > 0 {
		who = cl.AccordingTo[0]
	}
	return who
}

// claimDay is when a claim was made: "14 Jun", "updated 14 Jun" for an
// article's later version, or "added 14 Jun" when the source's
// publication date is unknown.
func claimDay(cl search.Claim) string {
	if cl.Updated {
		return "updated " + cl.Dated.UTC().Format("2 Jan")
	}
	if cl.Published {
		return cl.Dated.UTC().Format("2 Jan")
	}
	return "added " + cl.Dated.UTC().Format("2 Jan")
}

// storyQuotes maps the quotes of changes to their heading, so a question
// answered by one of them points there instead of quoting it again.
func storyQuotes(cs []search.StoryChange) map[string]string {
	out := make(map[string]string)
	for _, c := range cs {
		for _, cl := range c.Claims {
			if _, ok := out[cl.Quote]; !ok {
				out[cl.Quote] = storyHeading(c)
			}
		}
	}
	return out
}

// questionBlock is a question (how often, in how many wordings) and its
// answer line: the best quote, cut short, and its outlet, or where the
// story above quotes it (above maps quotes to headings).
func questionBlock(q search.DigestQuestion, above map[string]string, n int) string {
	s := "**" + escapeFrom(clip(textclip.OneLine(q.Question), n), false) + "**"
	if q.Count > 1 {
		s += " · " + times(q.Count)
	}
	if n := len(q.Variants); n > 0 {
		s += fmt.Sprintf(" (%s)", plural(n+1, "wording", "wordings"))
	}
	if q.Best != nil && above[q.Best.Text] != "" {
		return s + " · answered above"
	}
	if q.Best != nil {
		s += "\n> " + escapeFrom(clip(textclip.OneLine(q.Best.Text), screenQuoteRunes), false)
		if src := textclip.OneLine(orDefault(q.Best.Source.Outlet, q.Best.Source.Title)); src != "" {
			src = escapeFrom(clip(src, screenNameRunes), false)
			if u := linkURL(q.Best.Source.URL); u != "" {
				src = fmt.Sprintf("[%s](%s)", src, u)
			}
			s += " — " + src
		}
	}
	return s
}

// questionName is a question in a list: its words, and how often.
func questionName(q search.DigestQuestion, n int) string {
	s := escapeFrom(clip(textclip.OneLine(q.Question), n), false)
	if q.Count > 1 {
		s += " (" + times(q.Count) + ")"
	}
	return s
}

// moreLabel names what the "More" button shows.
func moreLabel(d search.Digest) string {
	if d.Counts.NewSources > 0 {
		return "More: " + plural(d.Counts.NewSources, "new source", "new sources") + ", all questions"
	}
	return "More: all questions"
}
