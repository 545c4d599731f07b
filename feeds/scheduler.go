package feeds

import (
	"context"
	"log/slog"
	"time"

	"sitrep/schedule"
	"sitrep/search"
)

// DefaultMaxSleep bounds each sleep of the Scheduler, so a wall-clock jump
// or a feed added by another door is noticed within it.
const DefaultMaxSleep = 5 * time.Minute

// Scheduler checks each feed when it is due (every Interval, spread by
// jitter, later after failures or a Retry-After), for as long as Run runs.
// Its checks run in goroutines that end before RunDue returns.
type Scheduler struct {
	f     *Poller
	clock schedule.Clock
	hooks Hooks
	log   *slog.Logger
	wake  chan struct{}

	// MaxSleep bounds each sleep; set before Run.
	MaxSleep time.Duration
	// Owns reports whether this process checks the feeds of scope; nil
	// means every scope. With several shards on one store, each checks
	// the scopes it owns (config.Shard.Owns: the shared scope is shard
	// 0's), so every feed is fetched once per interval. Set before Run.
	Owns func(scope string) bool
}

// NewScheduler returns a Scheduler that checks f's feeds on clock's time,
// passing hooks to every check.
func NewScheduler(f *Poller, clock schedule.Clock, hooks Hooks) *Scheduler {
	return &Scheduler{f: f, clock: clock, hooks: hooks, log: f.opts.Logger, wake: make(chan struct{}, 1), MaxSleep: DefaultMaxSleep}
}

// Wake makes a running scheduler look at the feeds now (one was just
// added). Safe to call from any goroutine; never blocks.
func (s *Scheduler) Wake() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run checks the feeds that are due, sleeps until the next is, and so on
// until ctx ends; then it returns nil. A failing library is logged and
// retried after MaxSleep.
func (s *Scheduler) Run(ctx context.Context) error {
	for {
		next, err := s.RunDue(ctx)
		if ctx.Err() != nil {
			return nil
		}
		now := s.clock.Now()
		sleep := s.MaxSleep
		if err != nil {
			s.log.Error("feed checks failed", "err", err)
		} else if !next.IsZero() {
			sleep = min(max(next.Sub(now), 0), s.MaxSleep)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-s.clock.After(sleep):
		case <-s.wake:
		}
	}
}

// RunDue checks every feed of an owned scope that is due now, several at
// once (Options.Concurrency), and returns when the next one is due (zero
// when there is none).
func (s *Scheduler) RunDue(ctx context.Context) (time.Time, error) {
	all, err := s.f.lib.AllFeeds()
	if err != nil {
		return time.Time{}, err
	}
	var next time.Time
	earliest := func(t time.Time) {
		if next.IsZero() || t.Before(next) {
			next = t
		}
	}
	now := s.clock.Now()
	var owned, due []search.Feed
	for _, feed := range all {
		if s.Owns != nil && !s.Owns(feed.Scope) {
			continue // another shard checks it
		}
		owned = append(owned, feed)
		if feed.State.NextAt.After(now) {
			earliest(feed.State.NextAt)
		} else {
			due = append(due, feed)
		}
	}
	results, err := s.f.checkAll(ctx, due, owned, s.f.opts.Concurrency, s.clock.Now, s.hooks)
	if err != nil {
		return time.Time{}, err
	}
	for _, r := range results {
		earliest(r.Feed.State.NextAt)
	}
	return next, nil
}
