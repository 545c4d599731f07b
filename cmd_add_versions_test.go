package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestAddKnownLinkStoresAVersion: `sitrep add` of a link the library has
// stores the changed text as version 2 and says so, says "unchanged" for
// the same text, and `ask --json` marks a quote of the first text as
// superseded.
func TestAddKnownLinkStoresAVersion(t *testing.T) {
	c := newCLI(t)
	dir := t.TempDir()
	link := "https://news.example/harbour-storm"
	v1 := writeFile(t, dir, "v1.txt", "The port authority said 14 harbour cranes were wrecked by the storm in Valletta.\nDock workers were sent home until the wind dropped.\n")
	v2 := writeFile(t, dir, "v2.txt", "The port authority now says only part of the harbour crane fleet in Valletta was wrecked by the storm.\nDock workers were sent home until the wind dropped.\n")
	steps := []struct {
		file, want string
	}{
		{v1, "added "},
		{v1, "unchanged: "},
		{v2, "version 2, 1 sentence changed"},
		{v2, "unchanged: "},
	}
	for _, s := range steps {
		code, out, errOut := c.run("", "add", s.file, "--url", link, "--title", "Storm wrecks cranes", "--outlet", "Times of Malta")
		if code != 0 || !strings.Contains(out, s.want) {
			t.Fatalf("add %s: exit %d, %q %q; want %q: the moderator is not told what became of the link", s.file, code, out, errOut, s.want)
		}
	}
	if code, out, _ := c.run("", "ask", "How many harbour cranes did the storm wreck in Valletta?"); !strings.Contains(out, "(superseded: the outlet updated this article on ") {
		t.Errorf("ask (exit %d) does not mark the quote of the first text as superseded:\n%s", code, out)
	}
	code, out, errOut := c.run("", "ask", "--json", "How many harbour cranes did the storm wreck in Valletta?")
	if code != 0 {
		t.Fatalf("ask: exit %d: %s", code, errOut)
	}
	var ans struct {
		Results []struct {
			Quote      string `json:"quote"`
			Superseded *struct {
				At        string `json:"at"`
				ByVersion int    `json:"by_version"`
			} `json:"superseded"`
		} `json:"results"`
	}
	if err := json.Unmarshal([]byte(strings.TrimSpace(out)), &ans); err != nil {
		t.Fatalf("ask --json: %v: %s", err, out)
	}
	found := false
	for _, r := range ans.Results {
		if strings.Contains(r.Quote, "14 harbour cranes") {
			found = true
			if r.Superseded == nil || r.Superseded.ByVersion != 2 || r.Superseded.At == "" {
				t.Errorf("the first text's quote is not marked superseded in ask --json: %+v", r)
			}
		} else if strings.Contains(r.Quote, "crane fleet") && r.Superseded != nil {
			t.Errorf("the current text's quote is marked superseded: %+v", r)
		}
	}
	if !found {
		t.Errorf("the first text's figure is no longer found: %s", out)
	}
}
