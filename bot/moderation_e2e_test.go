package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"sitrep/bot/discordtest"
	"sitrep/ingest"
	"sitrep/schedule/schedtest"
	"sitrep/search"
	"sitrep/seeds"
)

// Places in the moderation test: a second server, the digest's channel and
// one the fake refuses to post in.
const (
	otherGuildID    = "1000000000000000012"
	digestChannelID = "1000000000000000007"
	deniedChannelID = "1000000000000000008"
	otherChannelID  = "1000000000000000013" // of otherGuildID
	attachmentID    = "1200000000000000001"
)

const cranesPage = `<!doctype html><html><head>
<title>Harbour cranes halted after cyber attack | Coastal Times</title>
<meta property="og:title" content="Harbour cranes halted after cyber attack">
<meta property="og:site_name" content="Coastal Times">
<meta property="article:published_time" content="2026-06-09T10:00:00Z">
<link rel="canonical" href="https://coastal.example/cranes">
</head><body><nav><a href="/">Home</a> <a href="/sport">Sport</a></nav>
<article><h1>Harbour cranes halted after cyber attack</h1>
<p>Cranes at the container terminal in Kestrel Bay stopped for six hours on Tuesday after a cyber attack on the terminal operator.</p>
<p>The harbour authority blamed ransomware that encrypted the scheduling system used to move containers between ships and lorries.</p>
<p>Ships queued outside the breakwater until the evening, when engineers restored the system from backups, officials said.</p>
</article><footer>All rights reserved</footer></body></html>`

const notesFile = `# Fishing quota council meeting

The council agreed to cut the herring quota by a fifth for next season.
Skippers who spoke at the meeting said the cut would cost jobs in the smaller harbours.
`

// pageServer serves the articles and attachments the moderators add,
// counting requests by path.
type pageServer struct {
	*httptest.Server
	mu   sync.Mutex
	hits map[string]int
}

func newPageServer(tb testing.TB) *pageServer {
	tb.Helper()
	p := &pageServer{hits: map[string]int{}}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.hits[r.URL.Path]++
		p.mu.Unlock()
		switch r.URL.Path {
		case "/cranes", "/cranes-again", "/other":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, cranesPage)
		case "/cranes-updated":
			// The outlet's update of /cranes: same canonical link, one
			// sentence changed.
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, strings.Replace(cranesPage, "stopped for six hours on Tuesday", "stopped for nine hours on Tuesday", 1))
		case "/attachments/1/fishing-notes.md":
			w.Header().Set("Content-Type", "text/markdown; charset=utf-8")
			fmt.Fprint(w, notesFile)
		default:
			http.NotFound(w, r)
		}
	}))
	tb.Cleanup(p.Close)
	return p
}

func (p *pageServer) hitCount(path string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.hits[path]
}

// moderator is an interaction by a member with Manage Messages.
func moderator(h *harness) discordtest.Interaction {
	ic := h.srv.NewInteraction()
	ic.Permissions |= discordgo.PermissionManageMessages
	return ic
}

// deferredPrivate dispatches payload, expects a private deferral and
// returns the edit that fills it in.
func (h *harness) deferredPrivate(tb testing.TB, ic discordtest.Interaction, payload json.RawMessage) sentMessage {
	tb.Helper()
	cb, took := h.dispatch(tb, ic, payload)
	if cb.Type != int(discordgo.InteractionResponseDeferredChannelMessageWithSource) || cb.Data.Flags&int(discordgo.MessageFlagsEphemeral) == 0 {
		tb.Fatalf("callback type %d flags %d, want a private deferral (5, ephemeral): %+v", cb.Type, cb.Data.Flags, cb.Data)
	}
	if took > time.Second {
		tb.Errorf("deferral took %v", took)
	}
	m := h.edit(tb, ic)
	m.checkLimits(tb)
	return m
}

// refusedPrivately checks a callback is an immediate private message
// containing want.
func refusedPrivately(tb testing.TB, cb callback, want string) {
	tb.Helper()
	if !isPrivateReply(cb, want) {
		tb.Errorf("reply type %d flags %d %q, want a private message saying %q", cb.Type, cb.Data.Flags, cb.Data.Content, want)
	}
}

// isPrivateReply reports whether cb is an immediate private message
// containing want.
func isPrivateReply(cb callback, want string) bool {
	return cb.Type == int(discordgo.InteractionResponseChannelMessageWithSource) && cb.Data.Flags&int(discordgo.MessageFlagsEphemeral) != 0 && strings.Contains(cb.Data.Content, want)
}

