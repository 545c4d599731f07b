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
	Offtopic     bool     `json:"offtopic"` // unanswerable, and nothing of its subject is in the library
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

	// The tiers, as qaeval.py's trust line counts them.
	shownAnswered, answeredRight int // questions shown as answered; of them, whose top 3 holds the answer
	ranked, visible              int // answerable questions whose top 3 holds the answer; of them, shown in a tier
	offtopic, offtopicNone       int // plainly off-topic questions; of them, given a plain no
	topical, topicalNone         int // unanswerable questions on the library's subject; of them, given a plain no
}

func (s qaScore) String() string {
	return fmt.Sprintf("answerable %d: hit@1 %d (%.0f%%) hit@3 %d (%.0f%%) declared unanswered %d | unanswerable %d: declared unanswered %d (%.0f%%)",
		s.answerable, s.hit1, pct(s.hit1, s.answerable), s.hit3, pct(s.hit3, s.answerable), s.declaredNo,
		s.unanswerable, s.saidNo, pct(s.saidNo, s.unanswerable))
}

// trust is the tier line: what a user can trust of what is shown.
func (s qaScore) trust() string {
	return fmt.Sprintf("precision of answered %d/%d (%.0f%%) | answers shown %d of %d the ranking put in the top 3 | off-topic given a plain no %d/%d | topical unanswerable: none %d, closest %d",
		s.answeredRight, s.shownAnswered, pct(s.answeredRight, s.shownAnswered), s.visible, s.ranked,
		s.offtopicNone, s.offtopic, s.topicalNone, s.topical-s.topicalNone)
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
		var top3 []string
		for _, q := range ans.Quotes[:min(3, len(ans.Quotes))] {
			top3 = append(top3, q.Text)
		}
		holds3 := !x.Unanswerable && holds(top3, x.Any)
		if ans.Confidence == search.Answered {
			s.shownAnswered++
			if holds3 {
				s.answeredRight++
			}
		}
		switch {
		case x.Offtopic:
			s.offtopic++
			if ans.Confidence == search.None {
				s.offtopicNone++
			}
		case x.Unanswerable:
			s.topical++
			if ans.Confidence == search.None {
				s.topicalNone++
			}
		case holds3:
			s.ranked++
			if ans.Confidence != search.None {
				s.visible++
			} else {
				s.misses = append(s.misses, fmt.Sprintf("answer hidden behind a plain no: %q", x.Q))
			}
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
// sentence that answers it, questions the library cannot answer, and
// plainly off-topic ones) through Ask, as a user meets it, next to an FTS5
// sentence search in the same run. The ranking and the confidence were
// fitted on the dev halves only; the figures that count are the test
// halves', which fitting never saw.
//
// What it holds on the test halves (issue 25): the answers shown as
// answered are right (their top 3 holds the answer) at least as often as
// when the confidence landed; no answer the ranking puts in the top 3 is
// hidden behind a plain no beyond the count measured then; off-topic
// questions get a plain no as often; and the ranking stays above a plain
// FTS5 sentence search on BBC.
func TestAnswerQuality(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the BBC question set imports 2,223 articles")
	}
	// Measured on the test halves; issue 25's targets are 80% (BBC) and
	// 95% (seeds) precision of answered, every top-3 answer shown, every
	// off-topic question none.
	type floor struct {
		precision        float64 // % of the questions shown as answered whose top 3 holds the answer
		hidden, offtopic int     // top-3 answers hidden behind a plain no, at most; off-topic questions given none, at least
	}
	// With the kind asked for in the best quote required for answered:
	// BBC 40 of 49 (82%), 121 of 121 shown, 13 of 26 off-topic none (2 of
	// the first 6, 11 of the fourth batch's 20); seeds 11 of 12 (92%), 25
	// of 26 shown, 3 of 3 off-topic none. One more wrong answer fails
	// either precision floor.
	floors := map[string]floor{"bbc": {81, 0, 13}, "seeds": {90, 1, 3}}
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
				t.Logf("%s %s: trust: %s", set, split, got.trust())
				t.Logf("%s %s: FTS5 sentences hit@1 %d hit@3 %d (never abstains)", set, split, base.hit1, base.hit3)
				if split == "dev" || testing.Verbose() {
					for _, m := range got.misses {
						t.Logf("  %s", m)
					}
				}
				if split != "test" {
					continue
				}
				// Against FTS5 on BBC: the seeds' halves are too small for
				// one question either way to mean much.
				if set == "bbc" && got.ranked < base.hit3 {
					t.Errorf("%s test: the ranking's top 3 holds %d answers, a plain FTS5 sentence search's %d: users would do better with grep", set, got.ranked, base.hit3)
				}
				f := floors[set]
				if p := pct(got.answeredRight, got.shownAnswered); got.shownAnswered > 0 && p < f.precision {
					t.Errorf("%s test: %.0f%% of the answers shown as answered hold the answer, below %.0f%%: users are told wrong answers are right", set, p, f.precision)
				}
				if hidden := got.ranked - got.visible; hidden > f.hidden {
					t.Errorf("%s test: %d answers the ranking found hidden behind a plain no (at most %d): users are told no when the library answers", set, hidden, f.hidden)
				}
				if got.offtopicNone < f.offtopic {
					t.Errorf("%s test: %d of %d off-topic questions given a plain no, below %d: users get unrelated passages for questions the library knows nothing of", set, got.offtopicNone, got.offtopic, f.offtopic)
				}
			}
		})
	}
}
