package bot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/bwmarrin/discordgo"
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

// plain is a short text reply (refusals, errors, hints).
func plain(text string, ephemeral bool) message {
	return message{Content: text, Ephemeral: ephemeral}
}

// deferPrivately acknowledges i at once with a private "thinking…"
// (callback type 5), runs work and edits what it returns in. work returns
// what the user sees and, separately, an error for the log.
func (b *Bot) deferPrivately(ctx context.Context, i *discordgo.Interaction, work func(ctx context.Context) (message, error)) error {
	deferredAt := time.Now()
	err := b.session.InteractionRespond(i, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral},
	}, discordgo.WithContext(ctx))
	if err != nil {
		return fmt.Errorf("bot: defer: %w", err)
	}
	b.opts.Metrics.Deferred()
	m, workErr := work(ctx)
	m.Ephemeral = true
	rctx, cancel := b.replyContext(ctx, deferredAt)
	defer cancel()
	if err := b.deliverDeferred(rctx, i, m); err != nil {
		return errors.Join(workErr, err)
	}
	return workErr
}

// messageSend converts m for a channel message, enforcing Discord's
// limits. Mentions are disabled: quotes may contain "@everyone".
func (m message) messageSend() *discordgo.MessageSend {
	fitLimits(&m)
	return &discordgo.MessageSend{
		Content:         m.Content,
		Embeds:          m.Embeds,
		Components:      m.Components,
		AllowedMentions: &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}},
	}
}

// reply answers i at once with m as a new message (callback type 4), for
// short replies such as refusals and hints.
func (b *Bot) reply(ctx context.Context, i *discordgo.Interaction, m message) error {
	return b.respond(ctx, i, discordgo.InteractionResponseChannelMessageWithSource, m)
}

func (b *Bot) respond(ctx context.Context, i *discordgo.Interaction, kind discordgo.InteractionResponseType, m message) error {
	err := b.session.InteractionRespond(i, &discordgo.InteractionResponse{Type: kind, Data: m.responseData()}, discordgo.WithContext(ctx))
	if err != nil {
		return fmt.Errorf("bot: respond (type %d): %w", kind, err)
	}
	return nil
}

// answer replies to i with what work produces, within Discord's deadline:
// at once when work finishes within Options.DeferAfter, else after
// acknowledging i (deferred: type 5 for a new message, 6 for an update)
// by editing the original response. update says the reply replaces the
// message a component belongs to. When work fails, the user is told in
// a sentence and the error is returned for the log.
func (b *Bot) answer(ctx context.Context, i *discordgo.Interaction, update, ephemeral bool, work func(ctx context.Context) (message, error)) error {
	type result struct {
		m   message
		err error
	}
	done := make(chan result, 1)
	go func() {
		m, err := work(ctx)
		done <- result{m, err}
	}()
	finish := func(r result) message {
		if r.err != nil {
			return plain("Sorry, I couldn't search the library just now. Please try again in a moment.", true)
		}
		r.m.Ephemeral = r.m.Ephemeral || ephemeral
		return r.m
	}

	timer := time.NewTimer(b.opts.DeferAfter)
	defer timer.Stop()
	select {
	case r := <-done:
		kind := discordgo.InteractionResponseChannelMessageWithSource
		if update && r.err == nil {
			kind = discordgo.InteractionResponseUpdateMessage
		}
		if err := b.respond(ctx, i, kind, finish(r)); err != nil {
			return err
		}
		return r.err
	case <-timer.C:
	}

	kind := discordgo.InteractionResponseDeferredChannelMessageWithSource
	var data *discordgo.InteractionResponseData
	if update {
		kind = discordgo.InteractionResponseDeferredMessageUpdate
	} else if ephemeral {
		data = &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral}
	}
	deferredAt := time.Now()
	deferErr := b.session.InteractionRespond(i, &discordgo.InteractionResponse{Type: kind, Data: data}, discordgo.WithContext(ctx))
	r := <-done // work is bounded by ctx; wait so no goroutine outlives the handler
	if deferErr != nil {
		return fmt.Errorf("bot: defer (type %d): %w", kind, deferErr)
	}
	b.opts.Metrics.Deferred()
	m := finish(r)
	// The handler's context may have run out while the work waited (that is
	// often why it failed): the reply still has to reach the user.
	ctx, cancel := b.replyContext(ctx, deferredAt)
	defer cancel()
	if r.err != nil && (update || !ephemeral) {
		// Editing would replace the card with the apology, or put the
		// apology before everyone: tell the user privately instead. A
		// public "thinking…" then goes: it would think forever.
		if !update {
			uri := discordgo.EndpointWebhookMessage(i.AppID, i.Token, "@original")
			if _, err := b.session.RequestWithBucketID(http.MethodDelete, uri, nil, uri, discordgo.WithContext(ctx)); err != nil {
				b.log.Warn("removing the public thinking… failed", "interaction", i.ID, "err", err)
			}
		}
		d := m.responseData()
		params := &discordgo.WebhookParams{Content: d.Content, Flags: discordgo.MessageFlagsEphemeral, AllowedMentions: d.AllowedMentions}
		if _, err := b.session.FollowupMessageCreate(i, false, params, discordgo.WithContext(ctx)); err != nil {
			return fmt.Errorf("bot: follow-up after deferred update: %w (after %w)", err, r.err)
		}
		return r.err
	}
	if err := b.deliverDeferred(ctx, i, m); err != nil {
		return errors.Join(r.err, err)
	}
	return r.err
}

// editOriginal replaces the reply to i. discordgo's InteractionResponseEdit
// puts every webhook edit of the bot into one rate-limit bucket and holds
// its lock for the whole round trip, so under load all deferred answers
// queue behind each other (the 500-interaction load test waited minutes).
// Discord limits these edits per interaction token, so the bucket here is
// the message's own URL.
func (b *Bot) editOriginal(i *discordgo.Interaction, edit *discordgo.WebhookEdit, opts ...discordgo.RequestOption) error {
	uri := discordgo.EndpointWebhookMessage(i.AppID, i.Token, "@original")
	_, err := b.session.RequestWithBucketID(http.MethodPatch, uri, edit, uri, opts...)
	return err
}

// respondChoices answers an autocomplete interaction (callback type 8).
func (b *Bot) respondChoices(ctx context.Context, i *discordgo.Interaction, choices []*discordgo.ApplicationCommandOptionChoice) error {
	if len(choices) > maxChoices {
		choices = choices[:maxChoices]
	}
	if choices == nil {
		choices = []*discordgo.ApplicationCommandOptionChoice{}
	}
	err := b.session.InteractionRespond(i, &discordgo.InteractionResponse{
		Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		Data: &discordgo.InteractionResponseData{Choices: choices},
	}, discordgo.WithContext(ctx))
	if err != nil {
		return fmt.Errorf("bot: autocomplete: %w", err)
	}
	return nil
}
