package bot

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"sitrep/bot/discordtest"
)

// pingsNobody reports whether a message the bot sent to Discord (a
// callback, an edit, a follow-up or a channel post) carries
// "allowed_mentions" with an empty "parse" and no users or roles, so that
// Discord pings no one whatever the text holds; got is what it carried.
// Without it Discord parses the text, and a quote holding @everyone or
// <@id> pings people.
func pingsNobody(tb testing.TB, r discordtest.Request) (got string, ok bool) {
	tb.Helper()
	var body struct {
		AllowedMentions json.RawMessage `json:"allowed_mentions"`
		Data            *struct {
			AllowedMentions json.RawMessage `json:"allowed_mentions"`
		} `json:"data"` // a callback carries the message in data
	}
	if err := r.Decode(&body); err != nil {
		tb.Fatal(err)
	}
	raw := body.AllowedMentions
	if body.Data != nil && len(raw) == 0 {
		raw = body.Data.AllowedMentions
	}
	if len(raw) == 0 {
		return "nothing", false
	}
	var am struct {
		Parse *[]string `json:"parse"`
		Users []string  `json:"users"`
		Roles []string  `json:"roles"`
	}
	if err := json.Unmarshal(raw, &am); err != nil {
		return string(raw), false
	}
	return string(raw), am.Parse != nil && len(*am.Parse) == 0 && len(am.Users) == 0 && len(am.Roles) == 0
}

// requestsTo returns the requests for method and the exact path (below
// the API base) received so far.
func requestsTo(srv *discordtest.Server, method, path string) []discordtest.Request {
	var out []discordtest.Request
	for _, r := range srv.Requests() {
		if r.Method == method && r.Path == path {
			out = append(out, r)
		}
	}
	return out
}

// webhookPath is the path of follow-ups to the interaction with token.
func webhookPath(token string) string { return "/webhooks/" + discordtest.AppID + "/" + token }

// choiceList is autocomplete choices as a person reads them: “name” (value), …
func choiceList(cs []*discordgo.ApplicationCommandOptionChoice) string {
	if len(cs) == 0 {
		return "nothing"
	}
	parts := make([]string, len(cs))
	for k, c := range cs {
		parts[k] = fmt.Sprintf("“%s” (%v)", c.Name, c.Value)
	}
	return strings.Join(parts, ", ")
}
