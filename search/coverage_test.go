package search

import (
	"context"
	"fmt"
	"testing"
)

func TestQuestionTermsCountRepeats(t *testing.T) {
	z, err := newAnalyzer()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		question string
		want     map[string]int
	}{
		{"number of troops in Viet Nam compared with the number of troops in West Germany",
			map[string]int{"number": 2, "troop": 2, "viet": 1, "germani": 1}},
		{"how many cameras were hacked?", map[string]int{"camera": 1, "hack": 1}},
	}
	for _, tt := range tests {
		t.Run(tt.question, func(t *testing.T) {
			got := make(map[string]int)
			for _, qt := range z.questionTerms(tt.question) {
				got[qt.Term] = qt.Count
			}
			for term, n := range tt.want {
				if got[term] != n {
					t.Errorf("count of %q = %d, want %d (terms %v)", term, got[term], n, got)
				}
			}
		})
	}
}

// TestRareWordOutweighsCommonOnes: an article holding the one rare word a
// question is about ranks above articles holding a few of its common
// words. Bleve's coordination by clauses matched ranked it below them.
func TestRareWordOutweighsCommonOnes(t *testing.T) {
	lib := openTest(t, t.TempDir(), nil)
	ctx := context.Background()
	// Each common word in a fifth of the articles, two per article:
	// like a magazine's year of foreign news.
	common := []string{"countries", "discussions", "relations", "east", "names", "word"}
	var srcs []Source
	for i := range 40 {
		text := fmt.Sprintf("Report %d on the week abroad.", i)
		if i < 24 {
			text = fmt.Sprintf("Report %d: the %s and the %s came up in the talks on the week abroad.", i, common[i%6], common[(i+1)%6])
		}
		srcs = append(srcs, Source{ID: fmt.Sprintf("report%02d", i), Text: text})
	}
	srcs = append(srcs, Source{ID: "rare", Text: "Report 40: Manila now speaks of Maphilindo, its grand design for the region."})
	if _, err := lib.Import(ctx, srcs, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	ans, err := lib.Ask(ctx, Query{Question: "MAPHILINDO, A WORD FORMED FROM PARTS OF THE NAMES OF THREE COUNTRIES, WHICH IS BEING USED IN DISCUSSIONS OF INTERNATIONAL RELATIONS IN THE FAR EAST", Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(ans.Quotes) == 0 || ans.Quotes[0].Source.ID != "rare" {
		t.Errorf("Ask's first quote = %+v, want one from %q", ans.Quotes, "rare")
	}
}
