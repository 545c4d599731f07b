package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"sitrep/bot/discordtest"
	"sitrep/config"
	"sitrep/feeds"
	"sitrep/ingest"
	"sitrep/schedule"
	"sitrep/search"
	"sitrep/seeds"
)

// These tests run the bot with a real discordgo Session against the fake
// Discord. discordgo's endpoints are process-wide, so none runs in
// parallel; a session takes a second to close, so subtests share one bot.

// gatedLibrary is the real library with an adjustable delay before Ask,
// to drive the deferred-reply path.
type gatedLibrary struct {
	Reader
	delay atomic.Int64 // nanoseconds
	fail  atomic.Bool  // Ask fails (after the delay)
}

func (g *gatedLibrary) Ask(ctx context.Context, q search.Query) (search.Answer, error) {
	if d := time.Duration(g.delay.Load()); d > 0 {
		select {
		case <-time.After(d):
		case <-ctx.Done():
			return search.Answer{}, ctx.Err()
		}
	}
	if g.fail.Load() {
		return search.Answer{}, errors.New("index unavailable")
	}
	return g.Reader.Ask(ctx, q)
}

// syncBuffer is a log destination safe for the handlers' goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// openSeeded opens a library in a temporary directory with the seeds.
func openSeeded(tb testing.TB) *search.Library {
	tb.Helper()
	srcs, err := seeds.Sources()
	if err != nil {
		tb.Fatal(err)
	}
	lib, err := search.Open(context.Background(), tb.TempDir(), search.Options{Seeds: srcs})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { lib.Close() })
	return lib
}

// epoch is "since the beginning" for Library.Questions (the zero
// time.Time does not work there: its UnixNano overflows).
var epoch = time.Unix(0, 0)

// harness is a running bot on a fake Discord.
type harness struct {
	srv  *discordtest.Server
	bot  *Bot
	logs *syncBuffer
}

// startBot points discordgo at a new fake Discord, runs a bot on it with
// lib and opts, and waits until its commands are registered. The bot
// stops (and its session closes) when tb ends.
// depsFor is the bot's dependencies for a test library: a *search.Library
// is its own curator; any other (a gatedLibrary) answers /ask only, which
// is what the /ask end-to-end tests register and expect. A test that wants
// a wrapped library with moderator features passes Deps itself
// (TestDepsAreExplicit).
func depsFor(lib Reader) Deps {
	if l, ok := lib.(*search.Library); ok {
		return Deps{Library: l, Curator: l, Fetcher: &ingest.Fetcher{}}
	}
	return Deps{Library: lib}
}

// privateDeps is depsFor with a Fetcher that may reach the test's pages on
// 127.0.0.1 (SITREP_ALLOW_PRIVATE_URLS=1 in production).
func privateDeps(lib Reader) Deps {
	deps := depsFor(lib)
	deps.Fetcher = &ingest.Fetcher{AllowPrivate: true}
	return deps
}

func startBot(tb testing.TB, lib Reader, opts Options, srvOpts ...discordtest.Option) *harness {
	tb.Helper()
	return startBotWith(tb, depsFor(lib), opts, srvOpts...)
}

// fakeDiscord starts a fake Discord and points discordgo's endpoints at
// it until the test ends.
func fakeDiscord(tb testing.TB, srvOpts ...discordtest.Option) *discordtest.Server {
	tb.Helper()
	srv := discordtest.New(tb, srvOpts...)
	if err := SetAPIBase(srv.APIBase()); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := SetAPIBase(config.DefaultAPIBase); err != nil {
			tb.Error(err)
		}
	})
	return srv
}

// schedulersFor wires b's schedulers as package main's schedulers does
// (cmd_serve.go), for the features b's Deps turned on: the digests on the
// bot's clock, the feed checks on feedClock (the system's when nil, as
// tests of the digest keep the feeds out of their clock's way), each
// server's feeds checked by the shard that owns it.
func schedulersFor(b *Bot, feedClock schedule.Clock) Schedulers {
	var s Schedulers
	if b.cur != nil {
		s.Digests = schedule.New(b.DigestStore(), b.DigestPoster(), b.opts.Clock, b.log.With("component", "digest"))
	}
	if b.feeds != nil {
		if feedClock == nil {
			feedClock = schedule.SystemClock{}
		}
		s.Feeds = feeds.NewScheduler(b.feeds, feedClock, b.FeedHooks())
		s.Feeds.Owns = b.opts.Shard.Owns
	}
	return s
}

