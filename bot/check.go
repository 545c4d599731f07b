package bot

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"github.com/bwmarrin/discordgo"

	"sitrep/internal/textclip"
	"sitrep/search"
)

// checkCommandName is the message command's name as Discord shows it
// under Apps in a message's menu.
const checkCommandName = "Check against sources"

// checkQuotes is how many quotes a check shows.
const checkQuotes = 4

// checkCommand is the message command (type 3): on any message, it
// checks the message's claim against the library and answers the person
// who used it, privately.
func (b *Bot) checkCommand() command {
	return command{name: checkCommandName, kind: discordgo.MessageApplicationCommand, handle: b.handleCheck}
}

// handleCheck answers "Check against sources": the quotes that bear on
// the message, those that give a different figure, date or claimant, or
// "no source covers this"; "nothing to check" for a message with no claim
// ("ok thanks"). Always private: a check is for the one who asked.
func (b *Bot) handleCheck(ctx context.Context, i *discordgo.Interaction) error {
	data := i.ApplicationCommandData()
	var claim string
	if data.Resolved != nil {
		if m := data.Resolved.Messages[data.TargetID]; m != nil {
			claim = strings.TrimSpace(m.Content)
		}
	}
	if !hasClaim(claim) {
		return b.reply(ctx, i, plain("Nothing to check: that message makes no claim I can look up in the sources.", true))
	}
	q := search.Query{Question: textclip.Bytes(claim, search.MaxQuestionBytes), Scope: scopeOf(i), Limit: checkQuotes}
	return b.answer(ctx, i, false, true, func(ctx context.Context) (message, error) {
		ans, err := b.lib.Ask(ctx, q)
		if err != nil {
			return message{}, err
		}
		return renderCheck(claim, ans, search.ClaimDiffers(claim, ans.Quotes)), nil
	})
}

// chatFiller are words that carry no claim.
var chatFiller = map[string]bool{
	"ok": true, "okay": true, "thanks": true, "thank": true, "you": true, "thx": true, "lol": true,
	"yes": true, "yeah": true, "yep": true, "no": true, "nope": true, "sure": true, "great": true,
	"cool": true, "nice": true, "please": true, "hello": true, "hi": true, "hey": true, "good": true,
	"morning": true, "night": true, "agreed": true, "same": true, "the": true, "and": true, "for": true,
	"this": true, "that": true, "all": true, "got": true, "it": true, "will": true, "do": true, "see": true,
}

// hasClaim: at least three words that are not chat filler.
func hasClaim(text string) bool {
	n := 0
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if len([]rune(w)) >= 2 && !chatFiller[w] {
			n++
		}
	}
	return n >= 3
}

// renderCheck is the private answer to a check: the claim, then each
// quote with who said it, marked where it gives a different figure, date
// or claimant; or that no source covers it. Pure, like renderAnswer.
func renderCheck(claim string, ans search.Answer, differs []search.Disagreement) message {
	head := "**Checked against the sources:** " + escapeMarkdown(clip(textclip.OneLine(claim), 300))
	if !ans.Answered || len(ans.Quotes) == 0 {
		return message{Ephemeral: true, Content: head, Embeds: []*discordgo.MessageEmbed{{
			Title:       "No source covers this",
			Description: "None of the library's sources says anything about this claim. Ask a moderator to add one that does.",
			Color:       noAnswerColor,
		}}}
	}
	byQuote := make(map[string]search.Disagreement)
	for _, d := range differs {
		byQuote[d.B.Source.ID+"\x00"+d.B.Quote] = d
	}
	shown := min(len(ans.Quotes), checkQuotes)
	embeds := make([]*discordgo.MessageEmbed, 0, shown)
	for _, q := range ans.Quotes[:shown] {
		e := renderQuote(q, maxEmbedTotal/shown-8)
		// The card's source line says where the quote was published;
		// who said it goes under it.
		if who := textclip.OneLine(q.Attribution()); who != "" {
			e.Description += "\nSaid by " + escapeMarkdown(clip(who, maxAttributionRunes))
		}
		if d, ok := byQuote[q.Source.ID+"\x00"+q.Text]; ok {
			e.Author = &discordgo.MessageEmbedAuthor{Name: clip(fmt.Sprintf("Gives a different %s: %s (the message: %s)", d.Kind, textclip.OneLine(d.B.Value), textclip.OneLine(d.A.Value)), 250)}
			e.Color = noAnswerColor
		} else {
			e.Author = &discordgo.MessageEmbedAuthor{Name: "Bears on the claim"}
		}
		embeds = append(embeds, e)
	}
	m := message{Ephemeral: true, Content: head, Embeds: embeds}
	fitLimits(&m)
	return m
}
