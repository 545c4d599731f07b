package search

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/document"
	index "github.com/blevesearch/bleve_index_api"
)

// articleTerms are the token count and term counts of a source's article
// text field as built, beside Bleve's own analysis of the whole text;
// every sentence's field is checked against Bleve's analysis on the way.
// analysed is a field's analysis as Bleve's segment builder reads it.
type analysed struct {
	length int
	freqs  index.TokenFrequencies
}

func articleTerms(tb testing.TB, text string) (built, whole analysed, fast bool) {
	tb.Helper()
	d := newDocBuilder()
	s := storedSource{Source: Source{ID: "a", Scope: SharedScope, Text: text}, Spans: Split(text)}
	docs := d.build(s, text)
	for n, doc := range docs.sentences {
		if got, want := fieldTerms(tb, doc.Fields[0]), bleveTerms(d, text[s.Spans[n].Start:s.Spans[n].End]); !sameTerms(got, want) {
			tb.Errorf("sentence %d %q: terms %v (%d tokens), Bleve's %v (%d tokens)", n, text[s.Spans[n].Start:s.Spans[n].End], counts(got.freqs), got.length, counts(want.freqs), want.length)
		}
	}
	return fieldTerms(tb, docs.article.Fields[0]), bleveTerms(d, text), spansHoldEveryToken(text, s.Spans)
}

// fieldTerms analyses a built text field as Bleve does before indexing.
func fieldTerms(tb testing.TB, f document.Field) analysed {
	tb.Helper()
	af, ok := f.(*analysedField)
	if !ok || af.Name() == fieldScope || af.Name() == fieldSource {
		tb.Fatalf("field %T %q, want the analysed text", f, f.Name())
	}
	af.Analyze()
	return analysed{length: af.AnalyzedLength(), freqs: af.AnalyzedTokenFrequencies()}
}

// bleveTerms is what Bleve's own text field makes of text.
func bleveTerms(d docBuilder, text string) analysed {
	f := document.NewTextFieldCustom(fieldText, nil, []byte(text), index.IndexField, d.text)
	f.Analyze()
	return analysed{length: f.AnalyzedLength(), freqs: f.AnalyzedTokenFrequencies()}
}

func sameTerms(a, b analysed) bool {
	return a.length == b.length && maps.Equal(counts(a.freqs), counts(b.freqs))
}

func counts(f index.TokenFrequencies) map[string]int {
	out := make(map[string]int, len(f))
	for k, v := range f {
		out[k] = v.Frequency()
	}
	return out
}

// TestArticleTermsAreTheSentences: the article's terms, summed from its
// sentences' analyses, are what analysing the whole text gives, so every
// article ranks as it did when Bleve analysed it; texts where the sum
// would differ (fragments the splitter drops, a word cut by the length
// limit, odd spaces) are analysed whole.
func TestArticleTermsAreTheSentences(t *testing.T) {
	long := strings.Repeat("x", maxSentenceBytes+300) + " end."
	tests := []struct {
		name     string
		text     string
		wantFast bool
	}{
		{"news", "U.S. officials said on Monday that 12 cameras were hacked. The group's leader, Mr. Smith, denied it.\n\nPolice said the attack began in 2013. It ended later.", true},
		{"dropped fragment with a token", "Troops left the city.\n\nⅫ\n\nThey returned in May.", false},
		{"symbols between paragraphs", "Troops left the city.\n\n***\n\nThey returned in May.", false},
		{"run cut inside a word", long, false},
		{"no-break space between sentences", "Troops left.\u00a0They returned in May.", false},
		{"combining mark opening a sentence", "Troops left. \u0301They returned.", false},
		{"tabs and carriage returns", "Troops left.\t\rThey returned\tin May.", true},
		{"quotes and dashes", "\"We will rebuild,\" she said — and they did. 'Not yet', he replied.", true},
		{"apostrophes at edges", "The dogs' owners left. 'Tis the season.", true},
		{"numbers", "Shares fell 3.5% to $1,200.50 on 2004-05-01. Then 10.", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			built, whole, fast := articleTerms(t, tt.text)
			if fast != tt.wantFast {
				t.Errorf("summed from sentences: %v, want %v (a wrong true ranks articles on terms their text does not hold; a wrong false only costs time)", fast, tt.wantFast)
			}
			if !sameTerms(built, whole) {
				t.Errorf("article terms %v (%d tokens), whole-text analysis %v (%d tokens): articles would rank on terms their text does not hold",
					counts(built.freqs), built.length, counts(whole.freqs), whole.length)
			}
		})
	}
}

