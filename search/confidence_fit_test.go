package search_test

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"sitrep/search"
)

// TestDumpConfidence writes, for each question of the dev halves, the
// confidence's features and whether the first three quotes Ask returns hold
// the answer: the data the confidence's weights and thresholds are fitted
// on (scripts/fitconfidence.py). Off unless SITREP_CONFIDENCE_DUMP names
// the file to write. It reads the test halves only when
// SITREP_CONFIDENCE_SPLIT=test, to report a threshold curve chosen on dev.
func TestDumpConfidence(t *testing.T) {
	path := os.Getenv("SITREP_CONFIDENCE_DUMP")
	if path == "" {
		t.Skip("set SITREP_CONFIDENCE_DUMP to the file to write the dev halves' confidence features to")
	}
	split := "dev"
	if os.Getenv("SITREP_CONFIDENCE_SPLIT") == "test" {
		split = "test"
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	enc := json.NewEncoder(f)
	type row struct {
		Set, Q       string
		Unanswerable bool
		Offtopic     bool
		Holds3       bool
		Holds1       bool
		Answered     bool
		Confidence   search.Confidence
		Spans        []bool // each quote holds an answer span of the asked kind
		Also         []int  // how many other sources tell each quote
		Features     []float64
		Names        []string
	}
	eachSplit(t, split, func(lib *search.Library, set string, x qaItem) {
		ans, err := lib.Ask(context.Background(), search.Query{Question: x.Q, Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		var texts []string
		var spans []bool
		var also []int
		for _, q := range ans.Quotes {
			texts = append(texts, q.Text)
			spans = append(spans, len(q.Answer) > 0)
			also = append(also, len(q.AlsoReportedBy))
		}
		v, err := search.ConfidenceVector(lib, x.Q, search.SharedScope)
		if err != nil {
			t.Fatal(err)
		}
		r := row{Set: set, Q: x.Q, Unanswerable: x.Unanswerable, Offtopic: x.Offtopic, Answered: ans.Answered, Confidence: ans.Confidence,
			Spans: spans, Also: also, Features: v, Names: search.ConfidenceNames}
		if !x.Unanswerable {
			r.Holds3 = holds(texts, x.Any)
			r.Holds1 = len(texts) > 0 && holds(texts[:1], x.Any)
		}
		if err := enc.Encode(r); err != nil {
			t.Fatal(err)
		}
	})
}

// TestProbeConfidence prints the confidence's two chances for the
// questions in SITREP_PROBE (one a line) asked of the seeds, for reading
// the model on hand-picked questions.
func TestProbeConfidence(t *testing.T) {
	qs := os.Getenv("SITREP_PROBE")
	if qs == "" {
		t.Skip("set SITREP_PROBE to questions, one a line, to print their confidence on the seeds")
	}
	lib, _ := qaLibrary(t, "seeds")
	for _, q := range strings.Split(qs, "\n") {
		v, err := search.ConfidenceVector(lib, q, search.SharedScope)
		if err != nil || v == nil {
			t.Logf("%q: %v", q, err)
			continue
		}
		a, n := search.Chances(v)
		t.Logf("answered %.2f nothing %.2f  %q", a, n, q)
	}
}
