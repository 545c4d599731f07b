//go:build unix

package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	bolt "go.etcd.io/bbolt"
)

var (
	crashRounds = flag.Int("crash.rounds", 60, "rounds of import/add/remove killed with SIGKILL in TestCrashSafety (at least 50 for the issue's bar)")
	crashSeed   = flag.Int64("crash.seed", 0, "seed of TestCrashSafety's random choices (0: from the clock; the seed used is logged)")
)

// TestCrashSafety runs the real binary, kills it with SIGKILL at random
// points of import, add and remove, and checks after each kill, through a
// fresh process, that the library opens without repair and that:
//   - nothing that existed before the command is lost (only the source a
//     remove named may go), and a replaced source is its old or its new
//     version, never something else;
//   - a command that finished (exit 0) left all it reported: every source
//     of a finished import, the id a finished add printed, the absence of
//     what a finished remove removed;
//   - no duplicate ids, and a killed add retried by the user ends with one
//     copy of the article, not two;
//   - every stored source is indexed: one article document and exactly its
//     sentence documents (no stored-but-unindexed source, no passage
//     without its source), and its distinctive word finds it through ask;
//   - the data directory stays private to the user (0700 directories,
//     0600 files).
func TestCrashSafety(t *testing.T) {
	lab := newCrashLab(t)
	rounds := *crashRounds
	const epoch = 20 // rounds per data directory, so kills also land while a new one is seeded
	for r := 0; r < rounds; r++ {
		if r%epoch == 0 {
			lab.freshData()
		}
		switch k := lab.rng.Intn(100); {
		case k < 50 || len(lab.prev) == 0:
			lab.importRound(r)
		case k < 75:
			lab.addRound(r)
		default:
			lab.removeRound(r)
		}
		if t.Failed() {
			t.Fatalf("stopping after round %d (seed %d)", r, lab.seed)
		}
	}
	lab.checkPrivate()
	lab.report()
}

// TestCrashKeepsReportedAdds: sources that a finished add reported stored
// are still there, and searchable, after later commands were killed at
// random points.
func TestCrashKeepsReportedAdds(t *testing.T) {
	lab := newCrashLab(t)
	lab.freshData()
	reported := map[string]string{} // id printed by add → its title
	for i := 0; i < 5; i++ {
		title, file := lab.writeAddFile(fmt.Sprintf("kept%d", i))
		code, out, errOut := lab.runToEnd("", "add", file, "--title", title, "--outlet", "Crash Wire")
		m := addedID.FindStringSubmatch(out)
		if code != 0 || m == nil {
			t.Fatalf("add %d: exit %d, %q %q", i, code, out, errOut)
		}
		reported[m[1]] = title
		lab.protect[m[1]] = true
	}
	lab.check(roundPlan{kind: "setup", finished: true, newTitles: titlesOf(reported)})
	for r := 0; r < 12; r++ {
		if r%3 == 2 {
			lab.removeRound(r)
		} else {
			lab.importRound(r)
		}
		for id, title := range reported {
			if lab.prev[id] != title {
				t.Errorf("round %d: source %s (%q), reported stored by add, is now %q", r, id, title, lab.prev[id])
			}
		}
	}
	lab.report()
}

var addedID = regexp.MustCompile(`(?m)^added (\S+) `)

func titlesOf(m map[string]string) map[string]bool {
	out := map[string]bool{}
	for _, t := range m {
		out[t] = true
	}
	return out
}

