package search

import (
	"strings"
	"testing"
)

const (
	articleFigureA = `An Iranian opposition group says it has hacked more than 5,000 surveillance cameras in Tehran.
The Mujahedin-e Khalq claimed responsibility for the attack on the Tehran municipality, the Associated Press reported.`
	articleFigureB = `The Young Journalists Club reported that 300 surveillance cameras in Tehran were disrupted by the hack.
Mehdi Chamran, head of the Tehran City Council, blamed the Mossad for the attack on the Tehran municipality.`
)

// TestAskShowsSourcesDiffer: two constructed articles disagree on how many
// cameras were hacked and on who is behind the attack; Library.Ask puts
// each disagreement side by side, with its attribution.
func TestAskShowsSourcesDiffer(t *testing.T) {
	lib := openTest(t, t.TempDir(), nil)
	a := mustAdd(t, lib, Source{Title: "Opposition group says it hacked Tehran cameras", Outlet: "Outlet A", Text: articleFigureA})
	b := mustAdd(t, lib, Source{Title: "Some Tehran cameras disrupted", Outlet: "Outlet B", Text: articleFigureB})

	ans := ask(t, lib, Query{Question: "how many surveillance cameras in Tehran were hacked?"})
	d, ok := findDisagreement(ans, "figure", "")
	if !ok {
		t.Fatalf("no figure disagreement in %+v", ans)
	}
	if d.About != "camera" || !sidesAre(d, a.ID, b.ID) {
		t.Errorf("figure disagreement about %q between %s and %s", d.About, d.A.Source.ID, d.B.Source.ID)
	}
	values := d.A.Value + " | " + d.B.Value
	if values != "more than 5,000 surveillance cameras | 300 surveillance cameras" && values != "300 surveillance cameras | more than 5,000 surveillance cameras" {
		t.Errorf("figure values %q", values)
	}

	ans = ask(t, lib, Query{Question: "who was behind the attack on the Tehran municipality?"})
	d, ok = findDisagreement(ans, "claimant", "Mehdi Chamran")
	if !ok {
		t.Fatalf("no claimant disagreement with Mehdi Chamran in %+v", ans)
	}
	if !sidesAre(d, a.ID, b.ID) {
		t.Errorf("claimant disagreement between %s and %s", d.A.Source.ID, d.B.Source.ID)
	}
	for _, s := range []Side{d.A, d.B} {
		switch s.Source.ID {
		case a.ID:
			if s.SaidBy != "Mujahedin-e Khalq" || len(s.AccordingTo) != 1 || s.AccordingTo[0] != "Associated Press" {
				t.Errorf("side A: said_by %q according_to %q", s.SaidBy, s.AccordingTo)
			}
		case b.ID:
			if s.SaidBy != "Mehdi Chamran (head of the Tehran City Council)" {
				t.Errorf("side B: said_by %q", s.SaidBy)
			}
		}
	}
}

// findDisagreement returns the first disagreement of kind in ans with a
// side whose value begins with value.
func findDisagreement(ans Answer, kind, value string) (Disagreement, bool) {
	for _, d := range ans.Differ {
		if d.Kind == kind && (strings.HasPrefix(d.A.Value, value) || strings.HasPrefix(d.B.Value, value)) {
			return d, true
		}
	}
	return Disagreement{}, false
}

func sidesAre(d Disagreement, x, y string) bool {
	return d.A.Source.ID == x && d.B.Source.ID == y || d.A.Source.ID == y && d.B.Source.ID == x
}

// TestSourcesAgreeOrSpeakOfOtherThings: no disagreement for the same
// figure, for figures of different things, within one source, or for
// claims about different events.
func TestSourcesAgreeOrSpeakOfOtherThings(t *testing.T) {
	q := func(src, text, said string) Quote {
		return Quote{Text: text, Source: Ref{ID: src}, SaidBy: said}
	}
	cases := []struct {
		name   string
		quotes []Quote
	}{
		{"same figure", []Quote{
			q("a", "The group hacked 5,000 cameras in Tehran.", ""),
			q("b", "Hackers took over about 5,000 cameras across Tehran.", ""),
		}},
		{"different things counted", []Quote{
			q("a", "The group hacked 5,000 cameras in Tehran.", ""),
			q("b", "Some 50 systems of the Agriculture Ministry were hacked.", ""),
		}},
		{"one source", []Quote{
			q("a", "The group hacked 5,000 cameras in Tehran.", ""),
			q("a", "Officials said 300 cameras in Tehran were hit.", "Officials"),
		}},
		{"different events", []Quote{
			q("a", "An opposition group says it hacked cameras in Tehran.", "opposition group"),
			q("b", "In February, the Edalat Ali group claimed it had hacked the cameras of Evin Prison.", "Edalat Ali group"),
		}},
		{"same speaker named twice", []Quote{
			q("a", "Chamran blamed the Mossad for the attack on the Tehran municipality.", "Chamran"),
			q("b", "Mehdi Chamran said the Mossad planned the attack on the Tehran municipality.", "Mehdi Chamran (head of the Tehran City Council)"),
		}},
		{"same office, other words", []Quote{
			q("a", "The head of the Tehran City Council blamed the Mossad for the attack on the municipality.", "head of the Tehran City Council"),
			q("b", "The chairman of Tehran City Council says the attack on the municipality was the Mossad's job.", "chairman of Tehran City Council"),
		}},
		{"years are not figures", []Quote{
			q("a", "About 2,500 members were moved to Albania in 2013.", ""),
			q("b", "Members were moved to Albania in 2012.", ""),
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := sourcesDiffer(c.quotes); len(got) != 0 {
				t.Errorf("got %+v, want no disagreement", got)
			}
		})
	}
}

