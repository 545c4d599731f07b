package search_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sitrep/internal/searchbench"
	"sitrep/search"
	"sitrep/seeds"
)

// qaItem is one question of a question set (testdata/qa): answerable, with
// exact parts of the sentences that answer it, or unanswerable.
type qaItem struct {
	Q            string   `json:"q"`
	Any          []string `json:"any"`
	Unanswerable bool     `json:"unanswerable"`
	Split        string   `json:"split"`
	Kind         string   `json:"kind"`
}

func loadQA(tb testing.TB, name, split string) []qaItem {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "qa", name+".json"))
	if err != nil {
		tb.Fatal(err)
	}
	var all []qaItem
	if err := json.Unmarshal(b, &all); err != nil {
		tb.Fatalf("%s.json: %v", name, err)
	}
	var out []qaItem
	for _, x := range all {
		if x.Split == split {
			out = append(out, x)
		}
	}
	if len(out) == 0 {
		tb.Fatalf("%s.json has no %q questions", name, split)
	}
	return out
}

// qaScore is how a question set fared, counted as qaeval.py counts: a hit
// only where the answer says answered.
type qaScore struct {
	answerable, hit1, hit3, declaredNo int // answerable questions
	unanswerable, saidNo               int // unanswerable ones
	misses                             []string
}

func (s qaScore) String() string {
	return fmt.Sprintf("answerable %d: hit@1 %d (%.0f%%) hit@3 %d (%.0f%%) declared unanswered %d | unanswerable %d: declared unanswered %d (%.0f%%)",
		s.answerable, s.hit1, pct(s.hit1, s.answerable), s.hit3, pct(s.hit3, s.answerable), s.declaredNo,
		s.unanswerable, s.saidNo, pct(s.saidNo, s.unanswerable))
}

func pct(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return 100 * float64(n) / float64(d)
}

// normQA folds case, quotes and white space as qaeval.py does.
func normQA(s string) string {
	r := strings.NewReplacer("\u2018", "'", "\u2019", "'", "\u201a", "'", "\u201b", "'", "\u2032", "'",
		"\u201c", `"`, "\u201d", `"`, "\u201e", `"`, "\u201f", `"`, "\u2033", `"`, "\u00a0", " ")
	return strings.ToLower(strings.Join(strings.Fields(r.Replace(s)), " "))
}

func holds(texts []string, wanted []string) bool {
	for _, t := range texts {
		for _, w := range wanted {
			if strings.Contains(normQA(t), normQA(w)) {
				return true
			}
		}
	}
	return false
}

// askQA puts every question to lib through Ask, as the CLI does.
func askQA(tb testing.TB, lib *search.Library, items []qaItem) qaScore {
	tb.Helper()
	var s qaScore
	for _, x := range items {
		ans, err := lib.Ask(context.Background(), search.Query{Question: x.Q, Limit: 3})
		if err != nil {
			tb.Fatalf("%q: %v", x.Q, err)
		}
		if x.Unanswerable {
			s.unanswerable++
			if !ans.Answered {
				s.saidNo++
			} else {
				s.misses = append(s.misses, fmt.Sprintf("answered but should not: %q → %.100q", x.Q, ans.Quotes[0].Text))
			}
			continue
		}
		s.answerable++
		var texts []string
		if ans.Answered {
			for _, q := range ans.Quotes {
				texts = append(texts, q.Text)
			}
		} else {
			s.declaredNo++
		}
		if len(texts) > 0 && holds(texts[:1], x.Any) {
			s.hit1++
		}
		if holds(texts, x.Any) {
			s.hit3++
		} else {
			got := "(no quote)"
			if len(ans.Quotes) > 0 {
				got = ans.Quotes[0].Text
			}
			s.misses = append(s.misses, fmt.Sprintf("miss (answered=%v): %q\n      want %q\n      got  %.140q", ans.Answered, x.Q, x.Any, got))
		}
	}
	return s
}

