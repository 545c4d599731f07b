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

	"github.com/bwmarrin/discordgo"

	"sitrep/bot/discordtest"
	"sitrep/internal/searchbench"
	"sitrep/ops"
	"sitrep/search"
)

// swapLibrary lets one running bot (one fake Discord, one session) serve
// several libraries in turn: discordgo's endpoints are process-wide, so two
// fakes cannot run at once.
// It also times Ask, to tell the library's share of the latency from the
// bot's and Discord's.
type swapLibrary struct {
	cur atomic.Pointer[Reader]
	mu  sync.Mutex
	ask []time.Duration
}

func (s *swapLibrary) set(l Reader) { s.cur.Store(&l) }
func (s *swapLibrary) Ask(ctx context.Context, q search.Query) (search.Answer, error) {
	start := time.Now()
	ans, err := (*s.cur.Load()).Ask(ctx, q)
	s.mu.Lock()
	s.ask = append(s.ask, time.Since(start))
	s.mu.Unlock()
	return ans, err
}

// takeAskTimes returns the Ask durations recorded since the last call.
func (s *swapLibrary) takeAskTimes() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.ask
	s.ask = nil
	return out
}
func (s *swapLibrary) Question(scope, id string) (search.QuestionRecord, error) {
	return (*s.cur.Load()).Question(scope, id)
}
func (s *swapLibrary) FindSources(q search.SourceSearch) ([]search.Source, error) {
	return (*s.cur.Load()).FindSources(q)
}
func (s *swapLibrary) SourceByName(scope, v string, ownOnly bool) (search.Source, error) {
	return (*s.cur.Load()).SourceByName(scope, v, ownOnly)
}
func (s *swapLibrary) ListSources(scope string, offset, limit int) (search.SourcePage, error) {
	return (*s.cur.Load()).ListSources(scope, offset, limit)
}

// BenchmarkAskEndToEnd measures /ask as a user waits for it: from the fake
// Discord dispatching INTERACTION_CREATE to it receiving the bot's
// callback, through a real discordgo session, the bot, the library (which
// also logs each question) and rendering. It reports p50 and p99 in
// milliseconds, on the seeds and on a library of 100,000+ passages built
// from ../shared/eval/bbc (skipped when absent). The goal is p99 < 100 ms.
func BenchmarkAskEndToEnd(b *testing.B) {
	// Timed as sitrep serve runs the bot: with the collector it sets.
	restore, _ := ops.TuneGC(os.Getenv)
	b.Cleanup(restore)
	seeded := openSeeded(b)
	lib := &swapLibrary{}
	lib.set(seeded)
	// The end-to-end tests validate every request against Discord's spec;
	// here validation would only add the fake's own time.
	// One member asks every question here: without a pace that lets them,
	// all but the first few would time the "please wait" reply.
	h := startBot(b, lib, Options{GuildID: discordtest.DefaultGuildID, AskBurst: 1 << 30, AskEvery: time.Nanosecond}, discordtest.WithoutSpec())
	parent := b

	b.Run("seeds", func(b *testing.B) {
		lib.set(seeded)
		benchAsk(b, h, lib, []string{
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
		benchAsk(b, h, lib, queries)
	})
}

// benchAsk asks the questions in turn, b.N times in all, and reports the
// latency percentiles: end to end (p50-ms, p99-ms) and of Library.Ask
// alone (ask-p50-ms, ask-p99-ms).
func benchAsk(b *testing.B, h *harness, lib *swapLibrary, questions []string) {
	b.Helper()
	lat := make([]time.Duration, 0, b.N)
	lib.takeAskTimes()
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
		// A deferred reply ("thinking…") is not the answer: the user waits
		// for the edit that brings it.
		var cb callback
		if err := r.Decode(&cb); err != nil {
			b.Fatal(err)
		}
		if cb.Type == int(discordgo.InteractionResponseDeferredChannelMessageWithSource) {
			if r, err = h.srv.WaitRequest(waitCtx(b), "PATCH", "/webhooks/{app}/"+ic.Token+"/messages/@original"); err != nil {
				b.Fatalf("%v\nlogs:\n%s", err, h.logs)
			}
		}
		lat = append(lat, r.Received.Sub(start))
	}
	b.StopTimer()
	b.ReportMetric(percentile(lat, 0.50), "p50-ms")
	b.ReportMetric(percentile(lat, 0.99), "p99-ms")
	asks := lib.takeAskTimes()
	b.ReportMetric(percentile(asks, 0.50), "ask-p50-ms")
	b.ReportMetric(percentile(asks, 0.99), "ask-p99-ms")
}

// percentile returns the p-th percentile of ds in milliseconds.
func percentile(ds []time.Duration, p float64) float64 {
	if len(ds) == 0 {
		return 0
	}
	ds = append([]time.Duration(nil), ds...)
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return float64(ds[min(len(ds)-1, int(p*float64(len(ds))))]) / float64(time.Millisecond)
}

// buildBBC builds, in a temporary directory, a library from the BBC
// collection replicated under new ids until it holds at least passages
// sentences, and returns it with the collection's headline queries. skip
// says why when ../shared is absent. The library lives in parent's temporary
// directory and closes when parent ends: a sub-benchmark's function runs
// several times while b.N ramps up, and its own cleanups come too early.
func buildBBC(b, parent *testing.B, passages int) (lib *search.Library, queries []string, skip string) {
	b.Helper()
	dir, err := searchbench.SharedDir()
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
			// As sitrep import leaves a library it built.
			if err := lib.Compact(context.Background()); err != nil {
				b.Fatal(err)
			}
			b.Logf("BBC library: %d sources, %d passages, built in %v", st.Sources, st.Sentences, time.Since(start).Round(time.Millisecond))
			break
		}
		take := docs
		if st.Sources > 0 {
			// The last copy only as far as needed, at the passages per
			// source seen so far (plus a little, since it is an average).
			perSource := max(1, st.Sentences/st.Sources)
			take = docs[:min(len(docs), (passages-st.Sentences)/perSource*11/10+1)]
		}
		srcs := make([]search.Source, len(take))
		for i, d := range take {
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
