package bot

import (
	"sitrep/search"

	"github.com/bwmarrin/discordgo"
)

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

// subcommand returns the subcommand of a command with subcommands and its
// options by name.
func subcommand(i *discordgo.Interaction) (string, map[string]*discordgo.ApplicationCommandInteractionDataOption) {
	out := make(map[string]*discordgo.ApplicationCommandInteractionDataOption)
	data := i.ApplicationCommandData()
	if len(data.Options) == 0 || data.Options[0].Type != discordgo.ApplicationCommandOptionSubCommand {
		return "", out
	}
	for _, o := range data.Options[0].Options {
		out[o.Name] = o
	}
	return data.Options[0].Name, out
}

// actor is how the audit log and the listings name whoever caused i:
// "username (id)".
func actor(i *discordgo.Interaction) string {
	var u *discordgo.User
	switch {
	case i.Member != nil && i.Member.User != nil:
		u = i.Member.User
	case i.User != nil:
		u = i.User
	default:
		return ""
	}
	if u.Username == "" {
		return u.ID
	}
	return u.Username + " (" + u.ID + ")"
}

// userID is the id of whoever caused i, in a guild or a DM.
func userID(i *discordgo.Interaction) string {
	switch {
	case i.Member != nil && i.Member.User != nil:
		return i.Member.User.ID
	case i.User != nil:
		return i.User.ID
	}
	return ""
}

// scopeOf is the library scope of i: its guild, or the shared scope in DMs.
func scopeOf(i *discordgo.Interaction) string {
	if i.GuildID == "" {
		return search.SharedScope
	}
	return i.GuildID
}

// focusedValue returns what the user is typing in the option an
// autocomplete interaction is about, at the top level or inside a
// subcommand, or "".
func focusedValue(i *discordgo.Interaction) string {
	var find func(opts []*discordgo.ApplicationCommandInteractionDataOption) (string, bool)
	find = func(opts []*discordgo.ApplicationCommandInteractionDataOption) (string, bool) {
		for _, o := range opts {
			if o.Focused {
				v, _ := o.Value.(string)
				return v, true
			}
			if v, ok := find(o.Options); ok {
				return v, true
			}
		}
		return "", false
	}
	v, _ := find(i.ApplicationCommandData().Options)
	return v
}
