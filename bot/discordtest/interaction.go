package discordtest

import (
	"bytes"
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

// DMChannelID is the channel of interactions built with Interaction.DM.
const DMChannelID = "1000000000000000005"

// Interaction is who invokes an interaction, where, and its identity. Get one
// from Server.NewInteraction, change what the test needs, and build one
// payload from it (SlashCommand, Autocomplete, Button, SelectMenu,
// ModalSubmit) for DispatchInteraction. Each payload needs its own
// Interaction: Discord answers every id and token once.
type Interaction struct {
	ID    string
	Token string
	// GuildID is empty for an interaction in a DM, where the invoker comes
	// as user rather than member.
	GuildID   string
	ChannelID string
	UserID    string
	Username  string
	// Permissions are the member's permissions in the channel.
	Permissions int64
	// AppPermissions are the bot's permissions in the channel.
	AppPermissions int64
	Locale         string
}

// NewInteraction returns an interaction with a fresh id and token, invoked
// by DefaultUserID in DefaultChannelID of DefaultGuildID, with default
// permissions.
func (s *Server) NewInteraction() Interaction {
	s.mu.Lock()
	id := s.newIDLocked()
	s.mu.Unlock()
	return Interaction{
		ID:             id,
		Token:          "aW50ZXJhY3Rpb246" + id,
		GuildID:        DefaultGuildID,
		ChannelID:      DefaultChannelID,
		UserID:         DefaultUserID,
		Username:       DefaultUsername,
		Permissions:    DefaultMemberPermissions,
		AppPermissions: DefaultAppPermissions,
		Locale:         "en-US",
	}
}

// DM returns ic moved to a direct message with the bot.
func (ic Interaction) DM() Interaction {
	ic.GuildID = ""
	ic.ChannelID = DMChannelID
	return ic
}

// SlashCommand is the payload of the chat input command name with options.
func (ic Interaction) SlashCommand(name string, options ...*discordgo.ApplicationCommandInteractionDataOption) json.RawMessage {
	return ic.payload(discordgo.InteractionApplicationCommand, ic.commandData(name, options), nil)
}

// MessageCommand is the payload of the message command name (type 3,
// "Apps → name" in a message's menu) used on message targetID, which a
// member (authorID) wrote with content: Discord sends the message in
// data.resolved.messages.
func (ic Interaction) MessageCommand(name, targetID, authorID, content string) json.RawMessage {
	msg := ic.message(targetID)
	msg["content"] = content
	msg["author"] = map[string]any{"id": authorID, "username": "member" + authorID[len(authorID)-3:], "discriminator": "0", "global_name": nil, "avatar": nil, "public_flags": 0}
	delete(msg, "application_id")
	data := map[string]any{
		"id": CommandID(name), "name": name, "type": discordgo.MessageApplicationCommand, "target_id": targetID,
		"resolved": map[string]any{"messages": map[string]any{targetID: msg}},
	}
	if ic.GuildID != "" {
		data["guild_id"] = ic.GuildID
	}
	return ic.payload(discordgo.InteractionApplicationCommand, data, nil)
}

// Autocomplete is the payload of an autocomplete request while the user
// types command name; mark the option being typed with Focused.
func (ic Interaction) Autocomplete(name string, options ...*discordgo.ApplicationCommandInteractionDataOption) json.RawMessage {
	return ic.payload(discordgo.InteractionApplicationCommandAutocomplete, ic.commandData(name, options), nil)
}

// Button is the payload of a click on the button customID of the bot's
// message messageID.
func (ic Interaction) Button(customID, messageID string) json.RawMessage {
	data := map[string]any{"custom_id": customID, "component_type": discordgo.ButtonComponent}
	return ic.payload(discordgo.InteractionMessageComponent, data, ic.message(messageID))
}

// SelectMenu is the payload of a choice of values in the string select menu
// customID of the bot's message messageID.
func (ic Interaction) SelectMenu(customID, messageID string, values ...string) json.RawMessage {
	if values == nil {
		values = []string{}
	}
	data := map[string]any{"custom_id": customID, "component_type": discordgo.SelectMenuComponent, "values": values}
	return ic.payload(discordgo.InteractionMessageComponent, data, ic.message(messageID))
}

// ModalSubmit is the payload of the modal customID submitted with fields,
// text input custom ids to values, one action row each.
func (ic Interaction) ModalSubmit(customID string, fields map[string]string) json.RawMessage {
	ids := make([]string, 0, len(fields))
	for id := range fields {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	rows := make([]any, 0, len(ids))
	for _, id := range ids {
		rows = append(rows, map[string]any{
			"type":       discordgo.ActionsRowComponent,
			"components": []any{map[string]any{"type": discordgo.TextInputComponent, "custom_id": id, "value": fields[id]}},
		})
	}
	data := map[string]any{"custom_id": customID, "components": rows}
	return ic.payload(discordgo.InteractionModalSubmit, data, nil)
}

func (ic Interaction) commandData(name string, options []*discordgo.ApplicationCommandInteractionDataOption) map[string]any {
	if options == nil {
		options = []*discordgo.ApplicationCommandInteractionDataOption{}
	}
	data := map[string]any{"id": CommandID(name), "name": name, "type": discordgo.ChatApplicationCommand, "options": options}
	if ic.GuildID != "" {
		data["guild_id"] = ic.GuildID
	}
	return data
}

// message is the bot's message messageID that a component sits on.
func (ic Interaction) message(messageID string) map[string]any {
	m := map[string]any{
		"id": messageID, "channel_id": ic.ChannelID, "type": 0, "content": "", "author": botUser(),
		"timestamp": time.Now().UTC().Format(time.RFC3339), "edited_timestamp": nil, "tts": false,
		"mention_everyone": false, "mentions": []any{}, "mention_roles": []any{}, "attachments": []any{},
		"embeds": []any{}, "components": []any{}, "pinned": false, "flags": 0, "application_id": AppID,
	}
	if ic.GuildID != "" {
		m["guild_id"] = ic.GuildID
	}
	return m
}

// payload is the INTERACTION_CREATE data as Discord sends it: every
// snowflake and permission set a string.
func (ic Interaction) payload(kind discordgo.InteractionType, data any, message map[string]any) json.RawMessage {
	user := map[string]any{"id": ic.UserID, "username": ic.Username, "discriminator": "0", "global_name": nil, "avatar": nil, "public_flags": 0}
	p := map[string]any{
		"id": ic.ID, "application_id": AppID, "type": kind, "data": data, "token": ic.Token, "version": 1,
		"channel_id": ic.ChannelID, "app_permissions": strconv.FormatInt(ic.AppPermissions, 10),
		"locale": ic.Locale, "entitlements": []any{},
	}
	if message != nil {
		p["message"] = message
	}
	if ic.GuildID != "" {
		p["guild_id"] = ic.GuildID
		p["guild_locale"] = "en-US"
		p["context"] = contextGuild
		p["channel"] = map[string]any{"id": ic.ChannelID, "type": discordgo.ChannelTypeGuildText, "guild_id": ic.GuildID}
		p["authorizing_integration_owners"] = map[string]any{"0": ic.GuildID}
		p["member"] = map[string]any{
			"user": user, "roles": []any{}, "joined_at": "2024-01-01T00:00:00Z", "nick": nil, "avatar": nil,
			"permissions": strconv.FormatInt(ic.Permissions, 10), "deaf": false, "mute": false, "flags": 0, "pending": false,
		}
	} else {
		p["user"] = user
		p["context"] = contextBotDM
		p["channel"] = map[string]any{"id": ic.ChannelID, "type": discordgo.ChannelTypeDM}
		p["authorizing_integration_owners"] = map[string]any{"0": "0"}
	}
	raw, err := json.Marshal(p)
	if err != nil {
		panic("discordtest: encode interaction: " + err.Error()) // only maps of plain values here
	}
	return raw
}

// StringOption is a string option of a command.
func StringOption(name, value string) *discordgo.ApplicationCommandInteractionDataOption {
	return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: discordgo.ApplicationCommandOptionString, Value: value}
}

// IntegerOption is an integer option of a command.
func IntegerOption(name string, value int64) *discordgo.ApplicationCommandInteractionDataOption {
	return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: discordgo.ApplicationCommandOptionInteger, Value: value}
}