// TestSeedArticlesSumTheirSentences: the seed articles, news as users
// import it, take the fast path, and it agrees with the whole-text
// analysis.
func TestSeedArticlesSumTheirSentences(t *testing.T) {
	files, err := filepath.Glob("../seeds/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no seed articles in ../seeds (%v)", err)
	}
	for _, name := range files {
		raw, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		built, whole, fast := articleTerms(t, string(raw))
		if !fast {
			t.Errorf("seed %s is analysed whole: imports of news would analyse every article twice", name)
		}
		if !sameTerms(built, whole) {
			t.Errorf("seed %s: article terms differ from the whole-text analysis", name)
		}
	}
}

// FuzzArticleTerms: whatever the text, the article's terms are those of
// the whole text.
func FuzzArticleTerms(f *testing.F) {
	for _, s := range []string{"A b. C d.", "Ⅻ. x", "a\u0301 b. \u200dc", "x  y.\n\n--\n\nz", "3.5. 4", "e.g. U.S. Mr. X. said"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if !utf8.ValidString(text) {
			return
		}
		built, whole, _ := articleTerms(t, text)
		if !sameTerms(built, whole) {
			t.Errorf("%q: article terms %v (%d tokens), whole text %v (%d tokens)", text, counts(built.freqs), built.length, counts(whole.freqs), whole.length)
		}
	})
}

// TestGuildFields: a guild's sentence carries its terms three times (its
// text, every guild's text, its guild's text: vocab.go), and its article
// its text and title likewise, each as Bleve would analyse them, so a
// guild's statistics and scope-true scores count what its sources say.
func TestGuildFields(t *testing.T) {
	d := newDocBuilder()
	text := "The council's spokesman said 12 cameras were hacked. Officials blamed foreign enemies."
	s := storedSource{Source: Source{ID: "memo", Scope: "1001", Title: "Cameras hacked at the plant", Text: text}, Spans: Split(text)}
	docs := d.build(s, text)
	check := func(what string, doc *document.Document, want map[string]analysed) {
		t.Helper()
		seen := map[string]bool{}
		for _, f := range doc.Fields {
			w, ok := want[f.Name()]
			if !ok {
				continue
			}
			seen[f.Name()] = true
			if got := fieldTerms(t, f); !sameTerms(got, w) {
				t.Errorf("%s field %s: %v (%d tokens), want %v (%d)", what, f.Name(), counts(got.freqs), got.length, counts(w.freqs), w.length)
			}
		}
		for name := range want {
			if !seen[name] {
				t.Errorf("%s has no field %s: without it, the guild's term statistics and scores would leave it out", what, name)
			}
		}
	}
	for n, doc := range docs.sentences {
		w := bleveTerms(d, text[s.Spans[n].Start:s.Spans[n].End])
		check(fmt.Sprintf("sentence %d", n), doc, map[string]analysed{
			fieldText: w, guildField(fieldText): w, guildFieldOf(fieldText, "1001"): w,
		})
	}
	body, title := bleveTerms(d, text), bleveTerms(d, s.Title)
	check("article", docs.article, map[string]analysed{
		fieldText: body, guildField(fieldText): body, guildFieldOf(fieldText, "1001"): body,
		fieldTitle: title, guildField(fieldTitle): title, guildFieldOf(fieldTitle, "1001"): title,
	})
}
