// Package discordtest is a fake Discord for tests: a REST API and a gateway
// on 127.0.0.1 that a real discordgo Session talks to, validating every REST
// request against Discord's own OpenAPI description.
//
// A test starts a Server, points discordgo at it and opens a session:
//
//	srv := discordtest.New(t)
//	if err := bot.SetAPIBase(srv.APIBase()); err != nil { … }
//	t.Cleanup(func() { bot.SetAPIBase(config.DefaultAPIBase) })
//	sess := srv.Session(t) // add handlers, then sess.Open()
//
// Then it dispatches interactions (srv.NewInteraction().SlashCommand(…)),
// waits for the bot's answers (srv.WaitRequest) and inspects them. Any
// request Discord would refuse (one that breaks the spec, an unknown route, a
// second acknowledgement, an answer later than 3 s, …) is a violation, and
// the test fails at cleanup unless AllowViolations was given.
//
// discordgo's endpoints are package variables shared by the whole process, so
// tests using a Server must not run in parallel (no t.Parallel).
//
// Deviations from Discord, on purpose: the gateway sends uncompressed text
// frames whatever IDENTIFY asks for; command ids are derived from command
// names, so a test can build an interaction before registering commands;
// there are no rate limits unless Fail asks for a 429.
//
// Sharding: a client that IDENTIFYs with shard [id, count] gets in READY
// and GUILD_CREATE only the guilds Discord's rule gives that shard
// ((guild_id >> 22) % count == id), and each guild's events (interactions
// included) go only to its shard's connection; DMs go to shard 0. Every
// IDENTIFY must agree on the shard count.
package discordtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// Identities of the fake Discord. Every id is a snowflake string, like
// Discord's: discordgo drops an interaction whose ids are JSON numbers.
const (
	// AppID is the bot's application id, also its user id (as for every
	// application created since 2021).
	AppID = "1000000000000000001"
	// BotUsername is the username of the bot user.
	BotUsername = "sitrep"
	// BotToken is the token Session uses, without its "Bot " prefix.
	BotToken = "test-token"
	// DefaultGuildID is the guild the gateway reports when no WithGuild is given.
	DefaultGuildID = "1000000000000000002"
	// DefaultChannelID is the text channel of the default guild.
	DefaultChannelID = "1000000000000000003"
	// DefaultUserID is the member who invokes interactions by default.
	DefaultUserID = "1000000000000000004"
	// DefaultUsername is the username of DefaultUserID.
	DefaultUsername = "alice"
)

// Default permissions of interactions: an ordinary member, and a bot that may
// read, write, embed links and attach files.
const (
	DefaultMemberPermissions = discordgo.PermissionViewChannel | discordgo.PermissionSendMessages |
		discordgo.PermissionReadMessageHistory | discordgo.PermissionEmbedLinks |
		discordgo.PermissionAttachFiles | discordgo.PermissionUseSlashCommands
	DefaultAppPermissions = discordgo.PermissionViewChannel | discordgo.PermissionSendMessages |
		discordgo.PermissionReadMessageHistory | discordgo.PermissionEmbedLinks |
		discordgo.PermissionAttachFiles
)

// callbackDeadline is how long Discord waits for the first answer to an
// interaction before it invalidates the interaction.
const callbackDeadline = 3 * time.Second

// InteractionTokenLife is how long Discord accepts an interaction's token
// for follow-ups and edits of its responses.
const InteractionTokenLife = 15 * time.Minute

// Guild is a guild the gateway announces in READY and GUILD_CREATE.
type Guild struct {
	ID       string
	Name     string
	Channels []string // text channel ids
}

// Option changes how New builds a Server.
type Option func(*config)

type config struct {
	specPath          string
	noSpec            bool
	allowViolations   bool
	guilds            []Guild
	heartbeatInterval time.Duration
	appFlags          int
	tokenLife         time.Duration
}

