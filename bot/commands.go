package bot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

// handlerFunc answers one interaction. It must acknowledge the interaction
// (through reply, answer or respondChoices) unless it returns an error
// before doing anything Discord would see; the error goes to the log, so
// a handler tells the user what went wrong in plain words itself.
type handlerFunc func(ctx context.Context, i *discordgo.Interaction) error

// command is one entry of the command table: a slash command's definition
// and the handlers for everything that comes back from it.
type command struct {
	name        string
	description string
	options     []*discordgo.ApplicationCommandOption
	// moderator commands are hidden from members without Manage Messages
	// (default_member_permissions), unavailable in DMs, and checked again
	// here with requireModerator, because server admins can change who
	// sees a command.
	moderator bool
	// limited commands (and their components) count against the
	// member's pace (memberLimits): they search the library.
	limited bool
	// handle answers the slash command.
	handle handlerFunc
	// autocomplete answers autocomplete for the command's options, or nil.
	autocomplete handlerFunc
	// kind is the command's type: a slash command when zero, or a
	// message command (discordgo.MessageApplicationCommand), which has a
	// name, no description and no options.
	kind discordgo.ApplicationCommandType
	// components answer buttons, menus and modals by custom_id prefix.
	// Prefixes start with the command's name and a colon, so they cannot
	// collide across commands.
	components map[string]handlerFunc
}

// commandTable lists the bot's commands. Adding a command is adding a file
// with its constructor and a line here.
func (b *Bot) commandTable() []command {
	cmds := []command{
		b.askCommand(),
		b.checkCommand(),
	}
	if b.cur != nil {
		cmds = append(cmds, b.sourceCommand(), b.digestCommand())
	}
	if b.feeds != nil {
		cmds = append(cmds, b.feedCommand())
	}
	return cmds
}

// definition is what is registered with Discord for c.
func (c command) definition() *discordgo.ApplicationCommand {
	def := &discordgo.ApplicationCommand{
		Name:        c.name,
		Type:        discordgo.ChatApplicationCommand,
		Description: c.description,
		Options:     c.options,
	}
	if def.Options == nil {
		def.Options = []*discordgo.ApplicationCommandOption{}
	}
	if c.kind != 0 {
		def.Type, def.Description = c.kind, ""
	}
	if c.moderator {
		perms := int64(ModeratorPermissions)
		def.DefaultMemberPermissions = &perms
		def.Contexts = &[]discordgo.InteractionContextType{discordgo.InteractionContextGuild}
	}
	return def
}

// command returns the table entry named name.
func (b *Bot) command(name string) (command, bool) {
	for _, c := range b.commands {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// component returns the command and handler whose prefix is the longest
// that starts customID.
func (b *Bot) component(customID string) (command, handlerFunc, bool) {
	var (
		best   command
		bestH  handlerFunc
		bestLn = -1
	)
	for _, c := range b.commands {
		for prefix, h := range c.components {
			if strings.HasPrefix(customID, prefix) && len(prefix) > bestLn {
				best, bestH, bestLn = c, h, len(prefix)
			}
		}
	}
	return best, bestH, bestLn >= 0
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

// replyTimeout bounds sending a reply whose work is done.
const replyTimeout = 10 * time.Second

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

// options maps a command's top-level options by name.
func options(i *discordgo.Interaction) map[string]*discordgo.ApplicationCommandInteractionDataOption {
	out := make(map[string]*discordgo.ApplicationCommandInteractionDataOption)
	for _, o := range i.ApplicationCommandData().Options {
		out[o.Name] = o
	}
	return out
}

// stringOption returns a string option's value, or "".
func stringOption(opts map[string]*discordgo.ApplicationCommandInteractionDataOption, name string) string {
	if o, ok := opts[name]; ok {
		if s, ok := o.Value.(string); ok {
			return s
		}
	}
	return ""
}

// boolOption returns a boolean option's value, or false.
func boolOption(opts map[string]*discordgo.ApplicationCommandInteractionDataOption, name string) bool {
	if o, ok := opts[name]; ok {
		if v, ok := o.Value.(bool); ok {
			return v
		}
	}
	return false
}
