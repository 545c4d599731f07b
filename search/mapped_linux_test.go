package search

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// mappedRss is the resident size, in bytes, of this process's mappings of
// path (from /proc/self/smaps).
func mappedRss(tb testing.TB, path string) int64 {
	tb.Helper()
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		tb.Skipf("no /proc/self/smaps: %v", err)
	}
	defer f.Close()
	var rss int64
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if fields := strings.Fields(line); len(fields) >= 5 && strings.Contains(fields[0], "-") {
			in = len(fields) >= 6 && fields[5] == path
			continue
		}
		if rest, ok := strings.CutPrefix(line, "Rss:"); ok && in {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			rss += kb << 10
		}
	}
	return rss
}

// TestReleaseMappedKeepsTheData: the pages of a read-only mapping under
// the data directory leave the resident set, and reading them again gives
// the file's bytes (an index whose pages came back wrong would answer
// from garbage).
func TestReleaseMappedKeepsTheData(t *testing.T) {
	dir := mappedDir(t.TempDir())
	path := filepath.Join(dir, "segment.zap")
	want := bytes.Repeat([]byte("sitrep index page "), 1<<18) // 4.5 MB
	if err := os.WriteFile(path, want, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	mem, err := unix.Mmap(int(f.Fd()), 0, len(want), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Munmap(mem)
	if !bytes.Equal(mem, want) { // touches every page
		t.Fatal("the mapping does not hold the file")
	}
	before := mappedRss(t, path)
	if before < int64(len(want))/2 {
		t.Fatalf("%d bytes resident after reading %d: the test cannot see the release", before, len(want))
	}
	released, err := releaseMapped(dir)
	if err != nil || released < int64(len(want)) {
		t.Fatalf("releaseMapped = %d, %v; want the %d-byte mapping", released, err, len(want))
	}
	if after := mappedRss(t, path); after > before/8 {
		t.Errorf("%d bytes resident after the release, %d before: the index's pages would keep counting against the process", after, before)
	}
	if !bytes.Equal(mem, want) {
		t.Error("the mapping reads differently after the release: answers would come from wrong index pages")
	}
	other := t.TempDir()
	if n, err := releaseMapped(other); err != nil || n != 0 {
		t.Errorf("releaseMapped(another directory) = %d, %v; want nothing released", n, err)
	}
}