// crashLab runs the binary in a scratch directory and remembers what the
// library must hold.
type crashLab struct {
	t    *testing.T
	bin  string
	work string // children's working directory: no .env there
	data string
	seed int64
	rng  *rand.Rand

	words map[string]string // title of every generated source version → its distinctive word
	used  map[string]bool   // words handed out
	prev  map[string]string // id → title, as verified after the last round
	// removedByTest: ids a finished remove took out (and so may be gone).
	removedByTest map[string]string
	protect       map[string]bool          // ids that later rounds neither replace nor remove
	est           map[string]time.Duration // typical run time per command, to aim the kills

	stats struct {
		rounds, killed, finished, retries, checks, questions int
		// pendingFound: kills after which the store held index work
		// still owed (the kill fell between a store commit and its
		// index batch), which the next open had to finish.
		pendingFound int
		// replayed: reopens that finished pending work, as asserted by
		// checkOpenedWithoutRepair (without a rebuild).
		replayed int
		// importLanded counts killed imports by how far they got: none
		// of the file stored, part of it, all of it.
		importLanded [3]int
		byKind       map[string][2]int // kind → [killed, finished]
	}
}

// sitrepBinary builds the command (without -race: the children are what
// gets killed, and they should run at real speed).
func sitrepBinary(tb testing.TB) string {
	tb.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		tb.Skip("the go tool is not on PATH; the crash test needs it to build the sitrep binary")
	}
	bin := filepath.Join(tb.TempDir(), "sitrep")
	if out, err := exec.Command(goTool, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		tb.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func newCrashLab(t *testing.T) *crashLab {
	t.Helper()
	bin := sitrepBinary(t)
	// Under a strict umask (077) every mode would pass and the privacy
	// check prove nothing; the children inherit this permissive one.
	old := syscall.Umask(0o002)
	t.Cleanup(func() { syscall.Umask(old) })
	seed := *crashSeed
	if seed == 0 {
		seed = time.Now().UnixNano()
	}
	t.Logf("seed %d (rerun with -crash.seed=%d)", seed, seed)
	lab := &crashLab{
		t: t, bin: bin, work: t.TempDir(), seed: seed, rng: rand.New(rand.NewSource(seed)),
		words: map[string]string{}, used: map[string]bool{}, protect: map[string]bool{},
		est: map[string]time.Duration{"import": 300 * time.Millisecond, "add": 60 * time.Millisecond, "remove": 60 * time.Millisecond},
	}
	lab.stats.byKind = map[string][2]int{}
	return lab
}

// freshData starts a new, not yet created, data directory.
func (lab *crashLab) freshData() {
	lab.data = filepath.Join(lab.work, fmt.Sprintf("data%d", lab.stats.rounds))
	lab.prev = nil
	lab.removedByTest = map[string]string{}
}

// word returns a new distinctive word: ten random letters are so unlike
// each other that neither the stemmer nor typo correction confuses two.
func (lab *crashLab) word() string {
	for {
		b := make([]byte, 11)
		b[0] = 'q'
		for i := 1; i < len(b); i++ {
			b[i] = byte('a' + lab.rng.Intn(26))
		}
		if w := string(b); !lab.used[w] {
			lab.used[w] = true
			return w
		}
	}
}

var fillers = []string{
	"The council met on Tuesday to discuss the budget.",
	"Officials said repairs would take at least a year.",
	"Residents were not consulted before the decision.",
	"The ministry declined to comment on the report.",
	"Traffic was diverted through the northern districts.",
	"Several witnesses described a loud noise before dawn.",
	"Police said the investigation was continuing.",
}

// article returns a short article whose one distinctive sentence holds word.
func (lab *crashLab) article(word string) string {
	var b strings.Builder
	n := 1 + lab.rng.Intn(4)
	at := lab.rng.Intn(n + 1)
	for i := 0; i <= n; i++ {
		if i == at {
			fmt.Fprintf(&b, "Witnesses described the %s near the harbour. ", word)
		}
		if i < n {
			b.WriteString(fillers[lab.rng.Intn(len(fillers))] + " ")
		}
	}
	return strings.TrimSpace(b.String())
}

// roundPlan is what one command was asked to do, and what it did.
type roundPlan struct {
	kind      string
	finished  bool              // exit 0 before the kill
	ids       map[string]string // id → new title, for an import
	newTitles map[string]bool   // titles a new source of this round may have
	removeID  string
	addedID   string // the id a finished add printed
}

func (lab *crashLab) importRound(r int) {
	n := 300 + lab.rng.Intn(1200)
	plan := roundPlan{kind: "import", ids: map[string]string{}, newTitles: map[string]bool{}}
	var old []string
	for id := range lab.prev {
		if !lab.protect[id] {
			old = append(old, id)
		}
	}
	slices.Sort(old)
	file := filepath.Join(lab.work, "import.jsonl")
	f, err := os.Create(file)
	if err != nil {
		lab.t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	for k := 0; k < n; k++ {
		id := fmt.Sprintf("r%d-%d-%d", lab.stats.rounds, r, k)
		if len(old) > 0 && lab.rng.Intn(10) == 0 {
			id = old[lab.rng.Intn(len(old))] // replace an existing source
		}
		if _, dup := plan.ids[id]; dup {
			continue
		}
		title := fmt.Sprintf("Crash %d/%d %s", lab.stats.rounds, k, id)
		w0 := lab.word()
		lab.words[title] = w0
		plan.ids[id] = title
		plan.newTitles[title] = true
		enc.Encode(map[string]string{"id": id, "title": title, "outlet": "Crash Wire", "text": lab.article(w0)})
	}
	if err := errors.Join(w.Flush(), f.Close()); err != nil {
		lab.t.Fatal(err)
	}
	plan.finished, _, _ = lab.runKilled("import", "import", file)
	lab.check(plan)
}

// writeAddFile writes a text article for add and returns its title.
func (lab *crashLab) writeAddFile(tag string) (title, file string) {
	title = fmt.Sprintf("Crash add %d %s", lab.stats.rounds, tag)
	w := lab.word()
	lab.words[title] = w
	file = filepath.Join(lab.work, "add-"+tag+".txt")
	if err := os.WriteFile(file, []byte(lab.article(w)+"\n"), 0o600); err != nil {
		lab.t.Fatal(err)
	}
	return title, file
}

func (lab *crashLab) addRound(r int) {
	title, file := lab.writeAddFile(fmt.Sprint(r))
	args := []string{"add", file, "--title", title, "--outlet", "Crash Wire"}
	plan := roundPlan{kind: "add", newTitles: map[string]bool{title: true}}
	finished, out, _ := lab.runKilled("add", args...)
	plan.finished = finished
	if finished {
		m := addedID.FindStringSubmatch(out)
		if m == nil {
			lab.t.Errorf("round %d: add finished without saying what it added: %q", r, out)
			return
		}
		plan.addedID = m[1]
	}
	lab.check(plan)
	if finished {
		return
	}
	// The user sees no answer and tries again: the article is stored
	// once, whether the first attempt got that far or not.
	lab.stats.retries++
	code, out, errOut := lab.runToEnd("", args...)
	switch {
	case code == 0 && addedID.MatchString(out):
		plan.addedID = addedID.FindStringSubmatch(out)[1]
	case code == 1 && strings.Contains(errOut, "already in the library"):
	default:
		lab.t.Errorf("round %d: retried add: exit %d, %q %q", r, code, out, errOut)
	}
	plan.finished = true
	lab.check(plan)
	n := 0
	for _, t := range lab.prev {
		if t == title {
			n++
		}
	}
	if n != 1 {
		lab.t.Errorf("round %d: after a killed add and its retry the article is stored %d times", r, n)
	}
}

func (lab *crashLab) removeRound(r int) {
	var ids []string
	for id := range lab.prev {
		if !lab.protect[id] {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		lab.importRound(r)
		return
	}
	// Map order is random and not seeded: sort for a reproducible pick.
	slices.Sort(ids)
	id := ids[lab.rng.Intn(len(ids))]
	plan := roundPlan{kind: "remove", removeID: id}
	plan.finished, _, _ = lab.runKilled("remove", "remove", id)
	lab.check(plan)
}

func (lab *crashLab) command(ctx context.Context, stdin string, args ...string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	cmd := exec.CommandContext(ctx, lab.bin, append(args, "--data", lab.data)...)
	cmd.Dir = lab.work
	// At info the library says what Open did: the checks read it.
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + lab.work, "TZ=UTC", "SITREP_LOG_LEVEL=info"}
	var out, errOut bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = strings.NewReader(stdin), &out, &errOut
	return cmd, &out, &errOut
}

// runKilledAfter starts cmd and kills it with SIGKILL after delay unless it
// ends first. It reports whether the kill ended it, and what Wait returned.
func runKilledAfter(t *testing.T, cmd *exec.Cmd, delay time.Duration) (killed bool, err error) {
	t.Helper()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	timer := time.NewTimer(delay)
	defer timer.Stop()
	select {
	case err = <-done:
	case <-timer.C:
		cmd.Process.Signal(syscall.SIGKILL)
		err = <-done
	}
	ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL, err
}

// runKilled starts a command and kills it with SIGKILL after a random
// delay. It reports whether the command finished (exit 0) first.
func (lab *crashLab) runKilled(kind string, args ...string) (finished bool, stdout, stderr string) {
	lab.t.Helper()
	lab.stats.rounds++
	est := lab.est[kind]
	var delay time.Duration
	switch p := lab.rng.Intn(100); {
	case p < 15: // while the process starts and opens the library
		delay = time.Duration(lab.rng.Int63n(int64(15 * time.Millisecond)))
	default: // anywhere in the command, a little past its usual end
		delay = time.Duration(lab.rng.Int63n(int64(est) * 13 / 10))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd, out, errOut := lab.command(ctx, "", args...)
	start := time.Now()
	killed, err := runKilledAfter(lab.t, cmd, delay)
	elapsed := time.Since(start)
	if killed {
		lab.count(kind, true)
		noPanic(lab.t, kind+" (killed)", errOut.String())
		return false, out.String(), errOut.String()
	}
	lab.count(kind, false)
	if err != nil {
		lab.t.Errorf("%s %v: %v\n%s", kind, args, err, errOut)
		return false, out.String(), errOut.String()
	}
	lab.est[kind] = (lab.est[kind]*3 + elapsed) / 4
	return true, out.String(), errOut.String()
}

func (lab *crashLab) count(kind string, killed bool) {
	k := lab.stats.byKind[kind]
	if killed {
		lab.stats.killed++
		k[0]++
	} else {
		lab.stats.finished++
		k[1]++
	}
	lab.stats.byKind[kind] = k
}

func (lab *crashLab) runToEnd(stdin string, args ...string) (code int, stdout, stderr string) {
	lab.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd, out, errOut := lab.command(ctx, stdin, args...)
	err := cmd.Run()
	noPanic(lab.t, args[0], errOut.String())
	var xerr *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &xerr) && xerr.Exited():
		code = xerr.ExitCode()
	default:
		lab.t.Fatalf("%v: %v\n%s", args, err, errOut)
	}
	return code, out.String(), errOut.String()
}

func noPanic(tb testing.TB, what, stderr string) {
	tb.Helper()
	if strings.Contains(stderr, "panic:") || strings.Contains(stderr, "goroutine ") {
		tb.Errorf("%s panicked:\n%s", what, stderr)
	}
}

type listedSource struct {
	ID        string `json:"id"`
	Title     string `json:"title"`
	Sentences int    `json:"sentences"`
}

// check opens the library in a new process, as a user would after the
// crash, and verifies the invariants against the plan of the last command.
func (lab *crashLab) check(plan roundPlan) {
	t := lab.t
	t.Helper()
	lab.stats.checks++
	pending := lab.pendingWork()
	if !plan.finished && pending > 0 {
		lab.stats.pendingFound++
	}
	hadIndex := lab.indexExists()
	code, out, errOut := lab.runToEnd("", "sources", "--json")
	if code != 0 {
		t.Fatalf("after %s (finished=%v) the library does not open: exit %d\n%s", plan.kind, plan.finished, code, errOut)
	}
	lab.checkOpenedWithoutRepair(plan, pending, hadIndex, errOut)
	var listing struct{ Sources []listedSource }
	if err := json.Unmarshal([]byte(out), &listing); err != nil {
		t.Fatalf("sources --json: %v", err)
	}
	now := map[string]string{}
	byID := map[string]listedSource{}
	for _, s := range listing.Sources {
		if _, dup := now[s.ID]; dup {
			t.Errorf("after %s: id %s is listed twice", plan.kind, s.ID)
		}
		now[s.ID] = s.Title
		byID[s.ID] = s
	}

	// Nothing lost, nothing half-replaced.
	for id, oldTitle := range lab.prev {
		title, ok := now[id]
		switch {
		case id == plan.removeID:
			if ok && plan.finished {
				t.Errorf("remove %s finished but the source is still listed", id)
			}
			if ok && title != oldTitle {
				t.Errorf("remove %s was killed and the source changed title %q → %q", id, oldTitle, title)
			}
		case !ok:
			t.Errorf("after %s (finished=%v): source %s (%q) was lost", plan.kind, plan.finished, id, oldTitle)
		case plan.ids[id] != "" && plan.finished && title != plan.ids[id]:
			t.Errorf("import finished but %s is still %q, not %q", id, title, plan.ids[id])
		case title != oldTitle && title != plan.ids[id]:
			t.Errorf("after %s: %s is %q, neither its old title %q nor the imported one", plan.kind, id, title, oldTitle)
		}
	}
	if plan.removeID != "" && plan.finished {
		lab.removedByTest[plan.removeID] = lab.prev[plan.removeID]
	}
	// What a finished command reported is there; nothing came from nowhere.
	if plan.finished {
		for id, title := range plan.ids {
			if now[id] != title {
				t.Errorf("import finished but %s is %q, want %q", id, now[id], title)
			}
		}
		if plan.addedID != "" && !plan.newTitles[now[plan.addedID]] {
			t.Errorf("add printed %s, which is listed as %q", plan.addedID, now[plan.addedID])
		}
	}
	for id, title := range now {
		if _, old := lab.prev[id]; old {
			continue
		}
		_, crashTitle := lab.words[title]
		if lab.prev == nil && !crashTitle {
			continue // a seed of the new data directory
		}
		if plan.newTitles[title] && (plan.ids == nil || plan.ids[id] == title) {
			continue
		}
		t.Errorf("after %s: unexpected source %s (%q)", plan.kind, id, title)
	}

	if plan.kind == "import" && !plan.finished {
		stored := 0
		for id, title := range plan.ids {
			if now[id] == title {
				stored++
			}
		}
		switch stored {
		case 0:
			lab.stats.importLanded[0]++
		case len(plan.ids):
			lab.stats.importLanded[2]++
		default:
			lab.stats.importLanded[1]++
		}
	}
	lab.checkIndex(byID)
	lab.checkSearchable(plan, now)
	lab.prev = now
}

// checkOpenedWithoutRepair: the first open after a kill finishes the index
// work the store says is owed (the library logs "finishing interrupted
// index work" with the count) and never rebuilds an index that was there.
// A rebuild re-reads every source: on a large library each restart after a
// crash would take minutes, and it would hide a replay that does not work.
// rebuildLog is the library's log line when it rebuilds the index, with the
// number of stored sources it re-reads.
var rebuildLog = regexp.MustCompile(`msg="rebuilding the search index from the store" sources=(\d+)`)

func (lab *crashLab) checkOpenedWithoutRepair(plan roundPlan, pending int, hadIndex bool, stderr string) {
	t := lab.t
	t.Helper()
	// A kill during a data directory's very first open can leave an index
	// and a store with nothing in it yet: rebuilding that costs nothing and
	// is not a repair ("sources=0").
	if m := rebuildLog.FindStringSubmatch(stderr); hadIndex && m != nil && m[1] != "0" {
		t.Errorf("after %s (finished=%v, %d sources' index work pending): reopening rebuilt the whole index instead of finishing the pending work; users would wait for a full reindex after every crash:\n%s",
			plan.kind, plan.finished, pending, stderr)
	}
	if pending > 0 && !strings.Contains(stderr, fmt.Sprintf(`msg="finishing interrupted index work" sources=%d`, pending)) {
		t.Errorf("after %s (finished=%v): %d sources' index work was pending, and reopening did not say it finished it:\n%s",
			plan.kind, plan.finished, pending, stderr)
	}
	if left := lab.pendingWork(); left > 0 {
		t.Errorf("after %s (finished=%v): reopening left %d sources' index work pending: those sources stay unsearchable, or their removed passages quotable",
			plan.kind, plan.finished, left)
	}
	if pending > 0 && !t.Failed() {
		lab.stats.replayed++
	}
}

// indexExists reports whether both Bleve indexes were created in full (a
// kill can land while the first open creates them; then building them is
// no repair).
func (lab *crashLab) indexExists() bool {
	for _, name := range []string{"articles.bleve", "sentences.bleve"} {
		if _, err := os.Stat(filepath.Join(lab.data, "index", name, "index_meta.json")); err != nil {
			return false
		}
	}
	return true
}

// pendingWork counts the index work the store says is owed, reading the
// store directly (read-only) before any sitrep process reopens it.
func (lab *crashLab) pendingWork() int {
	path := filepath.Join(lab.data, "library.db")
	if _, err := os.Stat(path); err != nil {
		return 0
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: 5 * time.Second})
	if err != nil {
		lab.t.Fatalf("open the store after a kill: %v", err)
	}
	defer db.Close()
	n := 0
	db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket([]byte("pending")); b != nil {
			n = b.Stats().KeyN
		}
		return nil
	})
	return n
}

