package discordtest_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"sitrep/bot"
	"sitrep/bot/discordtest"
	"sitrep/config"
)

// These tests point discordgo's process-wide endpoints at a fake: none may
// run in parallel. Each opened session costs a second at Close (discordgo
// waits for the close handshake), so the tests share sessions where they can.

// start returns a fake Discord with discordgo pointed at it until tb ends.
func start(tb testing.TB, opts ...discordtest.Option) *discordtest.Server {
	tb.Helper()
	srv := discordtest.New(tb, opts...)
	if err := bot.SetAPIBase(srv.APIBase()); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := bot.SetAPIBase(config.DefaultAPIBase); err != nil {
			tb.Error(err)
		}
	})
	return srv
}

// timeout is a context for one wait, cancelled when tb ends.
func timeout(tb testing.TB) context.Context {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	tb.Cleanup(cancel)
	return ctx
}

// receive waits for a value from ch.
func receive[T any](tb testing.TB, ch <-chan T, what string) T {
	tb.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		tb.Fatalf("no %s within 10 s", what)
		panic("unreachable")
	}
}

// openSession opens a real session on srv and returns it with the
// interactions it receives.
func openSession(tb testing.TB, srv *discordtest.Server) (*discordgo.Session, <-chan *discordgo.InteractionCreate) {
	tb.Helper()
	sess := srv.Session(tb)
	interactions := make(chan *discordgo.InteractionCreate, 16)
	sess.AddHandler(func(_ *discordgo.Session, ic *discordgo.InteractionCreate) { interactions <- ic })
	if err := sess.Open(); err != nil {
		tb.Fatalf("open session: %v", err)
	}
	if err := srv.WaitReady(timeout(tb)); err != nil {
		tb.Fatal(err)
	}
	return sess, interactions
}