// WithSpec validates against the OpenAPI file at path instead of the one
// found in ../shared/discord beside the module.
func WithSpec(path string) Option { return func(c *config) { c.specPath = path } }

// WithoutSpec turns request validation off.
func WithoutSpec() Option { return func(c *config) { c.noSpec = true } }

// AllowViolations keeps violations from failing the test at cleanup, for
// tests that provoke them and check Violations themselves.
func AllowViolations() Option { return func(c *config) { c.allowViolations = true } }

// WithGuild adds a guild to READY; the first WithGuild replaces the default
// guild (DefaultGuildID with DefaultChannelID).
func WithGuild(g Guild) Option { return func(c *config) { c.guilds = append(c.guilds, g) } }

// WithHeartbeatInterval sets the interval HELLO asks for (default 41.25 s,
// like Discord).
func WithHeartbeatInterval(d time.Duration) Option {
	return func(c *config) { c.heartbeatInterval = d }
}

// WithTokenLife makes interaction tokens expire d after their interaction
// was dispatched (InteractionTokenLife by default). Webhook requests with
// an expired token get 401 Invalid Webhook Token, as from Discord; they are
// not violations, since a bot cannot always know a token's age.
func WithTokenLife(d time.Duration) Option { return func(c *config) { c.tokenLife = d } }

// WithApplicationFlags sets the application flags READY reports.
func WithApplicationFlags(flags int) Option { return func(c *config) { c.appFlags = flags } }

// Server is a fake Discord: REST and gateway on one 127.0.0.1 listener.
// Its methods are safe for concurrent use.
type Server struct {
	tb   testing.TB
	cfg  config
	http *httptest.Server
	spec *spec // nil: no validation
	upg  websocket.Upgrader

	// gwWG counts gateway connections, which httptest does not wait for
	// once they are hijacked.
	gwWG sync.WaitGroup
	// sendMu keeps dispatches in sequence order on the wire.
	sendMu sync.Mutex

	mu           sync.Mutex
	changed      chan struct{} // closed and replaced on every state change
	closed       bool
	nextID       uint64
	requests     []*Request
	taken        map[*Request]bool
	violations   []error
	routes       []route // added by Handle, tried before the built-in ones
	failChannels map[string]int
	channelMsgs  map[string][]channelMessage  // by channel: messages.go
	nonceWindow  *time.Duration               // nil: DefaultNonceWindow
	failures     []*failure                   // added by Fail
	interactions map[string]*interactionState // by token
	commands     map[string][]map[string]any  // by guild id, "" for global
	conns        map[*gatewayConn]bool
	sessions     map[int]*gwSession // by shard id; 0 when unsharded
	shardCount   int                // from IDENTIFY; 1 when unsharded
	identifies   []discordgo.Identify
	readies      int
	resumes      int
	heartbeats   int
}

// New starts a fake Discord on 127.0.0.1 and stops it when tb ends. It looks
// for Discord's OpenAPI description at ../shared/discord/openapi.json beside
// the module root (see WithSpec, WithoutSpec) and says with tb.Log whether
// requests are validated. Violations fail tb at cleanup (see AllowViolations).
func New(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	cfg := config{heartbeatInterval: 41250 * time.Millisecond, tokenLife: InteractionTokenLife}
	for _, o := range opts {
		o(&cfg)
	}
	if len(cfg.guilds) == 0 {
		cfg.guilds = []Guild{{ID: DefaultGuildID, Name: "Newsroom", Channels: []string{DefaultChannelID}}}
	}
	s := &Server{
		tb:           tb,
		cfg:          cfg,
		changed:      make(chan struct{}),
		nextID:       1100000000000000000,
		taken:        map[*Request]bool{},
		failChannels: map[string]int{},
		interactions: map[string]*interactionState{},
		commands:     map[string][]map[string]any{},
		conns:        map[*gatewayConn]bool{},
		sessions:     map[int]*gwSession{},
		shardCount:   1,
		upg:          websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }},
	}
	switch {
	case cfg.noSpec:
		tb.Log("discordtest: WithoutSpec: REST requests are NOT validated against Discord's OpenAPI spec")
	default:
		path := cfg.specPath
		if path == "" {
			var err error
			if path, err = defaultSpecPath(); err != nil {
				tb.Logf("discordtest: %v; REST requests are NOT validated against Discord's OpenAPI spec", err)
				break
			}
		}
		sp, err := loadSpec(path)
		if err != nil {
			tb.Fatalf("discordtest: %v", err)
		}
		s.spec = sp
	}

	mux := http.NewServeMux()
	mux.HandleFunc("/api/", s.serveREST)
	mux.HandleFunc("/ws/", s.serveGateway)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.violate(fmt.Errorf("%s %s: not under /api/v<N>/ (is discordgo's EndpointAPI set from APIBase?)", r.Method, r.URL.Path))
		writeJSON(w, http.StatusNotFound, discordError(0, "404: Not Found"))
	})
	s.http = httptest.NewServer(mux)
	tb.Cleanup(s.shutdown)
	return s
}

