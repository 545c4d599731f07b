package bot

import (
	"errors"
	"testing"

	"github.com/bwmarrin/discordgo"
)

func TestRequireModerator(t *testing.T) {
	const guild, modRole = "1000000000000000002", "1000000000000000009"
	member := func(perms int64, roles ...string) *discordgo.Interaction {
		return &discordgo.Interaction{GuildID: guild, Member: &discordgo.Member{
			User: &discordgo.User{ID: "1"}, Permissions: perms, Roles: roles}}
	}
	tests := []struct {
		name    string
		i       *discordgo.Interaction
		modRole string
		want    error
	}{
		{"manage messages", member(discordgo.PermissionManageMessages | discordgo.PermissionSendMessages), "", nil},
		{"administrator", member(discordgo.PermissionAdministrator), "", nil},
		{"ordinary member", member(discordgo.PermissionSendMessages | discordgo.PermissionViewChannel), "", ErrNotModerator},
		{"manage server alone is not enough", member(discordgo.PermissionManageServer), "", ErrNotModerator},
		{"moderator role", member(discordgo.PermissionSendMessages, "1000000000000000008", modRole), modRole, nil},
		{"other roles", member(discordgo.PermissionSendMessages, "1000000000000000008"), modRole, ErrNotModerator},
		{"no role configured", member(0, ""), "", ErrNotModerator},
		{"direct message", &discordgo.Interaction{User: &discordgo.User{ID: "1"}}, modRole, ErrGuildOnly},
		{"guild without member", &discordgo.Interaction{GuildID: guild}, "", ErrGuildOnly},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := requireModerator(tt.i, tt.modRole); !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
				t.Errorf("requireModerator = %v, want %v", err, tt.want)
			}
		})
	}
}

// TestModeratorDefinition checks what a moderator command registers:
// hidden from members without ModeratorPermissions, guild only.
func TestModeratorDefinition(t *testing.T) {
	def := command{name: "source", description: "d", moderator: true}.definition()
	if def.DefaultMemberPermissions == nil || *def.DefaultMemberPermissions != ModeratorPermissions {
		t.Errorf("default_member_permissions %v, want %d", def.DefaultMemberPermissions, ModeratorPermissions)
	}
	if len(def.Contexts) != 1 || def.Contexts[0] != ContextGuild {
		t.Errorf("contexts %v, want guild only", def.Contexts)
	}
	if def := (command{name: "ask", description: "d"}).definition(); def.DefaultMemberPermissions != nil || def.Options == nil {
		t.Errorf("/ask definition %+v", def)
	}
}
