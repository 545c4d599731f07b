package search_test

import (
	"context"
	"testing"

	"sitrep/search"
)

// TestConfirmedAnswerHoldsTheKindAsked pins the answered tier's evidence
// rule on the seeds: a question is confirmed only when the best quote
// holds the kind of thing it asks for beyond its own words, and the
// question's words match whatever apostrophe the text uses.
func TestConfirmedAnswerHoldsTheKindAsked(t *testing.T) {
	lib := openSeedLibrary(t)
	tests := []struct {
		question string
		want     search.Confidence
		why      string
	}{
		// The seeds say gas stations were paralysed last October, never by
		// whom; "Iran’s" is the question's own word, not an answer.
		{"who hacked iran's gas stations last october", search.Closest,
			"users are told a sentence that names no one answers \"who\""},
		{"how many systems of the Agriculture Ministry were hacked?", search.Answered,
			"a right answer holding the count asked for is no longer confirmed"},
	}
	for _, tt := range tests {
		t.Run(tt.question, func(t *testing.T) {
			ans, err := lib.Ask(context.Background(), search.Query{Question: tt.question, Limit: 3})
			if err != nil {
				t.Fatal(err)
			}
			if ans.Confidence != tt.want || ans.Answered != (tt.want == search.Answered) {
				first := ""
				if len(ans.Quotes) > 0 {
					first = ans.Quotes[0].Text
				}
				t.Errorf("confidence %q (answered %v), want %q: %s; first quote %q", ans.Confidence, ans.Answered, tt.want, tt.why, first)
			}
		})
	}
}
