package search_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"sitrep/search"
)

// TestSeedAnswerSpan: through Library.Ask on the seed library, "how many
// cameras were hacked?" marks the figure in the quote that gives it, and
// the JSON carries the mark as "answer": byte ranges into "quote".
func TestSeedAnswerSpan(t *testing.T) {
	lib, _ := qaLibrary(t, "seeds")
	ans, err := lib.Ask(context.Background(), search.Query{Question: "how many cameras were hacked?"})
	if err != nil {
		t.Fatal(err)
	}
	var q search.Quote
	for _, x := range ans.Quotes {
		if strings.Contains(x.Text, "5,000") {
			q = x
			break
		}
	}
	if q.Text == "" {
		t.Fatalf("no quote gives the 5,000 cameras: %+v", ans.Quotes)
	}
	at := strings.Index(q.Text, "5,000")
	if len(q.Answer) != 1 || q.Answer[0].Start > at || q.Answer[0].End < at+len("5,000") {
		t.Fatalf("answer span %+v of %q does not cover 5,000: the card cannot bold the figure asked for", q.Answer, q.Text)
	}
	if got := q.Text[q.Answer[0].Start:q.Answer[0].End]; got != "more than 5,000 surveillance cameras" {
		t.Errorf("answer span %q, want the figure with what it counts", got)
	}
	raw, err := json.Marshal(q)
	if err != nil {
		t.Fatal(err)
	}
	var back struct {
		Quote  string `json:"quote"`
		Answer []struct {
			Start, End int
		} `json:"answer"`
	}
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Answer) != 1 || back.Quote[back.Answer[0].Start:back.Answer[0].End] != "more than 5,000 surveillance cameras" {
		t.Errorf("JSON %s: answer does not index into quote", raw)
	}

	// A question asking for no kind of answer marks nothing.
	ans, err = lib.Ask(context.Background(), search.Query{Question: "tehran cameras hacked"})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range ans.Quotes {
		if len(x.Answer) > 0 {
			t.Errorf("%q: span %+v for a question that asks for nothing in particular", x.Text, x.Answer)
		}
	}
}