// checkIndex reads both Bleve indexes directly: every stored source has its
// article document and exactly its sentence documents, and nothing else is
// indexed. This is the only way to see an orphan passage: ask skips hits
// whose source is gone.
func (lab *crashLab) checkIndex(sources map[string]listedSource) {
	t := lab.t
	t.Helper()
	articles := indexedIDs(t, filepath.Join(lab.data, "index", "articles.bleve"))
	for id := range articles {
		if _, ok := sources[id]; !ok {
			t.Errorf("article document %s has no source", id)
		}
	}
	sentences := map[string][]int{}
	for doc := range indexedIDs(t, filepath.Join(lab.data, "index", "sentences.bleve")) {
		i := strings.LastIndexByte(doc, '#')
		var n int
		if i < 0 || func() bool { _, err := fmt.Sscan(doc[i+1:], &n); return err != nil }() {
			t.Errorf("sentence document %q is not source#n", doc)
			continue
		}
		sentences[doc[:i]] = append(sentences[doc[:i]], n)
	}
	for id, ns := range sentences {
		s, ok := sources[id]
		if !ok {
			t.Errorf("%d passages of %s, which is not a source", len(ns), id)
			continue
		}
		for _, n := range ns {
			if n >= s.Sentences {
				t.Errorf("passage %s#%d is beyond the source's %d sentences (stale)", id, n, s.Sentences)
			}
		}
	}
	for id, s := range sources {
		if !articles[id] {
			t.Errorf("source %s (%q) is stored but its article is not indexed", id, s.Title)
		}
		if len(sentences[id]) != s.Sentences {
			t.Errorf("source %s has %d sentences but %d are indexed", id, s.Sentences, len(sentences[id]))
		}
	}
}

