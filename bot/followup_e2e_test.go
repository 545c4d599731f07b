package bot

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"sitrep/bot/discordtest"
	"sitrep/config"
	"sitrep/search"
)

// Follow-up tests: the question they wait on and the text that answers it.
const (
	lighthouseQuestion = "when did the lighthouse keeper of Port Averly retire?"
	lighthouseText     = "The lighthouse keeper of Port Averly, Maren Holt, retired on 3 March after forty years of service. She kept the light burning through eleven winters alone."
)

// runBotOn runs a bot with lib on srv, whose API base discordgo already
// points at, until stop is called (or tb ends).
func runBotOn(tb testing.TB, srv *discordtest.Server, lib Reader, opts Options) (h *harness, stop func()) {
	tb.Helper()
	return runBotWith(tb, srv, depsFor(lib), opts)
}

// runBotWith is runBotOn with the bot's dependencies given.
func runBotWith(tb testing.TB, srv *discordtest.Server, deps Deps, opts Options) (h *harness, stop func()) {
	tb.Helper()
	logs := &syncBuffer{}
	sessions := len(srv.Identifies()) + 1
	b := New(srv.Session(tb), deps, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})), opts)
	stopRun := runWired(b, nil)
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		if err := stopRun(); err != nil {
			tb.Errorf("Run: %v", err)
		}
	}
	tb.Cleanup(stop)
	if err := srv.WaitSessions(waitCtx(tb), sessions); err != nil {
		tb.Fatal(err)
	}
	route := "/applications/{app}/commands"
	if opts.GuildID != "" {
		route = "/applications/{app}/guilds/" + opts.GuildID + "/commands"
	}
	if _, err := srv.WaitRequest(waitCtx(tb), "PUT", route); err != nil {
		tb.Fatalf("commands not registered: %v\nlogs:\n%s", err, logs)
	}
	return &harness{srv: srv, bot: b, logs: logs}, stop
}

// newFakeDiscord starts a fake Discord and points discordgo at it.
func newFakeDiscord(tb testing.TB, opts ...discordtest.Option) *discordtest.Server {
	tb.Helper()
	srv := discordtest.New(tb, opts...)
	if err := SetAPIBase(srv.APIBase()); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { SetAPIBase(config.DefaultAPIBase) }) // the default base is valid
	return srv
}

// addByModal adds a pasted source as a moderator and returns the reply.
func (h *harness) addByModal(tb testing.TB, title, text string) sentMessage {
	tb.Helper()
	ic := moderator(h)
	return h.deferredPrivate(tb, ic, ic.ModalSubmit(sourceModalID, map[string]string{
		"title": title, "outlet": "Averly Gazette", "url": "", "published": "", "text": text}))
}

// logQuestion asks q in the default guild's channel as user, as /ask
// logs it.
func logQuestion(tb testing.TB, lib *search.Library, q, user string, private bool) search.Answer {
	tb.Helper()
	ans, err := lib.Ask(context.Background(), search.Query{Question: q, Scope: discordtest.DefaultGuildID,
		Asker: &search.Asker{UserID: user, ChannelID: discordtest.DefaultChannelID, Private: private}})
	if err != nil || ans.Answered {
		tb.Fatalf("Ask(%q) = answered %v, %v: want a waiting question", q, ans.Answered, err)
	}
	return ans
}

// TestFollowUpsDoNotHoldUpTheModerator: with many questions waiting and a
// slow channel, the moderator's "added" reply comes at once; the follow-ups
// come after it, one per question.
func TestFollowUpsDoNotHoldUpTheModerator(t *testing.T) {
	lib := openSeeded(t)
	srv := newFakeDiscord(t)
	const waiting = 8
	for k := range waiting {
		// Distinct questions (the digest folds case and punctuation, not
		// stop words), each answered by the source.
		logQuestion(t, lib, lighthouseQuestion+strings.Repeat(" the", k), fmt.Sprintf("20000000000000001%02d", k), false)
	}
	srv.Handle("POST", "/channels/{channel}/messages", func(r discordtest.Request, p map[string]string) (int, any) {
		time.Sleep(150 * time.Millisecond) // Discord pacing a busy channel
		return http.StatusOK, map[string]any{"id": "1400000000000000001", "channel_id": p["channel"], "type": 0, "content": "",
			"author":    map[string]any{"id": discordtest.AppID, "username": "sitrep", "discriminator": "0"},
			"timestamp": time.Now().UTC().Format(time.RFC3339Nano), "embeds": []any{}, "attachments": []any{},
			"mentions": []any{}, "mention_roles": []any{}, "pinned": false, "tts": false, "mention_everyone": false}
	})
	h, _ := runBotOn(t, srv, lib, Options{GuildID: discordtest.DefaultGuildID})

	ic := moderator(h)
	h.srv.DispatchInteraction(t, ic.ModalSubmit(sourceModalID, map[string]string{
		"title": "Lighthouse keeper retires", "outlet": "", "url": "", "published": "", "text": lighthouseText}))
	edit, err := h.srv.WaitRequest(waitCtx(t), "PATCH", "/webhooks/{app}/"+ic.Token+"/messages/@original")
	if err != nil {
		t.Fatalf("%v\nlogs:\n%s", err, h.logs)
	}
	waitFollowUps(t, lib)
	var posts []discordtest.Request
	for _, r := range h.srv.Requests() {
		if r.Method == "POST" && r.Path == "/channels/"+discordtest.DefaultChannelID+"/messages" {
			posts = append(posts, r)
		}
	}
	if len(posts) != waiting {
		t.Fatalf("%d follow-ups posted, want %d", len(posts), waiting)
	}
	if last := posts[len(posts)-1]; !edit.Received.Before(last.Received) {
		t.Errorf("the moderator's reply came %v after the last follow-up: it waited for them", edit.Received.Sub(last.Received))
	}
}

