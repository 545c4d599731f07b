package feeds

import (
	"context"
	"log/slog"
	"time"

	"sitrep/schedule"
)

// DefaultMaxSleep bounds each sleep of the Scheduler, so a wall-clock jump
// or a feed added by another door is noticed within it.
const DefaultMaxSleep = 5 * time.Minute

// Scheduler checks each feed when it is due (every Interval, spread by
// jitter, later after failures or a Retry-After), for as long as Run runs.
// It has no goroutine of its own.
type Scheduler struct {
	f     *Poller
	clock schedule.Clock
	hooks Hooks
	log   *slog.Logger
	wake  chan struct{}

	// MaxSleep bounds each sleep; set before Run.
	MaxSleep time.Duration
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

// RunDue checks every feed due now and returns when the next one is due
// (zero when there is no feed).
func (s *Scheduler) RunDue(ctx context.Context) (time.Time, error) {
	all, err := s.f.lib.AllFeeds()
	if err != nil {
		return time.Time{}, err
	}
	var next time.Time
	for _, feed := range all {
		now := s.clock.Now()
		if !feed.State.NextAt.After(now) {
			r, err := s.f.check(ctx, feed, now, s.hooks)
			if err != nil {
				return time.Time{}, err
			}
			feed = r.Feed
		}
		if next.IsZero() || feed.State.NextAt.Before(next) {
			next = feed.State.NextAt
		}
	}
	return next, nil
}