func TestSessionRoundTrip(t *testing.T) {
	srv := start(t)
	sess := srv.Session(t)
	ready := make(chan *discordgo.Ready, 1)
	sess.AddHandler(func(_ *discordgo.Session, r *discordgo.Ready) { ready <- r })
	guilds := make(chan *discordgo.GuildCreate, 4)
	sess.AddHandler(func(_ *discordgo.Session, g *discordgo.GuildCreate) { guilds <- g })
	interactions := make(chan *discordgo.InteractionCreate, 16)
	sess.AddHandler(func(_ *discordgo.Session, ic *discordgo.InteractionCreate) { interactions <- ic })
	sess.Identify.Intents = discordgo.IntentsGuilds
	if err := sess.Open(); err != nil {
		t.Fatalf("open: %v", err)
	}
	if err := srv.WaitReady(timeout(t)); err != nil {
		t.Fatal(err)
	}

	t.Run("ready", func(t *testing.T) {
		r := receive(t, ready, "READY")
		if r.User == nil || r.User.ID != discordtest.AppID || !r.User.Bot || r.SessionID == "" || r.Version != 10 {
			t.Errorf("READY = user %+v session %q v%d", r.User, r.SessionID, r.Version)
		}
		if r.Application == nil || r.Application.ID != discordtest.AppID {
			t.Errorf("READY application = %+v, want id %s", r.Application, discordtest.AppID)
		}
		if g := receive(t, guilds, "GUILD_CREATE"); g.ID != discordtest.DefaultGuildID {
			t.Errorf("GUILD_CREATE for %q, want %q", g.ID, discordtest.DefaultGuildID)
		}
		ids := srv.Identifies()
		if len(ids) != 1 || ids[0].Intents != discordgo.IntentsGuilds {
			t.Errorf("identifies = %+v, want one with intents %d", ids, discordgo.IntentsGuilds)
		}
	})

	t.Run("slash command answered with an embed", func(t *testing.T) {
		ic := srv.NewInteraction()
		srv.DispatchInteraction(t, ic.SlashCommand("ask", discordtest.StringOption("question", "what happened?")))
		got := receive(t, interactions, "INTERACTION_CREATE")
		data := got.ApplicationCommandData()
		if data.Name != "ask" || len(data.Options) != 1 || data.Options[0].Name != "question" || data.Options[0].StringValue() != "what happened?" {
			t.Fatalf("handler saw command %q option %v", data.Name, data.Options)
		}
		if got.Member == nil || got.Member.User.ID != discordtest.DefaultUserID || got.Member.Permissions != discordtest.DefaultMemberPermissions {
			t.Errorf("member = %+v, want user %s with default permissions", got.Member, discordtest.DefaultUserID)
		}
		if got.AppPermissions != discordtest.DefaultAppPermissions || got.GuildID != discordtest.DefaultGuildID {
			t.Errorf("app permissions %d guild %q", got.AppPermissions, got.GuildID)
		}
		err := sess.InteractionRespond(got.Interaction, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{
				Content: "Here is what the sources say.",
				Embeds:  []*discordgo.MessageEmbed{{Title: "Quote", Description: "“Sentence.”", URL: "https://example.com/a"}},
			},
		})
		if err != nil {
			t.Fatalf("respond: %v", err)
		}
		req, err := srv.WaitRequest(timeout(t), "POST", "/interactions/{id}/{token}/callback")
		if err != nil {
			t.Fatal(err)
		}
		var resp discordgo.InteractionResponse
		if err := req.Decode(&resp); err != nil {
			t.Fatal(err)
		}
		if req.Path != "/interactions/"+ic.ID+"/"+ic.Token+"/callback" || req.Status != http.StatusNoContent ||
			resp.Data == nil || len(resp.Data.Embeds) != 1 || resp.Data.Embeds[0].Title != "Quote" {
			t.Errorf("callback %s status %d body %s", req.Path, req.Status, req.Body)
		}
		if srv.Validating() && req.Route != "/interactions/{interaction_id}/{interaction_token}/callback" {
			t.Errorf("route = %q, want the spec's callback route", req.Route)
		}
	})

	t.Run("deferred, edited, followed up with a file", func(t *testing.T) {
		ic := srv.NewInteraction()
		srv.DispatchInteraction(t, ic.SlashCommand("ask", discordtest.StringOption("question", "who?")))
		got := receive(t, interactions, "INTERACTION_CREATE")
		if err := sess.InteractionRespond(got.Interaction, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource}); err != nil {
			t.Fatalf("defer: %v", err)
		}
		text := "the answer"
		msg, err := sess.InteractionResponseEdit(got.Interaction, &discordgo.WebhookEdit{Content: &text})
		if err != nil {
			t.Fatalf("edit: %v", err)
		}
		if msg.Content != text || msg.ChannelID != discordtest.DefaultChannelID || msg.ID == "" {
			t.Errorf("edited message = %+v", msg)
		}
		follow, err := sess.FollowupMessageCreate(got.Interaction, true, &discordgo.WebhookParams{
			Content: "sources attached",
			Files:   []*discordgo.File{{Name: "sources.txt", ContentType: "text/plain", Reader: strings.NewReader("a\nb\n")}},
		})
		if err != nil {
			t.Fatalf("follow-up: %v", err)
		}
		if len(follow.Attachments) != 1 || follow.Attachments[0].Filename != "sources.txt" {
			t.Errorf("follow-up attachments = %+v", follow.Attachments)
		}
		req, err := srv.WaitRequest(timeout(t), "POST", "/webhooks/{app}/{token}")
		if err != nil {
			t.Fatal(err)
		}
		if len(req.Files) != 1 || string(req.Files[0].Data) != "a\nb\n" || !strings.Contains(string(req.Body), "sources attached") {
			t.Errorf("recorded follow-up: files %+v payload %s", req.Files, req.Body)
		}
	})

	t.Run("answered with a file", func(t *testing.T) {
		ic := srv.NewInteraction()
		srv.DispatchInteraction(t, ic.SlashCommand("export"))
		got := receive(t, interactions, "INTERACTION_CREATE")
		err := sess.InteractionRespond(got.Interaction, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{
				Content: "export attached",
				Files:   []*discordgo.File{{Name: "sources.csv", ContentType: "text/csv", Reader: strings.NewReader("id,title\n")}},
			},
		})
		if err != nil {
			t.Fatalf("respond with a file: %v", err)
		}
		req, err := srv.WaitRequest(timeout(t), "POST", "/interactions/"+ic.ID+"/"+ic.Token+"/callback")
		if err != nil {
			t.Fatal(err)
		}
		var resp discordgo.InteractionResponse
		if err := req.Decode(&resp); err != nil {
			t.Fatal(err)
		}
		if resp.Data == nil || resp.Data.Content != "export attached" || len(req.Files) != 1 || req.Files[0].Name != "sources.csv" {
			t.Errorf("recorded payload %s files %+v", req.Body, req.Files)
		}
		orig, err := sess.InteractionResponse(got.Interaction)
		if err != nil {
			t.Fatalf("get original: %v", err)
		}
		if len(orig.Attachments) != 1 || orig.Attachments[0].Filename != "sources.csv" {
			t.Errorf("original message attachments = %+v", orig.Attachments)
		}
	})

	t.Run("other interaction kinds reach the handler", func(t *testing.T) {
		tests := []struct {
			name    string
			payload func(discordtest.Interaction) []byte
			check   func(*discordgo.InteractionCreate) bool
		}{
			{"DM", func(ic discordtest.Interaction) []byte { return ic.DM().SlashCommand("help") },
				func(i *discordgo.InteractionCreate) bool {
					return i.Member == nil && i.User != nil && i.User.ID == discordtest.DefaultUserID && i.GuildID == ""
				}},
			{"autocomplete", func(ic discordtest.Interaction) []byte {
				return ic.Autocomplete("ask", discordtest.Focused(discordtest.StringOption("question", "tehr")))
			}, func(i *discordgo.InteractionCreate) bool {
				return i.Type == discordgo.InteractionApplicationCommandAutocomplete && i.ApplicationCommandData().Options[0].Focused
			}},
			{"button", func(ic discordtest.Interaction) []byte { return ic.Button("more:1", "1100000000000000999") },
				func(i *discordgo.InteractionCreate) bool {
					return i.MessageComponentData().CustomID == "more:1" && i.Message != nil && i.Message.ID == "1100000000000000999"
				}},
			{"modal", func(ic discordtest.Interaction) []byte {
				return ic.ModalSubmit("add", map[string]string{"url": "https://example.com"})
			}, func(i *discordgo.InteractionCreate) bool {
				d := i.ModalSubmitData()
				return d.CustomID == "add" && len(d.Components) == 1 &&
					d.Components[0].(*discordgo.ActionsRow).Components[0].(*discordgo.TextInput).Value == "https://example.com"
			}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				srv.DispatchInteraction(t, tt.payload(srv.NewInteraction()))
				if got := receive(t, interactions, tt.name); !tt.check(got) {
					t.Errorf("handler saw %+v", got.Interaction)
				}
			})
		}
	})

	t.Run("channel messages and failing channels", func(t *testing.T) {
		if _, err := sess.ChannelMessageSend(discordtest.DefaultChannelID, "digest"); err != nil {
			t.Fatalf("send: %v", err)
		}
		srv.FailChannel("1000000000000000099", http.StatusForbidden)
		_, err := sess.ChannelMessageSend("1000000000000000099", "digest")
		var rest *discordgo.RESTError
		if !errors.As(err, &rest) || rest.Message == nil || rest.Message.Code != discordgo.ErrCodeMissingPermissions {
			t.Errorf("send to failing channel: %v, want RESTError 50013", err)
		}
	})
}

