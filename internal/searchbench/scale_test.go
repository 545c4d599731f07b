package searchbench

import (
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
	_ "modernc.org/sqlite"

	"sitrep/ops"
	"sitrep/search"
)

// The scale benchmark: for each size, Sitrep and SQLite FTS5 import the
// same generated corpus and answer the same questions (the BBC headlines),
// each engine in child processes of its own so peak memory is its own.
// It runs only when asked:
//
//	go test ./internal/searchbench -run TestScale -v -timeout 0 -scale 10k,100k
//
// (scripts/bench.sh wraps it; RESULTS.md holds the latest figures.)
var (
	scaleSizes   = flag.String("scale", "", "comma-separated corpus sizes in passages (10k, 100k, 1m); empty skips the scale benchmark")
	scaleRepeat  = flag.Int("scale.repeat", 3, "runs per engine and size; medians are reported")
	scaleQueries = flag.Int("scale.queries", 0, "questions timed per run (0: every headline in the corpus)")
	scaleSeed    = flag.Uint64("scale.seed", 1, "corpus generator seed")
	scaleWork    = flag.String("scale.work", "", "directory for the indexes (default: a temporary directory)")
	scaleProfile = flag.String("scale.profile", "", "directory for CPU profiles of each child phase (empty: none)")
	scaleEngines = flag.String("scale.engines", "sitrep,fts5", "engines to run")
	scaleBBC     = flag.String("scale.bbc", "", "the BBC collection (default: ../shared/eval/bbc next to the module)")
)

// jobEnv carries a child's job; the child is this test binary.
const jobEnv = "SEARCHBENCH_JOB"

// job is one phase of one engine on one corpus, run in a child process.
type job struct {
	Engine   string `json:"engine"`
	Phase    string `json:"phase"` // "build" or "query"
	BBC      string `json:"bbc"`
	Passages int    `json:"passages"`
	Seed     uint64 `json:"seed"`
	Dir      string `json:"dir"`
	Queries  int    `json:"queries"`
	Profile  string `json:"profile,omitempty"`
	Out      string `json:"out"`
}

// measure is what a phase reports; a build fills the first group, a query
// run the second.
type measure struct {
	Sources    int     `json:"sources"`
	Passages   int     `json:"passages"`
	ImportSec  float64 `json:"import_sec"`
	ImportCPU  float64 `json:"import_cpu_sec"` // user+system time of the build child
	BuildPeak  float64 `json:"build_peak_mb"`
	DiskMB     float64 `json:"disk_mb"`
	OpenSec    float64 `json:"open_sec"`
	Queries    int     `json:"queries"`
	P50, P99   float64 `json:"-"`
	P50ms      float64 `json:"p50_ms"`
	P99ms      float64 `json:"p99_ms"`
	MeanMs     float64 `json:"mean_ms"`
	CPUMs      float64 `json:"cpu_ms"` // CPU time per question (all threads)
	QueryPeak  float64 `json:"query_peak_mb"`
	Answered   int     `json:"answered"`
	ChildError string  `json:"error,omitempty"`
}

// engine builds an index from a corpus and answers questions from it.
type engine interface {
	build(ctx context.Context, dir string, c *Corpus) (passages int, err error)
	open(ctx context.Context, dir string) (asker, error)
}

type asker interface {
	ask(ctx context.Context, question string) (answered bool, err error)
	close() error
}

var engines = map[string]engine{"sitrep": sitrepEngine{}, "sitrep-pg": sitrepPGEngine{}, "fts5": fts5Engine{}}

// importChunk is how many sources each engine takes per call or
// transaction, as the CLI's import does.
const importChunk = 2048

type sitrepEngine struct{}

func (sitrepEngine) build(ctx context.Context, dir string, c *Corpus) (int, error) {
	return buildSitrep(ctx, dir, c, search.Options{})
}

