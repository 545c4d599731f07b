package search

import (
	"path/filepath"
	"time"

	"sitrep/internal/every"
)

// Memory that is the index's files. Bleve reads its segments, and bbolt
// its file, through mmap, and every page read stays in the process's
// resident set until the file is closed. At a million passages that was
// most of it: 337 of 456 MB while answering (the rest, heap, 118 MB), 439
// of 646 MB while importing (merges read every segment). Those pages are
// the page cache, which holds the same files for an engine that reads them
// with read(2) and which the kernel reclaims at will; the library hands
// them back to it (releaseMapped) whenever they pass mappedBudget: checked
// every importRelease while an import or a merge runs, and after each
// question. A page
// read again is mapped again from the cache, not from disk: at a million
// passages, releasing after every 16th question cost 7% more CPU per
// question and kept the resident set at 215 MB, against 456.
const (
	mappedBudget  = 96 << 20
	importRelease = 50 * time.Millisecond
)

// mappedDir resolves dir as /proc/self/maps names it.
func mappedDir(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return dir
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		return real
	}
	return abs
}

// trimMapped releases the library's mapped pages once the process holds
// more than mappedBudget of file-backed pages.
func (l *Library) trimMapped() {
	if residentShared() > mappedBudget {
		if _, err := releaseMapped(l.mapped); err != nil {
			l.log.Debug("releasing mapped index pages", "err", err)
		}
	}
}

// releasing trims the library's mapped pages (trimMapped) every
// importRelease until the returned stop is called (it waits for the
// goroutine to end).
func (l *Library) releasing() (stop func()) {
	return every.Tick(importRelease, l.trimMapped)
}