// BooleanOption is a boolean option of a command.
func BooleanOption(name string, value bool) *discordgo.ApplicationCommandInteractionDataOption {
	return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: discordgo.ApplicationCommandOptionBoolean, Value: value}
}

// SubcommandOption is a subcommand with its own options.
func SubcommandOption(name string, options ...*discordgo.ApplicationCommandInteractionDataOption) *discordgo.ApplicationCommandInteractionDataOption {
	return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: discordgo.ApplicationCommandOptionSubCommand, Options: options}
}

// Focused marks o as the option the user is typing, for Autocomplete.
func Focused(o *discordgo.ApplicationCommandInteractionDataOption) *discordgo.ApplicationCommandInteractionDataOption {
	o.Focused = true
	return o
}

// DispatchInteraction sends payload, an interaction (normally built by an
// Interaction), as INTERACTION_CREATE and starts its 3-second answer
// window. It fails tb if a snowflake or permission set in payload is not a
// JSON string, which would make discordgo drop the interaction silently.
func (s *Server) DispatchInteraction(tb testing.TB, payload json.RawMessage) {
	tb.Helper()
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		tb.Fatalf("discordtest: interaction payload is not JSON: %v", err)
	}
	if path := numericSnowflake(v, ""); path != "" {
		tb.Fatalf("discordtest: interaction payload has %s as a number; Discord sends snowflakes and permissions as strings and discordgo drops the interaction otherwise", path)
	}
	var in struct {
		ID            string         `json:"id"`
		ApplicationID string         `json:"application_id"`
		Type          int            `json:"type"`
		Token         string         `json:"token"`
		GuildID       string         `json:"guild_id"`
		ChannelID     string         `json:"channel_id"`
		Message       map[string]any `json:"message"`
	}
	if err := decodeJSON(payload, &in); err != nil {
		tb.Fatalf("discordtest: interaction payload: %v", err)
	}
	if in.ID == "" || in.Token == "" || in.ApplicationID != AppID || in.Type < 2 || in.Type > 5 {
		tb.Fatalf("discordtest: interaction payload needs id, token, application_id %s and type 2-5; got id %q token %q application_id %q type %d", AppID, in.ID, in.Token, in.ApplicationID, in.Type)
	}
	s.mu.Lock()
	if _, dup := s.interactions[in.Token]; dup {
		s.mu.Unlock()
		tb.Fatalf("discordtest: interaction token %q dispatched twice; build each payload from its own NewInteraction", in.Token)
	}
	s.interactions[in.Token] = &interactionState{
		id: in.ID, token: in.Token, kind: in.Type, guildID: in.GuildID, channelID: in.ChannelID,
		dispatched: time.Now(), source: in.Message,
	}
	s.mu.Unlock()
	s.Dispatch(tb, "INTERACTION_CREATE", payload)
}

// numericSnowflake returns the path of the first id or permission field in v
// that is a JSON number, or "".
func numericSnowflake(v any, path string) string {
	switch v := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			x := v[k]
			if _, isNum := x.(json.Number); isNum && (k == "id" || strings.HasSuffix(k, "_id") || strings.HasSuffix(k, "permissions")) {
				return path + "." + k
			}
			if p := numericSnowflake(x, path+"."+k); p != "" {
				return p
			}
		}
	case []any:
		for i, x := range v {
			if p := numericSnowflake(x, path+"["+strconv.Itoa(i)+"]"); p != "" {
				return p
			}
		}
	}
	return ""
}

// ExpireToken makes the token of a dispatched interaction expire now, as
// it does InteractionTokenLife after the interaction: from then on,
// follow-ups and edits with it get 401 Invalid Webhook Token.
func (s *Server) ExpireToken(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st := s.interactions[token]; st != nil {
		st.expired = true
	}
}