// TestFollowUpQueue: a follow-up Discord fails to post stays owed (the
// question is not marked), survives a restart, and is then posted once,
// naming every asker, however often they asked.
func TestFollowUpQueue(t *testing.T) {
	lib := openSeeded(t)
	srv := newFakeDiscord(t)
	const alice, bob = "2000000000000000001", "2000000000000000002"
	for range 3 {
		logQuestion(t, lib, lighthouseQuestion, alice, false)
	}
	logQuestion(t, lib, "When did the lighthouse keeper of Port Averly retire", bob, false)

	srv.FailChannel(discordtest.DefaultChannelID, http.StatusInternalServerError)
	h, stop := runBotOn(t, srv, lib, Options{GuildID: discordtest.DefaultGuildID})
	if m := h.addByModal(t, "Lighthouse keeper retires", lighthouseText); !strings.Contains(m.Content, "Added") {
		t.Fatalf("reply %q", m.Content)
	}
	if _, err := srv.WaitRequest(waitCtx(t), "POST", "/channels/"+discordtest.DefaultChannelID+"/messages"); err != nil {
		t.Fatal(err)
	}
	stop()
	qs, err := lib.Questions(discordtest.DefaultGuildID, epoch)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range qs {
		if q.FollowedUp {
			t.Errorf("question %s marked followed up though its post failed", q.ID)
		}
	}
	if jobs, _ := lib.FollowUpJobs(); len(jobs) != 1 {
		t.Fatalf("%d jobs queued after the failure, want 1", len(jobs))
	}

	srv.FailChannel(discordtest.DefaultChannelID, 0)
	h, _ = runBotOn(t, srv, lib, Options{GuildID: discordtest.DefaultGuildID})
	waitFollowUps(t, lib)
	posts := h.posts(t, discordtest.DefaultChannelID)
	if len(posts) != 1 {
		t.Fatalf("%d follow-ups posted after the restart, want 1", len(posts))
	}
	fu := posts[0]
	if !strings.Contains(fu.Content, "<@"+alice+">") || !strings.Contains(fu.Content, "<@"+bob+">") || strings.Count(fu.Content, "<@") != 2 {
		t.Errorf("follow-up %q: want alice and bob named once each", fu.Content)
	}
	if qs, _ = lib.Questions(discordtest.DefaultGuildID, epoch); len(qs) != 4 {
		t.Fatalf("%d questions logged", len(qs))
	}
	for _, q := range qs {
		if !q.FollowedUp {
			t.Errorf("question %s not marked after its follow-up was posted", q.ID)
		}
	}

	h.addByModal(t, "Averly lighthouse changes hands", "Maren Holt, keeper of the Port Averly lighthouse, retired in March; the lighthouse keeper post now goes to her nephew.")
	waitFollowUps(t, lib)
	if n := len(h.posts(t, discordtest.DefaultChannelID)); n != 1 {
		t.Errorf("%d follow-ups after a second answering source, want still 1", n)
	}
}

