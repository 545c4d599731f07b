package attrib_test

import (
	"testing"

	"sitrep/attrib"
	"sitrep/search"
)

// TestNoSpeakerStaysEmpty: a sentence that names no speaker gets no
// attribution, whatever its neighbours (a pronoun with no one named
// before it stays unresolved, a passive "it was reported" names no one).
func TestNoSpeakerStaysEmpty(t *testing.T) {
	cases := []struct{ name, text string }{
		{"plain fact", "The cyberattack was conducted on the anniversary of the death of Khomeini."},
		{"heading", "Latest cyberattack against Iran"},
		{"passive report", "It was reported that the cameras had been disabled."},
		{"passive estimate", "Georgia's black market is estimated to be twice the size of its legal economy."},
		{"profits reported", "TimeWarner reported profits of $1.13bn for the quarter."},
		{"figures added", "The firm added 500 jobs in the fourth quarter."},
		{"pronoun, no one before", "He said the systems were back online on Tuesday."},
		{"they, no one before", "They said the cameras were working again."},
		{"negation", "Nor did the municipality say how many cameras were hit."},
		{"named, not speaking", "A picture of Ayatollah Ali Khamenei with a red X on his face was posted."},
		{"called a name", "A group called Uprising until Overthrow posted the video."},
		{"noun claims", "The claims could not be verified."},
		{"number sentence", "About 2,500 members of the MKO were moved from Iraq to Albania in 2013."},
		{"quote with no speaker", "\"Hack after hack and disruption after disruption!\""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			spans := search.Split(c.text)
			for i, a := range attrib.Attribute(c.text, toAttrib(spans)) {
				if !a.IsZero() {
					t.Errorf("sentence %q: got %+v, want no attribution", c.text[spans[i].Start:spans[i].End], a)
				}
			}
		})
	}
}

// TestLabelledEmptyStayEmpty: every sentence of the labelled set that
// names no one (both halves) gets no attribution.
func TestLabelledEmptyStayEmpty(t *testing.T) {
	n := 0
	for _, it := range loadLabelled(t) {
		if it.SaidBy != "" || len(it.AccordingTo) > 0 {
			continue
		}
		n++
		if !it.got.IsZero() {
			t.Errorf("%s %q: got %+v, want no attribution (%s)", it.Doc, it.Has, it.got, it.Note)
		}
	}
	if n < 15 {
		t.Fatalf("the labelled set has %d sentences with no attribution, want at least 15", n)
	}
}

// TestAttributeIgnoresBadSpans: spans out of order or out of range are
// skipped, not a panic; the result has one entry per span.
func TestAttributeIgnoresBadSpans(t *testing.T) {
	text := "Chamran said it. Ghaemi said so."
	spans := []attrib.Span{{0, 16}, {5, 3}, {17, 400}, {17, 32}}
	got := attrib.Attribute(text, spans)
	if len(got) != len(spans) {
		t.Fatalf("got %d attributions, want %d", len(got), len(spans))
	}
	if got[0].SaidBy != "Chamran" || got[3].SaidBy != "Ghaemi" || !got[1].IsZero() || !got[2].IsZero() {
		t.Errorf("got %+v", got)
	}
}

func FuzzAttribute(f *testing.F) {
	f.Add("\"A deliberate malfunction,\" the agency quoted the municipality as saying. He said: \"No.")
	f.Add("According to , said ( \" ’ ‘ “ ” told")
	f.Fuzz(func(t *testing.T, text string) {
		spans := search.Split(text)
		got := attrib.Attribute(text, toAttrib(spans))
		if len(got) != len(spans) {
			t.Fatalf("got %d attributions for %d spans", len(got), len(spans))
		}
	})
}
