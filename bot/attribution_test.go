package bot

import (
	"strings"
	"testing"

	"sitrep/search"
)

func TestAttributionLine(t *testing.T) {
	cases := []struct {
		name, said string
		chain      []string
		title      string
		want       string
	}{
		{"speaker with role and chain", "Mehdi Chamran (head of the Tehran City Council)", []string{"Mehr News Agency"}, "Tehran council head blames Mossad",
			// Parentheses are escaped like all markdown; Discord shows them plain.
			`— Mehdi Chamran \(head of the Tehran City Council\), via Mehr News Agency · in: *Tehran council head blames Mossad*`},
		{"chain of two", "Fallahi", []string{"Reporters Club News Agency", "iranfocus"}, "How state media covered it",
			"— Fallahi, via Reporters Club News Agency, via iranfocus · in: *How state media covered it*"},
		{"no one named", "", nil, "Any title", ""},
		{"markdown in names is escaped", "*Star* _Agency_", nil, "A **bold** title",
			`— \*Star\* \_Agency\_ · in: *A \*\*bold\*\* title*`},
		{"no title", "the agency", nil, "", "— the agency"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := attributionLine(c.said, c.chain, c.title); got != c.want {
				t.Errorf("got  %q\nwant %q", got, c.want)
			}
		})
	}
	long := attributionLine(strings.Repeat("Very Long Name ", 100), nil, strings.Repeat("t", 500))
	if runes(long) > maxAttributionRunes+140 {
		t.Errorf("a runaway speaker makes a %d-character line", runes(long))
	}
}

func TestDifferField(t *testing.T) {
	if f := differField(nil); f != nil {
		t.Errorf("sources that agree got a field: %+v", f)
	}
	d := search.Disagreement{
		Kind: "figure", About: "camera",
		A: search.Side{Value: "more than 5,000 surveillance cameras", Source: search.Ref{ID: "a", Title: "Opposition says it hacked cameras"}, SaidBy: "Iranian opposition group"},
		B: search.Side{Value: "300 surveillance cameras", Source: search.Ref{ID: "b", Title: "Some cameras disrupted"}},
	}
	f := differField([]search.Disagreement{d})
	want := "**Figure** (camera):\n• more than 5,000 surveillance cameras — Iranian opposition group · in: *Opposition says it hacked cameras*\n• 300 surveillance cameras — in: *Some cameras disrupted*"
	if f == nil || f.Name != "Sources differ" || f.Value != want {
		t.Fatalf("got %+v\nwant value %q", f, want)
	}
	many := make([]search.Disagreement, 40)
	for i := range many {
		many[i] = d
	}
	f = differField(many)
	if runes(f.Value) > maxFieldValue || !strings.HasSuffix(f.Value, "more") {
		t.Errorf("40 disagreements: %d characters, ends %q", runes(f.Value), f.Value[len(f.Value)-20:])
	}
}
