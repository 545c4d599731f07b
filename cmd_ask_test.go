package main

import (
	"bytes"
	"strings"
	"testing"

	"sitrep/search"
)

// TestPrintAnswer pins the shape of ask's text output in each tier: an
// answer's best quote first with where it comes from, the rest indented
// and compact; the closest passages, whole, under their label; a plain
// no; nothing that says nothing (no placeholder, no internal id), and no
// quotation mark doubled.
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
	nameh := search.Quote{Text: "The daily wrote, “Hack after hack and disruption after disruption!”", SaidBy: "state-run daily Nameh News",
		Source: search.Ref{ID: "8e1e24bd0573ea10", Outlet: "iranfocus"}}
	fourth := search.Quote{Text: "A fourth passage, further still.", Source: search.Ref{ID: "f4", Title: "Fourth"}}
	tests := []struct {
		name  string
		ans   search.Answer
		color bool
		want  string
	}{
		{"answered", search.Answer{Question: "how many cameras were hacked?", Answered: true, Confidence: search.Answered, Total: 7, Quotes: []search.Quote{lead, other}}, false,
			"Q: how many cameras were hacked?\n\n" +
				"“" + camera + "”\n" +
				"  — “Iranian opposition group says it hacked 5,000 Tehran surveillance cameras”\n" +
				"  also reported by Mehr News Agency, 2022-05-28; “Wire report”\n\n" +
				"More quotes:\n" +
				"  2. “According to Fallahi, hacking is not a one-night or an immediate decision, and the planning behind it took…” — iranfocus, 2022-06-01\n\n" +
				"2 of 7 quotes shown; --limit N shows more.\n\n"},
		{"answered on a terminal: the answer bold, not the question's words", search.Answer{Question: "how many cameras?", Answered: true, Confidence: search.Answered, Total: 1,
			Quotes: []search.Quote{{Text: "five cameras", Highlights: []search.Highlight{{Start: 5, End: 12}}, Answer: []search.Highlight{{Start: 0, End: 4}},
				Source: search.Ref{ID: "x", Outlet: "Wire", Published: "2024-05-01", URL: "https://example.com/a"}}}}, true,
			"Q: how many cameras?\n\n“\x1b[1mfive\x1b[0m cameras”\n  — Wire, 2024-05-01 · https://example.com/a\n\n"},
		{"closest: three passages, whole, labelled", search.Answer{Question: "how many cameras were hacked?", Confidence: search.Closest, Total: 9, Quotes: []search.Quote{lead, nameh, other, fourth}}, false,
			"Q: how many cameras were hacked?\n" + closestLabel + "\n\n" +
				"“" + camera + "”\n" +
				"  — “Iranian opposition group says it hacked 5,000 Tehran surveillance cameras”\n\n" +
				"The daily wrote, “Hack after hack and disruption after disruption!”\n" +
				"  — state-run daily Nameh News · in: iranfocus\n\n" +
				"“According to Fallahi,\nhacking is not a one-night or an immediate decision, and the planning behind it took many months of work by many people.”\n" +
				"  — iranfocus, 2022-06-01 · “How Iran's state media covered the hack” · https://www.iranfocus.com/en/\n\n"},
		{"none: a plain no, nothing shown", search.Answer{Question: "who won the football final?", Confidence: search.None, Total: 2, Quotes: []search.Quote{other, lead}}, false,
			"Q: who won the football final?\n" + noAnswerLine + "\n\n"},
		{"no with nothing close", search.Answer{Question: "📷", Quotes: []search.Quote{}}, false,
			"Q: 📷\n" + noAnswerLine + "\n\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			printAnswer(&b, tt.ans, tt.color)
			if got := b.String(); got != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
			for _, bad := range []string{"not stated", "85a414cdecb060a4", "8e1e24bd0573ea10", "””", "““"} {
				if strings.Contains(b.String(), bad) {
					t.Errorf("the output shows %q", bad)
				}
			}
		})
	}
}