func buildSitrep(ctx context.Context, dir string, c *Corpus, opts search.Options) (int, error) {
	lib, err := search.Open(ctx, dir, opts)
	if err != nil {
		return 0, err
	}
	// As sitrep import does: a soft memory limit, one import, fed source
	// by source.
	defer ops.LimitImportMemory()()
	imp := lib.NewImporter(ctx, search.ImportOptions{Actor: "bench"})
	for from := 0; from < c.Len(); from += importChunk {
		for _, s := range c.Sources(from, min(from+importChunk, c.Len())) {
			if err := imp.Add(s); err != nil {
				break
			}
		}
	}
	res, err := imp.Close()
	if err != nil {
		lib.Close()
		return 0, err
	}
	if len(res.Failed) > 0 {
		lib.Close()
		return 0, fmt.Errorf("%d sources failed, first: %v", len(res.Failed), res.Failed[0])
	}
	// As sitrep import does at its end. It counts passages as it reports
	// them, from the import: Stats reads every source back from the store,
	// which sitrep import does not, and mapped the whole store file into
	// the build's peak (285 MB of file pages at a million passages).
	if _, err := lib.CompactIfItPays(ctx); err != nil {
		lib.Close()
		return 0, err
	}
	return res.Passages, lib.Close()
}

type sitrepAsker struct{ lib *search.Library }

func (sitrepEngine) open(ctx context.Context, dir string) (asker, error) {
	lib, err := search.Open(ctx, dir, search.Options{})
	return sitrepAsker{lib}, err
}

func (a sitrepAsker) ask(ctx context.Context, q string) (bool, error) {
	ans, err := a.lib.Ask(ctx, search.Query{Question: q, Limit: 5})
	return ans.Answered, err
}

func (a sitrepAsker) close() error { return a.lib.Close() }

// fts5Engine is the baseline: one FTS5 row per sentence passage (cut by
// the same Split), porter unicode61, ranked by bm25, the question being
// the OR of its words without Bleve's English stop words.
type fts5Engine struct{}

func (fts5Engine) build(ctx context.Context, dir string, c *Corpus) (int, error) {
	db, err := sql.Open("sqlite", filepath.Join(dir, "fts5.db"))
	if err != nil {
		return 0, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, `CREATE VIRTUAL TABLE passages USING fts5(source UNINDEXED, text, tokenize='porter unicode61')`); err != nil {
		return 0, err
	}
	n := 0
	for from := 0; from < c.Len(); from += importChunk {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return 0, err
		}
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO passages(source, text) VALUES (?, ?)`)
		if err != nil {
			return 0, err
		}
		for _, s := range c.Sources(from, min(from+importChunk, c.Len())) {
			for _, sp := range search.Split(s.Text) {
				if _, err := stmt.ExecContext(ctx, s.ID, s.Text[sp.Start:sp.End]); err != nil {
					tx.Rollback()
					return 0, err
				}
				n++
			}
		}
		stmt.Close()
		if err := tx.Commit(); err != nil {
			return 0, err
		}
	}
	return n, db.Close()
}

type fts5Asker struct {
	db *sql.DB
}

func (fts5Engine) open(ctx context.Context, dir string) (asker, error) {
	db, err := sql.Open("sqlite", filepath.Join(dir, "fts5.db"))
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	// sql.Open is lazy: reading the schema is what opening costs.
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema`).Scan(&n); err != nil {
		db.Close()
		return nil, err
	}
	return fts5Asker{db: db}, nil
}

func (a fts5Asker) ask(ctx context.Context, q string) (bool, error) {
	match := FTS5Query(q)
	if match == "" {
		return false, nil
	}
	rows, err := a.db.QueryContext(ctx, `SELECT source, text FROM passages WHERE passages MATCH ? ORDER BY bm25(passages) LIMIT 5`, match)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	found := false
	for rows.Next() {
		var src, text string
		if err := rows.Scan(&src, &text); err != nil {
			return false, err
		}
		found = true
	}
	return found, rows.Err()
}

