package discordtest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// gatewayConn is one websocket connection to the fake gateway.
type gatewayConn struct {
	ws  *websocket.Conn
	wmu sync.Mutex // gorilla/websocket allows one writer at a time

	// Guarded by Server.mu.
	session    bool // READY or RESUMED was sent on it
	heartbeats int
}

// send writes v as one text frame of JSON (never zlib: discordgo reads both).
func (c *gatewayConn) send(v any) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if err := c.ws.SetWriteDeadline(time.Now().Add(10 * time.Second)); err != nil {
		return err
	}
	return c.ws.WriteJSON(v)
}

// closeWith ends the connection with a gateway close code, so the client
// sees why instead of waiting for an answer that will not come.
func (c *gatewayConn) closeWith(code int, reason string) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(time.Second))
	c.ws.Close()
}

// inFrame is a gateway payload from the client.
type inFrame struct {
	Op int             `json:"op"`
	D  json.RawMessage `json:"d"`
}

// serveGateway speaks the gateway protocol on one connection: HELLO, then
// IDENTIFY or RESUME, heartbeats, until the client or the server closes it.
func (s *Server) serveGateway(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	s.gwWG.Add(1)
	s.mu.Unlock()
	defer s.gwWG.Done()

	if q := r.URL.Query(); q.Get("encoding") != "json" || q.Get("v") == "" {
		s.violate(fmt.Errorf("gateway URL %s: want ?v=<version>&encoding=json", r.URL))
	}
	ws, err := s.upg.Upgrade(w, r, nil)
	if err != nil {
		s.violate(fmt.Errorf("gateway upgrade: %w", err))
		return
	}
	c := &gatewayConn{ws: ws}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		ws.Close()
		return
	}
	s.conns[c] = true
	s.mu.Unlock()
	defer func() {
		ws.Close()
		s.mu.Lock()
		delete(s.conns, c)
		if s.current == c {
			s.current = nil
		}
		s.notifyLocked()
		s.mu.Unlock()
	}()

	hello := map[string]any{"op": 10, "d": map[string]any{"heartbeat_interval": s.cfg.heartbeatInterval.Milliseconds()}}
	if err := c.send(hello); err != nil {
		return
	}
	for {
		_, data, err := ws.ReadMessage()
		if err != nil {
			return // closed by the client, Disconnect or shutdown
		}
		var f inFrame
		if err := json.Unmarshal(data, &f); err != nil {
			s.violate(fmt.Errorf("gateway: frame is not JSON: %w: %s", err, clip(data)))
			c.closeWith(4002, "Error while decoding payload.")
			return
		}
		switch f.Op {
		case 1: // heartbeat
			if err := c.send(map[string]any{"op": 11}); err != nil {
				return
			}
			s.mu.Lock()
			s.heartbeats++
			c.heartbeats++
			s.notifyLocked()
			s.mu.Unlock()
		case 2:
			s.identify(c, f.D)
		case 6:
			s.resume(c, f.D)
		case 3, 4, 8: // presence, voice state, member request: accepted, ignored
		default:
			s.violate(fmt.Errorf("gateway: opcode %d is not one a client sends: %s", f.Op, clip(data)))
		}
	}
}

// identify starts a new gateway session: READY, then a GUILD_CREATE per guild.
func (s *Server) identify(c *gatewayConn, d json.RawMessage) {
	// Only the fields the fake uses: discordgo's own Identify does not decode
	// what discordgo encodes (presence.game.created_at).
	var in struct {
		Token          string                       `json:"token"`
		Properties     discordgo.IdentifyProperties `json:"properties"`
		Compress       bool                         `json:"compress"`
		LargeThreshold int                          `json:"large_threshold"`
		Shard          *[2]int                      `json:"shard"`
		Intents        discordgo.Intent             `json:"intents"`
	}
	if err := json.Unmarshal(d, &in); err != nil {
		s.violate(fmt.Errorf("gateway: IDENTIFY payload: %w", err))
		c.closeWith(4002, "Error while decoding payload.")
		return
	}
	id := discordgo.Identify{Token: in.Token, Properties: in.Properties, Compress: in.Compress,
		LargeThreshold: in.LargeThreshold, Shard: in.Shard, Intents: in.Intents}
	if id.Token != "Bot "+BotToken && id.Token != BotToken {
		s.violate(fmt.Errorf("gateway: IDENTIFY with a token that is not the test token"))
	}
	s.sendMu.Lock()
	defer s.sendMu.Unlock()
	s.mu.Lock()
	s.identifies = append(s.identifies, id)
	s.sessionID = "session-" + strconv.Itoa(len(s.identifies))
	s.seq = 0
	s.current = c
	sessionID := s.sessionID
	s.mu.Unlock()

	guilds := make([]any, 0, len(s.cfg.guilds))
	for _, g := range s.cfg.guilds {
		guilds = append(guilds, map[string]any{"id": g.ID, "unavailable": true})
	}
	ready := map[string]any{
		"v":                  10,
		"user":               botUser(),
		"guilds":             guilds,
		"session_id":         sessionID,
		"resume_gateway_url": s.GatewayURL(),
		"shard":              []int{0, 1},
		"application":        map[string]any{"id": AppID, "flags": s.cfg.appFlags},
		"private_channels":   []any{},
	}
	if err := s.sendEvent(c, "READY", ready); err != nil {
		return
	}
	for _, g := range s.cfg.guilds {
		if err := s.sendEvent(c, "GUILD_CREATE", guildCreate(g)); err != nil {
			return
		}
	}
	s.mu.Lock()
	c.session = true
	s.readies++
	s.notifyLocked()
	s.mu.Unlock()
}

