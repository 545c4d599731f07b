package bot

import (
	"errors"

	"github.com/bwmarrin/discordgo"
)

// ModeratorPermissions are the permissions that make a member a Sitrep
// moderator; moderator commands are registered with them as
// default_member_permissions. Administrators have every permission.
const ModeratorPermissions = discordgo.PermissionManageMessages

// Errors of requireModerator. Their text is for the log; refusal words
// them for the user.
var (
	// ErrNotModerator: the member has neither ModeratorPermissions nor
	// the moderator role.
	ErrNotModerator = errors.New("bot: member is not a moderator")
	// ErrGuildOnly: a moderator command was used outside a server.
	ErrGuildOnly = errors.New("bot: command is only available in a server")
)

// requireModerator reports whether the member behind i may use moderator
// commands: they have Manage Messages (or Administrator) in the channel,
// as Discord computed it in member.permissions, or they have modRole
// (when not ""). Discord hides such commands from other members already
// (default_member_permissions), but server admins can override that, so
// the bot checks again. It returns ErrGuildOnly in DMs and ErrNotModerator
// otherwise.
func requireModerator(i *discordgo.Interaction, modRole string) error {
	if i.GuildID == "" || i.Member == nil {
		return ErrGuildOnly
	}
	perms := i.Member.Permissions
	if perms&discordgo.PermissionAdministrator != 0 || perms&ModeratorPermissions == ModeratorPermissions {
		return nil
	}
	if modRole != "" {
		for _, r := range i.Member.Roles {
			if r == modRole {
				return nil
			}
		}
	}
	return ErrNotModerator
}

// refusal is what a user is told when requireModerator says no.
func refusal(err error) string {
	if errors.Is(err, ErrGuildOnly) {
		return "This command only works in a server."
	}
	return "Only moderators can do that: it needs the Manage Messages permission or the moderator role."
}
