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

// A check reads checkRead of the library's best quotes for the claim and
// shows at most checkQuotes of those about it: the one that contradicts
// the claim may rank below quotes that merely share its words.
const (
	checkQuotes = 3
	checkRead   = 10
)

// Colours of a check's quotes: amber for a contradiction, the card's
// blue for support, grey for a passage that speaks of the claim only.
const contradictColor = 0xc27c0e

// checkCommand is the message command (type 3): on any message, it
// checks the message's claim against the library and answers the person
// who used it, privately. A check is a search: it counts against the
// member's pace, one budget with /ask (limited).
func (b *Bot) checkCommand() command {
	return command{name: checkCommandName, kind: discordgo.MessageApplicationCommand, handle: b.handleCheck, limited: true}
}

// handleCheck answers "Check against sources": a verdict, then the
// quotes about the message's claim, those that give a different figure,
// date or claimant first; or "no source covers this"; "nothing to check"
// for a message with no claim ("ok thanks"). Always private: a check is
// for the one who asked.
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
	q := search.Query{Question: textclip.Bytes(claim, search.MaxQuestionBytes), Scope: scopeOf(i), Limit: checkRead}
	return b.answer(ctx, i, false, true, func(ctx context.Context) (message, error) {
		ans, err := b.lib.Ask(ctx, q)
		if err != nil {
			return message{}, err
		}
		var bearing []search.ClaimQuote
		if ans.Confidence != search.None {
			bearing = search.CheckClaim(claim, ans.Quotes)
		}
		return renderCheck(claim, bearing), nil
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

// renderCheck is the private answer to a check, within the card's
// budget: the verdict on the first line, the claim under it, then at
// most checkQuotes quotes about the claim (contradictions first, as
// CheckClaim orders them), each with the words compared in bold and its
// source line, which already says who said it. Pure, like renderAnswer.
func renderCheck(claim string, bearing []search.ClaimQuote) message {
	head := "**" + escapeMarkdown(checkVerdict(bearing)) + "**\nChecked: " + escapeMarkdown(clip(textclip.OneLine(claim), 200))
	m := message{Ephemeral: true, Content: head}
	if len(bearing) == 0 {
		m.Embeds = []*discordgo.MessageEmbed{{
			Description: "None of the library's sources speaks of what this message claims. Ask a moderator to add one that does.",
			Color:       noAnswerColor,
		}}
		return m
	}
	used := runes(head)
	cited := map[string]bool{}
	for k, cq := range shownInCheck(bearing) {
		tag, color := stanceTag(cq)
		room := cardTextBudget - used - runes(tag)
		line := passageSource(cq.Quote, cited)
		text := passage(cq.Quote, passageRunes, line)
		if runes(text) > room {
			if k > 0 {
				break
			}
			text = passage(cq.Quote, max(100, room-runes(line)-1), line)
		}
		cited[cq.Source.ID] = true
		m.Embeds = append(m.Embeds, &discordgo.MessageEmbed{Author: &discordgo.MessageEmbedAuthor{Name: tag}, Description: text, Color: color})
		used += runes(tag) + runes(text)
	}
	return m
}

// shownInCheck is what a check shows of the quotes about its claim: at
// most checkQuotes, and beside quotes that confirm or contradict it at
// most one that only speaks of it, for context: on a phone every quote
// more is a screen more.
func shownInCheck(bearing []search.ClaimQuote) []search.ClaimQuote {
	var out []search.ClaimQuote
	mentions := checkQuotes
	if len(bearing) > 0 && bearing[0].Stance != search.Mentions {
		mentions = 1
	}
	for _, cq := range bearing {
		if len(out) == checkQuotes {
			break
		}
		if cq.Stance == search.Mentions {
			if mentions == 0 {
				continue
			}
			mentions--
		}
		out = append(out, cq)
	}
	return out
}

// checkVerdict is a check's one-line verdict: how many sources give
// another figure, date or claimant (and the first one's words), or
// support the claim, or speak of it without either; or that none covers
// it. Sources are counted once however many of their quotes bear on it.
func checkVerdict(bearing []search.ClaimQuote) string {
	count := func(s search.Stance) int {
		seen := map[string]bool{}
		for _, cq := range bearing {
			if cq.Stance == s {
				seen[cq.Source.ID] = true
			}
		}
		return len(seen)
	}
	against, support := count(search.Contradicts), count(search.Supports)
	switch {
	case against > 0:
		first := bearing[0] // contradictions come first
		line := fmt.Sprintf("%s a different %s: %s", plural(against, "source gives", "sources give"), first.Kind, clip(textclip.OneLine(first.Value), 120))
		if support > 0 {
			line += fmt.Sprintf("; %s", plural(support, "other supports it", "others support it"))
		}
		return line
	case support > 0:
		return plural(support, "source supports this", "sources support this")
	case len(bearing) > 0:
		return "No source confirms or contradicts this"
	}
	return "No source covers this"
}

// stanceTag is the small line above a quote of a check, and its colour.
func stanceTag(cq search.ClaimQuote) (string, int) {
	switch cq.Stance {
	case search.Contradicts:
		return clip("Gives a different "+cq.Kind+" (the message: "+textclip.OneLine(cq.Claimed)+")", maxAuthorName), contradictColor
	case search.Supports:
		return "Supports the message", embedColor
	}
	return "Speaks of it", noAnswerColor
}
