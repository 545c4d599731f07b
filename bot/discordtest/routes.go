package discordtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"maps"
	"net/http"
	"strconv"
	"time"
)

// interactionState is what the fake knows of a dispatched interaction.
type interactionState struct {
	id, token          string
	kind               int // interaction type: 2 command, 3 component, 4 autocomplete, 5 modal
	guildID, channelID string
	dispatched         time.Time
	ackType            int            // callback type of the acknowledgement, 0 before it
	original           map[string]any // the @original message, once there is one
	source             map[string]any // the message a component is on
	followups          map[string]map[string]any
	expired            bool // by ExpireToken
}

// builtinRoutes is the part of Discord's API the fake implements.
func (s *Server) builtinRoutes() []route {
	return []route{
		{"GET", "/gateway", s.getGateway},
		{"GET", "/gateway/bot", s.getGateway},
		{"GET", "/users/@me", func(*Request, map[string]string) (int, any) { return http.StatusOK, botUser() }},
		{"GET", "/applications/@me", func(*Request, map[string]string) (int, any) { return http.StatusOK, s.application() }},

		{"GET", "/applications/{app}/commands", s.commandsRoute},
		{"PUT", "/applications/{app}/commands", s.commandsRoute},
		{"POST", "/applications/{app}/commands", s.commandsRoute},
		{"PATCH", "/applications/{app}/commands/{command}", s.commandsRoute},
		{"DELETE", "/applications/{app}/commands/{command}", s.commandsRoute},
		{"GET", "/applications/{app}/guilds/{guild}/commands", s.commandsRoute},
		{"PUT", "/applications/{app}/guilds/{guild}/commands", s.commandsRoute},
		{"POST", "/applications/{app}/guilds/{guild}/commands", s.commandsRoute},
		{"PATCH", "/applications/{app}/guilds/{guild}/commands/{command}", s.commandsRoute},
		{"DELETE", "/applications/{app}/guilds/{guild}/commands/{command}", s.commandsRoute},

		{"POST", "/interactions/{id}/{token}/callback", s.callback},
		{"POST", "/webhooks/{app}/{token}", s.webhookRoute},
		{"GET", "/webhooks/{app}/{token}/messages/{message}", s.webhookRoute},
		{"PATCH", "/webhooks/{app}/{token}/messages/{message}", s.webhookRoute},
		{"DELETE", "/webhooks/{app}/{token}/messages/{message}", s.webhookRoute},

		{"POST", "/channels/{channel}/messages", s.channelMessage},
		{"GET", "/channels/{channel}/messages", s.getChannelMessages},
		{"POST", "/users/@me/channels", s.createDM},
		{"GET", "/channels/{channel}", s.getChannel},
	}
}

// getChannel returns a text channel of a configured guild; any other id
// is an unknown channel.
func (s *Server) getChannel(r *Request, p map[string]string) (int, any) {
	guild := s.guildOf(p["channel"])
	if guild == "" {
		return http.StatusNotFound, discordError(10003, "Unknown Channel")
	}
	return http.StatusOK, map[string]any{"id": p["channel"], "type": 0, "guild_id": guild, "name": "channel-" + p["channel"],
		"position": 0, "permission_overwrites": []any{}, "nsfw": false, "last_message_id": nil, "flags": 0}
}

// createDM opens (or reopens) the direct message channel with a user: its
// id is derived from the user's, so DMChannelFor can name it in a test.
func (s *Server) createDM(r *Request, _ map[string]string) (int, any) {
	var body struct {
		RecipientID string `json:"recipient_id"`
	}
	if err := decodeJSON(r.Body, &body); err != nil || body.RecipientID == "" {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.badBodyLocked(r, fmt.Errorf("want a recipient_id: %v", err))
	}
	return http.StatusOK, map[string]any{
		"id": DMChannelFor(body.RecipientID), "type": 1, "last_message_id": nil, "flags": 0,
		"recipients": []any{map[string]any{"id": body.RecipientID, "username": "user" + body.RecipientID,
			"discriminator": "0", "global_name": nil, "avatar": nil}},
	}
}

// DMChannelFor is the id of the direct message channel with user.
func DMChannelFor(user string) string {
	h := fnv.New64a()
	h.Write([]byte("dm:" + user))
	return strconv.FormatUint(1300000000000000000+h.Sum64()%100000000000000000, 10)
}

