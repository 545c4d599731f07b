package main

import (
	"bytes"
	"strings"
	"testing"

	"sitrep/search"
)

// TestPrintAnswer pins the shape of ask's text output: the best quote
// first with where it comes from, the rest indented and compact; a "no"
// first, then the closest passages labelled as such; nothing that says
// nothing (no placeholder, no internal id).
func TestPrintAnswer(t *testing.T) {
	camera := "An Iranian opposition group says it has hacked more than 5,000 surveillance cameras in Tehran to coincide with the commemoration of the death of the founder of the Islamic Republic."
	lead := search.Quote{Text: camera, Highlights: []search.Highlight{{Start: 43, End: 49}},
		Source: search.Ref{ID: "85a414cdecb060a4", Title: "Iranian opposition group says it hacked 5,000 Tehran surveillance cameras"},
		AlsoReportedBy: []search.Reporter{
			{Ref: search.Ref{ID: "m1", Outlet: "Mehr News Agency", Published: "2022-05-28"}},
			{Ref: search.Ref{ID: "m2", Outlet: "Mehr News Agency", Published: "2022-05-28"}},
			{Ref: search.Ref{ID: "w1", Title: "Wire report"}},
		}}
	other := search.Quote{Text: "According to Fallahi,\nhacking is not a one-night or an immediate decision, and the planning behind it took many months of work by many people.",
		Source: search.Ref{ID: "8e1e24bd0573ea10", Title: "How Iran's state media covered the hack", Outlet: "iranfocus", URL: "https://www.iranfocus.com/en/", Published: "2022-06-01"}}
	tests := []struct {
		name  string
		ans   search.Answer
		color bool
		want  string
	}{
		{"answered", search.Answer{Question: "how many cameras were hacked?", Answered: true, Total: 7, Quotes: []search.Quote{lead, other}}, false,
			"Q: how many cameras were hacked?\n\n" +
				"“" + camera + "”\n" +
				"  — “Iranian opposition group says it hacked 5,000 Tehran surveillance cameras”\n" +
				"  also reported by Mehr News Agency, 2022-05-28; “Wire report”\n\n" +
				"More quotes:\n" +
				"  2. “According to Fallahi, hacking is not a one-night or an immediate decision, and the planning behind it took…” — iranfocus, 2022-06-01\n\n" +
				"2 of 7 quotes shown; --limit N shows more.\n\n"},
		{"answered on a terminal", search.Answer{Question: "q", Answered: true, Total: 1, Quotes: []search.Quote{{Text: "five cameras", Highlights: []search.Highlight{{Start: 5, End: 12}},
			Source: search.Ref{ID: "x", Outlet: "Wire", Published: "2024-05-01", URL: "https://example.com/a"}}}}, true,
			"Q: q\n\n“five \x1b[1mcameras\x1b[0m”\n  — Wire, 2024-05-01 · https://example.com/a\n\n"},
		{"no with closest passages", search.Answer{Question: "what is the weather on mars?", Total: 2, Quotes: []search.Quote{other, lead}}, false,
			"Q: what is the weather on mars?\nNo source in the library clearly answers this.\n\n" +
				"Closest passages (not answers):\n" +
				"  1. “According to Fallahi, hacking is not a one-night or an immediate decision, and the planning behind it took…” — iranfocus, 2022-06-01\n" +
				"  2. “An Iranian opposition group says it has hacked more than 5,000 surveillance cameras in Tehran to coincide…” — “Iranian opposition group says it…”\n\n"},
		{"no with nothing close", search.Answer{Question: "📷", Quotes: []search.Quote{}}, false,
			"Q: 📷\nNo source in the library clearly answers this.\n\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			printAnswer(&b, tt.ans, tt.color)
			if got := b.String(); got != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
			for _, bad := range []string{"not stated", "85a414cdecb060a4", "8e1e24bd0573ea10"} {
				if strings.Contains(b.String(), bad) {
					t.Errorf("the output shows %q", bad)
				}
			}
		})
	}
}