func (a fts5Asker) close() error { return a.db.Close() }

// TestChild runs one job when this binary is started by TestScale.
func TestChild(t *testing.T) {
	raw := os.Getenv(jobEnv)
	if raw == "" {
		t.Skip("runs only as a child of TestScale")
	}
	var j job
	if err := json.Unmarshal([]byte(raw), &j); err != nil {
		t.Fatal(err)
	}
	m, err := runJob(context.Background(), j)
	if err != nil {
		m.ChildError = err.Error()
	}
	out, _ := json.Marshal(m)
	if err := os.WriteFile(j.Out, out, 0o600); err != nil {
		t.Fatal(err)
	}
}

func runJob(ctx context.Context, j job) (measure, error) {
	var m measure
	eng, ok := engines[j.Engine]
	if !ok {
		return m, fmt.Errorf("no engine %q", j.Engine)
	}
	if j.Profile != "" {
		f, err := os.Create(filepath.Join(j.Profile, fmt.Sprintf("%s-%d-%s.pprof", j.Engine, j.Passages, j.Phase)))
		if err != nil {
			return m, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return m, err
		}
		defer pprof.StopCPUProfile()
	}
	switch j.Phase {
	case "build":
		base, err := LoadBBC(j.BBC)
		if err != nil {
			return m, err
		}
		c := Generate(base, j.Passages, j.Seed)
		base = nil
		m.Sources = c.Len()
		start := time.Now()
		n, err := eng.build(ctx, j.Dir, c)
		if err != nil {
			return m, err
		}
		m.ImportSec = time.Since(start).Seconds()
		m.ImportCPU = cpuSeconds()
		m.Passages = n
		m.BuildPeak = peakMB()
		m.DiskMB, err = diskMB(j.Dir)
		return m, err
	case "query":
		// Every engine answers with the collector sitrep serve sets.
		ops.TuneGC(os.Getenv)
		base, err := LoadBBC(j.BBC)
		if err != nil {
			return m, err
		}
		qs := Generate(base, j.Passages, j.Seed).Queries()
		base = nil
		if j.Queries > 0 && len(qs) > j.Queries {
			qs = qs[:j.Queries]
		}
		if err := evict(j.Dir); err != nil {
			return m, err
		}
		start := time.Now()
		a, err := eng.open(ctx, j.Dir)
		if err != nil {
			return m, err
		}
		defer a.close()
		m.OpenSec = time.Since(start).Seconds()
		// One untimed pass over a few questions warms the page cache and
		// the runtime, as a running bot would be; then every question once.
		for _, q := range qs[:min(50, len(qs))] {
			if _, err := a.ask(ctx, q); err != nil {
				return m, err
			}
		}
		lat := make([]float64, 0, len(qs))
		cpu0 := cpuSeconds()
		for _, q := range qs {
			t0 := time.Now()
			ok, err := a.ask(ctx, q)
			lat = append(lat, float64(time.Since(t0).Nanoseconds())/1e6)
			if err != nil {
				return m, err
			}
			if ok {
				m.Answered++
			}
		}
		m.CPUMs = (cpuSeconds() - cpu0) * 1000 / float64(len(lat))
		slices.Sort(lat)
		m.Queries = len(lat)
		m.P50ms, m.P99ms = quantile(lat, 0.50), quantile(lat, 0.99)
		for _, l := range lat {
			m.MeanMs += l
		}
		m.MeanMs /= float64(len(lat))
		m.QueryPeak = peakMB()
		return m, nil
	}
	return m, fmt.Errorf("no phase %q", j.Phase)
}

func quantile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(math.Ceil(q*float64(len(sorted))))-1)]
}

// peakMB is the process's peak resident set (VmHWM), in MiB.
func peakMB() float64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err == nil {
		for _, line := range strings.Split(string(raw), "\n") {
			if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
				kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
				return kb / 1024
			}
		}
	}
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Maxrss) / 1024
}

