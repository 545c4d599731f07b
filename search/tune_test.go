package search_test

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"

	"sitrep/search"
)

// TestTune is the tuning harness, off unless SITREP_TUNE names settings to
// compare, e.g. SITREP_TUNE='base; w.kind=1.5; firstarticle=0.6,wordnet=off'. Each
// setting is run on the dev halves of the question sets and on TIME and a
// quarter of BBC's headlines, all through Ask. It never reads the test
// halves.
func TestTune(t *testing.T) {
	spec := os.Getenv("SITREP_TUNE")
	if spec == "" {
		t.Skip("set SITREP_TUNE to compare ranking settings on the dev sets")
	}
	bbcLib, _ := qaLibrary(t, "bbc")
	seedLib, _ := qaLibrary(t, "seeds")
	bbcDev, seedDev := loadQA(t, "bbc", "dev"), loadQA(t, "seeds", "dev")
	timeSet := loadEvalSet(t, "time")
	timeRun := func() run { return nil }
	if os.Getenv("SITREP_TUNE_QA_ONLY") == "" {
		timeRun = sitrepRunLib(t, timeSet)
	}
	bbcSet := loadEvalSet(t, "bbc")
	var bbcQueries []evalQuery
	for i, q := range bbcSet.queries {
		if i%8 == 0 {
			bbcQueries = append(bbcQueries, q)
		}
	}
	saved := make(map[string]float64)
	for k, v := range search.Tuning {
		saved[k] = *v
	}
	savedSwitches := make(map[string]bool)
	for k, v := range search.TuningSwitches {
		savedSwitches[k] = *v
	}
	for _, setting := range strings.Split(spec, ";") {
		setting = strings.TrimSpace(setting)
		for k, v := range saved {
			*search.Tuning[k] = v
		}
		for k, v := range savedSwitches {
			*search.TuningSwitches[k] = v
		}
		for _, kv := range strings.Split(setting, ",") {
			k, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
			if !ok {
				continue
			}
			if sw, ok := search.TuningSwitches[k]; ok {
				*sw = v == "on"
				continue
			}
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || search.Tuning[k] == nil {
				t.Fatalf("bad setting %q", kv)
			}
			*search.Tuning[k] = f
		}
		b := askQA(t, bbcLib, bbcDev)
		s := askQA(t, seedLib, seedDev)
		var tm, bm metrics
		if os.Getenv("SITREP_TUNE_QA_ONLY") == "" {
			tm = evaluate(timeSet, timeRun())
			bq := evalSet{name: "bbc", queries: bbcQueries, qrels: bbcSet.qrels}
			bm = evaluate(bq, askRun(t, bbcLib, bq))
		}
		t.Logf("%-40s bbc %2d/%2d/%2d no %2d una %2d/%2d | seeds %2d/%2d/%2d no %2d una %d/%d | TIME %.3f BBC %.3f",
			setting, b.hit1, b.hit3, b.answerable, b.declaredNo, b.saidNo, b.unanswerable,
			s.hit1, s.hit3, s.answerable, s.declaredNo, s.saidNo, s.unanswerable, tm.NDCG10, bm.MRR10)
		if os.Getenv("SITREP_TUNE_MISSES") != "" {
			ms := append(b.misses, s.misses...)
			sort.Strings(ms)
			fmt.Println(strings.Join(ms, "\n"))
		}
	}
}

// TestTuneRanks prints, for each dev question, the rank of the first quote
// holding its answer (limit 50) and the quotes above it: where ranking,
// not the verdict, loses the answer.
func TestTuneRanks(t *testing.T) {
	if os.Getenv("SITREP_TUNE_RANKS") == "" {
		t.Skip("set SITREP_TUNE_RANKS=bbc|seeds to list where the dev answers rank")
	}
	set := os.Getenv("SITREP_TUNE_RANKS")
	lib, _ := qaLibrary(t, set)
	hist := map[int]int{}
	for _, x := range loadQA(t, set, "dev") {
		if x.Unanswerable {
			continue
		}
		ans, err := lib.Ask(t.Context(), search.Query{Question: x.Q, Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		rank := 0
		for i, q := range ans.Quotes {
			if holds([]string{q.Text}, x.Any) {
				rank = i + 1
				break
			}
		}
		b := rank
		if b > 3 {
			b = 4
		}
		hist[b]++
		if rank != 1 {
			fmt.Printf("rank %d [%s] %q\n", rank, x.Kind, x.Q)
			for i, q := range ans.Quotes[:min(3, len(ans.Quotes))] {
				fmt.Printf("   %d %.3f %.110q\n", i+1, q.Score, q.Text)
			}
		}
	}
	t.Logf("rank 1: %d, 2-3: %d, >3: %d, absent: %d", hist[1], hist[2]+hist[3], hist[4], hist[0])
}