// defaultSpecPath finds ../shared/discord/openapi.json beside the directory
// holding go.mod, walking up from the working directory (a test's package).
func defaultSpecPath() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("discordtest: find spec: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			path := filepath.Join(dir, "..", "shared", "discord", "openapi.json")
			if _, err := os.Stat(path); err != nil {
				return "", fmt.Errorf("discordtest: no Discord OpenAPI spec: %w", err)
			}
			return path, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("discordtest: no go.mod above the working directory, so no ../shared spec")
		}
		dir = parent
	}
}

// shutdown closes gateway connections, waits for their goroutines, stops the
// HTTP server and reports violations.
func (s *Server) shutdown() {
	s.mu.Lock()
	s.closed = true
	for c := range s.conns {
		c.ws.Close()
	}
	s.mu.Unlock()
	s.gwWG.Wait()
	s.http.Close()

	if s.cfg.allowViolations {
		return
	}
	for _, v := range s.Violations() {
		s.tb.Errorf("discordtest: violation: %v", v)
	}
}

// APIBase is the base URL of the fake REST API, "http://127.0.0.1:PORT/api/v9/",
// to pass to bot.SetAPIBase.
func (s *Server) APIBase() string { return s.http.URL + "/api/v" + discordgo.APIVersion + "/" }

// Validating tells whether requests are checked against Discord's OpenAPI
// spec; tests of the validation itself skip without it.
func (s *Server) Validating() bool { return s.spec != nil }

// GatewayURL is the websocket URL GET /gateway and /gateway/bot return.
func (s *Server) GatewayURL() string { return "ws" + strings.TrimPrefix(s.http.URL, "http") + "/ws" }

// Session returns a real, unopened discordgo Session with token
// "Bot "+BotToken, after checking that discordgo's endpoints point at this
// server (call bot.SetAPIBase(s.APIBase()) first). tb's cleanup closes it;
// Close takes a second, as discordgo waits for the close handshake.
func (s *Server) Session(tb testing.TB) *discordgo.Session {
	tb.Helper()
	if discordgo.EndpointAPI != s.APIBase() || discordgo.EndpointGatewayBot != s.APIBase()+"gateway/bot" {
		tb.Fatalf("discordtest: discordgo.EndpointAPI is %q, want %q: call bot.SetAPIBase(srv.APIBase()) first", discordgo.EndpointAPI, s.APIBase())
	}
	sess, err := discordgo.New("Bot " + BotToken)
	if err != nil {
		tb.Fatalf("discordtest: new session: %v", err)
	}
	tb.Cleanup(func() {
		// Closing before discordgo's first heartbeat makes that heartbeat
		// fail and discordgo reconnect forever in the background.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.waitFirstHeartbeats(ctx); err != nil {
			tb.Logf("discordtest: close session: %v", err)
		}
		if err := sess.Close(); err != nil {
			tb.Logf("discordtest: close session: %v", err)
		}
	})
	return sess
}