// fts5Sentences answers with a plain FTS5 bm25 search over sentences (the
// baseline qaeval.py runs): top 3, never abstaining.
func fts5Sentences(tb testing.TB, docs []search.Source, items []qaItem) qaScore {
	tb.Helper()
	db, err := sql.Open("sqlite", filepath.Join(tb.TempDir(), "fts5s.db"))
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(`CREATE VIRTUAL TABLE sents USING fts5(id UNINDEXED, body, tokenize='porter unicode61')`); err != nil {
		tb.Fatal(err)
	}
	tx, err := db.Begin()
	if err != nil {
		tb.Fatal(err)
	}
	for _, d := range docs {
		for _, sp := range search.Split(d.Text) {
			if _, err := tx.Exec(`INSERT INTO sents(id, body) VALUES (?, ?)`, d.ID, d.Text[sp.Start:sp.End]); err != nil {
				tb.Fatal(err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
	var s qaScore
	for _, x := range items {
		if x.Unanswerable {
			s.unanswerable++ // FTS5 never abstains
			continue
		}
		s.answerable++
		var texts []string
		if match := searchbench.FTS5Query(x.Q); match != "" {
			rows, err := db.Query(`SELECT body FROM sents WHERE sents MATCH ? ORDER BY bm25(sents) LIMIT 3`, match)
			if err != nil {
				tb.Fatalf("fts5 %q: %v", match, err)
			}
			for rows.Next() {
				var t string
				if err := rows.Scan(&t); err != nil {
					tb.Fatal(err)
				}
				texts = append(texts, t)
			}
			rows.Close()
		}
		if len(texts) > 0 && holds(texts[:1], x.Any) {
			s.hit1++
		}
		if holds(texts, x.Any) {
			s.hit3++
		}
	}
	return s
}

// qaLibrary is a library holding a question set's documents: the BBC
// collection, or the seeds.
func qaLibrary(tb testing.TB, name string) (*search.Library, []search.Source) {
	tb.Helper()
	ctx := context.Background()
	var docs []search.Source
	opts := search.Options{}
	switch name {
	case "bbc":
		set := loadEvalSet(tb, "bbc")
		for _, d := range set.docs {
			docs = append(docs, search.Source{ID: d.ID, Text: d.Text})
		}
	case "seeds":
		srcs, err := seeds.Sources()
		if err != nil {
			tb.Fatal(err)
		}
		docs, opts.Seeds = srcs, srcs
	}
	lib, err := search.Open(ctx, tb.TempDir(), opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { lib.Close() })
	if name == "bbc" {
		if _, err := lib.Import(ctx, docs, search.ImportOptions{Actor: "eval"}); err != nil {
			tb.Fatal(err)
		}
	}
	return lib, docs
}

// TestAnswerQuality puts our own question sets (testdata/qa: chat-style
// questions over the BBC collection and the seeds, each naming the
// sentence that answers it, and questions the library cannot answer)
// through Ask, as a user meets it, next to an FTS5 sentence search in the
// same run. The ranking was tuned on the dev halves only; the figures that
// count are the test halves', which tuning never saw.
//
// Issue 16's targets (test halves: BBC hit@3 80%, hit@1 60%, 80% of the
// unanswerable declared so; seeds hit@3 95% with every answerable question
// answered and every off-topic one not) are not met yet: the test logs
// where it stands against them, and fails when Sitrep falls below the
// FTS5 sentence search or below the floors measured when it landed, so a
// change that loses answers users get today cannot pass.
func TestAnswerQuality(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the BBC question set imports 2,223 articles")
	}
	type floor struct{ hit1, hit3, saidNo float64 } // percentages on the test half
	// Set at the commit that added irregular inflections and light-word
	// weighting: BBC's unanswerable declined so fell from 44% to 36% on the
	// test half (2 of 25) while hit@1/hit@3 rose by 2/1 of 85 and the
	// seeds' hit@3 by 2 of 21; the dev halves, which chose it, lost none.
	// The "after selling" cause cue then moved BBC's test hit@3 from 50 to
	// 49 (57.6%) and its dev hit@3 from 57 to 60; the year check of the
	// verdict moved it to 48 (56.5%), and BBC's dev unanswerable declined
	// so from 13 to 16 of 25.
	floors := map[string]floor{"bbc": {41, 56, 36}, "seeds": {57, 76, 66}}
	targets := map[string]floor{"bbc": {60, 80, 80}, "seeds": {0, 95, 100}}
	for _, set := range []string{"bbc", "seeds"} {
		t.Run(set, func(t *testing.T) {
			if set == "bbc" && raceEnabled {
				t.Skip("race detector on: the BBC set runs without it (the seeds set runs here)")
			}
			lib, docs := qaLibrary(t, set)
			for _, split := range []string{"dev", "test"} {
				items := loadQA(t, set, split)
				got := askQA(t, lib, items)
				base := fts5Sentences(t, docs, items)
				t.Logf("%s %s: Sitrep %s", set, split, got)
				t.Logf("%s %s: FTS5 sentences hit@1 %d hit@3 %d (never abstains)", set, split, base.hit1, base.hit3)
				if split == "dev" || testing.Verbose() {
					for _, m := range got.misses {
						t.Logf("  %s", m)
					}
				}
				if split != "test" {
					continue
				}
				h1, h3, no := pct(got.hit1, got.answerable), pct(got.hit3, got.answerable), pct(got.saidNo, got.unanswerable)
				tg := targets[set]
				t.Logf("%s test against issue 16's targets: hit@1 %.0f%% (target %.0f%%), hit@3 %.0f%% (target %.0f%%), unanswerable declared so %.0f%% (target %.0f%%), answerable declared unanswered %d (seeds target 0)",
					set, h1, tg.hit1, h3, tg.hit3, no, tg.saidNo, got.declaredNo)
				// Against FTS5 on BBC's 55: the seeds' halves (16 and 20)
				// are too small for one question either way to mean much.
				if set == "bbc" && (got.hit1 < base.hit1 || got.hit3 < base.hit3) {
					t.Errorf("%s test: Sitrep hit@1 %d / hit@3 %d below a plain FTS5 sentence search's %d / %d: users would do better with grep", set, got.hit1, got.hit3, base.hit1, base.hit3)
				}
				f := floors[set]
				if h1 < f.hit1 || h3 < f.hit3 {
					t.Errorf("%s test: hit@1 %.0f%% / hit@3 %.0f%% fell below %.0f%% / %.0f%%: users lose answers they got before", set, h1, h3, f.hit1, f.hit3)
				}
				if no < f.saidNo {
					t.Errorf("%s test: %.0f%% of unanswerable questions declared so, below %.0f%%: users get more confident wrong answers than before", set, no, f.saidNo)
				}
			}
		})
	}
}
