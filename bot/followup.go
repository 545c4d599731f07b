package bot

import (
	"context"
	"fmt"

	"github.com/bwmarrin/discordgo"

	"sitrep/search"
)

// followUp tells whoever asked a question that found no answer, in the
// channel where they asked, that the source just added answers it. The
// library hands each question out once, so nobody is told twice; a post
// that fails is logged and not retried (the question stays in the
// digest's history).
func (b *Bot) followUp(ctx context.Context, src search.Source) {
	fus, err := b.cur.FollowUps(ctx, src)
	if err != nil {
		b.log.Error("finding follow-ups failed", "guild", src.Scope, "source", src.ID, "err", err)
		return
	}
	for _, fu := range fus {
		q := fu.Question
		if q.ChannelID == "" {
			continue
		}
		if _, err := b.session.ChannelMessageSendComplex(q.ChannelID, renderFollowUp(fu), discordgo.WithContext(ctx)); err != nil {
			b.log.Warn("follow-up not posted", "guild", src.Scope, "channel", q.ChannelID, "question", q.ID, "err", err)
			continue
		}
		b.log.Info("followed up a question", "guild", src.Scope, "channel", q.ChannelID, "question", q.ID, "source", src.ID)
	}
}

// renderFollowUp is the follow-up message: the asker mentioned (and only
// them), their question, and the quote that answers it.
func renderFollowUp(fu search.FollowUp) *discordgo.MessageSend {
	q := fu.Question
	who := "Earlier"
	mentions := &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
	if q.UserID != "" {
		who = fmt.Sprintf("<@%s>, earlier", q.UserID)
		mentions.Users = []string{q.UserID}
	}
	m := message{
		Content: fmt.Sprintf("%s you asked “%s” (<t:%d:R>) and no source answered it then. A source just added does:",
			who, escapeMarkdown(clip(oneLine(q.Text), 300)), q.At.Unix()),
		Embeds: []*discordgo.MessageEmbed{renderQuote(fu.Quote, maxEmbedTotal-200)},
	}
	send := m.messageSend()
	send.AllowedMentions = mentions
	return send
}
