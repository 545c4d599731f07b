package bot

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"sitrep/search"
)

// DefaultMaxConcurrentAsks bounds the questions searched at once: enough
// to keep every core busy, few enough that a burst of interactions leaves
// the scheduler free to acknowledge the waiting ones before Discord's
// 3-second deadline.
func DefaultMaxConcurrentAsks() int { return 2 * runtime.GOMAXPROCS(0) }

// askLimiter is a Reader whose Ask waits for one of a fixed number of
// slots. Searching is CPU-bound: with 500 questions searched at once, each
// goroutine (the ones that must send a deferral in time among them) waits
// behind hundreds of others for a core, and first answers arrived after
// 15 s in the load test. Waiting for a slot costs no CPU, so the deferral
// timers fire and are sent on time.
type askLimiter struct {
	Reader
	slots chan struct{}
}

func limitAsks(lib Reader, n int) Reader {
	if n <= 0 {
		n = DefaultMaxConcurrentAsks()
	}
	return askLimiter{Reader: lib, slots: make(chan struct{}, n)}
}

func (l askLimiter) Ask(ctx context.Context, q search.Query) (search.Answer, error) {
	select {
	case l.slots <- struct{}{}:
	case <-ctx.Done():
		return search.Answer{}, ctx.Err()
	}
	defer func() { <-l.slots }()
	return l.Reader.Ask(ctx, q)
}

// A member's default pace of questions (Options.AskBurst, AskEvery): a
// burst of 5, then one every 3 seconds. Searching is the bot's scarce
// resource (askLimiter's slots); without a per-member limit one member in
// a loop takes every slot and everyone else waits.
const (
	DefaultAskBurst = 5
	DefaultAskEvery = 3 * time.Second
	// memberIdle is how long an unused member's limiter is kept; after
	// that it would be full again anyway.
	memberIdle = 5 * time.Minute
)

// memberLimits holds one token bucket per member, pruned once a minute
// of what has been idle, so its size follows the members active lately.
type memberLimits struct {
	mu        sync.Mutex
	every     time.Duration
	burst     int
	members   map[string]*memberLimit
	lastPrune time.Time
}

type memberLimit struct {
	lim  *rate.Limiter
	seen time.Time
}

func newMemberLimits(burst int, every time.Duration) *memberLimits {
	return &memberLimits{every: every, burst: burst, members: make(map[string]*memberLimit)}
}

// allow reports whether member may ask now; if not, how long until they
// may.
func (m *memberLimits) allow(member string, now time.Time) (bool, time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if now.Sub(m.lastPrune) > time.Minute {
		for id, ml := range m.members {
			if now.Sub(ml.seen) > memberIdle {
				delete(m.members, id)
			}
		}
		m.lastPrune = now
	}
	ml, ok := m.members[member]
	if !ok {
		ml = &memberLimit{lim: rate.NewLimiter(rate.Every(m.every), m.burst)}
		m.members[member] = ml
	}
	ml.seen = now
	r := ml.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// slowDown is the polite, private reply to a member over their limit.
func slowDown(wait time.Duration) message {
	secs := int(wait.Round(time.Second) / time.Second)
	return plain(fmt.Sprintf("You're asking faster than I can answer everyone: please wait %s and ask again.",
		plural(max(secs, 1), "second", "seconds")), true)
}