// guildCreate is a minimal GUILD_CREATE payload for g.
func guildCreate(g Guild) map[string]any {
	channels := make([]any, 0, len(g.Channels))
	for i, id := range g.Channels {
		channels = append(channels, map[string]any{"id": id, "type": 0, "guild_id": g.ID, "name": "channel-" + strconv.Itoa(i+1), "position": i})
	}
	return map[string]any{
		"id": g.ID, "name": g.Name, "owner_id": DefaultUserID, "unavailable": false,
		"joined_at": "2024-01-01T00:00:00Z", "member_count": 2, "large": false,
		"channels": channels, "threads": []any{}, "members": []any{}, "voice_states": []any{},
		"presences": []any{}, "emojis": []any{}, "stickers": []any{}, "features": []any{},
		"roles": []any{map[string]any{
			"id": g.ID, "name": "@everyone", "permissions": strconv.FormatInt(DefaultMemberPermissions, 10),
			"position": 0, "color": 0, "hoist": false, "managed": false, "mentionable": false,
		}},
	}
}

// resume continues the current gateway session on a new connection, or
// answers INVALID_SESSION when the session is gone.
func (s *Server) resume(c *gatewayConn, d json.RawMessage) {
	var rp struct {
		Token     string `json:"token"`
		SessionID string `json:"session_id"`
		Seq       int64  `json:"seq"`
	}
	if err := json.Unmarshal(d, &rp); err != nil {
		s.violate(fmt.Errorf("gateway: RESUME payload: %w", err))
		c.closeWith(4002, "Error while decoding payload.")
		return
	}
	s.sendMu.Lock()
	defer s.sendMu.Unlock()
	s.mu.Lock()
	ok := rp.SessionID != "" && rp.SessionID == s.sessionID
	if ok {
		s.current = c
	}
	s.mu.Unlock()
	if !ok {
		c.send(map[string]any{"op": 9, "d": false})
		return
	}
	if err := s.sendEvent(c, "RESUMED", map[string]any{}); err != nil {
		return
	}
	s.mu.Lock()
	c.session = true
	s.resumes++
	s.notifyLocked()
	s.mu.Unlock()
}

// sendEvent sends a dispatch (op 0) with the next sequence number; s.sendMu
// must be held so frames leave in sequence order.
func (s *Server) sendEvent(c *gatewayConn, event string, data any) error {
	raw, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("discordtest: encode %s: %w", event, err)
	}
	s.mu.Lock()
	s.seq++
	seq := s.seq
	s.mu.Unlock()
	return c.send(map[string]any{"op": 0, "t": event, "s": seq, "d": json.RawMessage(raw)})
}

// Dispatch sends the event (op 0, the next sequence number) with data to
// the session, which must be connected (open it and WaitReady first).
func (s *Server) Dispatch(tb testing.TB, event string, data any) {
	tb.Helper()
	s.sendMu.Lock()
	defer s.sendMu.Unlock()
	s.mu.Lock()
	c := s.current
	s.mu.Unlock()
	if c == nil {
		tb.Fatalf("discordtest: dispatch %s: no gateway session is connected (Open the session and WaitReady first)", event)
	}
	if err := s.sendEvent(c, event, data); err != nil {
		tb.Fatalf("discordtest: dispatch %s: %v", event, err)
	}
}

// Disconnect drops the session's gateway connection, as a network failure
// would. With resumable, the client may RESUME (see WaitResumed); without,
// RESUME gets INVALID_SESSION and the client must IDENTIFY again.
//
// It first waits for the connection's first heartbeat: discordgo's
// heartbeat goroutine sends one right after Open, and if that write comes
// after the connection broke, discordgo closes the reconnected session
// again, in a loop.
func (s *Server) Disconnect(tb testing.TB, resumable bool) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.waitFirstHeartbeats(ctx); err != nil {
		tb.Fatalf("discordtest: Disconnect: %v", err)
	}
	s.mu.Lock()
	c := s.current
	s.current = nil
	if !resumable {
		s.sessionID = ""
	}
	s.mu.Unlock()
	if c == nil {
		tb.Fatalf("discordtest: Disconnect: no gateway session is connected")
	}
	c.ws.Close()
}

// waitFirstHeartbeats waits until every connection with a session has sent
// a heartbeat (see Disconnect).
func (s *Server) waitFirstHeartbeats(ctx context.Context) error {
	err := s.waitFor(ctx, func() bool {
		for c := range s.conns {
			if c.session && c.heartbeats == 0 {
				return false
			}
		}
		return true
	})
	if err != nil {
		return fmt.Errorf("discordtest: wait for the first heartbeat: %w", err)
	}
	return nil
}
