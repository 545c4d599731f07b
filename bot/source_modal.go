package bot

import (
	"context"
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"

	"sitrep/search"
)

// openSourceModal asks for the source's parts (callback type 9), the
// title and outlet given with the command filled in.
func (b *Bot) openSourceModal(ctx context.Context, i *discordgo.Interaction, title, outlet string) error {
	row := func(ti discordgo.TextInput) discordgo.MessageComponent {
		return discordgo.ActionsRow{Components: []discordgo.MessageComponent{ti}}
	}
	err := b.session.InteractionRespond(i, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseModal,
		Data: &discordgo.InteractionResponseData{
			CustomID: sourceModalID,
			Title:    "Add a source",
			Components: []discordgo.MessageComponent{
				row(discordgo.TextInput{CustomID: modalTitle, Label: "Title", Style: discordgo.TextInputShort,
					Value: clip(title, 250), MaxLength: 250, Placeholder: "The headline"}),
				row(discordgo.TextInput{CustomID: modalOutlet, Label: "Outlet", Style: discordgo.TextInputShort,
					Value: clip(outlet, 120), MaxLength: 120, Placeholder: "Who published it"}),
				row(discordgo.TextInput{CustomID: modalURL, Label: "Link (optional)", Style: discordgo.TextInputShort,
					MaxLength: 2048, Placeholder: "https://…"}),
				row(discordgo.TextInput{CustomID: modalPublished, Label: "Published (YYYY-MM-DD, optional)", Style: discordgo.TextInputShort,
					MinLength: 10, MaxLength: 10, Placeholder: "2025-06-13"}),
				row(discordgo.TextInput{CustomID: modalText, Label: "Text", Style: discordgo.TextInputParagraph,
					Required: true, MaxLength: maxModalText, Placeholder: "Paste the article's text"}),
			},
		},
	}, discordgo.WithContext(ctx))
	if err != nil {
		return fmt.Errorf("bot: open source modal: %w", err)
	}
	return nil
}

// modalValues maps a submitted modal's text inputs by custom id.
func modalValues(i *discordgo.Interaction) map[string]string {
	out := make(map[string]string)
	var walk func(cs []discordgo.MessageComponent)
	walk = func(cs []discordgo.MessageComponent) {
		for _, c := range cs {
			switch c := c.(type) {
			case *discordgo.ActionsRow:
				walk(c.Components)
			case discordgo.ActionsRow:
				walk(c.Components)
			case *discordgo.TextInput:
				out[c.CustomID] = c.Value
			case discordgo.TextInput:
				out[c.CustomID] = c.Value
			}
		}
	}
	walk(i.ModalSubmitData().Components)
	return out
}

// handleSourceModal adds the pasted source.
func (b *Bot) handleSourceModal(ctx context.Context, i *discordgo.Interaction) error {
	v := modalValues(i)
	link := strings.TrimSpace(v[modalURL])
	if link != "" && linkURL(link) == "" {
		return b.reply(ctx, i, plain("The link must start with http:// or https://. Nothing was added.", true))
	}
	if strings.TrimSpace(v[modalText]) == "" {
		return b.reply(ctx, i, plain("Paste the article's text. Nothing was added.", true))
	}
	src := search.Source{Scope: i.GuildID, Title: v[modalTitle], Outlet: v[modalOutlet], URL: link,
		Published: strings.TrimSpace(v[modalPublished]), Text: v[modalText], AddedBy: actor(i)}
	return b.deferPrivately(ctx, i, func(ctx context.Context) (message, error) {
		return b.addSource(ctx, i, src)
	})
}
