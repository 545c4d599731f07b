//go:build unix

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"sitrep/internal/pgtest"
)

// TestCrashImportPostgreSQL: an import into PostgreSQL killed with SIGKILL
// at a random point, then the same import run again by another process
// with its own --data: every source is stored exactly once (none lost,
// none twice, by id and by text), and the killed process's index, reopened,
// holds exactly what the store holds.
func TestCrashImportPostgreSQL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the binary; skipped with -short")
	}
	dsn := pgtest.NewDatabase(t)
	bin := sitrepBinary(t)
	work := t.TempDir()
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewSource(seed))
	run := func(ctx context.Context, data string, args ...string) *exec.Cmd {
		cmd := exec.CommandContext(ctx, bin, append(args, "--data", data)...)
		cmd.Dir = work
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + work, "TZ=UTC", "SITREP_DATABASE_URL=" + dsn}
		return cmd
	}
	const perRound = 2200        // three of Import's batches, so kills land between them
	words := map[string]string{} // id → distinctive word
	est := 4 * time.Second
	killed := 0
	var landed []int // sources of a killed import stored before the kill
	for r := range 4 {
		file := filepath.Join(work, fmt.Sprintf("import%d.jsonl", r))
		var lines []string
		for k := range perRound {
			id := fmt.Sprintf("pg%d-%d", r, k)
			w := fmt.Sprintf("q%dz%dx%d", r, k, rng.Intn(1e6))
			words[id] = w
			line, _ := json.Marshal(map[string]string{"id": id, "title": "Crash " + id, "text": "Witnesses described the " + w + " near the harbour. " + fillers[rng.Intn(len(fillers))]})
			lines = append(lines, string(line))
		}
		if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")), 0o600); err != nil {
			t.Fatal(err)
		}
		killedData := filepath.Join(work, fmt.Sprintf("killed%d", r))
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		cmd := run(ctx, killedData, "import", file)
		start := time.Now()
		switch wasKilled, err := runKilledAfter(t, cmd, time.Duration(float64(est)*(0.3+0.7*rng.Float64()))); {
		case wasKilled:
			killed++
			landed = append(landed, storedOf(t, dsn, fmt.Sprintf("pg%d-%%", r)))
		case err != nil:
			t.Fatalf("import ended before the kill: %v", err)
		default:
			est = time.Since(start)
		}
		// The same import again, from another process with a fresh --data.
		if out, err := run(ctx, filepath.Join(work, fmt.Sprintf("again%d", r)), "import", file).CombinedOutput(); err != nil {
			t.Fatalf("re-import: %v\n%s", err, out)
		}
		// A fresh process on the killed data directory: its index catches up.
		out, err := run(ctx, killedData, "sources", "--json").Output()
		cancel()
		if err != nil {
			t.Fatalf("sources after the kill: %v", err)
		}
		var listing struct{ Sources []listedSource }
		if err := json.Unmarshal(out, &listing); err != nil {
			t.Fatal(err)
		}
		byID := map[string]listedSource{}
		titles := map[string]int{}
		for _, s := range listing.Sources {
			if _, dup := byID[s.ID]; dup {
				t.Errorf("source %s listed twice", s.ID)
			}
			byID[s.ID] = s
			titles[s.Title]++
		}
		for id := range words {
			if _, ok := byID[id]; !ok {
				t.Errorf("round %d: source %s lost", r, id)
			}
			if titles["Crash "+id] != 1 {
				t.Errorf("round %d: %q stored %d times", r, "Crash "+id, titles["Crash "+id])
			}
		}
		if want := len(words) + 4; len(byID) != want { // + the four seeds
			t.Errorf("round %d: %d sources; want %d", r, len(byID), want)
		}
		lab := &crashLab{t: t, data: killedData}
		lab.checkIndex(byID)
		if t.Failed() {
			t.Fatalf("stopping after round %d (seed %d)", r, seed)
		}
	}
	t.Logf("%d of 4 imports killed before they finished (typical import %v); of %d sources each, stored before the kill: %v", killed, est, perRound, landed)
}

// storedOf counts the sources whose id is LIKE pattern, in the database.
func storedOf(tb testing.TB, dsn, pattern string) int {
	tb.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		tb.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM sources WHERE id LIKE $1", pattern).Scan(&n); err != nil {
		// A kill during the first open may leave no table yet.
		if !strings.Contains(err.Error(), "does not exist") {
			tb.Fatal(err)
		}
	}
	return n
}