// posts returns the messages posted in channel so far, without their
// components (discordgo cannot decode those; see postedMessages).
func (h *harness) posts(tb testing.TB, channel string) []discordgo.MessageSend {
	tb.Helper()
	var out []discordgo.MessageSend
	for _, r := range h.srv.Requests() {
		if r.Method == "POST" && r.Path == "/channels/"+channel+"/messages" && r.Status == http.StatusOK {
			var m struct {
				discordgo.MessageSend
				Components json.RawMessage `json:"components"` // shadows MessageSend's
			}
			if err := r.Decode(&m); err != nil {
				tb.Fatal(err)
			}
			out = append(out, m.MessageSend)
		}
	}
	return out
}

// postedMessages returns the messages posted in channel so far, with
// their buttons.
func (h *harness) postedMessages(tb testing.TB, channel string) []sentMessage {
	tb.Helper()
	var out []sentMessage
	for _, r := range h.srv.Requests() {
		if r.Method == "POST" && r.Path == "/channels/"+channel+"/messages" && r.Status == http.StatusOK {
			var m sentMessage
			if err := r.Decode(&m); err != nil {
				tb.Fatal(err)
			}
			out = append(out, m)
		}
	}
	return out
}

// waitFollowUps waits until the bot's follow-up queue is empty.
func waitFollowUps(tb testing.TB, lib Curator) {
	tb.Helper()
	ctx := waitCtx(tb)
	for {
		jobs, err := lib.FollowUpJobs()
		if err != nil {
			tb.Fatal(err)
		}
		if len(jobs) == 0 {
			return
		}
		select {
		case <-ctx.Done():
			tb.Fatalf("follow-up jobs still queued: %+v", jobs)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

func sub(name string, opts ...*discordgo.ApplicationCommandInteractionDataOption) *discordgo.ApplicationCommandInteractionDataOption {
	return discordtest.SubcommandOption(name, opts...)
}

func channelOption(name, id string) *discordgo.ApplicationCommandInteractionDataOption {
	return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: discordgo.ApplicationCommandOptionChannel, Value: id}
}

// withAttachment adds a resolved attachment to a command payload, as
// Discord sends an attachment option.
func withAttachment(tb testing.TB, payload json.RawMessage, id, filename, url, contentType string, size int) json.RawMessage {
	tb.Helper()
	var p map[string]any
	if err := json.Unmarshal(payload, &p); err != nil {
		tb.Fatal(err)
	}
	p["data"].(map[string]any)["resolved"] = map[string]any{"attachments": map[string]any{id: map[string]any{
		"id": id, "filename": filename, "size": size, "url": url, "proxy_url": url, "content_type": contentType,
	}}}
	out, err := json.Marshal(p)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// ownSources lists the sources a guild added itself.
func guildSources(tb testing.TB, lib *search.Library, guild string) []search.Source {
	tb.Helper()
	all, err := lib.Sources(guild)
	if err != nil {
		tb.Fatal(err)
	}
	var own []search.Source
	for _, s := range all {
		if s.Scope == guild {
			own = append(own, s)
		}
	}
	return own
}

// TestModerationEndToEnd drives /source, /digest, the follow-ups and the
// scheduled digest through the fake Discord with a real session; every
// REST request the bot makes is checked against Discord's OpenAPI spec.
// The digest's clock is a fake one, shared with the library.
func TestModerationEndToEnd(t *testing.T) {
	guild := discordtest.DefaultGuildID
	start := time.Date(2026, 6, 10, 7, 30, 0, 0, time.UTC) // 08:30 in London
	clock := schedtest.NewClock(start)
	srcs, err := seeds.Sources()
	if err != nil {
		t.Fatal(err)
	}
	lib, err := search.Open(context.Background(), t.TempDir(), search.Options{Seeds: srcs, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lib.Close() })
	// Shared sources enough for the listing to have pages; as seeds, they
	// are not news for the digest.
	filler := fillerSources(12)
	for k := range filler {
		filler[k].Scope, filler[k].AddedBy = search.SharedScope, "seed"
	}
	if _, err := lib.Import(context.Background(), filler, search.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	pages := newPageServer(t)
	h := startBotWith(t, privateDeps(lib), Options{GuildID: guild, Clock: clock},
		discordtest.WithGuild(discordtest.Guild{ID: guild, Name: "Newsroom", Channels: []string{discordtest.DefaultChannelID, digestChannelID, deniedChannelID}}),
		discordtest.WithGuild(discordtest.Guild{ID: otherGuildID, Name: "Elsewhere", Channels: []string{otherChannelID}}))

	t.Run("registers the moderator commands for moderators, in servers only", func(t *testing.T) {
		names := map[string]*discordgo.ApplicationCommand{}
		for _, c := range h.srv.Commands(guild) {
			names[c.Name] = c
		}
		if len(names) != 4 || names["ask"] == nil || names[checkCommandName] == nil {
			t.Fatalf("registered %v, want ask, %s, source and digest", names, checkCommandName)
		}
		for _, n := range []string{"source", "digest"} {
			c := names[n]
			if c == nil || c.DefaultMemberPermissions == nil || *c.DefaultMemberPermissions != discordgo.PermissionManageMessages {
				t.Errorf("/%s default_member_permissions %v, want Manage Messages", n, c)
				continue
			}
			if !h.srv.GuildOnly(guild, n) {
				t.Errorf("/%s is not registered for servers only (contexts [0]): members could use it in DMs", n)
			}
		}
	})

	var cranesID string
	t.Run("add by link extracts the article", func(t *testing.T) {
		ic := moderator(h)
		m := h.deferredPrivate(t, ic, ic.SlashCommand("source", sub("add", discordtest.StringOption("url", pages.URL+"/cranes"))))
		own := guildSources(t, lib, guild)
		if len(own) != 1 {
			t.Fatalf("%d sources in the guild, want 1; reply %q", len(own), m.Content)
		}
		s := own[0]
		cranesID = s.ID
		want := search.Source{Title: "Harbour cranes halted after cyber attack", Outlet: "Coastal Times", URL: "https://coastal.example/cranes",
			Published: "2026-06-09", AddedBy: "alice (" + discordtest.DefaultUserID + ")"}
		if s.Title != want.Title || s.Outlet != want.Outlet || s.URL != want.URL || s.Published != want.Published || s.AddedBy != want.AddedBy {
			t.Errorf("stored %+v, want %+v", s, want)
		}
		if !strings.HasPrefix(m.Content, "Added to this server's library") || strings.Contains(m.Content, s.ID) || len(m.Embeds) != 1 {
			t.Fatalf("reply %+v, want the confirmation without the internal id", m)
		}
		e := m.Embeds[0]
		if e.Title != want.Title || e.URL != want.URL || !strings.Contains(e.Description, "> Cranes at the container terminal in Kestrel Bay stopped") ||
			!strings.Contains(e.Footer.Text, "Coastal Times · 2026-06-09") {
			t.Errorf("reply embed %+v", e)
		}
		if strings.Contains(e.Description, "Sport") || strings.Contains(e.Description, "rights reserved") {
			t.Errorf("page clutter in the preview: %q", e.Description)
		}
	})

	t.Run("the same article again is refused with a pointer to it", func(t *testing.T) {
		ic := moderator(h)
		m := h.deferredPrivate(t, ic, ic.SlashCommand("source", sub("add", discordtest.StringOption("url", pages.URL+"/cranes-again"))))
		if !strings.Contains(m.Content, "Already in this server's library") || !strings.Contains(m.Content, "Harbour cranes halted after cyber attack") ||
			strings.Contains(m.Content, cranesID) || !strings.Contains(m.Content, "Nothing was added") {
			t.Errorf("reply %q", m.Content)
		}
		if n := len(guildSources(t, lib, guild)); n != 1 {
			t.Errorf("%d sources after a duplicate, want 1", n)
		}
	})

	t.Run("the outlet's update of the article is stored as version 2", func(t *testing.T) {
		ic := moderator(h)
		m := h.deferredPrivate(t, ic, ic.SlashCommand("source", sub("add", discordtest.StringOption("url", pages.URL+"/cranes-updated"))))
		if !strings.HasPrefix(m.Content, "Updated in this server's library: version 2, 1 sentence changed") {
			t.Errorf("reply %q: the moderator is not told the link's text changed and was stored as a new version", m.Content)
		}
		own := guildSources(t, lib, guild)
		if len(own) != 1 || own[0].ID != cranesID || own[0].Version != 2 {
			t.Errorf("sources after the update = %+v; want %s at version 2", own, cranesID)
		}
		ic = moderator(h)
		m = h.deferredPrivate(t, ic, ic.SlashCommand("source", sub("add", discordtest.StringOption("url", pages.URL+"/cranes-updated"))))
		if !strings.Contains(m.Content, "with the same link and text") || !strings.Contains(m.Content, "Nothing was added") {
			t.Errorf("reply to the same update again %q; want it called unchanged", m.Content)
		}
	})

	var notesID string
	t.Run("add by attachment, outlet overridden", func(t *testing.T) {
		ic := moderator(h)
		url := pages.URL + "/attachments/1/fishing-notes.md"
		payload := withAttachment(t, ic.SlashCommand("source", sub("add",
			&discordgo.ApplicationCommandInteractionDataOption{Name: "file", Type: discordgo.ApplicationCommandOptionAttachment, Value: attachmentID},
			discordtest.StringOption("outlet", "Harbour Council"))), attachmentID, "fishing-notes.md", url, "text/markdown; charset=utf-8", len(notesFile))
		m := h.deferredPrivate(t, ic, payload)
		if !strings.Contains(m.Content, "Added to this server's library") {
			t.Fatalf("reply %q", m.Content)
		}
		own := guildSources(t, lib, guild)
		if len(own) != 2 {
			t.Fatalf("%d sources, want 2", len(own))
		}
		s := own[0] // newest first
		notesID = s.ID
		if s.Title != "Fishing quota council meeting" || s.Outlet != "Harbour Council" || s.URL != "" {
			t.Errorf("stored %+v: want the markdown title, the given outlet and no link", s)
		}
		if pages.hitCount("/attachments/1/fishing-notes.md") != 1 {
			t.Error("the attachment was not downloaded once")
		}
	})

	t.Run("an attachment over the limit is refused without downloading it", func(t *testing.T) {
		ic := moderator(h)
		url := pages.URL + "/attachments/2/huge.txt"
		payload := withAttachment(t, ic.SlashCommand("source", sub("add",
			&discordgo.ApplicationCommandInteractionDataOption{Name: "file", Type: discordgo.ApplicationCommandOptionAttachment, Value: attachmentID})),
			attachmentID, "huge.txt", url, "text/plain", ingest.DefaultMaxBytes+1)
		cb, _ := h.dispatch(t, ic, payload)
		refusedPrivately(t, cb, "too large")
		if pages.hitCount("/attachments/2/huge.txt") != 0 {
			t.Error("the oversized attachment was downloaded")
		}
	})

	question := "when did the lighthouse keeper of Port Averly retire?"
	t.Run("add by modal follows up on the waiting question once", func(t *testing.T) {
		ic := h.srv.NewInteraction()
		cb, _ := h.dispatch(t, ic, ic.SlashCommand("ask", ask(question)...))
		if len(cb.Data.Embeds) != 1 || !strings.Contains(cb.Data.Embeds[0].Title, "No source") {
			t.Fatalf("the question was answered before the source came: %+v", cb.Data)
		}

		ic = moderator(h)
		h.srv.DispatchInteraction(t, ic.SlashCommand("source", sub("add", discordtest.StringOption("title", "Lighthouse keeper retires"))))
		r, err := h.srv.WaitRequest(waitCtx(t), "POST", "/interactions/"+ic.ID+"/"+ic.Token+"/callback")
		if err != nil {
			t.Fatal(err)
		}
		var modal struct {
			Type int `json:"type"`
			Data struct {
				CustomID   string `json:"custom_id"`
				Components []struct {
					Components []struct {
						CustomID  string `json:"custom_id"`
						Value     string `json:"value"`
						Required  bool   `json:"required"`
						MaxLength int    `json:"max_length"`
					} `json:"components"`
				} `json:"components"`
			} `json:"data"`
		}
		if err := r.Decode(&modal); err != nil {
			t.Fatal(err)
		}
		inputs := map[string]int{}
		for _, row := range modal.Data.Components {
			for _, c := range row.Components {
				inputs[c.CustomID] = c.MaxLength
				if c.CustomID == "title" && c.Value != "Lighthouse keeper retires" {
					t.Errorf("title not filled in from the option: %q", c.Value)
				}
			}
		}
		if modal.Type != int(discordgo.InteractionResponseModal) || modal.Data.CustomID != sourceModalID || inputs["text"] != 4000 || len(inputs) != 5 {
			t.Fatalf("modal %+v", modal)
		}

		submit := func(title, text string) sentMessage {
			ic := moderator(h)
			return h.deferredPrivate(t, ic, ic.ModalSubmit(sourceModalID, map[string]string{
				"title": title, "outlet": "Averly Gazette", "url": "", "published": "2026-06-08", "text": text}))
		}
		m := submit("Lighthouse keeper retires", "The lighthouse keeper of Port Averly, Maren Holt, retired on 3 March after forty years of service. "+
			"She kept the light burning through eleven winters alone.")
		if !strings.Contains(m.Content, "Added") {
			t.Fatalf("reply %q", m.Content)
		}
		waitFollowUps(t, lib)
		fus := h.posts(t, discordtest.DefaultChannelID)
		if len(fus) != 1 {
			t.Fatalf("%d follow-ups posted, want 1", len(fus))
		}
		fu := fus[0]
		if !strings.HasPrefix(fu.Content, "<@"+discordtest.DefaultUserID+">") || !strings.Contains(fu.Content, question) {
			t.Errorf("follow-up content %q", fu.Content)
		}
		if am := fu.AllowedMentions; am == nil || len(am.Parse) != 0 || len(am.Users) != 1 || am.Users[0] != discordtest.DefaultUserID {
			t.Errorf("allowed_mentions %+v, want only the asker", am)
		}
		if len(fu.Embeds) != 1 || !strings.Contains(fu.Embeds[0].Description, "retired") || !strings.Contains(fu.Embeds[0].Description, "Lighthouse keeper retires") {
			t.Errorf("follow-up quote %+v", fu.Embeds)
		}

		submit("Averly lighthouse changes hands", "Maren Holt, keeper of the Port Averly lighthouse, retired in March; the lighthouse keeper post now goes to her nephew.")
		waitFollowUps(t, lib)
		if n := len(h.posts(t, discordtest.DefaultChannelID)); n != 1 {
			t.Errorf("%d follow-ups after a second answering source, want still 1", n)
		}
	})

	t.Run("members without the permission are refused and nothing changes", func(t *testing.T) {
		before := len(guildSources(t, lib, guild))
		for _, p := range []struct {
			name string
			ic   discordtest.Interaction
			cmd  func(ic discordtest.Interaction) json.RawMessage
			want string
		}{
			{"source add", h.srv.NewInteraction(), func(ic discordtest.Interaction) json.RawMessage {
				return ic.SlashCommand("source", sub("add", discordtest.StringOption("url", pages.URL+"/other")))
			}, "Only moderators"},
			{"source remove", h.srv.NewInteraction(), func(ic discordtest.Interaction) json.RawMessage {
				return ic.SlashCommand("source", sub("remove", discordtest.StringOption("id", cranesID)))
			}, "Only moderators"},
			{"remove button", h.srv.NewInteraction(), func(ic discordtest.Interaction) json.RawMessage {
				return ic.Button(sourceRemovePrefix+cranesID, "1100000000000088888")
			}, "Only moderators"},
			{"digest set", h.srv.NewInteraction(), func(ic discordtest.Interaction) json.RawMessage {
				return ic.SlashCommand("digest", sub("set", channelOption("channel", digestChannelID)))
			}, "Only moderators"},
			// The modal a moderator opened, submitted by someone who is not
			// one (or no longer one): Discord lets anyone submit a modal
			// id, so the bot checks again.
			{"pasted source (modal submit)", h.srv.NewInteraction(), func(ic discordtest.Interaction) json.RawMessage {
				return ic.ModalSubmit(sourceModalID, map[string]string{"title": "Refused paste", "outlet": "", "url": "", "published": "",
					"text": "A member without the permission pasted this text about the ferry timetable changing on Monday."})
			}, "Only moderators"},
			{"source in a DM", moderator(h).DM(), func(ic discordtest.Interaction) json.RawMessage {
				return ic.SlashCommand("source", sub("list"))
			}, "only works in a server"},
		} {
			t.Run(p.name, func(t *testing.T) {
				cb, _ := h.dispatch(t, p.ic, p.cmd(p.ic))
				if !isPrivateReply(cb, p.want) {
					t.Errorf("%s by a member who may not moderate: reply type %d %q, want a private refusal saying %q: anyone in the server could change what its moderators curate",
						p.name, cb.Type, cb.Data.Content, p.want)
				}
			})
		}
		if n := len(guildSources(t, lib, guild)); n != before {
			t.Errorf("%d sources after the refusals, want %d: a member who may not moderate changed the server's library", n, before)
		}
		if pages.hitCount("/other") != 0 {
			t.Error("a refused add still fetched the page")
		}
		if _, found, _ := lib.DigestSettings(guild); found {
			t.Error("a refused /digest set stored settings")
		}
	})

	t.Run("list pages through the sources with who added them", func(t *testing.T) {
		ic := moderator(h)
		cb, _ := h.dispatch(t, ic, ic.SlashCommand("source", sub("list")))
		if cb.Type != 4 || cb.Data.Flags&int(discordgo.MessageFlagsEphemeral) == 0 || len(cb.Data.Embeds) != 1 {
			t.Fatalf("reply %+v", cb)
		}
		cb.Data.checkLimits(t)
		d := cb.Data.Embeds[0].Description
		for _, want := range []string{"Harbour cranes halted after cyber attack", "Coastal Times", "added by alice <t:"} {
			if !strings.Contains(d, want) {
				t.Errorf("first page lacks %q:\n%s", want, d)
			}
		}
		for _, id := range []string{cranesID, discordtest.DefaultUserID} {
			if strings.Contains(d, id) {
				t.Errorf("the listing shows the id %s:\n%s", id, d)
			}
		}
		if !strings.Contains(cb.Data.Content, "Sources 1–10 of") || !strings.Contains(cb.Data.Content, "4 added in this server") {
			t.Errorf("content %q", cb.Data.Content)
		}
		next, disabled := cb.Data.button(t, "Next")
		if disabled {
			t.Fatal("next disabled on the first page")
		}
		ic = moderator(h)
		cb, _ = h.dispatch(t, ic, ic.Button(next, "1100000000000088887"))
		if cb.Type != int(discordgo.InteractionResponseUpdateMessage) || !strings.Contains(cb.Data.Content, "Sources 11–20 of") ||
			!strings.Contains(cb.Data.Embeds[0].Description, "shared") {
			t.Errorf("second page %+v", cb.Data)
		}
	})

	t.Run("another server can neither find nor remove this server's sources", func(t *testing.T) {
		inB := func(ic discordtest.Interaction) discordtest.Interaction { ic.GuildID = otherGuildID; return ic }
		ic := inB(h.srv.NewInteraction())
		cb, _ := h.dispatch(t, ic, ic.SlashCommand("ask", ask("why did the cranes at Kestrel Bay stop?")...))
		if text := cardText(cb.Data.Content, cb.Data.Embeds); strings.Contains(text, "Kestrel Bay stopped") || strings.Contains(text, "Coastal Times") {
			t.Errorf("server B was answered from server A's source: %s", text)
		}
		ic = inB(moderator(h))
		cb, _ = h.dispatch(t, ic, ic.Autocomplete("source", sub("remove", discordtest.Focused(discordtest.StringOption("id", "")))))
		if len(cb.Data.Choices) != 0 {
			t.Errorf("server B's moderator is offered server A's sources to remove: %s", choiceList(cb.Data.Choices))
		}
		ic = inB(moderator(h))
		cb, _ = h.dispatch(t, ic, ic.SlashCommand("source", sub("remove", discordtest.StringOption("id", cranesID))))
		refusedPrivately(t, cb, "This server has no source")
		ic = inB(moderator(h))
		cb, _ = h.dispatch(t, ic, ic.Button(sourceRemovePrefix+cranesID, "1100000000000088886"))
		if cb.Type != int(discordgo.InteractionResponseUpdateMessage) || !strings.Contains(cb.Data.Content, "no longer in this server's library") {
			t.Errorf("remove from B %+v", cb)
		}
		if _, err := lib.Source(guild, cranesID); err != nil {
			t.Errorf("server A's source is gone after B tried: %v", err)
		}
	})

	t.Run("members who may not remove are suggested nothing to remove", func(t *testing.T) {
		ic := h.srv.NewInteraction()
		cb, _ := h.dispatch(t, ic, ic.Autocomplete("source", sub("remove", discordtest.Focused(discordtest.StringOption("id", "fishing")))))
		if cb.Type != int(discordgo.InteractionApplicationCommandAutocompleteResult) {
			t.Errorf("callback type %d, want 8: Discord shows the member an error instead of an empty list", cb.Type)
		}
		if len(cb.Data.Choices) != 0 {
			t.Errorf("a member without Manage Messages is offered the server's sources to remove: %s: they see what the moderators curate, and what they may not touch", choiceList(cb.Data.Choices))
		}
	})

	t.Run("remove asks for confirmation, then removes and records who", func(t *testing.T) {
		ic := moderator(h)
		cb, _ := h.dispatch(t, ic, ic.Autocomplete("source", sub("remove", discordtest.Focused(discordtest.StringOption("id", "fishing")))))
		if len(cb.Data.Choices) != 1 || cb.Data.Choices[0].Value != notesID {
			t.Fatalf("typing \"fishing\" offers %s, want the notes (%s) only: the moderator cannot pick the source to remove", choiceList(cb.Data.Choices), notesID)
		}
		confirm := func() sentMessage {
			ic := moderator(h)
			cb, _ := h.dispatch(t, ic, ic.SlashCommand("source", sub("remove", discordtest.StringOption("id", notesID))))
			if cb.Type != 4 || cb.Data.Flags&int(discordgo.MessageFlagsEphemeral) == 0 || !strings.Contains(cb.Data.Content, "Remove this source") {
				t.Fatalf("confirmation %+v", cb)
			}
			return cb.Data
		}
		keep, _ := confirm().button(t, "Keep")
		ic = moderator(h)
		cb, _ = h.dispatch(t, ic, ic.Button(keep, "1100000000000088885"))
		if cb.Type != 7 || !strings.Contains(cb.Data.Content, "Nothing was removed") || len(cb.Data.Components) != 0 {
			t.Errorf("cancel %+v", cb)
		}
		if _, err := lib.Source(guild, notesID); err != nil {
			t.Fatalf("cancelled, yet: %v", err)
		}
		remove, _ := confirm().button(t, "Remove")
		ic = moderator(h)
		cb, _ = h.dispatch(t, ic, ic.Button(remove, "1100000000000088884"))
		if cb.Type != 7 || !strings.Contains(cb.Data.Content, "Removed “Fishing quota council meeting”") || len(cb.Data.Components) != 0 {
			t.Errorf("removal %+v", cb)
		}
		if _, err := lib.Source(guild, notesID); !errors.Is(err, search.ErrNotFound) {
			t.Errorf("after removal: %v, want ErrNotFound", err)
		}
		ans, err := lib.Ask(context.Background(), search.Query{Question: "herring quota cut", Scope: guild})
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range ans.Quotes {
			if q.Source.ID == notesID {
				t.Errorf("a passage of the removed source is still quoted: %q", q.Text)
			}
		}
		audit, err := lib.Audit(guild, false)
		if err != nil {
			t.Fatal(err)
		}
		last := audit[len(audit)-1]
		if last.Action != "remove" || last.SourceID != notesID || last.Actor != "alice ("+discordtest.DefaultUserID+")" {
			t.Errorf("last audit entry %+v", last)
		}
	})

	t.Run("digest set, then the digest arrives at its time", func(t *testing.T) {
		ic := moderator(h)
		cb, _ := h.dispatch(t, ic, ic.Autocomplete("digest", sub("set", channelOption("channel", digestChannelID), discordtest.Focused(discordtest.StringOption("timezone", "lond")))))
		if len(cb.Data.Choices) == 0 || cb.Data.Choices[0].Value != "Europe/London" {
			t.Errorf("timezone choices %+v", cb.Data.Choices)
		}
		ic = moderator(h)
		cb, _ = h.dispatch(t, ic, ic.SlashCommand("digest", sub("set", channelOption("channel", digestChannelID),
			discordtest.StringOption("time", "25:00"))))
		refusedPrivately(t, cb, "the hour must be 00-23")
		ic = moderator(h)
		cb, _ = h.dispatch(t, ic, ic.SlashCommand("digest", sub("set", channelOption("channel", digestChannelID),
			discordtest.StringOption("time", "09:00"), discordtest.StringOption("timezone", "Europe/London"))))
		clock.Woken()
		refusedPrivately(t, cb, "posted in <#"+digestChannelID+"> at 09:00 (Europe/London)")
		if want := fmt.Sprintf("<t:%d:F>", time.Date(2026, 6, 10, 8, 0, 0, 0, time.UTC).Unix()); !strings.Contains(cb.Data.Content, want) {
			t.Errorf("reply %q does not say the next digest is at %s", cb.Data.Content, want)
		}
		st, found, err := lib.DigestSettings(guild)
		if err != nil || !found || st.ChannelID != digestChannelID || st.Time == nil || st.Time.String() != "09:00" || st.Timezone.Name() != "Europe/London" || !st.Enabled {
			t.Fatalf("stored %+v %v %v", st, found, err)
		}

		clock.AdvanceTo(t, start.Add(29*time.Minute)) // 08:59 in London
		if n := len(h.posts(t, digestChannelID)); n != 0 {
			t.Fatalf("%d digest posts before 09:00", n)
		}
		clock.AdvanceTo(t, start.Add(35*time.Minute))
		posts := h.posts(t, digestChannelID)
		if len(posts) != 1 {
			t.Fatalf("%d digest posts after 09:00, want 1\nlogs:\n%s", len(posts), h.logs)
		}
		d := posts[0]
		if !strings.Contains(d.Content, "Daily digest") || !strings.Contains(d.Content, "3 new sources") {
			t.Errorf("digest header %q", d.Content)
		}
		// The rest is behind More, for any member: a reader without
		// Manage Messages presses it and gets it privately.
		more, _ := h.postedMessages(t, digestChannelID)[0].button(t, "More")
		reader := h.srv.NewInteraction()
		m := h.deferredPrivate(t, reader, reader.Button(more, "1100000000000055555"))
		var all strings.Builder
		for _, e := range m.Embeds {
			all.WriteString(e.Title + "\n" + e.Description + "\n")
		}
		for _, want := range []string{"Harbour cranes halted after cyber attack", "Lighthouse keeper retires", question} {
			if !strings.Contains(all.String(), want) {
				t.Errorf("More lacks %q; a member pressing it would not see the day's sources and questions:\n%s", want, all.String())
			}
		}
		if st, _, _ := lib.DigestSettings(guild); st.LastDay != "2026-06-10" {
			t.Errorf("last day %q after the post", st.LastDay)
		}
		clock.AdvanceTo(t, start.Add(3*time.Hour))
		if n := len(h.posts(t, digestChannelID)); n != 1 {
			t.Errorf("%d digest posts the same day, want 1", n)
		}
	})

	t.Run("digest set refuses a channel of another server", func(t *testing.T) {
		before, _, _ := lib.DigestSettings(guild)
		for _, ch := range []string{otherChannelID, "1000000000000000099"} {
			ic := moderator(h)
			cb, _ := h.dispatch(t, ic, ic.SlashCommand("digest", sub("set", channelOption("channel", ch))))
			if cb.Data.Flags&int(discordgo.MessageFlagsEphemeral) == 0 || strings.Contains(cb.Data.Content, "will be posted") {
				t.Errorf("channel %s: reply %+v, want a private refusal", ch, cb.Data)
			}
		}
		if after, _, _ := lib.DigestSettings(guild); after.ChannelID != before.ChannelID {
			t.Errorf("digest channel changed from %s to %s", before.ChannelID, after.ChannelID)
		}
	})

	t.Run("digest now says why it cannot post, and posts once it can", func(t *testing.T) {
		h.srv.FailChannel(deniedChannelID, http.StatusForbidden)
		ic := moderator(h)
		cb, _ := h.dispatch(t, ic, ic.SlashCommand("digest", sub("set", channelOption("channel", deniedChannelID))))
		refusedPrivately(t, cb, "at 09:00 (Europe/London)") // time and zone kept
		ic = moderator(h)
		m := h.deferredPrivate(t, ic, ic.SlashCommand("digest", sub("now")))
		if !strings.Contains(m.Content, "I can't post in <#"+deniedChannelID+">: missing permission") {
			t.Errorf("reply %q", m.Content)
		}
		h.srv.FailChannel(deniedChannelID, 0)
		ic = moderator(h)
		m = h.deferredPrivate(t, ic, ic.SlashCommand("digest", sub("now")))
		if !strings.Contains(m.Content, "Posted the digest in <#"+deniedChannelID+">") || len(h.posts(t, deniedChannelID)) == 0 {
			t.Errorf("reply %q, %d posts", m.Content, len(h.posts(t, deniedChannelID)))
		}
	})

	t.Run("digest off", func(t *testing.T) {
		ic := moderator(h)
		cb, _ := h.dispatch(t, ic, ic.SlashCommand("digest", sub("off")))
		refusedPrivately(t, cb, "The daily digest is off")
		if st, _, _ := lib.DigestSettings(guild); st.Enabled || st.ChannelID != deniedChannelID {
			t.Errorf("stored %+v, want disabled with the channel kept", st)
		}
		clock.AdvanceTo(t, start.Add(25*time.Hour))
		if n := len(h.posts(t, deniedChannelID)); n != 1 {
			t.Errorf("%d posts after /digest off, want only the /digest now one", n)
		}
	})
}
