package bot

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"sitrep/internal/textclip"
	"sitrep/search"
)

// digestMorePrefix starts the custom_id of the digest's "More" button;
// the period follows, so the button shows the same digest's rest.
const digestMorePrefix = "digest:more:"

// digestMoreCustomID is the "More" button's custom_id: the period, in
// Unix seconds.
func digestMoreCustomID(d search.Digest) string {
	return fmt.Sprintf("%s%d:%d", digestMorePrefix, d.Since.Unix(), d.Until.Unix())
}

// parseDigestMoreCustomID reverses digestMoreCustomID; ok is false for
// anything else.
func parseDigestMoreCustomID(id string) (since, until time.Time, ok bool) {
	rest, found := strings.CutPrefix(id, digestMorePrefix)
	a, b, two := strings.Cut(rest, ":")
	if !found || !two {
		return time.Time{}, time.Time{}, false
	}
	s, err1 := strconv.ParseInt(a, 10, 64)
	u, err2 := strconv.ParseInt(b, 10, 64)
	if err1 != nil || err2 != nil || s < 0 || u < s {
		return time.Time{}, time.Time{}, false
	}
	return time.Unix(s, 0).UTC(), time.Unix(u, 0).UTC(), true
}

// renderDigestMore is the rest of the digest, shown privately to who
// pressed "More": every change of the story, the new sources (each once,
// with the feed that brought it and a line of summary), every grouped
// question with its answer and other wordings, and the questions still
// without an answer. Packed into one message within Discord's limits.
func renderDigestMore(d search.Digest) message {
	var embeds []*discordgo.MessageEmbed
	// The changes the first message left out or cut short, in full.
	shown := planScreen(d).story
	var rest []search.StoryChange
	for k, c := range d.Story {
		if k >= shown || len(c.Claims) > screenClaims {
			rest = append(rest, c)
		}
	}
	if len(rest) > 0 {
		blocks := make([]string, 0, len(rest))
		for _, c := range rest {
			blocks = append(blocks, storyBlock(c, -1))
		}
		embeds = append(embeds, &discordgo.MessageEmbed{Title: "How the story moved, in full", Description: clipBlocks(blocks, maxEmbedDesc/2), Color: digestColor})
	}
	if e := newSourcesEmbed(d); e != nil {
		embeds = append(embeds, e)
	}
	if len(d.TopQuestions) > 0 {
		var blocks []string
		for _, q := range d.TopQuestions {
			s := questionBlock(q, nil, moreQuestionRunes)
			if len(q.Variants) > 0 {
				var vs []string
				for _, v := range q.Variants {
					vs = append(vs, "“"+escapeFrom(clip(textclip.OneLine(v), 80), false)+"”")
				}
				s += "\nAlso asked as " + strings.Join(vs, ", ")
			}
			blocks = append(blocks, s)
		}
		embeds = append(embeds, &discordgo.MessageEmbed{Title: "Questions answered", Description: clipBlocks(blocks, maxEmbedDesc/2), Color: embedColor})
	}
	if len(d.Unanswered) > 0 || d.Counts.OffTopic > 0 {
		var lines []string
		for _, q := range d.Unanswered {
			lines = append(lines, "• "+questionName(q, moreQuestionRunes))
		}
		desc := clipLines(lines, 1500)
		if len(d.Unanswered) > 0 {
			desc += "\n\nA moderator can add a source that covers them with `/source add`."
		}
		if c := d.Counts.OffTopic; c > 0 {
			desc += fmt.Sprintf("\n%s the library has nothing near (off topic) %s not listed.",
				plural(c, "question", "questions"), map[bool]string{true: "is", false: "are"}[c == 1])
		}
		embeds = append(embeds, &discordgo.MessageEmbed{Title: "No answer yet", Description: strings.TrimSpace(desc), Color: noAnswerColor})
	}
	if c := d.Counts.Private; c > 0 {
		embeds = append(embeds, &discordgo.MessageEmbed{Description: fmt.Sprintf("%s asked privately %s counted, never shown.",
			plural(c, "question", "questions"), map[bool]string{true: "is", false: "are"}[c == 1])})
	}
	m := message{Content: fmt.Sprintf("**Daily digest**, the rest · since <t:%d:f>", d.Since.Unix()), Ephemeral: true}
	if len(embeds) == 0 {
		m.Content += "\nNothing more: the digest showed it all."
	}
	for _, e := range embeds {
		e = fitEmbed(e)
		if len(m.Embeds) == maxEmbeds || embedsTotal(m.Embeds)+embedTotal(e) > maxEmbedTotal {
			break
		}
		m.Embeds = append(m.Embeds, e)
	}
	return m
}

