package bot

import (
	"context"
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
	// memberComponents are components of a moderator command that every
	// member may use (the digest's "More"); they count against the
	// member's pace.
	memberComponents map[string]handlerFunc
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

// InteractionContext is where Discord lets a command be used (its
// interaction context types). discordgo v0.28.1, the newest approved
// release, predates the field, so the bot declares what it sends.
type InteractionContext int

// ContextGuild is a server's channels: not the bot's DMs, not group DMs.
const ContextGuild InteractionContext = 0

// Definition is a command as the bot registers it: discordgo's
// ApplicationCommand and the contexts field that v0.28.1 lacks (nil:
// Discord's default, everywhere the app is installed).
type Definition struct {
	*discordgo.ApplicationCommand
	Contexts []InteractionContext `json:"contexts,omitempty"`
}

// definition is what is registered with Discord for c.
func (c command) definition() Definition {
	def := Definition{ApplicationCommand: &discordgo.ApplicationCommand{
		Name:        c.name,
		Type:        discordgo.ChatApplicationCommand,
		Description: c.description,
		Options:     c.options,
	}}
	if def.Options == nil {
		def.Options = []*discordgo.ApplicationCommandOption{}
	}
	if c.kind != 0 {
		def.Type, def.Description = c.kind, ""
	}
	if c.moderator {
		perms := int64(ModeratorPermissions)
		def.DefaultMemberPermissions = &perms
		def.Contexts = []InteractionContext{ContextGuild}
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
// that starts customID, and whether any member may use it.
func (b *Bot) component(customID string) (c command, h handlerFunc, forMembers, ok bool) {
	bestLn := -1
	for _, cmd := range b.commands {
		for members, table := range [2]map[string]handlerFunc{cmd.components, cmd.memberComponents} {
			for prefix, handler := range table {
				if strings.HasPrefix(customID, prefix) && len(prefix) > bestLn {
					c, h, forMembers, bestLn = cmd, handler, members == 1, len(prefix)
				}
			}
		}
	}
	return c, h, forMembers, bestLn >= 0
}

// replyTimeout bounds sending a reply whose work is done.
const replyTimeout = 10 * time.Second

func ptr[T any](v T) *T { return &v }

// dispatch finds the handler for i in the command table and runs it. It
// returns the command's name (for the log) and the handler's error.
func (b *Bot) dispatch(ctx context.Context, i *discordgo.Interaction) (string, error) {
	switch i.Type {
	case discordgo.InteractionApplicationCommand, discordgo.InteractionApplicationCommandAutocomplete:
		name := i.ApplicationCommandData().Name
		c, ok := b.command(name)
		if !ok {
			if i.Type == discordgo.InteractionApplicationCommandAutocomplete {
				return name, b.respondChoices(ctx, i, nil)
			}
			return name, b.reply(ctx, i, plain("I don't know that command any more. Discord may still be showing an old list: try again in a minute.", true))
		}
		if i.Type == discordgo.InteractionApplicationCommandAutocomplete {
			if c.autocomplete == nil {
				return name, b.respondChoices(ctx, i, nil)
			}
			return name, c.autocomplete(ctx, i)
		}
		if c.moderator {
			if err := requireModerator(i, b.opts.ModRole); err != nil {
				return name, b.reply(ctx, i, plain(refusal(err), true))
			}
		}
		if ok, wait := b.paced(c, i); !ok {
			return name, b.reply(ctx, i, slowDown(wait))
		}
		return name, c.handle(ctx, i)
	case discordgo.InteractionMessageComponent, discordgo.InteractionModalSubmit:
		var customID string
		if i.Type == discordgo.InteractionMessageComponent {
			customID = i.MessageComponentData().CustomID
		} else {
			customID = i.ModalSubmitData().CustomID
		}
		c, h, forMembers, ok := b.component(customID)
		if !ok {
			return customID, b.reply(ctx, i, plain("This button no longer works. Ask again to get a fresh answer.", true))
		}
		if c.moderator && !forMembers {
			if err := requireModerator(i, b.opts.ModRole); err != nil {
				return c.name, b.reply(ctx, i, plain(refusal(err), true))
			}
		}
		if forMembers {
			c.limited = true
		}
		if ok, wait := b.paced(c, i); !ok {
			return c.name, b.reply(ctx, i, slowDown(wait))
		}
		return c.name, h(ctx, i)
	default:
		return "", nil // pings are answered by Discord itself over the gateway
	}
}

// paced applies the member's limit to a limited command: it reports
// whether the member behind i may go on, else how long to wait.
func (b *Bot) paced(c command, i *discordgo.Interaction) (bool, time.Duration) {
	if !c.limited {
		return true, 0
	}
	return b.members.allow(userID(i), time.Now())
}
