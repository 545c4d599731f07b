package ops

import "runtime/debug"

// The garbage collector's settings for a running bot. Answering a
// question allocates about 0.7 MB (tokens, matches, sets), so at Go's
// default target the collector ran every 40-odd questions at 100k
// passages, and a question that met a collection waited for it. What
// the bot keeps between questions is bounded (the source and token
// caches, about 50 MB at any library size), so the heap may grow to four
// times that (ServeGCPercent), but no further than ServeMemoryLimit.
//
// Over 1,000 lone /asks through the fake Discord at 100k passages (two
// runs each): p99 8.0/9.8 ms against 11.1/11.1 at Go's defaults, p50
// unchanged. At 1M passages the answering process peaked at 220 MB with
// the limit, as with Go's defaults, and at 337 MB without it.
const (
	ServeGCPercent   = 300
	ServeMemoryLimit = 128 << 20
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
