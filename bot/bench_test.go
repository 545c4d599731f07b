package bot

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sitrep/bot/discordtest"
	"sitrep/search"
)

// swapLibrary lets one running bot (one fake Discord, one session) serve
// several libraries in turn: discordgo's endpoints are process-wide, so two
// fakes cannot run at once.
type swapLibrary struct{ cur atomic.Pointer[Library] }

func (s *swapLibrary) set(l Library) { s.cur.Store(&l) }
func (s *swapLibrary) Ask(ctx context.Context, q search.Query) (search.Answer, error) {
	return (*s.cur.Load()).Ask(ctx, q)
}
func (s *swapLibrary) Question(scope, id string) (search.QuestionRecord, error) {
	return (*s.cur.Load()).Question(scope, id)
}
func (s *swapLibrary) Sources(scope string) ([]search.Source, error) {
	return (*s.cur.Load()).Sources(scope)
}

// BenchmarkAskEndToEnd measures /ask as a user waits for it: from the fake
// Discord dispatching INTERACTION_CREATE to it receiving the bot's
// callback, through a real discordgo session, the bot, the library (which
// also logs each question) and rendering. It reports p50 and p99 in
// milliseconds, on the seeds and on a library of 100,000+ passages built
// from ../shared/eval/bbc (skipped when absent). The goal is p99 < 100 ms.
func BenchmarkAskEndToEnd(b *testing.B) {
	seeded := openSeeded(b)
	lib := &swapLibrary{}
	lib.set(seeded)
	// The end-to-end tests validate every request against Discord's spec;
	// here validation would only add the fake's own time.
	h := startBot(b, lib, Options{GuildID: discordtest.DefaultGuildID}, discordtest.WithoutSpec())
	parent := b

	b.Run("seeds", func(b *testing.B) {
		lib.set(seeded)
		benchAsk(b, h, []string{
			"how many cameras were hacked?",
			"who hacked the Tehran municipality websites?",
			"what did the council head say about Mossad?",
			"were the municipality websites suspended?",
			"what did state media say about the surveillance cameras?",
		})
	})

	var (
		once    sync.Once
		big     *search.Library
		queries []string
		skip    string
	)
	b.Run("bbc-100k", func(b *testing.B) {
		once.Do(func() { big, queries, skip = buildBBC(b, parent, 100_000) })
		if skip != "" {
			b.Skip(skip)
		}
		lib.set(big)
		benchAsk(b, h, queries)
	})
}

// benchAsk asks the questions in turn, b.N times in all, and reports the
// latency percentiles.
func benchAsk(b *testing.B, h *harness, questions []string) {
	b.Helper()
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for n := range b.N {
		ic := h.srv.NewInteraction()
		payload := ic.SlashCommand("ask", ask(questions[n%len(questions)])...)
		start := time.Now()
		h.srv.DispatchInteraction(b, payload)
		r, err := h.srv.WaitRequest(waitCtx(b), "POST", "/interactions/"+ic.ID+"/"+ic.Token+"/callback")
		if err != nil {
			b.Fatalf("%v\nlogs:\n%s", err, h.logs)
		}
		lat = append(lat, r.Received.Sub(start))
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))]) / float64(time.Millisecond)
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}

// buildBBC builds, in a temporary directory, a library from the BBC
// collection replicated under new ids until it holds at least passages
// sentences, and returns it with the collection's headline queries. skip
// says why when ../shared is absent. The library lives in parent's temporary
// directory and closes when parent ends: a sub-benchmark's function runs
// several times while b.N ramps up, and its own cleanups come too early.
func buildBBC(b, parent *testing.B, passages int) (lib *search.Library, queries []string, skip string) {
	b.Helper()
	dir, err := sharedDir()
	if err != nil {
		return nil, nil, err.Error()
	}
	docs, err := readJSONL(filepath.Join(dir, "eval", "bbc", "docs.jsonl"))
	if err != nil {
		return nil, nil, fmt.Sprintf("no BBC collection: %v", err)
	}
	queries, err = readQueries(filepath.Join(dir, "eval", "bbc", "queries.tsv"))
	if err != nil || len(queries) == 0 {
		return nil, nil, fmt.Sprintf("no BBC queries: %v", err)
	}
	lib, err = search.Open(context.Background(), parent.TempDir(), search.Options{})
	if err != nil {
		b.Fatal(err)
	}
	parent.Cleanup(func() { lib.Close() })
	start := time.Now()
	for copyN := 0; ; copyN++ {
		st, err := lib.Stats(search.SharedScope)
		if err != nil {
			b.Fatal(err)
		}
		if st.Sentences >= passages {
			b.Logf("BBC library: %d sources, %d passages, built in %v", st.Sources, st.Sentences, time.Since(start).Round(time.Millisecond))
			break
		}
		srcs := make([]search.Source, len(docs))
		for i, d := range docs {
			srcs[i] = search.Source{ID: fmt.Sprintf("%s-c%d", d.ID, copyN), Title: d.Title, Outlet: d.Outlet,
				Text: d.Text + fmt.Sprintf("\n\nCopy %d.", copyN)} // the library refuses identical texts
		}
		if _, err := lib.Import(context.Background(), srcs, search.ImportOptions{Actor: "bench"}); err != nil {
			b.Fatal(err)
		}
	}
	return lib, queries, ""
}

type bbcDoc struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Outlet string `json:"outlet"`
	Text   string `json:"text"`
}

func readJSONL(path string) ([]bbcDoc, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var docs []bbcDoc
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var d bbcDoc
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			return nil, err
		}
		docs = append(docs, d)
	}
	return docs, sc.Err()
}

func readQueries(path string) ([]string, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var qs []string
	for _, line := range strings.Split(string(raw), "\n") {
		if _, q, ok := strings.Cut(line, "\t"); ok && strings.TrimSpace(q) != "" {
			qs = append(qs, q)
		}
	}
	return qs, nil
}

// sharedDir finds ../shared beside the directory holding go.mod.
func sharedDir() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			shared := filepath.Join(dir, "..", "shared")
			if _, err := os.Stat(shared); err != nil {
				return "", fmt.Errorf("../shared is absent beside the module (%v): skipping the BBC benchmark", err)
			}
			return shared, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above %s", dir)
		}
		dir = parent
	}
}