func (s *Server) getGateway(r *Request, _ map[string]string) (int, any) {
	body := map[string]any{"url": s.GatewayURL()}
	if r.Path == "/gateway/bot" {
		body["shards"] = 1
		body["session_start_limit"] = map[string]any{"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
	}
	return http.StatusOK, body
}

func botUser() map[string]any {
	return map[string]any{
		"id": AppID, "username": BotUsername, "discriminator": "0", "global_name": nil,
		"avatar": nil, "bot": true, "verified": true, "flags": 0, "public_flags": 0,
	}
}

func (s *Server) application() map[string]any {
	return map[string]any{
		"id": AppID, "name": BotUsername, "description": "", "icon": nil,
		"bot_public": true, "bot_require_code_grant": false, "flags": s.cfg.appFlags,
		"verify_key": "00", "bot": botUser(),
	}
}

// commandsRoute lists, overwrites, creates, edits and deletes application
// commands, global or per guild.
func (s *Server) commandsRoute(r *Request, p map[string]string) (int, any) {
	if p["app"] != AppID {
		s.violate(fmt.Errorf("%s %s: application %s is not this bot's (%s)", r.Method, r.Path, p["app"], AppID))
		return http.StatusForbidden, discordError(50001, "Missing Access")
	}
	scope := p["guild"]
	s.mu.Lock()
	defer s.mu.Unlock()
	switch r.Method {
	case "GET":
		return http.StatusOK, snapshot(nonNil(s.commands[scope]))
	case "PUT":
		var in []map[string]any
		if err := decodeJSON(r.Body, &in); err != nil {
			return s.badBodyLocked(r, err)
		}
		seen := map[string]bool{}
		out := make([]map[string]any, 0, len(in))
		for _, c := range in {
			name, _ := c["name"].(string)
			if seen[name] {
				s.violateLocked(fmt.Errorf("%s %s: two commands named %q", r.Method, r.Path, name))
				return http.StatusBadRequest, discordError(50035, "Invalid Form Body")
			}
			seen[name] = true
			out = append(out, storedCommand(c, scope))
		}
		s.commands[scope] = out
		return http.StatusOK, snapshot(out)
	case "POST":
		var c map[string]any
		if err := decodeJSON(r.Body, &c); err != nil {
			return s.badBodyLocked(r, err)
		}
		c = storedCommand(c, scope)
		list := s.commands[scope]
		for i, old := range list {
			if old["name"] == c["name"] {
				list[i] = c
				return http.StatusOK, snapshot(c)
			}
		}
		s.commands[scope] = append(list, c)
		return http.StatusCreated, snapshot(c)
	case "PATCH", "DELETE":
		list := s.commands[scope]
		for i, old := range list {
			if old["id"] != p["command"] {
				continue
			}
			if r.Method == "DELETE" {
				s.commands[scope] = append(list[:i:i], list[i+1:]...)
				return http.StatusNoContent, nil
			}
			var patch map[string]any
			if err := decodeJSON(r.Body, &patch); err != nil {
				return s.badBodyLocked(r, err)
			}
			merged := maps.Clone(old)
			maps.Copy(merged, patch)
			list[i] = storedCommand(merged, scope)
			return http.StatusOK, snapshot(list[i])
		}
		s.violateLocked(fmt.Errorf("%s %s: unknown command %s", r.Method, r.Path, p["command"]))
		return http.StatusNotFound, discordError(10063, "Unknown application command")
	}
	return http.StatusMethodNotAllowed, discordError(0, "405: Method Not Allowed")
}

// storedCommand is c as Discord returns it: with ids, a version, and
// default_member_permissions as a string.
func storedCommand(c map[string]any, scope string) map[string]any {
	c = maps.Clone(c)
	name, _ := c["name"].(string)
	c["id"] = CommandID(name)
	c["application_id"] = AppID
	c["version"] = "1"
	if scope != "" {
		c["guild_id"] = scope
	}
	if _, ok := c["type"]; !ok {
		c["type"] = 1
	}
	if n, ok := c["default_member_permissions"].(json.Number); ok {
		c["default_member_permissions"] = n.String()
	}
	return c
}

// callbackAllowed tells whether a callback type answers an interaction type.
func callbackAllowed(kind, callback int) bool {
	switch callback {
	case 4, 5: // message, deferred message
		return kind == 2 || kind == 3 || kind == 5
	case 6, 7: // deferred update, update of the component's message
		return kind == 3 || kind == 5
	case 8: // autocomplete choices
		return kind == 4
	case 9: // modal
		return kind == 2 || kind == 3
	}
	return false // 1 PONG answers HTTP pings only, which never come by gateway
}

// callback acknowledges an interaction, once and within 3 seconds.
func (s *Server) callback(r *Request, p map[string]string) (int, any) {
	var body struct {
		Type int            `json:"type"`
		Data map[string]any `json:"data"`
	}
	if err := decodeJSON(r.Body, &body); err != nil {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.badBodyLocked(r, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.interactions[p["token"]]
	switch {
	case st == nil || st.id != p["id"]:
		s.violateLocked(fmt.Errorf("%s %s: no interaction was dispatched with this id and token", r.Method, r.Path))
		return http.StatusNotFound, discordError(10062, "Unknown interaction")
	case st.ackType != 0:
		s.violateLocked(fmt.Errorf("%s %s: interaction already acknowledged with callback type %d", r.Method, r.Path, st.ackType))
		return http.StatusBadRequest, discordError(40060, "Interaction has already been acknowledged.")
	case r.Received.Sub(st.dispatched) > callbackDeadline:
		s.violateLocked(fmt.Errorf("%s %s: first answer %v after the interaction; Discord gives up after %v (defer first)", r.Method, r.Path, r.Received.Sub(st.dispatched).Round(time.Millisecond), callbackDeadline))
		return http.StatusNotFound, discordError(10062, "Unknown interaction")
	case !callbackAllowed(st.kind, body.Type):
		s.violateLocked(fmt.Errorf("%s %s: callback type %d does not answer interaction type %d", r.Method, r.Path, body.Type, st.kind))
		return http.StatusBadRequest, discordError(50035, "Invalid Form Body")
	}
	st.ackType = body.Type
	switch body.Type {
	case 4:
		st.original = s.newMessageLocked(st.channelID, st.guildID, body.Data, r.Files)
	case 5:
		st.original = s.newMessageLocked(st.channelID, st.guildID, map[string]any{"flags": body.Data["flags"]}, nil)
	case 6, 7:
		st.original = maps.Clone(st.source)
		if st.original == nil { // a modal submitted from a command has no message
			st.original = s.newMessageLocked(st.channelID, st.guildID, nil, nil)
		}
		if body.Type == 7 {
			applyPayload(st.original, body.Data, r.Files, s.newIDLocked)
		}
	}
	if r.Query.Get("with_response") != "true" {
		return http.StatusNoContent, nil
	}
	resp := map[string]any{"interaction": map[string]any{"id": st.id, "type": st.kind}}
	if st.original != nil {
		resp["resource"] = map[string]any{"type": body.Type, "message": st.original}
	} else {
		resp["resource"] = map[string]any{"type": body.Type}
	}
	return http.StatusOK, snapshot(resp)
}

// webhookRoute serves follow-ups and the original response of interactions,
// which only exist once the interaction is acknowledged.
func (s *Server) webhookRoute(r *Request, p map[string]string) (int, any) {
	var payload map[string]any
	if r.Method == "POST" || r.Method == "PATCH" {
		if err := decodeJSON(r.Body, &payload); err != nil {
			s.mu.Lock()
			defer s.mu.Unlock()
			return s.badBodyLocked(r, err)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.interactions[p["token"]]
	switch {
	case p["app"] != AppID:
		s.violateLocked(fmt.Errorf("%s %s: webhook %s is not the application %s", r.Method, r.Path, p["app"], AppID))
		return http.StatusNotFound, discordError(10015, "Unknown Webhook")
	case st == nil:
		s.violateLocked(fmt.Errorf("%s %s: no interaction was dispatched with this token", r.Method, r.Path))
		return http.StatusNotFound, discordError(10015, "Unknown Webhook")
	case st.expired || r.Received.Sub(st.dispatched) >= s.cfg.tokenLife:
		return http.StatusUnauthorized, discordError(50027, "Invalid Webhook Token")
	case st.ackType == 0:
		s.violateLocked(fmt.Errorf("%s %s: the interaction is not acknowledged yet (respond or defer first)", r.Method, r.Path))
		return http.StatusNotFound, discordError(10015, "Unknown Webhook")
	}
	if r.Method == "POST" {
		m := s.newMessageLocked(st.channelID, st.guildID, payload, r.Files)
		if st.followups == nil {
			st.followups = map[string]map[string]any{}
		}
		st.followups[m["id"].(string)] = m
		if r.Query.Get("wait") != "true" {
			return http.StatusNoContent, nil
		}
		return http.StatusOK, snapshot(m)
	}

	id := p["message"]
	var msg map[string]any
	switch {
	case id == "@original" || (st.original != nil && st.original["id"] == id):
		msg = st.original
	default:
		msg = st.followups[id]
	}
	if msg == nil {
		s.violateLocked(fmt.Errorf("%s %s: no such message (callback type %d makes no message)", r.Method, r.Path, st.ackType))
		return http.StatusNotFound, discordError(10008, "Unknown Message")
	}
	switch r.Method {
	case "GET":
		return http.StatusOK, snapshot(msg)
	case "PATCH":
		applyPayload(msg, payload, r.Files, s.newIDLocked)
		msg["edited_timestamp"] = time.Now().UTC().Format(time.RFC3339Nano)
		return http.StatusOK, snapshot(msg)
	default: // DELETE
		if msg["id"] == st.original["id"] {
			st.original = nil
		}
		delete(st.followups, msg["id"].(string))
		return http.StatusNoContent, nil
	}
}

// channelMessage posts a message in a channel, unless FailChannel says no.
func (s *Server) channelMessage(r *Request, p map[string]string) (int, any) {
	var payload map[string]any
	if err := decodeJSON(r.Body, &payload); err != nil {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.badBodyLocked(r, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch status := s.failChannels[p["channel"]]; status {
	case 0:
	case http.StatusForbidden:
		return status, discordError(50013, "Missing Permissions")
	case http.StatusNotFound:
		return status, discordError(10003, "Unknown Channel")
	default:
		return status, discordError(0, http.StatusText(status))
	}
	return s.postChannelMessageLocked(p["channel"], payload, r)
}

// guildOf returns the configured guild holding channelID, or "".
func (s *Server) guildOf(channelID string) string {
	for _, g := range s.cfg.guilds {
		for _, c := range g.Channels {
			if c == channelID {
				return g.ID
			}
		}
	}
	return ""
}

// newMessageLocked builds a message the bot sent, as Discord returns it.
func (s *Server) newMessageLocked(channelID, guildID string, payload map[string]any, files []File) map[string]any {
	m := map[string]any{
		"id": s.newIDLocked(), "channel_id": channelID, "type": 0, "content": "",
		"author": botUser(), "timestamp": time.Now().UTC().Format(time.RFC3339Nano), "edited_timestamp": nil,
		"tts": false, "mention_everyone": false, "mentions": []any{}, "mention_roles": []any{},
		"attachments": []any{}, "embeds": []any{}, "components": []any{}, "pinned": false, "flags": 0,
		"application_id": AppID,
	}
	if guildID != "" {
		m["guild_id"] = guildID
	}
	applyPayload(m, payload, files, s.newIDLocked)
	return m
}

// applyPayload copies the message fields of a create or edit payload onto m;
// files become attachments. Payload attachments (partial objects with
// numeric ids) are not copied, as discordgo could not read them back.
func applyPayload(m, payload map[string]any, files []File, newID func() string) {
	for _, k := range []string{"content", "embeds", "components", "tts", "poll", "sticker_ids"} {
		if v, ok := payload[k]; ok && v != nil {
			m[k] = v
		}
	}
	if v, ok := payload["flags"]; ok && v != nil {
		m["flags"] = v
	}
	if len(files) > 0 {
		atts := make([]any, 0, len(files))
		for _, f := range files {
			id := newID()
			atts = append(atts, map[string]any{
				"id": id, "filename": f.Name, "size": len(f.Data), "content_type": f.ContentType,
				"url":       "https://cdn.discordapp.com/attachments/" + id + "/" + f.Name,
				"proxy_url": "https://media.discordapp.net/attachments/" + id + "/" + f.Name,
			})
		}
		m["attachments"] = atts
	}
}

func (s *Server) badBodyLocked(r *Request, err error) (int, any) {
	s.violateLocked(fmt.Errorf("%s %s: %w", r.Method, r.Path, err))
	return http.StatusBadRequest, discordError(50035, "Invalid Form Body")
}

// decodeJSON decodes a request body, keeping numbers exact.
func decodeJSON(body []byte, v any) error {
	if len(body) == 0 {
		return fmt.Errorf("discordtest: empty body, want JSON")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("discordtest: decode body: %w", err)
	}
	return nil
}

// snapshot encodes v now, while s.mu is held, so the answer cannot race
// with later changes to the stored state.
func snapshot(v any) json.RawMessage {
	data, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("discordtest: encode answer: %v", err))
	}
	return data
}

func nonNil(list []map[string]any) []map[string]any {
	if list == nil {
		return []map[string]any{}
	}
	return list
}