// cpuSeconds is the user and system time the process has used.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// diskMB is the space the files under dir take (allocated blocks), in MiB.
func diskMB(dir string) (float64, error) {
	var total int64
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if st, ok := info.Sys().(*syscall.Stat_t); ok {
			total += st.Blocks * 512
		} else {
			total += info.Size()
		}
		return nil
	})
	return float64(total) / (1 << 20), err
}

// evict drops the files under dir from the page cache (after syncing them,
// since dirty pages stay), so the open that follows is cold.
func evict(dir string) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		f, err := os.OpenFile(path, os.O_RDWR, 0)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := f.Sync(); err != nil {
			return err
		}
		return unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED)
	})
}

// parseSize reads "10k", "100k", "1m" or a plain number.
func parseSize(s string) (int, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	mult := 1
	switch {
	case strings.HasSuffix(s, "k"):
		mult, s = 1_000, strings.TrimSuffix(s, "k")
	case strings.HasSuffix(s, "m"):
		mult, s = 1_000_000, strings.TrimSuffix(s, "m")
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("bad size %q", s)
	}
	return n * mult, nil
}

// bbcDir finds ../shared/eval/bbc, skipping when absent.
func bbcDir(tb testing.TB) string {
	tb.Helper()
	shared, err := SharedDir()
	bbc := filepath.Join(shared, "eval", "bbc")
	if err == nil {
		_, err = os.Stat(filepath.Join(bbc, "docs.jsonl"))
	}
	if err != nil {
		tb.Skipf("the BBC collection is absent (%v): put the shared data next to the module to run the scale benchmark", err)
	}
	return bbc
}

// TestScale is the scale benchmark (see the comment on the flags).
func TestScale(t *testing.T) {
	if *scaleSizes == "" {
		t.Skip("the scale benchmark runs only with -scale SIZES (e.g. -scale 10k,100k)")
	}
	bbc := *scaleBBC
	if bbc == "" {
		bbc = bbcDir(t)
	}
	work := *scaleWork
	if work == "" {
		work = t.TempDir()
	}
	names := strings.Split(*scaleEngines, ",")
	var report strings.Builder
	for _, sz := range strings.Split(*scaleSizes, ",") {
		size, err := parseSize(sz)
		if err != nil {
			t.Fatal(err)
		}
		runs := make(map[string][]measure)
		for rep := range *scaleRepeat {
			// Engines alternate within a repetition, so load from other
			// work on the machine falls on both alike.
			for _, name := range names {
				dir := filepath.Join(work, fmt.Sprintf("%s-%d-%d", name, size, rep))
				if err := os.RemoveAll(dir); err != nil {
					t.Fatal(err)
				}
				if err := os.MkdirAll(dir, 0o700); err != nil {
					t.Fatal(err)
				}
				j := job{Engine: name, BBC: bbc, Passages: size, Seed: *scaleSeed, Dir: dir, Queries: *scaleQueries, Profile: *scaleProfile}
				b := runChild(t, j, "build")
				q := runChild(t, j, "query")
				b.OpenSec, b.Queries, b.P50ms, b.P99ms, b.MeanMs, b.CPUMs, b.QueryPeak, b.Answered =
					q.OpenSec, q.Queries, q.P50ms, q.P99ms, q.MeanMs, q.CPUMs, q.QueryPeak, q.Answered
				runs[name] = append(runs[name], b)
				t.Logf("%s %d run %d: %s", name, size, rep+1, line(b))
				os.RemoveAll(dir)
			}
		}
		table := formatTable(size, names, runs)
		fmt.Print(table)
		report.WriteString(table)
	}
	t.Logf("\n%s", report.String())
}