func TestSpecValidation(t *testing.T) {
	tests := []struct {
		name string
		send func(*discordgo.Session) error
		want string // in the violation; "" for none
	}{
		{"bulk overwrite with permissions as a numeric string", func(s *discordgo.Session) error {
			perm := int64(discordgo.PermissionManageServer)
			_, err := s.ApplicationCommandBulkOverwrite(discordtest.AppID, discordtest.DefaultGuildID, []*discordgo.ApplicationCommand{
				{Name: "ask", Description: "Ask the sources", Options: []*discordgo.ApplicationCommandOption{
					{Type: discordgo.ApplicationCommandOptionString, Name: "question", Description: "Your question", Required: true},
				}},
				{Name: "source", Description: "Manage sources", DefaultMemberPermissions: &perm},
			})
			return err
		}, ""},
		{"callback of an unknown type", func(s *discordgo.Session) error {
			return s.InteractionRespond(&discordgo.Interaction{ID: "1", Token: "t"}, &discordgo.InteractionResponse{Type: 42})
		}, "/type"},
		{"embed title as a number", func(s *discordgo.Session) error {
			body := map[string]any{"type": 4, "data": map[string]any{"embeds": []any{map[string]any{"title": 5}}}}
			_, err := s.RequestWithBucketID("POST", discordgo.EndpointInteractionResponse("1", "t"), body, "callback")
			return err
		}, "title"},
		{"message longer than 2000 characters", func(s *discordgo.Session) error {
			_, err := s.ChannelMessageSend(discordtest.DefaultChannelID, strings.Repeat("x", 2001))
			return err
		}, "2000 or fewer"},
		{"route the fake does not implement", func(s *discordgo.Session) error {
			_, err := s.GuildRoles(discordtest.DefaultGuildID)
			return err
		}, "does not implement"},
		{"route Discord does not have", func(s *discordgo.Session) error {
			_, err := s.RequestWithBucketID("GET", discordgo.EndpointAPI+"no/such/route", nil, "x")
			return err
		}, "no such route"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := start(t, discordtest.AllowViolations())
			if !srv.Validating() {
				t.Skip("no ../shared/discord/openapi.json beside the module: nothing validates requests")
			}
			err := tt.send(srv.Session(t))
			violations := srv.Violations()
			if tt.want == "" {
				if err != nil || len(violations) != 0 {
					t.Fatalf("err %v, violations %v; want none", err, violations)
				}
				return
			}
			if err == nil {
				t.Errorf("request succeeded; want Discord's 4xx")
			}
			if len(violations) != 1 || !strings.Contains(violations[0].Error(), tt.want) {
				t.Errorf("violations = %v, want one mentioning %q", violations, tt.want)
			}
		})
	}

	t.Run("registered commands get ids", func(t *testing.T) {
		srv := start(t)
		perm := int64(discordgo.PermissionManageServer)
		created, err := srv.Session(t).ApplicationCommandBulkOverwrite(discordtest.AppID, "", []*discordgo.ApplicationCommand{
			{Name: "ask", Description: "Ask the sources"},
			{Name: "source", Description: "Manage sources", DefaultMemberPermissions: &perm},
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(created) != 2 || created[0].ID != discordtest.CommandID("ask") || created[0].ApplicationID != discordtest.AppID ||
			created[1].DefaultMemberPermissions == nil || *created[1].DefaultMemberPermissions != perm {
			t.Errorf("created = %+v", created)
		}
		if stored := srv.Commands(""); len(stored) != 2 || stored[1].Name != "source" {
			t.Errorf("stored global commands = %+v", stored)
		}
	})
}

func TestProtocolViolations(t *testing.T) {
	srv := start(t, discordtest.AllowViolations())
	sess, interactions := openSession(t, srv)
	respond := func(i *discordgo.Interaction, typ discordgo.InteractionResponseType) error {
		resp := &discordgo.InteractionResponse{Type: typ}
		if typ == discordgo.InteractionResponseChannelMessageWithSource {
			resp.Data = &discordgo.InteractionResponseData{Content: "ok"}
		}
		if typ == discordgo.InteractionApplicationCommandAutocompleteResult {
			resp.Data = &discordgo.InteractionResponseData{Choices: []*discordgo.ApplicationCommandOptionChoice{}}
		}
		return sess.InteractionRespond(i, resp)
	}
	tests := []struct {
		name string
		act  func(*discordgo.Interaction) error
		want string
	}{
		{"second acknowledgement", func(i *discordgo.Interaction) error {
			if err := respond(i, discordgo.InteractionResponseChannelMessageWithSource); err != nil {
				return errors.New("first answer failed: " + err.Error())
			}
			return respond(i, discordgo.InteractionResponseChannelMessageWithSource)
		}, "already acknowledged"},
		{"edit before acknowledging", func(i *discordgo.Interaction) error {
			text := "too early"
			_, err := sess.InteractionResponseEdit(i, &discordgo.WebhookEdit{Content: &text})
			return err
		}, "not acknowledged"},
		{"autocomplete result for a command", func(i *discordgo.Interaction) error {
			return respond(i, discordgo.InteractionApplicationCommandAutocompleteResult)
		}, "callback type 8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(srv.Violations())
			srv.DispatchInteraction(t, srv.NewInteraction().SlashCommand("ask"))
			got := receive(t, interactions, "INTERACTION_CREATE")
			if err := tt.act(got.Interaction); err == nil {
				t.Errorf("Discord would refuse this, but the call succeeded")
			}
			v := srv.Violations()[before:]
			if len(v) != 1 || !strings.Contains(v[0].Error(), tt.want) {
				t.Errorf("violations = %v, want one mentioning %q", v, tt.want)
			}
		})
	}
}

