package search

import (
	"context"
	"errors"
	"maps"
	"slices"
	"testing"
)

// TestArticleTermsFromTheIndex pins that the article index tells the
// confidence which of the question's words an article holds exactly as
// analysing its text would: a word counted missing that the article holds
// (or the reverse) would move an answer between "answered", "closest" and
// a plain no.
func TestArticleTermsFromTheIndex(t *testing.T) {
	ctx := context.Background()
	lib := openTest(t, t.TempDir(), nil)
	cams := mustAdd(t, lib, Source{Title: "Cameras", Text: articleCameras})
	mustAdd(t, lib, Source{Title: "Hospital", Text: articleHospital})
	_, text, err := lib.load(cams.ID)
	if err != nil {
		t.Fatal(err)
	}
	analysed := map[string]bool{}
	for _, tok := range lib.an.tokens(text) {
		analysed[tok.Term] = true
	}
	for _, question := range []string{
		"how many cameras were hacked?",
		"who took down the cameras in the capital?",
		"what did the hospital's surgeons say?", // words the cameras article lacks
		"quxtrophane valve failure",             // words no article holds
	} {
		t.Run(question, func(t *testing.T) {
			p, err := lib.prepare(ctx, question, SharedScope)
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]bool{}
			for term := range p.wanted() {
				if analysed[term] {
					want[term] = true
				}
			}
			got, err := lib.articleTerms(p, cams.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(got, want) {
				t.Errorf("the index says the article holds %v, its text holds %v of the question's words", slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want)))
			}
		})
	}
	p, err := lib.prepare(ctx, "how many cameras were hacked?", SharedScope)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lib.articleTerms(p, "no-such-source"); !errors.Is(err, ErrNotFound) {
		t.Errorf("a source removed since ranking gave %v, want ErrNotFound", err)
	}
}