// TestSourcesDifferOnDates: the same event on different days.
func TestSourcesDifferOnDates(t *testing.T) {
	got := sourcesDiffer([]Quote{
		{Text: "The Tehran municipality website was hacked on Thursday, the agency said.", Source: Ref{ID: "a"}},
		{Text: "Hackers defaced the Tehran municipality website on Wednesday.", Source: Ref{ID: "b"}},
	})
	if len(got) != 1 || got[0].Kind != "date" || got[0].A.Value != "Thursday" || got[0].B.Value != "Wednesday" {
		t.Errorf("got %+v, want one date disagreement Thursday/Wednesday", got)
	}
}

// TestCheckClaim: a rumour from chat against the library's quotes. A
// quote bears on it only when it is about what the claim speaks of;
// contradictions come first, with the words compared marked.
func TestCheckClaim(t *testing.T) {
	q := func(id, text, said string) Quote { return Quote{Text: text, Source: Ref{ID: id}, SaidBy: said} }
	cameras := q("cameras", "An Iranian opposition group says it has hacked more than 5,000 surveillance cameras in Tehran.", "Iranian opposition group")
	squares := q("squares", "The cameras watch the main squares of the capital.", "")
	ministry := q("ministry", "The attack comes after some 50 systems of the Agriculture Ministry were targeted and hacked in early May.", "")
	network := q("network", `The Young Journalists Club acknowledged the hack, writing that "part of the network of municipal surveillance cameras" was disrupted.`, "Young Journalists Club")
	highway := q("highway", "Police installed 300 new cameras on the highway to Karaj.", "")
	mossad := q("mossad", "The head of the Tehran City Council blamed the Mossad and anti-government groups for a cyberattack against the municipality.", "head of the Tehran City Council")
	thursday := q("thursday", "The Tehran municipality website was hacked on Thursday, the agency said.", "")
	type want struct {
		id      string
		stance  Stance
		value   string // the quote's words compared, marked as its Answer
		claimed string
	}
	tests := []struct {
		claim  string
		quotes []Quote
		want   []want
	}{
		{"hackers took down 50 cameras", []Quote{ministry, network, cameras, highway},
			[]want{{"cameras", Contradicts, "more than 5,000 surveillance cameras", "50 cameras"}, {"network", Mentions, "", ""}, {"highway", Mentions, "", ""}}},
		{"Hackers hacked 200 surveillance cameras in Tehran last night", []Quote{squares, cameras},
			[]want{{"cameras", Contradicts, "more than 5,000 surveillance cameras", "200 surveillance cameras"}, {"squares", Mentions, "", ""}}},
		{"More than 5,000 surveillance cameras in Tehran were hacked", []Quote{cameras, ministry},
			[]want{{"cameras", Supports, "more than 5,000 surveillance cameras", "More than 5,000 surveillance cameras"}}},
		{"Mossad was behind the Tehran camera hack", []Quote{ministry, mossad},
			[]want{{"mossad", Mentions, "", ""}}},
		{"Hackers defaced the Tehran municipality website on Wednesday", []Quote{thursday},
			[]want{{"thursday", Contradicts, "Thursday", "Wednesday"}}},
		{"the Tehran municipality website was hacked on thursday", []Quote{thursday},
			[]want{{"thursday", Supports, "Thursday", "thursday"}}},
		{"Brazil won the football final on penalties after extra time", []Quote{cameras, ministry, mossad}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.claim, func(t *testing.T) {
			got := CheckClaim(tt.claim, tt.quotes)
			if len(got) != len(tt.want) {
				t.Fatalf("%d quotes bear on the claim, want %d: %+v", len(got), len(tt.want), got)
			}
			for k, w := range tt.want {
				g := got[k]
				if g.Source.ID != w.id || g.Stance != w.stance || g.Value != w.value || g.Claimed != w.claimed {
					t.Errorf("quote %d: %s %s %q (claim: %q), want %s %s %q (claim: %q)", k, g.Source.ID, g.Stance, g.Value, g.Claimed, w.id, w.stance, w.value, w.claimed)
				}
				marked := ""
				if len(g.Answer) == 1 {
					marked = g.Text[g.Answer[0].Start:g.Answer[0].End]
				}
				if marked != w.value {
					t.Errorf("quote %d marks %q, want the compared words %q", k, marked, w.value)
				}
			}
		})
	}
}

// TestFactsFoundWithoutThePatternsWhereNoneCanBe pins the shortcut before
// the figure and date patterns (a text with no digit holds no figure;
// one with no digit and no weekday holds no date): what they find is what
// the patterns alone find. A figure or date missed would hide a
// disagreement between sources.
func TestFactsFoundWithoutThePatternsWhereNoneCanBe(t *testing.T) {
	texts := []string{
		"Hackers took over 300 surveillance cameras in Tehran.",
		"The attack came on TUESDAY, officials said.",
		"It happened on 14 June, the council said.",
		"It happened in June, the council said.",
		"Nobody counted the cameras.",
		"Sunday's statement named no group.",
		"The firm lost $2.5bn and 1,200 jobs in 2013.",
		"",
	}
	for _, text := range texts {
		var want []string
		for _, m := range figurePattern.FindAllStringSubmatch(text, -1) {
			want = append(want, m[0])
		}
		var got []string
		for _, f := range figures(text) {
			got = append(got, f.text)
		}
		if len(want) > 0 && len(got) == 0 {
			t.Errorf("%q: no figure found, the pattern finds %q", text, want)
		}
		wantDates := datePhrase.FindAllString(text, -1)
		if d := dates(text); len(d) != len(wantDates) {
			t.Errorf("%q: dates %v, the pattern finds %q", text, d, wantDates)
		}
	}
}