// newSourcesEmbed lists the period's new sources, each once: title
// (linked), outlet, the feed that brought it, a line of summary; then
// how many more each feed brought beyond those.
func newSourcesEmbed(d search.Digest) *discordgo.MessageEmbed {
	if d.Counts.NewSources == 0 {
		return nil
	}
	shown := make(map[string]bool)
	var blocks []string
	for _, s := range d.NewSources {
		shown[s.Source.ID] = true
		t := escapeFrom(clip(textclip.OneLine(orDefault(s.Source.Title, "Untitled")), 120), false)
		if u := linkURL(s.Source.URL); u != "" {
			t = fmt.Sprintf("[%s](%s)", t, u)
		}
		line := "**" + t + "**"
		var about []string
		if c := citationLine(s.Source.Ref()); c != "" {
			about = append(about, escapeFrom(c, false))
		}
		if s.Feed != "" {
			about = append(about, "from the feed "+escapeFrom(clip(textclip.OneLine(s.Feed), 60), false))
		}
		if len(about) > 0 {
			line += "\n" + strings.Join(about, " · ")
		}
		if len(s.Summary) > 0 {
			line += "\n> " + escapeFrom(clip(textclip.OneLine(strings.Join(s.Summary, " ")), moreSummaryRunes), false)
		}
		blocks = append(blocks, line)
	}
	for _, f := range d.FromFeeds {
		var lines []string
		for _, r := range f.Sources {
			if shown[r.ID] {
				continue
			}
			t := escapeFrom(clip(textclip.OneLine(orDefault(r.Title, "Untitled")), 100), false)
			if u := linkURL(r.URL); u != "" {
				t = fmt.Sprintf("[%s](%s)", t, u)
			}
			lines = append(lines, "• "+t)
		}
		if len(lines) > 0 {
			blocks = append(blocks, fmt.Sprintf("**%s** brought %s:\n%s", escapeFrom(clip(textclip.OneLine(f.Title), 60), false),
				plural(len(lines), "more", "more"), clipLines(lines, 700)))
		}
	}
	if rest := d.Counts.NewSources - len(d.NewSources) - feedRest(d, shown); rest > 0 {
		blocks = append(blocks, fmt.Sprintf("…and %s", plural(rest, "more source", "more sources")))
	}
	return &discordgo.MessageEmbed{Title: plural(d.Counts.NewSources, "new source", "new sources"),
		Description: clipBlocks(blocks, maxEmbedDesc/2), Color: digestColor}
}

// feedRest counts the feeds' sources not among those shown.
func feedRest(d search.Digest, shown map[string]bool) int {
	n := 0
	for _, f := range d.FromFeeds {
		for _, r := range f.Sources {
			if !shown[r.ID] {
				n++
			}
		}
	}
	return n
}

// clipBlocks joins blocks with blank lines within limit runes, ending
// with "…and N more" when some had to go.
func clipBlocks(blocks []string, limit int) string {
	var b strings.Builder
	for k, bl := range blocks {
		more := fmt.Sprintf("…and %d more", len(blocks)-k)
		if runes(b.String())+runes(bl)+runes(more)+4 > limit {
			b.WriteString(more)
			break
		}
		b.WriteString(bl + "\n\n")
	}
	return strings.TrimSpace(b.String())
}
