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

// TestClaimDiffers: a rumour from chat against the library's quotes.
func TestClaimDiffers(t *testing.T) {
	quotes := []Quote{
		{Text: "An Iranian opposition group says it has hacked more than 5,000 surveillance cameras in Tehran.", Source: Ref{ID: "a"}, SaidBy: "Iranian opposition group"},
		{Text: "The cameras watch the main squares of the capital.", Source: Ref{ID: "b"}},
	}
	got := ClaimDiffers("Hackers hacked 200 surveillance cameras in Tehran last night", quotes)
	if len(got) != 1 || got[0].Kind != "figure" || got[0].A.Source.ID != ClaimSourceID || got[0].B.Source.ID != "a" ||
		got[0].A.Value != "200 surveillance cameras" {
		t.Errorf("got %+v, want the 200 cameras of the claim against the 5,000 of source a", got)
	}
	if got := ClaimDiffers("More than 5,000 surveillance cameras in Tehran were hacked", quotes); len(got) != 0 {
		t.Errorf("a claim the sources support: %+v", got)
	}
}
