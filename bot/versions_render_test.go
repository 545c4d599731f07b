package bot

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sitrep/search"
)

// TestUpdatedArticleAsShown: after an outlet's update, the answer card
// still quotes the first figure, marked superseded with the update's
// date, and the digest names the update: "Updated by <outlet>", the
// earlier wording → the current one. With SITREP_RENDER_OUT set, the
// messages are written there for discord_render.py.
func TestUpdatedArticleAsShown(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 6, 13, 7, 0, 0, 0, time.UTC)
	lib, err := search.Open(ctx, t.TempDir(), search.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lib.Close() })
	const guild = "1000000000000000001"
	src, err := lib.Add(ctx, search.Source{Scope: guild, Title: "Opposition group says it hacked Tehran cameras", Outlet: "Iran International",
		URL: "https://iranintl.example/cameras", Published: "2026-06-13",
		Text: "An opposition group said it had hacked more than 5,000 surveillance cameras in Tehran.\nThe municipality said its website was suspended for a few minutes.\nOfficials blamed foreign enemies for the disruption."})
	if err != nil {
		t.Fatal(err)
	}
	now = now.Add(25 * time.Hour)
	since := now.Add(-time.Hour)
	if _, err := lib.Update(ctx, src.ID, search.Source{Scope: guild, Title: src.Title, Outlet: src.Outlet, URL: src.URL, Published: src.Published,
		Text: "State television said on Sunday the hackers had reached only part of the camera network in Tehran.\nThe municipality said its website was suspended for a few minutes.\nOfficials blamed foreign enemies for the disruption."}); err != nil {
		t.Fatal(err)
	}

	ans, err := lib.Ask(ctx, search.Query{Question: "How many cameras did the opposition group hack?", Scope: guild})
	if err != nil {
		t.Fatal(err)
	}
	card := renderAnswer(ans, page{})
	text := shownText(card)
	if !strings.Contains(text, "5,000") || !strings.Contains(text, "superseded: updated 14 Jun 2026") {
		t.Errorf("the card does not quote the first figure marked superseded; a member would take it for the outlet's word now:\n%s", text)
	}

	d, err := lib.Digest(ctx, guild, since)
	if err != nil {
		t.Fatal(err)
	}
	msgs := renderDigest(d)
	dtext := shownText(msgs[0])
	if !strings.Contains(dtext, "Updated by Iran International") || !strings.Contains(dtext, "→") || !strings.Contains(dtext, "5,000") {
		t.Errorf("the digest does not name what the update changed:\n%s", dtext)
	}
	if !strings.Contains(dtext, "updated 14 Jun") {
		t.Errorf("the digest dates the new wording as if the article were new, not \"updated 14 Jun\": the team cannot tell an update from a new source:\n%s", dtext)
	}
	if out := os.Getenv("SITREP_RENDER_OUT"); out != "" {
		for name, m := range map[string][]message{"card": {card}, "digest": msgs} {
			if err := os.WriteFile(filepath.Join(out, name+".json"), digestJSON(t, m), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