// runWired runs b with the schedulers schedulersFor wires until the
// returned stop is called; stop returns Run's error.
func runWired(b *Bot, feedClock schedule.Clock) (stop func() error) {
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- b.Run(ctx, schedulersFor(b, feedClock)) }()
	return func() error { cancel(); return <-errc }
}

func startBotWith(tb testing.TB, deps Deps, opts Options, srvOpts ...discordtest.Option) *harness {
	tb.Helper()
	return startBotClocked(tb, deps, opts, nil, srvOpts...)
}

// startBotClocked is startBotWith with the feed checks on feedClock.
func startBotClocked(tb testing.TB, deps Deps, opts Options, feedClock schedule.Clock, srvOpts ...discordtest.Option) *harness {
	tb.Helper()
	srv := fakeDiscord(tb, srvOpts...)
	sess := srv.Session(tb)
	logs := &syncBuffer{}
	b := New(sess, deps, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})), opts)
	stop := runWired(b, feedClock)
	tb.Cleanup(func() {
		if err := stop(); err != nil {
			tb.Errorf("Run: %v", err)
		}
	})
	route := "/applications/{app}/commands"
	if opts.GuildID != "" {
		route = "/applications/{app}/guilds/" + opts.GuildID + "/commands"
	}
	if _, err := srv.WaitRequest(waitCtx(tb), "PUT", route); err != nil {
		tb.Fatalf("commands not registered: %v\nlogs:\n%s", err, logs)
	}
	return &harness{srv: srv, bot: b, logs: logs}
}

// waitCtx bounds one wait.
func waitCtx(tb testing.TB) context.Context {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	tb.Cleanup(cancel)
	return ctx
}

// sentMessage is a message body the bot sent: a callback's data or an
// edit. (discordgo's own types cannot decode components.)
type sentMessage struct {
	Content    string                    `json:"content"`
	Flags      int                       `json:"flags"`
	Embeds     []*discordgo.MessageEmbed `json:"embeds"`
	Components []struct {
		Type       int `json:"type"`
		Components []struct {
			Type     int    `json:"type"`
			Label    string `json:"label"`
			CustomID string `json:"custom_id"`
			Disabled bool   `json:"disabled"`
		} `json:"components"`
	} `json:"components"`
	Choices []*discordgo.ApplicationCommandOptionChoice `json:"choices"`
}

// callback is an interaction callback the bot sent.
type callback struct {
	Type int         `json:"type"`
	Data sentMessage `json:"data"`
}

// button returns the custom id of the button labelled with prefix.
func (m sentMessage) button(tb testing.TB, prefix string) (customID string, disabled bool) {
	tb.Helper()
	for _, row := range m.Components {
		for _, c := range row.Components {
			if strings.HasPrefix(c.Label, prefix) {
				return c.CustomID, c.Disabled
			}
		}
	}
	tb.Fatalf("no %q button in %+v", prefix, m.Components)
	return "", false
}

func (m sentMessage) checkLimits(tb testing.TB) {
	tb.Helper()
	var comps []discordgo.MessageComponent
	for _, row := range m.Components {
		var r discordgo.ActionsRow
		for _, c := range row.Components {
			r.Components = append(r.Components, discordgo.Button{Label: c.Label, CustomID: c.CustomID})
		}
		comps = append(comps, r)
	}
	if errs := checkLimits(m.Content, m.Embeds, comps); len(errs) > 0 {
		tb.Errorf("message breaks Discord's limits: %v", errs)
	}
}

// dispatch sends payload for ic and returns the callback the bot answered
// with, and how long that took.
func (h *harness) dispatch(tb testing.TB, ic discordtest.Interaction, payload json.RawMessage) (callback, time.Duration) {
	tb.Helper()
	start := time.Now()
	h.srv.DispatchInteraction(tb, payload)
	r, err := h.srv.WaitRequest(waitCtx(tb), "POST", "/interactions/"+ic.ID+"/"+ic.Token+"/callback")
	if err != nil {
		tb.Fatalf("%v\nlogs:\n%s", err, h.logs)
	}
	var cb callback
	if err := r.Decode(&cb); err != nil {
		tb.Fatal(err)
	}
	return cb, time.Since(start)
}

