package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestAskShowsAttribution: the CLI's text names who said each quote and
// through whom, before the citation; its JSON carries said_by and
// according_to where the text names someone, and omits them elsewhere.
func TestAskShowsAttribution(t *testing.T) {
	c := newCLI(t)
	code, out, errOut := c.run("", "ask", "who blamed the Mossad?")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"   — head of the Tehran City Council, via Iranian Mehr News Agency · in: ",
		"   — Mehdi Chamran (head of the Tehran City Council) · in: ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text lacks %q:\n%s", want, out)
		}
	}

	code, out, errOut = c.run("", "ask", "--json", "--limit", "10", "who claimed the hack of the Tehran cameras?")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var ans struct {
		Results []map[string]json.RawMessage `json:"results"`
	}
	if err := json.Unmarshal([]byte(out), &ans); err != nil {
		t.Fatal(err)
	}
	with, without := 0, 0
	for _, r := range ans.Results {
		said, ok := r["said_by"]
		if !ok {
			without++
			if _, ok := r["according_to"]; ok {
				t.Errorf("according_to without said_by: %v", r)
			}
			continue
		}
		with++
		var s string
		if err := json.Unmarshal(said, &s); err != nil || s == "" {
			t.Errorf("said_by %s is not a non-empty string", said)
		}
	}
	if with == 0 || without == 0 {
		t.Errorf("%d results with said_by and %d without; want both kinds:\n%s", with, without, out)
	}
}
