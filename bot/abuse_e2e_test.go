package bot

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"sitrep/bot/discordtest"
)

// TestAbuseIsHandled drives small abuses of the bot through the fake
// Discord: an invisible question, a link with credentials, a page whose
// error message carries Markdown.
func TestAbuseIsHandled(t *testing.T) {
	lib := openSeeded(t)
	srv := newFakeDiscord(t)
	h, _ := runBotWith(t, srv, privateDeps(lib), Options{GuildID: discordtest.DefaultGuildID})

	t.Run("a question of invisible characters is refused like an empty one", func(t *testing.T) {
		ic := h.srv.NewInteraction()
		cb, _ := h.dispatch(t, ic, ic.SlashCommand("ask", ask("\u200b\u202e\u2066\u200d \u2069\ufeff")...))
		refusedPrivately(t, cb, "Please type a question")
		if qs, _ := lib.Questions(discordtest.DefaultGuildID, epoch); len(qs) != 0 {
			t.Errorf("the invisible question was logged: %+v", qs)
		}
	})

	t.Run("a link's user:password is neither stored nor shown", func(t *testing.T) {
		ic := moderator(h)
		m := h.deferredPrivate(t, ic, ic.ModalSubmit(sourceModalID, map[string]string{
			"title": "Pump memo", "outlet": "Intranet", "url": "https://bob:hunter2@intranet.example/memo", "published": "",
			"text": "The pumps at the northern station failed at dawn, the memo says."}))
		if len(m.Embeds) != 1 || m.Embeds[0].URL != "https://intranet.example/memo" || strings.Contains(m.Content, "hunter2") {
			t.Errorf("reply %+v shows the link's credentials", m)
		}
		for _, s := range guildSources(t, lib, discordtest.DefaultGuildID) {
			if strings.Contains(s.URL, "hunter2") {
				t.Errorf("stored link %q keeps its credentials", s.URL)
			}
		}
		ic = h.srv.NewInteraction()
		cb, _ := h.dispatch(t, ic, ic.SlashCommand("ask", ask("when did the northern station pumps fail?")...))
		if strings.Contains(string(mustJSON(t, cb)), "hunter2") {
			t.Errorf("an answer shows the credentials: %+v", cb.Data)
		}
	})

	t.Run("a page's error text reaches the moderator as text, not Markdown", func(t *testing.T) {
		page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "[click here](https://evil.example) **now** @everyone")
			w.Write([]byte("x"))
		}))
		defer page.Close()
		ic := moderator(h)
		m := h.deferredPrivate(t, ic, ic.SlashCommand("source", sub("add", discordtest.StringOption("url", page.URL+"/x"))))
		if !strings.Contains(m.Content, "Nothing was added") || strings.Contains(m.Content, "[click here](") || strings.Contains(m.Content, "**now**") {
			t.Errorf("reply %q: the page's text was not escaped", m.Content)
		}
	})
}

func mustJSON(tb testing.TB, v any) []byte {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}
