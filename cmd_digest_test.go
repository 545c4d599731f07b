package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"sitrep/search"
)

// TestDigestCommandText: `sitrep digest` prints the bot's digest for a
// person: how the story moved, the questions grouped, each new source
// once (the feed's too), no internal ids, and counts that say which
// questions they include.
func TestDigestCommandText(t *testing.T) {
	const guild = "1000000000000000002"
	c := newCLI(t)
	ctx := context.Background()
	lib, err := search.Open(ctx, c.data, search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	feed, err := lib.AddFeed(search.Feed{Scope: guild, URL: "https://news.example/feed", Title: "State media wire"})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, s := range []search.Source{
		{Scope: guild, Title: "Opposition group says it hacked Tehran's cameras", Outlet: "Iran International", Published: "2026-06-13",
			Text: "An Iranian opposition group says it has hacked more than 5,000 surveillance cameras in Tehran."},
		{Scope: guild, Title: "State TV: part of Tehran's camera network disrupted", Outlet: "Young Journalists Club", Published: "2026-06-14",
			AddedBy: search.FeedActorPrefix + feed.ID,
			Text:    "The Young Journalists Club, an affiliate of state television, said that part of the network of municipal surveillance cameras in Tehran was disrupted."},
	} {
		added, err := lib.Add(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, added.ID)
	}
	for i, q := range []string{"how many cameras were hacked?", "How many cameras were hacked", "number of cameras hacked", "who won the football match last night?"} {
		if _, err := lib.Ask(ctx, search.Query{Question: q, Scope: guild, Asker: &search.Asker{UserID: string(rune('a' + i))}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := lib.Close(); err != nil {
		t.Fatal(err)
	}

	code, out, errOut := c.run("", "digest", "--scope", guild)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"How the story moved", "Revised · cameras", "“An Iranian opposition group says it has hacked more than 5,000 surveillance cameras in Tehran.”",
		"→ “", "Young Journalists Club (affiliate of state television), 14 Jun 2026", "how many cameras were hacked? (asked 3 times; also as",
		"from the feed State media wire", "Questions: 4 asked with /ask on Discord in server " + guild + " (2 answered when asked, 1 off-topic)", "Questions asked with sitrep ask are not logged.",
		"1 off-topic question (the library has nothing near it) is not listed"} {
		if !strings.Contains(out, want) {
			t.Errorf("digest lacks %q:\n%s", want, out)
		}
	}
	for _, id := range ids {
		if strings.Contains(out, id) {
			t.Errorf("the digest shows the internal source id %s:\n%s", id, out)
		}
	}
	if n := strings.Count(out, "State TV: part of Tehran's camera network disrupted"); n != 1 {
		t.Errorf("the feed's source is listed %d times, want once:\n%s", n, out)
	}
	if strings.Contains(out, "football") {
		t.Errorf("an off-topic question is listed:\n%s", out)
	}

	_, out, _ = c.run("", "digest")
	if !strings.HasPrefix(out, "Nothing new since ") || strings.Contains(out, "Digest since") {
		t.Errorf("the shared library's quiet digest does not start with its one line:\n%s", out)
	}
	if !strings.Contains(out, "Questions: none counted, since only /ask on Discord is logged, per server: add --scope SERVER_ID") {
		t.Errorf("the shared library's digest does not say why it counts no questions:\n%s", out)
	}

	_, out, _ = c.run("", "digest", "--scope", guild, "--json")
	var d struct {
		Story []struct {
			Kind   string `json:"kind"`
			Claims []struct {
				Quote string `json:"quote"`
				Short string `json:"short"`
			} `json:"claims"`
		} `json:"story"`
		TopQuestions []struct {
			Count    int      `json:"count"`
			Variants []string `json:"variants"`
		} `json:"top_questions"`
		Counts struct {
			Questions int `json:"questions"`
			OffTopic  int `json:"off_topic"`
		} `json:"counts"`
		QuestionsCounted string `json:"questions_counted"`
	}
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if len(d.Story) == 0 || d.Story[0].Kind != "revised" || len(d.Story[0].Claims) != 2 || len(d.TopQuestions) == 0 || d.TopQuestions[0].Count != 3 ||
		d.Counts.Questions != 4 || d.Counts.OffTopic != 1 {
		t.Errorf("--json: %s", out)
	}
	if !strings.Contains(d.QuestionsCounted, "/ask on Discord in server "+guild) || !strings.Contains(d.QuestionsCounted, "sitrep ask is not logged") {
		t.Errorf("--json does not say which questions its counts include: questions_counted %q", d.QuestionsCounted)
	}
}
