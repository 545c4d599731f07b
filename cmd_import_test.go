package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"sitrep/search"
)

// TestImportProgressToAFile: an import whose standard error is a file (a
// log, a pipe, a CI job) prints plain progress lines while it runs, not
// only on a terminal, and ends with a line saying how many articles and
// passages it imported, how many lines it skipped, how long it took and
// where the data went. Without them, someone importing an archive into a
// log cannot tell a slow import from a stuck one, or find the library.
func TestImportProgressToAFile(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	errFile, err := os.Create(filepath.Join(dir, "stderr.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer errFile.Close()
	stdin, feed := io.Pipe()
	var stdout bytes.Buffer
	e := env{
		args:   []string{"--data", data, "-"},
		getenv: func(string) string { return "" },
		stdin:  stdin,
		stdout: &stdout,
		stderr: errFile,
	}
	done := make(chan error, 1)
	go func() { done <- importWithProgress(context.Background(), e, 5*time.Millisecond) }()

	passages := 0
	line := func(i int) string {
		text := fmt.Sprintf("Storm %d reached the coast at dawn, officials said. Roads in district %d were closed. Schools stay shut until Monday.", i, i)
		passages += len(search.Split(text))
		return fmt.Sprintf(`{"id":"storm-%d","title":"Storm %d","text":%q}`+"\n", i, i, text)
	}
	for i := range 20 {
		io.WriteString(feed, line(i))
	}
	io.WriteString(feed, "{not json\n")
	// The import is now waiting for more lines: slow enough that a
	// progress line must come, whatever the machine's speed.
	progress := regexp.MustCompile(`(?m)^import: \d+ lines read, \d+ articles stored \(\d+ passages\), [0-9.]+ s$`)
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(10 * time.Millisecond) {
		b, _ := os.ReadFile(errFile.Name())
		if progress.Match(b) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no progress line on stderr after a minute of importing; stderr:\n%s", b)
		}
	}
	for i := 20; i < 40; i++ {
		io.WriteString(feed, line(i))
	}
	feed.Close()
	if err := <-done; err != nil {
		t.Fatalf("import: %v", err)
	}

	b, err := os.ReadFile(errFile.Name())
	if err != nil {
		t.Fatal(err)
	}
	errOut := string(b)
	if strings.Contains(errOut, "\r") {
		t.Errorf("stderr holds carriage returns, which a log file shows as one garbled line:\n%q", errOut)
	}
	if !strings.Contains(errOut, "line 21: ") {
		t.Errorf("the bad line 21 is not reported on stderr:\n%s", errOut)
	}
	final := regexp.MustCompile(`^imported 40 new and 0 replaced articles \((\d+) passages\); 1 lines skipped \(see above\) in [0-9.]+ s, into (.+)\n$`)
	m := final.FindStringSubmatch(stdout.String())
	if m == nil {
		t.Fatalf("the final line does not give the counts, the time and the data directory:\n%q", stdout.String())
	}
	if n, _ := strconv.Atoi(m[1]); n != passages {
		t.Errorf("final line says %s passages; the 40 articles hold %d", m[1], passages)
	}
	if m[2] != data {
		t.Errorf("final line names the data directory %q, want %q", m[2], data)
	}
}

// TestThousandsAndDurations: the counts and times of import's lines read
// as a person reads them ("236,078", "3 min 5 s"), not as raw digits.
func TestThousandsAndDurations(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 236078: "236,078", 1000023: "1,000,023", -4500: "-4,500"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
	for d, want := range map[time.Duration]string{400 * time.Millisecond: "0.4 s", 12400 * time.Millisecond: "12 s", 185 * time.Second: "3 min 5 s"} {
		if got := formatDuration(d); got != want {
			t.Errorf("formatDuration(%v) = %q, want %q", d, got, want)
		}
	}
}
