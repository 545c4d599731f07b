package ops

import "runtime/debug"

// ServeGCPercent is the garbage collector's target for a running bot:
// the heap may grow to four times what is live before a collection
// (Go's default is twice). Answering a question allocates about 0.7 MB
// (tokens, matches, sets), so by default the collector ran every 40-odd
// questions at 100k passages, and a question that met a collection waited
// for it: over 1,000 lone /asks through the fake Discord, p99 11-12 ms at
// Go's default against 8-9 ms at 300 (two runs each), p50 unchanged. The
// price is memory: at 1M passages the answering process peaked at 252 MB
// against 199 MB (600 questions).
const ServeGCPercent = 300

// TuneGC sets the collector for a long-running server (ServeGCPercent),
// unless the environment already tuned it: GOGC or GOMEMLIMIT set, which
// the runtime has applied. It returns whether it changed the setting, and
// the setting before.
func TuneGC(getenv func(string) string) (prev int, changed bool) {
	if getenv("GOGC") != "" || getenv("GOMEMLIMIT") != "" {
		return 0, false
	}
	return debug.SetGCPercent(ServeGCPercent), true
}