// indexedIDs lists the live document ids of the Bleve index at path.
func indexedIDs(tb testing.TB, path string) map[string]bool {
	tb.Helper()
	idx, err := bleve.OpenUsing(path, map[string]interface{}{"read_only": true})
	if err != nil {
		tb.Fatalf("open %s: %v", path, err)
	}
	defer idx.Close()
	adv, err := idx.Advanced()
	if err != nil {
		tb.Fatal(err)
	}
	r, err := adv.Reader()
	if err != nil {
		tb.Fatal(err)
	}
	defer r.Close()
	all, err := r.DocIDReaderAll()
	if err != nil {
		tb.Fatal(err)
	}
	defer all.Close()
	ids := map[string]bool{}
	for {
		id, err := all.Next()
		if err != nil {
			tb.Fatal(err)
		}
		if id == nil {
			return ids
		}
		ext, err := r.ExternalID(id)
		if err != nil {
			tb.Fatal(err)
		}
		ids[ext] = true
	}
}

// checkSearchable asks for the distinctive word of every source the round
// touched, and of a sample of the others: each must find its source.
func (lab *crashLab) checkSearchable(plan roundPlan, now map[string]string) {
	t := lab.t
	t.Helper()
	var ids []string
	for id, title := range now {
		if _, ok := lab.words[title]; !ok {
			continue // a seed
		}
		_, touched := plan.ids[id]
		if touched || plan.newTitles[title] || id == plan.removeID || lab.rng.Intn(len(now)/100+1) == 0 {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return
	}
	slices.Sort(ids)
	var questions strings.Builder
	for _, id := range ids {
		questions.WriteString(lab.words[now[id]] + "\n")
	}
	lab.stats.questions += len(ids)
	code, out, errOut := lab.runToEnd(questions.String(), "ask", "--json", "--limit", "3")
	if code != 0 {
		t.Fatalf("ask: exit %d\n%s", code, errOut)
	}
	answers := decodeLines(t, out)
	if len(answers) != len(ids) {
		t.Fatalf("ask: %d answers to %d questions", len(answers), len(ids))
	}
	for i, a := range answers {
		found := false
		for _, r := range a.Results {
			found = found || (r.Source.ID != nil && *r.Source.ID == ids[i])
		}
		if !found {
			t.Errorf("source %s (%q) is stored but ask %q does not find it: %+v", ids[i], now[ids[i]], a.Question, a.Results)
		}
	}
}

// checkPrivate walks the data directories: 0700 directories, 0600 files.
func (lab *crashLab) checkPrivate() {
	t := lab.t
	err := filepath.WalkDir(lab.work, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(lab.work, path)
		if !strings.HasPrefix(rel, "data") {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		want := fs.FileMode(0o600)
		if d.IsDir() {
			want = 0o700
		}
		if info.Mode().Perm() != want {
			t.Errorf("%s has mode %v, want %v", rel, info.Mode().Perm(), want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func (lab *crashLab) report() {
	s := lab.stats
	lab.t.Logf("seed %d: %d rounds, %d killed mid-command, %d finished before the kill (import %v, add %v, remove %v as [killed finished]); "+
		"killed imports had stored none/part/all of their file: %v; %d kills left index work pending for the next open; "+
		"%d killed adds retried; %d restarts checked, none rebuilt an existing index, %d finished pending work by replaying it; %d questions asked",
		lab.seed, s.rounds, s.killed, s.finished, s.byKind["import"], s.byKind["add"], s.byKind["remove"],
		s.importLanded, s.pendingFound, s.retries, s.checks, s.replayed, s.questions)
}

// TestDataDirIsPrivate: a new data directory and everything sitrep writes
// in it, by ask, add and import, are private to the user: 0700 directories
// and 0600 files, whatever a permissive umask would allow.
func TestDataDirIsPrivate(t *testing.T) {
	old := syscall.Umask(0o002)
	defer syscall.Umask(old)
	c := newCLI(t)
	file := writeFile(t, t.TempDir(), "new.jsonl", `{"id":"priv-1","text":"The archive was moved to a private vault."}`+"\n")
	for _, args := range [][]string{{"ask", "cameras"}, {"import", file}, {"add", writeFile(t, t.TempDir(), "a.txt", "The vault door was sealed at dusk.\n")}, {"reindex"}} {
		if code, _, errOut := c.run("", args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
	}
	n := 0
	err := filepath.WalkDir(c.data, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		n++
		want := fs.FileMode(0o600)
		if d.IsDir() {
			want = 0o700
		}
		if info.Mode().Perm() != want {
			t.Errorf("%s has mode %v, want %v", path, info.Mode().Perm(), want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 5 {
		t.Errorf("only %d entries in the data directory; the walk proves little", n)
	}
}