// Requests returns every REST request received so far, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		out[i] = *r
	}
	return out
}

// WaitRequest blocks until a request for method and pattern arrives that no
// earlier WaitRequest returned, and returns it; requests received before the
// call count. pattern is a path below the API base whose "{name}" or "*"
// segments match any one segment, for example
// "/interactions/{id}/{token}/callback". It returns ctx's error if ctx ends
// first.
func (s *Server) WaitRequest(ctx context.Context, method, pattern string) (Request, error) {
	var found Request
	err := s.waitFor(ctx, func() bool {
		for _, r := range s.requests {
			if !s.taken[r] && r.Method == method && matchPath(pattern, r.Path) != nil {
				s.taken[r] = true
				found = *r
				return true
			}
		}
		return false
	})
	if err != nil {
		return Request{}, fmt.Errorf("discordtest: wait for %s %s: %w", method, pattern, err)
	}
	return found, nil
}

// Violations returns every problem seen so far: requests that break
// Discord's spec or protocol, unknown routes, gateway misuse.
func (s *Server) Violations() []error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]error(nil), s.violations...)
}

// FailChannel makes POST /channels/{channelID}/messages answer with status
// and Discord's error for it: 403 Missing Permissions (50013), 404 Unknown
// Channel (10003), or a generic error for other statuses. Status 0 undoes it.
func (s *Server) FailChannel(channelID string, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if status == 0 {
		delete(s.failChannels, channelID)
		return
	}
	s.failChannels[channelID] = status
}

// Commands returns the commands registered for guildID ("" for global
// commands), as the fake stored them.
func (s *Server) Commands(guildID string) []*discordgo.ApplicationCommand {
	s.mu.Lock()
	raw, err := json.Marshal(s.commands[guildID])
	s.mu.Unlock()
	var out []*discordgo.ApplicationCommand
	if err == nil {
		err = json.Unmarshal(raw, &out)
	}
	if err != nil {
		s.tb.Errorf("discordtest: decode stored commands: %v", err)
	}
	return out
}

// GuildOnly reports whether command name, registered for guildID ("" for
// global commands), may be used in servers only: its contexts are exactly
// [0]. discordgo v0.28.1 does not decode contexts, so Commands cannot say.
func (s *Server) GuildOnly(guildID, name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.commands[guildID] {
		if c["name"] != name {
			continue
		}
		ctxs, _ := c["contexts"].([]any)
		return len(ctxs) == 1 && fmt.Sprint(ctxs[0]) == strconv.Itoa(contextGuild)
	}
	return false
}

// Interaction context types, as Discord numbers them.
const (
	contextGuild = 0
	contextBotDM = 1
)

// waitFor calls cond with s.mu held until it returns true, after every state
// change, or until ctx ends.
func (s *Server) waitFor(ctx context.Context, cond func() bool) error {
	for {
		s.mu.Lock()
		ok := cond()
		ch := s.changed
		s.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// notifyLocked wakes the waiters; s.mu must be held.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// violate records a violation and logs it at once, for context.
func (s *Server) violate(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.violateLocked(err)
}

// violateLocked is violate with s.mu held.
func (s *Server) violateLocked(err error) {
	s.violations = append(s.violations, err)
	s.notifyLocked()
	s.tb.Logf("discordtest: violation: %v", err)
}

// newIDLocked returns a fresh snowflake; s.mu must be held.
func (s *Server) newIDLocked() string {
	s.nextID++
	return strconv.FormatUint(s.nextID, 10)
}

// CommandID is the id the fake gives a command named name, whatever its
// scope, so interactions can be built before commands are registered.
func CommandID(name string) string {
	h := fnv.New64a()
	h.Write([]byte(name))
	return strconv.FormatUint(1200000000000000000+h.Sum64()%100000000000000000, 10)
}
