package search

import (
	"encoding/json"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

const articleCouncil = `The head of the Tehran City Council blamed the Mossad for a cyberattack against the municipality's surveillance cameras, the Iranian Mehr News Agency reported on Tuesday.
Referring to the cyberattack, the head of the Tehran City Council, Mehdi Chamran, stated on Tuesday that the hackers had disabled the cameras for a few minutes.
He said the municipality's surveillance cameras were working again by Wednesday.
The cameras watch the main squares of the capital.`

// quoteWith returns the first quote of ans holding text, failing when
// there is none.
func quoteWith(tb testing.TB, ans Answer, text string) Quote {
	tb.Helper()
	for _, q := range ans.Quotes {
		if strings.Contains(q.Text, text) {
			return q
		}
	}
	tb.Fatalf("no quote holds %q in %+v", text, ans.Quotes)
	return Quote{}
}

// TestAskAttributesQuotes: through Library.Ask, each quote says who
// speaks and through whom, and a sentence naming no one says nothing,
// which the JSON contract shows as absent fields.
func TestAskAttributesQuotes(t *testing.T) {
	lib := openTest(t, t.TempDir(), nil)
	src := mustAdd(t, lib, Source{Title: "Council head blames Mossad", Text: articleCouncil})
	ans := ask(t, lib, Query{Question: "who blamed the Mossad for the cyberattack on the cameras?", Limit: 10})
	if !quotedFrom(ans, src.ID) {
		t.Fatalf("the article is not quoted: %+v", ans)
	}
	blamed := quoteWith(t, ans, "blamed the Mossad")
	if blamed.SaidBy != "head of the Tehran City Council" || len(blamed.AccordingTo) != 1 || blamed.AccordingTo[0] != "Iranian Mehr News Agency" {
		t.Errorf("blamed: said_by %q according_to %q", blamed.SaidBy, blamed.AccordingTo)
	}
	ans = ask(t, lib, Query{Question: "were the surveillance cameras working again?", Limit: 10})
	if q := quoteWith(t, ans, "He said"); q.SaidBy != "Mehdi Chamran (head of the Tehran City Council)" {
		t.Errorf("the pronoun: said_by %q, want Mehdi Chamran with his role", q.SaidBy)
	}
	ans = ask(t, lib, Query{Question: "which squares do the cameras watch?", Limit: 10})
	plain := quoteWith(t, ans, "main squares")
	if plain.SaidBy != "" || plain.AccordingTo != nil {
		t.Errorf("a sentence naming no one: said_by %q according_to %q", plain.SaidBy, plain.AccordingTo)
	}
	raw, err := json.Marshal(plain)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), "said_by") || strings.Contains(string(raw), "according_to") {
		t.Errorf("empty attribution is in the JSON: %s", raw)
	}
	raw, err = json.Marshal(blamed)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), `"said_by":"head of the Tehran City Council","according_to":["Iranian Mehr News Agency"]`) {
		t.Errorf("JSON lacks the attribution: %s", raw)
	}
}

// TestAttributionStoredWithSource: Library.Add stores the attribution with
// the source (computed once), and a source stored before attribution
// existed gets it computed when loaded, without a migration.
func TestAttributionStoredWithSource(t *testing.T) {
	dir := t.TempDir()
	lib := openTest(t, dir, nil)
	added := mustAdd(t, lib, Source{Title: "Council", Text: articleCouncil})
	old := Source{Title: "Council, stored before attribution", Text: strings.ReplaceAll(articleCouncil, "Tuesday", "Monday")}
	spans, err := old.normalize()
	if err != nil {
		t.Fatal(err)
	}
	err = boltDB(t, lib).Update(func(tx *bolt.Tx) error {
		return putSource(tx, storedSource{Source: old, Spans: spans}, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	var stored, legacy storedSource
	err = boltDB(t, lib).View(func(tx *bolt.Tx) error {
		stored, _, err = getSource(tx, added.ID)
		if err != nil {
			return err
		}
		legacy, _, err = getSource(tx, old.ID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if stored.AttributionVersion != attributionVersion || len(stored.Attribution) != 3 || stored.Attribution[2].SaidBy == "" {
		t.Errorf("stored attribution: version %d, %+v (want 3 entries, the plain last sentence trimmed)", stored.AttributionVersion, stored.Attribution)
	}
	if legacy.Attribution != nil || legacy.AttributionVersion != 0 {
		t.Fatalf("the legacy source already has attribution: %+v", legacy.Attribution)
	}
	lib.Close()

	lib = openTest(t, dir, nil)
	ans := ask(t, lib, Query{Question: "who blamed the Mossad for the cyberattack on Monday?", Limit: 10})
	for _, q := range ans.Quotes {
		if q.Source.ID == old.ID && strings.Contains(q.Text, "blamed the Mossad") {
			if q.SaidBy != "head of the Tehran City Council" {
				t.Errorf("legacy source: said_by %q", q.SaidBy)
			}
			return
		}
	}
	t.Fatalf("the legacy source's sentence is not quoted: %+v", ans.Quotes)
}

func TestAttributeOmitsEmpty(t *testing.T) {
	text := "The cameras were hacked. Nobody knows when."
	if got := attribute(text, Split(text)); got != nil {
		t.Errorf("attribute of a text naming no one: %+v, want nil (nothing stored)", got)
	}
	var s storedSource
	if a := s.attribution(3); !a.IsZero() {
		t.Errorf("attribution past the stored entries: %+v", a)
	}
}

// TestAttributionNamesOutletsAsTheyWriteThemselves: an outlet the text
// names is written as the outlet writes itself where a source the asker
// can see is from it (its Outlet), and as the text gives it otherwise;
// another server's sources change nothing a member sees.
func TestAttributionNamesOutletsAsTheyWriteThemselves(t *testing.T) {
	lib := openTest(t, t.TempDir(), nil)
	council := mustAdd(t, lib, Source{Title: "Council head blames Mossad", Text: articleCouncil})
	mustAdd(t, lib, Source{Scope: "1001", Title: "Mehr on the municipality", Outlet: "Mehr News Agency",
		Text: "The municipality said its websites were back online on Thursday after the outage."})
	focus := mustAdd(t, lib, Source{Title: "How state media covered the hack", Outlet: "Iran Focus",
		Text: "IranFocus reported that state media blamed foreign enemies for the hack of the cameras."})

	for _, tt := range []struct {
		scope, want string
	}{
		{"1001", "Mehr News Agency"},         // the guild holds a source from Mehr
		{"2002", "Iranian Mehr News Agency"}, // it does not: as the text gives it
		{SharedScope, "Iranian Mehr News Agency"},
	} {
		ans := ask(t, lib, Query{Question: "who blamed the Mossad for the cyberattack?", Scope: tt.scope, Limit: 10})
		q := quoteWith(t, ans, "blamed the Mossad")
		if q.Source.ID != council.ID || len(q.AccordingTo) != 1 || q.AccordingTo[0] != tt.want {
			t.Errorf("scope %s: according_to %q, want [%q] (readers see the outlet misspelt, or another server's library shows through)", tt.scope, q.AccordingTo, tt.want)
		}
	}
	ans := ask(t, lib, Query{Question: "who blamed foreign enemies for the hack?", Limit: 10})
	if q := quoteWith(t, ans, "IranFocus reported"); q.Source.ID != focus.ID || q.SaidBy != "state media" || len(q.AccordingTo) != 1 || q.AccordingTo[0] != "Iran Focus" {
		t.Errorf("said_by %q according_to %q, want state media via the outlet's own spelling, Iran Focus", q.SaidBy, q.AccordingTo)
	}
}
