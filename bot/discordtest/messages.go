package discordtest

import (
	"net/http"
	"strconv"
	"time"
)

// DefaultNonceWindow is how long the fake remembers a message's nonce for
// enforce_nonce. Discord says only "the past few minutes"; SetNonceWindow
// changes it, to 0 to play a retry that comes after Discord forgot.
const DefaultNonceWindow = 5 * time.Minute

// channelMessage is a message the bot posted with POST
// /channels/{channel}/messages, as the fake keeps it for GET.
type channelMessage struct {
	body    map[string]any // as Discord returns it, without the nonce
	nonce   string         // "" when the post had none
	created time.Time
}

// SetNonceWindow sets how long a nonce sent with enforce_nonce makes a
// second post with the same nonce return the first message instead of
// creating another (DefaultNonceWindow until set).
func (s *Server) SetNonceWindow(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nonceWindow = &d
}

// ChannelMessage is the built-in answer to POST /channels/{channel}/messages,
// for a route added with Handle that wraps it (to stall before or after
// the message exists, say).
func (s *Server) ChannelMessage(r Request, params map[string]string) (int, any) {
	return s.channelMessage(&r, params)
}

// ChannelMessages returns the messages the bot posted in channelID with
// POST /channels/{channel}/messages, oldest first: what a member sees
// there, a post that Discord deduplicated counted once.
func (s *Server) ChannelMessages(channelID string) []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]map[string]any, 0, len(s.channelMsgs[channelID]))
	for _, m := range s.channelMsgs[channelID] {
		out = append(out, m.body)
	}
	return out
}

// postChannelMessageLocked creates a message in channelID, or, when the
// payload has a nonce and enforce_nonce and a message with that nonce was
// created within the nonce window, returns that one, as Discord does.
func (s *Server) postChannelMessageLocked(channelID string, payload map[string]any, r *Request) (int, any) {
	nonce := nonceOf(payload["nonce"])
	window := DefaultNonceWindow
	if s.nonceWindow != nil {
		window = *s.nonceWindow
	}
	if enforce, _ := payload["enforce_nonce"].(bool); enforce && nonce != "" {
		for _, m := range s.channelMsgs[channelID] {
			if m.nonce == nonce && time.Since(m.created) < window {
				return http.StatusOK, withNonce(m.body, nonce)
			}
		}
	}
	body := s.newMessageLocked(channelID, s.guildOf(channelID), payload, r.Files)
	if s.channelMsgs == nil {
		s.channelMsgs = map[string][]channelMessage{}
	}
	s.channelMsgs[channelID] = append(s.channelMsgs[channelID], channelMessage{body: body, nonce: nonce, created: time.Now()})
	if nonce != "" {
		return http.StatusOK, withNonce(body, nonce)
	}
	return http.StatusOK, snapshot(body)
}

// getChannelMessages lists a channel's messages newest first, as GET
// /channels/{channel}/messages does: at most limit (default 50), before
// or after a message id. Like Discord it does not return nonces.
func (s *Server) getChannelMessages(r *Request, p map[string]string) (int, any) {
	if s.guildOf(p["channel"]) == "" {
		return http.StatusNotFound, discordError(10003, "Unknown Channel")
	}
	limit := 50
	if v := r.Query.Get("limit"); v != "" {
		limit, _ = strconv.Atoi(v)
	}
	before, _ := strconv.ParseUint(r.Query.Get("before"), 10, 64)
	after, _ := strconv.ParseUint(r.Query.Get("after"), 10, 64)
	s.mu.Lock()
	defer s.mu.Unlock()
	msgs := s.channelMsgs[p["channel"]]
	out := []map[string]any{}
	for k := len(msgs) - 1; k >= 0 && len(out) < limit; k-- {
		id, _ := strconv.ParseUint(msgs[k].body["id"].(string), 10, 64)
		if (before != 0 && id >= before) || id <= after {
			continue
		}
		out = append(out, msgs[k].body)
	}
	return http.StatusOK, snapshot(out)
}

// withNonce is body as the answer to the post that created it.
func withNonce(body map[string]any, nonce string) any {
	m := make(map[string]any, len(body)+1)
	for k, v := range body {
		m[k] = v
	}
	m["nonce"] = nonce
	return snapshot(m)
}

// nonceOf reads a nonce, a string or an integer.
func nonceOf(v any) string {
	switch n := v.(type) {
	case string:
		return n
	case float64:
		return strconv.FormatFloat(n, 'f', -1, 64)
	}
	return ""
}