// edit waits for the edit of ic's original response and returns it.
func (h *harness) edit(tb testing.TB, ic discordtest.Interaction) sentMessage {
	tb.Helper()
	r, err := h.srv.WaitRequest(waitCtx(tb), "PATCH", "/webhooks/{app}/"+ic.Token+"/messages/@original")
	if err != nil {
		tb.Fatalf("%v\nlogs:\n%s", err, h.logs)
	}
	var m sentMessage
	if err := r.Decode(&m); err != nil {
		tb.Fatal(err)
	}
	return m
}

// checkEditPingsNobody: the PATCH that fills a deferred reply must carry
// "allowed_mentions":{"parse":[]} (and name no user or role). Without it
// Discord parses mentions in the edited content, and a quote holding
// @everyone or <@id> pings people.
func (h *harness) checkEditPingsNobody(tb testing.TB, ic discordtest.Interaction) {
	tb.Helper()
	for _, r := range h.srv.Requests() {
		if r.Method != "PATCH" || !strings.Contains(r.Path, "/"+ic.Token+"/") {
			continue
		}
		var body struct {
			AllowedMentions json.RawMessage `json:"allowed_mentions"`
		}
		var am struct {
			Parse *[]string `json:"parse"`
			Users []string  `json:"users"`
			Roles []string  `json:"roles"`
		}
		if err := r.Decode(&body); err != nil {
			tb.Fatal(err)
		}
		if len(body.AllowedMentions) == 0 || json.Unmarshal(body.AllowedMentions, &am) != nil ||
			am.Parse == nil || len(*am.Parse) > 0 || len(am.Users) > 0 || len(am.Roles) > 0 {
			tb.Errorf(`the edit filling a deferred answer sends allowed_mentions %q, want {"parse":[]}: a quote holding @everyone would ping the whole server`, body.AllowedMentions)
		}
		return
	}
	tb.Errorf("no PATCH for interaction %s", ic.Token)
}

func ask(question string, more ...*discordgo.ApplicationCommandInteractionDataOption) []*discordgo.ApplicationCommandInteractionDataOption {
	return append([]*discordgo.ApplicationCommandInteractionDataOption{discordtest.StringOption("question", question)}, more...)
}

// fillerSources are guild sources on an unrelated topic, enough to need
// autocomplete's 25-choice cap.
func fillerSources(n int) []search.Source {
	var out []search.Source
	for i := range n {
		out = append(out, search.Source{
			ID: fmt.Sprintf("tide-%02d", i), Scope: discordtest.DefaultGuildID,
			Title: fmt.Sprintf("Harbour tide table %d", i), Outlet: "Harbour Gazette",
			Text: fmt.Sprintf("High tide at harbour %d comes at noon. Low tide follows six hours later.", i),
		})
	}
	return out
}

// limitSource is a guild source whose sentences test the size limits: a
// 5,000-character sentence, markdown characters, Persian and emoji.
func limitSource() search.Source {
	long := strings.Repeat("the drone footage showed *alpha* _beta_ `gamma` ||delta|| and more ", 75)
	return search.Source{
		ID: "limits", Scope: discordtest.DefaultGuildID, Title: "Limits *test* [source]", Outlet: "Edge | Outlet",
		URL: "https://example.com/limits?(a)", Published: "2022-06-02",
		Text: "A drone " + long + "finally landed.\n" +
			"گزارش شد که پهپاد drone بر فراز تهران 🚨👩‍💻 دیده شد.\n" +
			"> The drone # operator said ~~nothing~~ about it - again.",
	}
}

