package search_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"unicode"

	"sitrep/search"
)

// spanScore is how the answer spans fared on the quotes that hold an
// answer (an "any" string of testdata/qa): how many got a span, and how
// many of those spans overlap the answer.
type spanScore struct {
	quotes, given, overlap int
	kinded                 int                // quotes whose question asks for a kind of answer
	byKind                 map[string]*[3]int // qa kind: quotes, given, overlapping
	misses                 []string
}

func (s spanScore) String() string {
	return fmt.Sprintf("%d quotes holding the answer (%d to questions asking for a kind): span given %d (%.0f%%; %.0f%% of those asking for a kind), overlapping the answer %d (%.0f%% of all, %.0f%% of those given)",
		s.quotes, s.kinded, s.given, pct(s.given, s.quotes), pct(s.given, s.kinded), s.overlap, pct(s.overlap, s.quotes), pct(s.overlap, s.given))
}

// foldedRunes folds text as normQA does (case, curly quotes, runs of
// space), keeping each folded rune's byte offset in text.
func foldedRunes(text string) ([]rune, []int) {
	var rs []rune
	var at []int
	space := false
	for i, r := range text {
		switch r {
		case '\u2018', '\u2019', '\u201a', '\u201b', '\u2032':
			r = '\''
		case '\u201c', '\u201d', '\u201e', '\u201f', '\u2033':
			r = '"'
		}
		if unicode.IsSpace(r) {
			if space {
				continue
			}
			r, space = ' ', true
		} else {
			space = false
		}
		rs = append(rs, unicode.ToLower(r))
		at = append(at, i)
	}
	return rs, at
}

// locate finds the first of wanted in text, folded as normQA folds, and
// returns its byte range in text.
func locate(text string, wanted []string) (int, int, bool) {
	rs, at := foldedRunes(text)
	hay := string(rs)
	for _, w := range wanted {
		nr, _ := foldedRunes(strings.TrimSpace(w))
		i := strings.Index(hay, string(nr))
		if i < 0 {
			continue
		}
		first := len([]rune(hay[:i]))
		last := first + len(nr) - 1
		end := len(text)
		if last+1 < len(at) {
			end = at[last+1]
		}
		return at[first], end, true
	}
	return 0, 0, false
}

// measureSpans asks every answerable question and scores the spans of its
// top 3 quotes that hold the answer.
func measureSpans(tb testing.TB, lib *search.Library, items []qaItem) spanScore {
	tb.Helper()
	s := spanScore{byKind: make(map[string]*[3]int)}
	for _, x := range items {
		if x.Unanswerable || len(x.Any) == 0 {
			continue
		}
		ans, err := lib.Ask(context.Background(), search.Query{Question: x.Q, Limit: 3})
		if err != nil {
			tb.Fatalf("%q: %v", x.Q, err)
		}
		k := s.byKind[x.Kind]
		if k == nil {
			k = new([3]int)
			s.byKind[x.Kind] = k
		}
		for _, q := range ans.Quotes {
			from, to, ok := locate(q.Text, x.Any)
			if !ok {
				continue
			}
			s.quotes++
			k[0]++
			if search.AsksForSpan(x.Q) {
				s.kinded++
			}
			if len(q.Answer) == 0 {
				s.misses = append(s.misses, fmt.Sprintf("[%s] no span: %q\n      in %q", x.Kind, x.Q, q.Text))
				continue
			}
			s.given++
			k[1]++
			hit := false
			for _, h := range q.Answer {
				if h.Start < to && from < h.End {
					hit = true
				}
			}
			if hit {
				s.overlap++
				k[2]++
				continue
			}
			h := q.Answer[0]
			s.misses = append(s.misses, fmt.Sprintf("[%s] off the answer: %q\n      span %q, answer %q\n      in %q", x.Kind, x.Q, q.Text[h.Start:h.End], q.Text[from:to], q.Text))
		}
	}
	return s
}

// TestAnswerSpanOnQuestionSets measures the answer spans on the question
// sets: of the top 3 quotes that hold an answer string, how many are
// given a span and how many spans overlap the answer. The span rules were
// written looking at the dev halves only; the test halves were run once,
// at the end, and their figures are the floors.
func TestAnswerSpanOnQuestionSets(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the BBC question set imports 2,223 articles")
	}
	// Measured on the test halves when the span landed: BBC 85 of the 94
	// quotes to questions asking for a kind got a span (90%), 75 of the
	// 85 overlap the answer (88%); seeds 13 of 15 (87%), 10 of 13 (77%).
	floors := map[string]struct{ given, overlap float64 }{"bbc": {85, 85}, "seeds": {80, 70}}
	for _, set := range []string{"seeds", "bbc"} {
		t.Run(set, func(t *testing.T) {
			if set == "bbc" && raceEnabled {
				t.Skip("race detector on: the BBC set runs without it")
			}
			lib, _ := qaLibrary(t, set)
			for _, split := range []string{"dev", "test"} {
				got := measureSpans(t, lib, loadQA(t, set, split))
				t.Logf("%s %s: %s", set, split, got)
				if split == "dev" {
					kinds := make([]string, 0, len(got.byKind))
					for k := range got.byKind {
						kinds = append(kinds, k)
					}
					sort.Strings(kinds)
					for _, k := range kinds {
						c := got.byKind[k]
						t.Logf("  %-8s %3d quotes, span %3d, overlapping %3d", k, c[0], c[1], c[2])
					}
					if testing.Verbose() {
						for _, m := range got.misses {
							t.Logf("  %s", m)
						}
					}
					continue
				}
				f := floors[set]
				if p := pct(got.given, got.kinded); p < f.given {
					t.Errorf("%s test: a span on %.0f%% of the quotes holding the answer to a question that asks for a kind, below %.0f%%: readers lose the bold answer", set, p, f.given)
				}
				if p := pct(got.overlap, got.given); p < f.overlap {
					t.Errorf("%s test: %.0f%% of the spans given overlap the answer, below %.0f%%: readers are shown the wrong words in bold", set, p, f.overlap)
				}
			}
		})
	}
}
