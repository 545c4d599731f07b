package main

import (
	"encoding/json"
	"strings"
	"testing"

	"sitrep/search"
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
		"\n  — head of the Tehran City Council, via Iranian Mehr News Agency · in: “Tehran council head blames Mossad",
		"\n  — Mehdi Chamran (head of the Tehran City Council) · in: “Tehran council head",
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

// TestPrintAnswerShowsSourcesDiffer: the text output puts a disagreement
// side by side, each side with who said it and where.
func TestPrintAnswerShowsSourcesDiffer(t *testing.T) {
	a := search.Side{Quote: "An Iranian opposition group says it has hacked more than 5,000 surveillance cameras in Tehran.",
		Source: search.Ref{ID: "85a4", Title: "Opposition says it hacked cameras", Outlet: "Outlet A"},
		Value:  "more than 5,000 surveillance cameras", SaidBy: "Iranian opposition group"}
	b := search.Side{Quote: "The Young Journalists Club (YJC) reported that 300 municipal surveillance cameras had been disrupted.",
		Source: search.Ref{ID: "2b2c", Title: "Council head blames Mossad", Outlet: "Outlet B"},
		Value:  "300 municipal surveillance cameras", SaidBy: "Young Journalists Club (YJC)", AccordingTo: []string{"Outlet B wire"}}
	var out strings.Builder
	printAnswer(&out, search.Answer{Question: "how many cameras?", Answered: true, Confidence: search.Answered,
		Quotes: []search.Quote{{Text: a.Quote, Source: a.Source, SaidBy: a.SaidBy}},
		Differ: []search.Disagreement{{Kind: "figure", About: "camera", A: a, B: b}}}, false)
	want := `
Sources differ:
  figure (camera): more than 5,000 surveillance cameras against 300 municipal surveillance cameras
    “An Iranian opposition group says it has hacked more than 5,000 surveillance cameras in Tehran.”
      — Iranian opposition group · in: Outlet A · “Opposition says it hacked cameras”
    “The Young Journalists Club (YJC) reported that 300 municipal surveillance cameras had been disrupted.”
      — Young Journalists Club (YJC), via Outlet B wire · in: Outlet B · “Council head blames Mossad”
`
	if !strings.Contains(out.String(), want) {
		t.Errorf("got:\n%s\nwant it to hold:\n%s", out.String(), want)
	}
}