func TestAskEndToEnd(t *testing.T) {
	lib := openSeeded(t)
	if _, err := lib.Import(context.Background(), append(fillerSources(40), limitSource()), search.ImportOptions{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	gate := &gatedLibrary{Reader: lib}
	// One member asks everything here, faster than a member may.
	h := startBot(t, gate, Options{GuildID: discordtest.DefaultGuildID, DeferAfter: time.Second, AskBurst: 1000})
	guild := discordtest.DefaultGuildID

	t.Run("registers /ask in the guild", func(t *testing.T) {
		cmds := h.srv.Commands(guild)
		if len(cmds) != 2 || cmds[0].Name != "ask" || cmds[1].Name != checkCommandName {
			t.Fatalf("registered %+v", cmds)
		}
		opts := map[string]*discordgo.ApplicationCommandOption{}
		for _, o := range cmds[0].Options {
			opts[o.Name] = o
		}
		if q := opts["question"]; q == nil || !q.Required || q.Type != discordgo.ApplicationCommandOptionString {
			t.Errorf("question option %+v", q)
		}
		if s := opts["source"]; s == nil || !s.Autocomplete || s.Required {
			t.Errorf("source option %+v", s)
		}
		if p := opts["private"]; p == nil || p.Type != discordgo.ApplicationCommandOptionBoolean {
			t.Errorf("private option %+v", p)
		}
		if cmds[0].DefaultMemberPermissions != nil {
			t.Errorf("/ask is for everyone, yet has default_member_permissions %d", *cmds[0].DefaultMemberPermissions)
		}
		if len(h.srv.Commands("")) != 0 {
			t.Error("commands were also registered globally")
		}
	})

	var first sentMessage
	t.Run("answers with the expected quote", func(t *testing.T) {
		ic := h.srv.NewInteraction()
		cb, _ := h.dispatch(t, ic, ic.SlashCommand("ask", ask("how many cameras were hacked?")...))
		if cb.Type != int(discordgo.InteractionResponseChannelMessageWithSource) {
			t.Fatalf("callback type %d, want 4", cb.Type)
		}
		first = cb.Data
		if first.Flags&int(discordgo.MessageFlagsEphemeral) != 0 {
			t.Error("a public question was answered privately")
		}
		if !strings.Contains(first.Content, "how many cameras were hacked?") {
			t.Errorf("content %q does not repeat the question", first.Content)
		}
		// As the answer or as the closest passage, the 5,000-camera quote
		// leads, and the card shows three quotes.
		quotes := 0
		for _, e := range first.Embeds {
			quotes += strings.Count("\n"+e.Description, "\n> ")
		}
		if len(first.Embeds) == 0 || quotes != cardQuotes {
			t.Fatalf("%d embeds with %d quotes, want %d quotes", len(first.Embeds), quotes, cardQuotes)
		}
		e := first.Embeds[0]
		if !strings.Contains(unescape(e.Description), "says it has hacked more than 5,000 surveillance cameras in Tehran") {
			t.Errorf("best quote %q", e.Description)
		}
		if strings.Contains(e.Description, "**hacked**") || strings.Contains(e.Description, "**cameras**") {
			t.Errorf("best quote %q bolds the question's own words", e.Description)
		}
		// The source line: the speaker where the text names one, then the
		// headline (no outlet or date: the seeds state none).
		if !strings.Contains(e.Description, "\n— ") || !strings.Contains(e.Description, "*Iranian opposition group says it hacked 5,000 Tehran surveillance cameras*") {
			t.Errorf("best quote cites %q", e.Description)
		}
		first.checkLimits(t)
		qs, err := lib.Questions(guild, epoch)
		if err != nil {
			t.Fatal(err)
		}
		confirmed := e.Title != closestTitle
		if len(qs) != 1 || qs[0].UserID != discordtest.DefaultUserID || qs[0].ChannelID != discordtest.DefaultChannelID || qs[0].Answered != confirmed {
			t.Errorf("logged questions %+v, want it with its asker, answered=%v as the card says", qs, confirmed)
		}
	})

	// An answered question with more quotes than a card shows, to page.
	var paged sentMessage
	t.Run("pages to the next quotes without logging again", func(t *testing.T) {
		ic := h.srv.NewInteraction()
		cb, _ := h.dispatch(t, ic, ic.SlashCommand("ask", ask("how many systems of the Agriculture Ministry were hacked?")...))
		paged = cb.Data
		before, _ := lib.Questions(guild, epoch)
		next, disabled := paged.button(t, "More")
		if disabled || len(paged.Components[0].Components) != 1 {
			t.Fatalf("first page: buttons %+v, want More alone", paged.Components)
		}
		ic = h.srv.NewInteraction()
		cb, _ = h.dispatch(t, ic, ic.Button(next, "1100000000000099999"))
		if cb.Type != int(discordgo.InteractionResponseUpdateMessage) {
			t.Fatalf("callback type %d, want 7 (update the card)", cb.Type)
		}
		if len(cb.Data.Embeds) != 1 || cb.Data.Embeds[0].Title != moreQuotesName {
			t.Fatalf("second page %+v, want the next quotes in one embed", cb.Data.Embeds)
		}
		seen := map[string]bool{}
		for _, e := range paged.Embeds {
			for _, line := range strings.Split(e.Description, "\n") {
				if strings.HasPrefix(line, "> ") {
					seen[line] = true
				}
			}
		}
		for _, line := range strings.Split(cb.Data.Embeds[0].Description, "\n") {
			if seen[line] {
				t.Errorf("quote repeated from page 1: %q", line)
			}
		}
		prev, prevDisabled := cb.Data.button(t, "◀")
		if prevDisabled || !strings.HasSuffix(prev, ":0") {
			t.Errorf("previous button %q disabled %v", prev, prevDisabled)
		}
		if qs, _ := lib.Questions(guild, epoch); len(qs) != len(before) {
			t.Errorf("paging logged the question again: %d questions, %d before", len(qs), len(before))
		}
	})

	t.Run("private answers only to the asker", func(t *testing.T) {
		ic := h.srv.NewInteraction()
		cb, _ := h.dispatch(t, ic, ic.SlashCommand("ask", ask("who hacked the cameras?", discordtest.BooleanOption("private", true))...))
		if cb.Type != 4 || cb.Data.Flags&int(discordgo.MessageFlagsEphemeral) == 0 {
			t.Errorf("callback type %d flags %d, want 4 with the ephemeral flag", cb.Type, cb.Data.Flags)
		}
	})

	t.Run("source restricts the answer", func(t *testing.T) {
		for _, c := range []struct{ question, source, outlet string }{
			{"cameras hacked", "8e1e24bd0573ea10", "iranfocus"},
			{"how many systems of the Agriculture Ministry were hacked?", "85a414cdecb060a4", "Iranian opposition group says it hacked"},
		} {
			ic := h.srv.NewInteraction()
			cb, _ := h.dispatch(t, ic, ic.SlashCommand("ask", ask(c.question, discordtest.StringOption("source", c.source))...))
			if len(cb.Data.Embeds) == 0 {
				t.Fatalf("no quotes: %q", cb.Data.Content)
			}
			for _, e := range cb.Data.Embeds {
				for _, line := range strings.Split(e.Description, "\n") {
					// "same article" refers to a source cited above it on the card.
					if strings.HasPrefix(line, "— ") && !strings.Contains(line, c.outlet) && !strings.HasSuffix(line, "same article") {
						t.Errorf("%q: quote from another source: %q", c.question, line)
					}
				}
			}
			for _, row := range cb.Data.Components {
				for _, b := range row.Components {
					if !strings.HasSuffix(b.CustomID, ":"+c.source) {
						t.Errorf("paging forgets the source: %q", b.CustomID)
					}
				}
			}
		}
	})

	t.Run("unknown source is explained", func(t *testing.T) {
		ic := h.srv.NewInteraction()
		cb, _ := h.dispatch(t, ic, ic.SlashCommand("ask", ask("cameras", discordtest.StringOption("source", "no such thing"))...))
		if cb.Data.Flags&int(discordgo.MessageFlagsEphemeral) == 0 || !strings.Contains(cb.Data.Content, "don't know a source") {
			t.Errorf("reply %+v", cb.Data)
		}
	})

	t.Run("autocomplete offers at most 25 sources in time", func(t *testing.T) {
		tests := []struct {
			typed string
			check func(t *testing.T, choices []*discordgo.ApplicationCommandOptionChoice)
		}{
			{"", func(t *testing.T, cs []*discordgo.ApplicationCommandOptionChoice) {
				if len(cs) != 25 {
					t.Errorf("%d choices for nothing typed, want 25", len(cs))
				}
			}},
			{"mossad", func(t *testing.T, cs []*discordgo.ApplicationCommandOptionChoice) {
				if len(cs) != 1 || cs[0].Value != "2b2ceef928058a0d" {
					t.Errorf("choices %+v", cs)
				}
			}},
			{"harbour gaz", func(t *testing.T, cs []*discordgo.ApplicationCommandOptionChoice) {
				if len(cs) != 25 || !strings.HasSuffix(cs[0].Name, "— Harbour Gazette") {
					t.Errorf("%d choices, first %+v", len(cs), cs[0])
				}
			}},
		}
		for _, tt := range tests {
			t.Run(tt.typed, func(t *testing.T) {
				ic := h.srv.NewInteraction()
				cb, took := h.dispatch(t, ic, ic.Autocomplete("ask", discordtest.StringOption("question", "x"), discordtest.Focused(discordtest.StringOption("source", tt.typed))))
				if cb.Type != int(discordgo.InteractionApplicationCommandAutocompleteResult) {
					t.Fatalf("callback type %d, want 8", cb.Type)
				}
				if took > time.Second {
					t.Errorf("autocomplete took %v", took)
				}
				for _, c := range cb.Data.Choices {
					if runes(c.Name) > maxChoiceName || c.Name == "" || len(c.Value.(string)) > maxChoiceValueStr {
						t.Errorf("choice %+v breaks Discord's limits", c)
					}
				}
				tt.check(t, cb.Data.Choices)
			})
		}
	})

	t.Run("no answer says so and keeps the question", func(t *testing.T) {
		ic := h.srv.NewInteraction()
		cb, _ := h.dispatch(t, ic, ic.SlashCommand("ask", ask("what is the weather on mars tomorrow")...))
		if cb.Type != 4 || len(cb.Data.Embeds) != 1 || !strings.Contains(cb.Data.Embeds[0].Description, "moderator to add a source") {
			t.Fatalf("reply %+v", cb.Data)
		}
		if len(cb.Data.Components) != 0 {
			t.Errorf("buttons %+v on a no-answer card", cb.Data.Components)
		}
		qs, _ := lib.Questions(guild, epoch)
		last := qs[len(qs)-1]
		if last.Text != "what is the weather on mars tomorrow" || last.Answered {
			t.Errorf("last logged question %+v, want it unanswered", last)
		}
	})

	t.Run("slow answers are deferred then edited in", func(t *testing.T) {
		gate.delay.Store(int64(1300 * time.Millisecond))
		defer gate.delay.Store(0)
		for _, private := range []bool{false, true} {
			ic := h.srv.NewInteraction()
			cb, took := h.dispatch(t, ic, ic.SlashCommand("ask", ask("how many cameras were hacked?", discordtest.BooleanOption("private", private))...))
			if cb.Type != int(discordgo.InteractionResponseDeferredChannelMessageWithSource) {
				t.Fatalf("callback type %d, want 5 (deferred)", cb.Type)
			}
			if eph := cb.Data.Flags&int(discordgo.MessageFlagsEphemeral) != 0; eph != private {
				t.Errorf("deferral ephemeral %v, want %v", eph, private)
			}
			if took > 2*time.Second {
				t.Errorf("deferral took %v; Discord's deadline is 3 s", took)
			}
			m := h.edit(t, ic)
			if len(m.Embeds) != len(first.Embeds) || m.Embeds[0].Description != first.Embeds[0].Description {
				t.Errorf("edited answer %+v, want the card answered at once", m)
			}
			m.checkLimits(t)
			h.checkEditPingsNobody(t, ic)
		}
		// A slow page is a deferred update (6), then the same edit.
		next, _ := paged.button(t, "More")
		ic := h.srv.NewInteraction()
		cb, _ := h.dispatch(t, ic, ic.Button(next, "1100000000000099998"))
		if cb.Type != int(discordgo.InteractionResponseDeferredMessageUpdate) {
			t.Fatalf("callback type %d, want 6", cb.Type)
		}
		if m := h.edit(t, ic); len(m.Embeds) != 1 || m.Embeds[0].Title != moreQuotesName {
			t.Errorf("edited page %+v", m.Embeds)
		}
	})

	t.Run("library errors are apologised for, privately", func(t *testing.T) {
		gate.fail.Store(true)
		defer gate.fail.Store(false)
		ic := h.srv.NewInteraction()
		cb, _ := h.dispatch(t, ic, ic.SlashCommand("ask", ask("how many cameras were hacked?")...))
		if cb.Type != 4 || cb.Data.Flags&int(discordgo.MessageFlagsEphemeral) == 0 || !strings.Contains(cb.Data.Content, "Sorry") {
			t.Errorf("reply %+v", cb)
		}
		// A slow failure on a page must not replace the card.
		gate.delay.Store(int64(1300 * time.Millisecond))
		defer gate.delay.Store(0)
		next, _ := paged.button(t, "More")
		ic = h.srv.NewInteraction()
		if cb, _ := h.dispatch(t, ic, ic.Button(next, "1100000000000099994")); cb.Type != int(discordgo.InteractionResponseDeferredMessageUpdate) {
			t.Fatalf("callback type %d, want 6", cb.Type)
		}
		r, err := h.srv.WaitRequest(waitCtx(t), "POST", "/webhooks/{app}/"+ic.Token)
		if err != nil {
			t.Fatal(err)
		}
		var m sentMessage
		if err := r.Decode(&m); err != nil {
			t.Fatal(err)
		}
		if m.Flags&int(discordgo.MessageFlagsEphemeral) == 0 || !strings.Contains(m.Content, "Sorry") {
			t.Errorf("follow-up %+v", m)
		}
		for _, req := range h.srv.Requests() {
			if req.Method == "PATCH" && strings.Contains(req.Path, ic.Token) {
				t.Errorf("the card was edited after a failure: %s", req.Path)
			}
		}
		if !strings.Contains(h.logs.String(), "index unavailable") {
			t.Error("the library's error was not logged")
		}
	})

	t.Run("messages at the size limits", func(t *testing.T) {
		for _, q := range []string{"drone footage alpha beta gamma delta", "پهپاد تهران", "drone operator said nothing"} {
			ic := h.srv.NewInteraction()
			cb, _ := h.dispatch(t, ic, ic.SlashCommand("ask", ask(q, discordtest.StringOption("source", "limits"))...))
			if len(cb.Data.Embeds) == 0 {
				t.Errorf("%q: no quote: %q", q, cb.Data.Content)
				continue
			}
			cb.Data.checkLimits(t)
			if q == "پهپاد تهران" && !strings.Contains(unescape(cb.Data.Embeds[0].Description), "پهپاد") {
				t.Errorf("Persian quote %q is not shown", cb.Data.Embeds[0].Description)
			}
		}
	})

	t.Run("DMs use the shared library", func(t *testing.T) {
		ic := h.srv.NewInteraction().DM()
		cb, _ := h.dispatch(t, ic, ic.SlashCommand("ask", ask("how many cameras were hacked?")...))
		if len(cb.Data.Embeds) == 0 || !strings.Contains(cb.Data.Embeds[0].Description, "5,000") {
			t.Errorf("DM answer %+v", cb.Data)
		}
		qs, _ := lib.Questions(search.SharedScope, epoch)
		if len(qs) != 1 {
			t.Errorf("%d questions logged in the shared scope, want 1", len(qs))
		}
	})

	t.Run("stale buttons and empty questions get a hint", func(t *testing.T) {
		for _, p := range []struct {
			name    string
			payload func(ic discordtest.Interaction) json.RawMessage
		}{
			{"unknown question", func(ic discordtest.Interaction) json.RawMessage {
				return ic.Button("ask:page:00000000000000000000000000000000:5", "1100000000000099997")
			}},
			{"malformed custom id", func(ic discordtest.Interaction) json.RawMessage {
				return ic.Button("ask:page:x", "1100000000000099996")
			}},
			{"other prefix", func(ic discordtest.Interaction) json.RawMessage { return ic.Button("gone:1", "1100000000000099995") }},
			{"blank question", func(ic discordtest.Interaction) json.RawMessage { return ic.SlashCommand("ask", ask("   ")...) }},
		} {
			t.Run(p.name, func(t *testing.T) {
				ic := h.srv.NewInteraction()
				cb, _ := h.dispatch(t, ic, p.payload(ic))
				if cb.Type != 4 || cb.Data.Flags&int(discordgo.MessageFlagsEphemeral) == 0 || cb.Data.Content == "" {
					t.Errorf("reply %+v, want a private hint", cb)
				}
			})
		}
	})

	t.Run("logs carry context but not the token", func(t *testing.T) {
		logs := h.logs.String()
		if strings.Contains(logs, discordtest.BotToken) {
			t.Error("the token was logged")
		}
		if !strings.Contains(logs, "command=ask") || !strings.Contains(logs, "guild="+guild) {
			t.Errorf("logs lack command and guild attributes:\n%s", logs)
		}
	})
}