// TestPrivateQuestionsStayPrivate: the follow-up to a private question
// goes to the asker only: as an ephemeral follow-up, which parses no
// mention, while the interaction token lives; else at once as a direct
// message, without trying a token Discord no longer keeps; never in the
// channel.
func TestPrivateQuestionsStayPrivate(t *testing.T) {
	lib := openSeeded(t)
	srv := newFakeDiscord(t)
	h, _ := runBotOn(t, srv, lib, Options{GuildID: discordtest.DefaultGuildID})
	// notPublic fails the test if anything was posted in the channel: a
	// question asked privately would be read there by everyone.
	notPublic := func(t *testing.T) {
		t.Helper()
		if pub := h.posts(t, discordtest.DefaultChannelID); len(pub) != 0 {
			t.Fatalf("a private question was followed up in the channel, for everyone to read: %q", pub[0].Content)
		}
	}

	// Asked privately through Discord: the token is fresh.
	ic := h.srv.NewInteraction()
	cb, _ := h.dispatch(t, ic, ic.SlashCommand("ask", ask(lighthouseQuestion, discordtest.BooleanOption("private", true))...))
	if cb.Data.Flags&int(discordgo.MessageFlagsEphemeral) == 0 {
		t.Fatalf("a private question was answered in the channel, for everyone to read: %q", cb.Data.Content)
	}
	qs, err := lib.Questions(discordtest.DefaultGuildID, epoch)
	if err != nil || len(qs) != 1 {
		t.Fatalf("%d questions logged (%v), want the one asked", len(qs), err)
	}
	if !qs[0].Private {
		t.Fatalf("the private question %q is logged as public: the digest would show it to the whole server", qs[0].Text)
	}
	h.addByModal(t, "Lighthouse keeper retires", lighthouseText)
	waitFollowUps(t, lib)
	notPublic(t)
	eph := requestsTo(h.srv, "POST", webhookPath(ic.Token))
	if len(eph) != 1 {
		t.Fatalf("%d ephemeral follow-ups to the private asker, want 1: the asker is never told a source now answers\nlogs:\n%s", len(eph), h.logs)
	}
	var m sentMessage
	if err := eph[0].Decode(&m); err != nil {
		t.Fatal(err)
	}
	if m.Flags&int(discordgo.MessageFlagsEphemeral) == 0 {
		t.Errorf("the follow-up to a private question is not ephemeral: whoever is in the channel sees %q", m.Content)
	}
	if !strings.Contains(m.Content, lighthouseQuestion) || len(m.Embeds) != 1 {
		t.Errorf("the follow-up says %q with %d embeds: the asker would not know which question it answers or what the source says", m.Content, len(m.Embeds))
	}
	if got, ok := pingsNobody(t, eph[0]); !ok {
		t.Errorf(`the ephemeral follow-up carries allowed_mentions %s, want {"parse":[]}: Discord would parse the mentions in the quote and ping the people it names`, got)
	}

	// Asked privately long ago (no live token): a direct message.
	const carol = "2000000000000000003"
	logQuestion(t, lib, "why did the Kestrel Bay cranes stop?", carol, true)
	// Asked privately through Discord, but the token has expired (Discord
	// keeps it 15 minutes; the bot counts a little less).
	const dave = "2000000000000000004"
	h.bot.follow.mu.Lock()
	h.bot.follow.tokenLife = 0
	h.bot.follow.mu.Unlock()
	late := h.srv.NewInteraction()
	late.UserID, late.Username = dave, "dave"
	if cb, _ := h.dispatch(t, late, late.SlashCommand("ask", ask("why did the Kestrel Bay cranes stop?", discordtest.BooleanOption("private", true))...)); cb.Type == int(discordgo.InteractionResponseDeferredChannelMessageWithSource) {
		h.edit(t, late)
	}
	h.srv.ExpireToken(late.Token)
	h.addByModal(t, "Harbour cranes halted", "Cranes at the container terminal in Kestrel Bay stopped for six hours on Tuesday after a cyber attack on the terminal operator.")
	waitFollowUps(t, lib)
	notPublic(t)
	for _, who := range []string{carol, dave} {
		dm := h.posts(t, discordtest.DMChannelFor(who))
		if len(dm) != 1 || !strings.Contains(dm[0].Content, "Kestrel Bay cranes") {
			t.Errorf("%d direct messages to %s about the cranes, want 1: a private asker whose token is gone is never told the answer", len(dm), who)
		}
	}
	if tried := requestsTo(h.srv, "POST", webhookPath(late.Token)); len(tried) != 0 {
		t.Errorf("the bot sent %d follow-ups with dave's expired interaction token before the direct message: Discord refuses each (401) and counts it towards banning the bot for invalid requests, and dave waits longer", len(tried))
	}

	qs, _ = lib.Questions(discordtest.DefaultGuildID, epoch)
	for _, q := range qs {
		if !q.FollowedUp {
			t.Errorf("private question %q not marked after its asker was told: the next source would tell them again", q.Text)
		}
	}
}
