package discordtest_test

import (
	"encoding/json"
	"testing"

	"github.com/bwmarrin/discordgo"

	"sitrep/bot/discordtest"
)

// TestChannelMessagesAndNonce: the fake keeps the messages the bot posts
// for GET /channels/{id}/messages (newest first, limit and before honoured,
// no nonce), and a post repeating a nonce with enforce_nonce within the
// nonce window returns the first message instead of making a second, as
// Discord does; without enforce_nonce, or after the window, it makes one.
func TestChannelMessagesAndNonce(t *testing.T) {
	srv := start(t)
	sess := srv.Session(t)
	channel := discordtest.DefaultChannelID
	endpoint := discordgo.EndpointChannelMessages(channel)
	post := func(content, nonce string, enforce bool) string {
		t.Helper()
		body := map[string]any{"content": content}
		if nonce != "" {
			body["nonce"], body["enforce_nonce"] = nonce, enforce
		}
		raw, err := sess.RequestWithBucketID("POST", endpoint, body, endpoint)
		if err != nil {
			t.Fatal(err)
		}
		var m discordgo.Message
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatal(err)
		}
		return m.ID
	}
	a := post("first", "n1", true)
	if again := post("first again", "n1", true); again != a {
		t.Errorf("a repeated nonce with enforce_nonce made message %s; want the first, %s", again, a)
	}
	b := post("not enforced", "n1", false)
	srv.SetNonceWindow(0)
	c := post("after the window", "n1", true)
	if b == a || c == a || c == b {
		t.Errorf("ids %s %s %s: want three messages", a, b, c)
	}
	if n := len(srv.ChannelMessages(channel)); n != 3 {
		t.Errorf("%d messages kept, want 3", n)
	}

	list := func(query string) []map[string]any {
		t.Helper()
		raw, err := sess.RequestWithBucketID("GET", endpoint+query, nil, endpoint)
		if err != nil {
			t.Fatal(err)
		}
		var ms []map[string]any
		if err := json.Unmarshal(raw, &ms); err != nil {
			t.Fatal(err)
		}
		return ms
	}
	ids := func(ms []map[string]any) []string {
		var out []string
		for _, m := range ms {
			if _, ok := m["nonce"]; ok {
				t.Errorf("GET returned a nonce: %v", m)
			}
			out = append(out, m["id"].(string))
		}
		return out
	}
	if got := ids(list("?limit=100")); len(got) != 3 || got[0] != c || got[2] != a {
		t.Errorf("GET ?limit=100 = %v; want %s, %s, %s (newest first)", got, c, b, a)
	}
	if got := ids(list("?limit=1&before=" + c)); len(got) != 1 || got[0] != b {
		t.Errorf("GET ?limit=1&before=%s = %v; want [%s]", c, got, b)
	}
}
