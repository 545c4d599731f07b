package bot

import (
	"context"
	"runtime"

	"sitrep/search"
)

// DefaultMaxConcurrentAsks bounds the questions searched at once: enough
// to keep every core busy, few enough that a burst of interactions leaves
// the scheduler free to acknowledge the waiting ones before Discord's
// 3-second deadline.
func DefaultMaxConcurrentAsks() int { return 2 * runtime.GOMAXPROCS(0) }

// askLimiter is a Library whose Ask waits for one of a fixed number of
// slots. Searching is CPU-bound: with 500 questions searched at once, each
// goroutine (the ones that must send a deferral in time among them) waits
// behind hundreds of others for a core, and first answers arrived after
// 15 s in the load test. Waiting for a slot costs no CPU, so the deferral
// timers fire and are sent on time.
type askLimiter struct {
	Library
	slots chan struct{}
}

func limitAsks(lib Library, n int) Library {
	if n <= 0 {
		n = DefaultMaxConcurrentAsks()
	}
	return askLimiter{Library: lib, slots: make(chan struct{}, n)}
}

func (l askLimiter) Ask(ctx context.Context, q search.Query) (search.Answer, error) {
	select {
	case l.slots <- struct{}{}:
	case <-ctx.Done():
		return search.Answer{}, ctx.Err()
	}
	defer func() { <-l.slots }()
	return l.Library.Ask(ctx, q)
}