func runChild(t *testing.T, j job, phase string) measure {
	t.Helper()
	j.Phase = phase
	j.Out = filepath.Join(j.Dir, "..", fmt.Sprintf("%s-%d-%s.json", j.Engine, j.Passages, phase))
	raw, _ := json.Marshal(j)
	cmd := exec.Command(os.Args[0], "-test.run=^TestChild$", "-test.timeout=0")
	cmd.Env = append(os.Environ(), jobEnv+"="+string(raw))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %s child: %v\n%s", j.Engine, phase, err, out)
	}
	var m measure
	data, err := os.ReadFile(j.Out)
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(j.Out)
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	if m.ChildError != "" {
		t.Fatalf("%s %s: %s", j.Engine, phase, m.ChildError)
	}
	return m
}

func line(m measure) string {
	return fmt.Sprintf("%d passages in %.1fs (%.0f/s, %.1fs CPU), peak %.0f MB, disk %.0f MB; open %.3fs; %d questions p50 %.2f ms p99 %.2f ms mean %.2f ms (%.2f ms CPU), peak %.0f MB, %d answered",
		m.Passages, m.ImportSec, float64(m.Passages)/m.ImportSec, m.ImportCPU, m.BuildPeak, m.DiskMB, m.OpenSec,
		m.Queries, m.P50ms, m.P99ms, m.MeanMs, m.CPUMs, m.QueryPeak, m.Answered)
}

// median of one field over runs.
func median(runs []measure, get func(measure) float64) float64 {
	v := make([]float64, len(runs))
	for i, r := range runs {
		v[i] = get(r)
	}
	slices.Sort(v)
	if len(v) == 0 {
		return 0
	}
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

// formatTable prints one size's medians per engine and the ratio of the
// first engine to the second, as a Markdown table.
func formatTable(size int, names []string, runs map[string][]measure) string {
	cols := []struct {
		name string
		get  func(measure) float64
		f    string
	}{
		{"import passages/s", func(m measure) float64 { return float64(m.Passages) / m.ImportSec }, "%.0f"},
		{"query p50 ms", func(m measure) float64 { return m.P50ms }, "%.2f"},
		{"query p99 ms", func(m measure) float64 { return m.P99ms }, "%.2f"},
		{"query mean ms", func(m measure) float64 { return m.MeanMs }, "%.2f"},
		{"query CPU ms", func(m measure) float64 { return m.CPUMs }, "%.2f"},
		{"import CPU s", func(m measure) float64 { return m.ImportCPU }, "%.1f"},
		{"peak MB build", func(m measure) float64 { return m.BuildPeak }, "%.0f"},
		{"peak MB query", func(m measure) float64 { return m.QueryPeak }, "%.0f"},
		{"disk MB", func(m measure) float64 { return m.DiskMB }, "%.0f"},
		{"cold open s", func(m measure) float64 { return m.OpenSec }, "%.3f"},
	}
	var b strings.Builder
	first := runs[names[0]]
	fmt.Fprintf(&b, "\n### %d passages (%d sources, %d questions, median of %d runs)\n\n",
		int(median(first, func(m measure) float64 { return float64(m.Passages) })),
		int(median(first, func(m measure) float64 { return float64(m.Sources) })),
		int(median(first, func(m measure) float64 { return float64(m.Queries) })), len(first))
	b.WriteString("| engine |")
	for _, c := range cols {
		b.WriteString(" " + c.name + " |")
	}
	b.WriteString("\n|---|" + strings.Repeat("---:|", len(cols)) + "\n")
	for _, n := range names {
		fmt.Fprintf(&b, "| %s |", n)
		for _, c := range cols {
			fmt.Fprintf(&b, " "+c.f+" |", median(runs[n], c.get))
		}
		b.WriteString("\n")
	}
	if len(names) == 2 {
		fmt.Fprintf(&b, "| %s/%s |", names[0], names[1])
		for _, c := range cols {
			x, y := median(runs[names[0]], c.get), median(runs[names[1]], c.get)
			fmt.Fprintf(&b, " %.2f |", x/y)
		}
		b.WriteString("\n")
	}
	return b.String()
}
