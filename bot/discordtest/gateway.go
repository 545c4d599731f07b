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
	shard      int // the shard it identified or resumed as
}

// gwSession is one gateway session: a shard's, or the only one when the
// client does not shard. Guarded by Server.mu.
type gwSession struct {
	id   string       // session id, for RESUME; "" once it cannot resume
	conn *gatewayConn // where its events go; nil while disconnected
	seq  int64        // last sequence number sent
}

// NumberedGuild returns guild number k (from 0) for sharding tests: its id
// has (id >> 22) == 240000000000 + k, so among COUNT shards it belongs to
// shard k % COUNT for every COUNT that divides 240000000000 (1 to 6, 8, 10,
// 12, 15, 16, …). It has one text channel.
func NumberedGuild(k int) Guild {
	return Guild{
		ID:       strconv.FormatUint((uint64(240000000000+k)<<22)+7, 10),
		Name:     "Server " + strconv.Itoa(k),
		Channels: []string{strconv.FormatUint(1006632960000000100+uint64(k), 10)},
	}
}

// ShardOf returns the shard that owns guildID among count shards,
// Discord's rule: (guild_id >> 22) % count. Direct messages (guildID "")
// belong to shard 0, and so does everything when count is 1 or less.
func ShardOf(guildID string, count int) int {
	if count <= 1 || guildID == "" {
		return 0
	}
	id, err := strconv.ParseUint(guildID, 10, 64)
	if err != nil {
		return 0
	}
	return int((id >> 22) % uint64(count))
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
		if gs := s.sessions[c.shard]; gs != nil && gs.conn == c {
			gs.conn = nil
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
	shard, count := 0, 1
	if in.Shard != nil {
		shard, count = in.Shard[0], in.Shard[1]
		if count < 1 || shard < 0 || shard >= count {
			s.violate(fmt.Errorf("gateway: IDENTIFY with shard [%d, %d]: want 0 <= id < count", shard, count))
			c.closeWith(4010, "Invalid shard.")
			return
		}
	}
	s.sendMu.Lock()
	defer s.sendMu.Unlock()
	s.mu.Lock()
	if len(s.identifies) > 0 && count != s.shardCount {
		s.mu.Unlock()
		s.violate(fmt.Errorf("gateway: IDENTIFY with %d shards, earlier ones with %d", count, s.shardCount))
		c.closeWith(4011, "Sharding required.")
		return
	}
	s.shardCount = count
	s.identifies = append(s.identifies, id)
	gs := &gwSession{id: "session-" + strconv.Itoa(len(s.identifies)), conn: c}
	s.sessions[shard] = gs
	c.shard = shard
	s.mu.Unlock()

	var own []Guild
	for _, g := range s.cfg.guilds {
		if ShardOf(g.ID, count) == shard {
			own = append(own, g)
		}
	}
	guilds := make([]any, 0, len(own))
	for _, g := range own {
		guilds = append(guilds, map[string]any{"id": g.ID, "unavailable": true})
	}
	ready := map[string]any{
		"v":                  10,
		"user":               botUser(),
		"guilds":             guilds,
		"session_id":         gs.id,
		"resume_gateway_url": s.GatewayURL(),
		"shard":              []int{shard, count},
		"application":        map[string]any{"id": AppID, "flags": s.cfg.appFlags},
		"private_channels":   []any{},
	}
	if err := s.sendEvent(gs, c, "READY", ready); err != nil {
		return
	}
	for _, g := range own {
		if err := s.sendEvent(gs, c, "GUILD_CREATE", guildCreate(g)); err != nil {
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
	var gs *gwSession
	for shard, cand := range s.sessions {
		if rp.SessionID != "" && cand.id == rp.SessionID {
			gs, c.shard = cand, shard
			cand.conn = c
		}
	}
	s.mu.Unlock()
	if gs == nil {
		c.send(map[string]any{"op": 9, "d": false})
		return
	}
	if err := s.sendEvent(gs, c, "RESUMED", map[string]any{}); err != nil {
		return
	}
	s.mu.Lock()
	c.session = true
	s.resumes++
	s.notifyLocked()
	s.mu.Unlock()
}

// sendEvent sends a dispatch (op 0) with gs's next sequence number on c;
// s.sendMu must be held so frames leave in sequence order.
func (s *Server) sendEvent(gs *gwSession, c *gatewayConn, event string, data any) error {
	raw, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("discordtest: encode %s: %w", event, err)
	}
	s.mu.Lock()
	gs.seq++
	seq := gs.seq
	s.mu.Unlock()
	return c.send(map[string]any{"op": 0, "t": event, "s": seq, "d": json.RawMessage(raw)})
}

// Dispatch sends the event (op 0, the next sequence number) with data to
// the session of the shard that owns data's guild_id (shard 0 when it has
// none), which must be connected (open it and WaitReady first).
func (s *Server) Dispatch(tb testing.TB, event string, data any) {
	tb.Helper()
	var in struct {
		GuildID string `json:"guild_id"`
	}
	raw, err := json.Marshal(data)
	if err == nil {
		err = json.Unmarshal(raw, &in)
	}
	if err != nil {
		tb.Fatalf("discordtest: dispatch %s: data is not a JSON object: %v", event, err)
	}
	s.mu.Lock()
	shard := ShardOf(in.GuildID, s.shardCount)
	s.mu.Unlock()
	s.DispatchToShard(tb, shard, event, data)
}

// DispatchToShard sends the event to shard's session whatever guild it is
// about, as Discord never would: for tests of what a shard does with
// another shard's events.
func (s *Server) DispatchToShard(tb testing.TB, shard int, event string, data any) {
	tb.Helper()
	s.sendMu.Lock()
	defer s.sendMu.Unlock()
	s.mu.Lock()
	gs := s.sessions[shard]
	var c *gatewayConn
	if gs != nil {
		c = gs.conn
	}
	s.mu.Unlock()
	if c == nil {
		tb.Fatalf("discordtest: dispatch %s: no gateway session of shard %d is connected (Open the session and WaitReady first)", event, shard)
	}
	if err := s.sendEvent(gs, c, event, data); err != nil {
		tb.Fatalf("discordtest: dispatch %s: %v", event, err)
	}
}

// Disconnect drops the gateway connection of shard 0 (the only session
// when the client does not shard), as a network failure would. With
// resumable, the client may RESUME (see WaitResumed); without,
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
	var c *gatewayConn
	if gs := s.sessions[0]; gs != nil {
		c, gs.conn = gs.conn, nil
		if !resumable {
			gs.id = ""
		}
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

// Identifies returns the IDENTIFY payloads received, oldest first.
func (s *Server) Identifies() []discordgo.Identify {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]discordgo.Identify(nil), s.identifies...)
}

// WaitReady blocks until the gateway has answered an IDENTIFY with READY.
func (s *Server) WaitReady(ctx context.Context) error {
	if err := s.waitFor(ctx, func() bool { return s.readies > 0 }); err != nil {
		return fmt.Errorf("discordtest: wait for READY: %w", err)
	}
	return nil
}

// WaitSessions blocks until the gateway has sent n READYs in total, one per
// IDENTIFY: n=2 sees a client identify again after a lost session.
func (s *Server) WaitSessions(ctx context.Context, n int) error {
	if err := s.waitFor(ctx, func() bool { return s.readies >= n }); err != nil {
		return fmt.Errorf("discordtest: wait for READY #%d: %w", n, err)
	}
	return nil
}

// WaitResumed blocks until the gateway has accepted n RESUMEs in total.
func (s *Server) WaitResumed(ctx context.Context, n int) error {
	if err := s.waitFor(ctx, func() bool { return s.resumes >= n }); err != nil {
		return fmt.Errorf("discordtest: wait for RESUMED #%d: %w", n, err)
	}
	return nil
}

// WaitHeartbeat blocks until the gateway has acknowledged n heartbeats.
func (s *Server) WaitHeartbeat(ctx context.Context, n int) error {
	if err := s.waitFor(ctx, func() bool { return s.heartbeats >= n }); err != nil {
		return fmt.Errorf("discordtest: wait for heartbeat #%d: %w", n, err)
	}
	return nil
}
