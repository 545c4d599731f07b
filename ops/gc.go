package ops

import (
	"math"
	"runtime/debug"
)

// The garbage collector's settings for a running bot. Answering a
// question allocates about 0.7 MB (tokens, matches, sets), so at Go's
// default target the collector ran every 40-odd questions at 100k
// passages, and a question that met a collection waited for it. What
// the bot keeps between questions is bounded (the source and token
// caches, about 50 MB at any library size), so the heap may grow to four
// times that (ServeGCPercent), but no further than ServeMemoryLimit.
//
// Over 1,000 lone /asks through the fake Discord at 100k passages: p99
// 8.0/9.8 ms with a 128 MiB cap against 11.1/11.1 at Go's defaults (two
// runs each), and 7.9-8.2 ms with 160 MiB against 8.0-9.3 with 128 (three
// alternating runs; the cap binds at 100k, where the heap would reach 140
// MB); p50 unchanged. At 1M passages the answering process peaked at 247
// MB with the 160 MiB cap, 219 MB at Go's defaults and 337 MB uncapped
// (the budget is 300 MB).
const (
	ServeGCPercent   = 300
	ServeMemoryLimit = 160 << 20
)

// TuneGC sets the collector for a long-running server (ServeGCPercent,
// ServeMemoryLimit), unless the environment already tuned it: GOGC or
// GOMEMLIMIT set, which the runtime has applied. It returns whether it
// changed the settings, and a function that puts back the ones before.
func TuneGC(getenv func(string) string) (restore func(), changed bool) {
	if getenv("GOGC") != "" || getenv("GOMEMLIMIT") != "" {
		return func() {}, false
	}
	percent := debug.SetGCPercent(ServeGCPercent)
	limit := debug.SetMemoryLimit(ServeMemoryLimit)
	return func() {
		debug.SetGCPercent(percent)
		debug.SetMemoryLimit(limit)
	}, true
}

// ImportMemoryLimit is the Go runtime's soft memory limit while a bulk
// import runs (LimitImportMemory). An import's live heap stays small (60
// to 90 MB at a million passages: the batches in flight, the store's
// transaction), but the collector lets the heap grow to twice what was
// live at its last cycle, and a cycle that ends amid a merge or a store
// commit set goals of 200 MB and more: the anonymous memory peaked at
// 213-245 MB, and with the index's mapped pages (up to 180 MB between two
// releases, see search/mapped.go) the build peaked at 349-422 MB. Under this
// limit it peaked at 186-190 MB, the build at 323-339 MB.
//
// ImportGCPercent goes with it: the heap may grow to three times the live
// heap, so the limit, not the live heap's size, sets when the collector
// runs. Under the limit alone it ran 596-613 times at a million passages
// (550-570 without either); with both, 442.
const (
	ImportMemoryLimit = 192 << 20
	ImportGCPercent   = 200
)

// LimitImportMemory sets the process's soft memory limit (and the
// collector's pace, see ImportGCPercent) for a bulk import and returns
// what restores them. It leaves a process that has a limit already
// (GOMEMLIMIT) alone, and a GOGC other than the default. The limit is the
// process's, so it is for a command that runs one import, not a server.
func LimitImportMemory() (restore func()) {
	if debug.SetMemoryLimit(-1) != math.MaxInt64 {
		return func() {}
	}
	debug.SetMemoryLimit(ImportMemoryLimit)
	gc := debug.SetGCPercent(ImportGCPercent)
	if gc != 100 {
		debug.SetGCPercent(gc)
	}
	return func() {
		debug.SetMemoryLimit(math.MaxInt64)
		debug.SetGCPercent(gc)
	}
}