func TestReconnect(t *testing.T) {
	srv := start(t)
	_, interactions := openSession(t, srv)

	srv.Disconnect(t, true)
	if err := srv.WaitResumed(timeout(t), 1); err != nil {
		t.Fatal(err)
	}
	srv.DispatchInteraction(t, srv.NewInteraction().SlashCommand("after-resume"))
	if got := receive(t, interactions, "interaction after RESUME"); got.ApplicationCommandData().Name != "after-resume" {
		t.Errorf("after RESUME handler saw %q", got.ApplicationCommandData().Name)
	}

	// RESUME is now refused with INVALID_SESSION: discordgo must IDENTIFY anew.
	srv.Disconnect(t, false)
	if err := srv.WaitSessions(timeout(t), 2); err != nil {
		t.Fatal(err)
	}
	srv.DispatchInteraction(t, srv.NewInteraction().SlashCommand("after-identify"))
	if got := receive(t, interactions, "interaction after IDENTIFY"); got.ApplicationCommandData().Name != "after-identify" {
		t.Errorf("after IDENTIFY handler saw %q", got.ApplicationCommandData().Name)
	}
}

// TestTokensExpire: follow-ups and edits with an interaction token Discord
// no longer keeps (WithTokenLife after the interaction, or ExpireToken)
// get 401 Invalid Webhook Token, and are not violations: a bot that
// tries one finds out as it would from Discord.
func TestTokensExpire(t *testing.T) {
	for _, tt := range []struct {
		name   string
		opts   []discordtest.Option
		expire bool // call ExpireToken after the acknowledgement
	}{
		{"after the token's life", []discordtest.Option{discordtest.WithTokenLife(time.Nanosecond)}, false},
		{"by ExpireToken", nil, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := start(t, tt.opts...)
			sess, interactions := openSession(t, srv)
			ic := srv.NewInteraction()
			srv.DispatchInteraction(t, ic.SlashCommand("ask", discordtest.StringOption("question", "who?")))
			got := receive(t, interactions, "INTERACTION_CREATE")
			err := sess.InteractionRespond(got.Interaction, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource})
			if err != nil {
				t.Fatalf("the acknowledgement, which needs no live token, failed: %v", err)
			}
			if tt.expire {
				text := "in time"
				if _, err := sess.InteractionResponseEdit(got.Interaction, &discordgo.WebhookEdit{Content: &text}); err != nil {
					t.Fatalf("an edit while the token lives failed: %v", err)
				}
				srv.ExpireToken(ic.Token)
			}
			_, err = sess.FollowupMessageCreate(got.Interaction, true, &discordgo.WebhookParams{Content: "too late"})
			var rest *discordgo.RESTError
			if !errors.As(err, &rest) || rest.Response.StatusCode != http.StatusUnauthorized || rest.Message == nil || rest.Message.Code != 50027 {
				t.Errorf("a follow-up with an expired token: %v; want 401 Invalid Webhook Token (50027), so tests see what a bot using a stale token meets on Discord", err)
			}
			if v := srv.Violations(); len(v) != 0 {
				t.Errorf("violations %v: an expired token is Discord's answer, not a protocol error", v)
			}
		})
	}
}
