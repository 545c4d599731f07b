package schedule

import (
	"context"
	"log/slog"
	"time"
)

// Store is what the scheduler needs from storage: every server's settings,
// and a durable record of the last local day posted.
type Store interface {
	// Schedules returns the digest settings of every server, enabled or not.
	Schedules(ctx context.Context) ([]Settings, error)
	// MarkPosted durably records that guildID's digest for the local day
	// (DayLayout) was posted at at, so that Schedules reports it as LastDay
	// from then on, also after a restart.
	MarkPosted(ctx context.Context, guildID, day string, at time.Time) error
}

// Poster renders and posts one server's digest; the bot implements it.
type Poster interface {
	// PostDigest posts the digest for the local day (DayLayout) to
	// s.ChannelID. It returns nil only when the message was accepted. An
	// error (missing channel, lost permission, Discord down) makes the
	// scheduler retry later the same day.
	PostDigest(ctx context.Context, s Settings, day string) error
}

// Clock is the source of time for the digest scheduler here and the feed
// scheduler in feeds, so tests can move both without sleeping.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// After returns a channel that receives once d has passed.
	After(d time.Duration) <-chan time.Time
}

// SystemClock is the real Clock.
type SystemClock struct{}

// Now returns time.Now().
func (SystemClock) Now() time.Time { return time.Now() }

// After returns time.After(d). Since Go 1.23 an unfired timer from
// time.After is collected once unreferenced, so waking early leaks nothing.
func (SystemClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// Defaults for the Scheduler's tunables.
const (
	DefaultRetryMin    = time.Minute
	DefaultRetryMax    = time.Hour
	DefaultMaxSleep    = 10 * time.Minute
	DefaultPostTimeout = 2 * time.Minute
	markTimeout        = 30 * time.Second
)

// Scheduler posts each server's daily digest on time. Build it with New and
// run it with Run for the bot's lifetime.
//
// # Order of posting and recording
//
// A digest counts as done only once its day is durably recorded: after
// PostDigest succeeds the scheduler calls MarkPosted, and only when that
// returns nil is the day logged as posted. The alternative, recording the
// day first and undoing it when the post fails, turns a crash or a kill
// during the post (which may take seconds under rate limits) into a silent
// miss for the whole day. Recording after the post leaves a much smaller
// window, between Discord accepting the message and the store's commit
// (milliseconds), in which a crash could bring a duplicate after restart;
// we accept that window as the lesser harm. Within one process there is no
// duplicate at all: if MarkPosted fails the day is remembered in memory as
// posted, MarkPosted is retried with backoff and logged, and the digest is
// not posted again. MarkPosted also runs on a context that outlives shutdown
// (bounded by a timeout), so stopping the bot right after a post still
// records it.
//
// # Failures
//
// A failed post is logged and retried after RetryMin, then twice that each
// time, capped at RetryMax, but never at or past the end of the local day:
// then the day is logged as missed and the next post is tomorrow's. A
// restart the same day tries again. Wake retries at once.
type Scheduler struct {
	store  Store
	poster Poster
	clock  Clock
	log    *slog.Logger
	wake   chan struct{}

	// RetryMin is the first delay after a failed post; each further failure
	// doubles it. Set before Run.
	RetryMin time.Duration
	// RetryMax caps the retry delay. Set before Run.
	RetryMax time.Duration
	// MaxSleep bounds each sleep, so a wall-clock jump (suspend, NTP step)
	// is noticed within MaxSleep. Set before Run.
	MaxSleep time.Duration
	// PostTimeout bounds one PostDigest call. Set before Run.
	PostTimeout time.Duration

	// guilds is Run's memory of retries and unrecorded posts, by guild id.
	// Only Run's goroutine touches it.
	guilds map[string]*guildState
}

// guildState is what Run remembers about one server between ticks.
type guildState struct {
	day      string    // the local day the retry fields are about
	attempts int       // failed posts for day
	retryAt  time.Time // no post before this instant; zero: now
	missed   bool      // gave up on day

	unmarked     string    // a day posted but not yet recorded by MarkPosted
	markAttempts int       // failed MarkPosted calls for unmarked
	markRetryAt  time.Time // next MarkPosted attempt
}

// New returns a Scheduler that reads settings from store, posts through
// poster and tells time with clock (SystemClock in production). logger
// receives every post, retry and miss; nil discards them.
func New(store Store, poster Poster, clock Clock, logger *slog.Logger) *Scheduler {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Scheduler{
		store:       store,
		poster:      poster,
		clock:       clock,
		log:         logger,
		wake:        make(chan struct{}, 1),
		RetryMin:    DefaultRetryMin,
		RetryMax:    DefaultRetryMax,
		MaxSleep:    DefaultMaxSleep,
		PostTimeout: DefaultPostTimeout,
		guilds:      map[string]*guildState{},
	}
}

// Wake tells a running scheduler that settings changed: it reloads them at
// once, recomputes its sleep, and retries a failed or missed post of the
// current day now (the moderator may just have fixed the channel). Safe to
// call from any goroutine, any number of times; it never blocks.
func (s *Scheduler) Wake() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run posts digests as they fall due until ctx ends, then returns nil; it
// starts no goroutines, so nothing outlives it. Failures (store, post,
// record) are logged and retried, never returned. Call Run once.
func (s *Scheduler) Run(ctx context.Context) error {
	// Zero or negative tunables would spin; fall back to the defaults.
	if s.RetryMin <= 0 {
		s.RetryMin = DefaultRetryMin
	}
	if s.RetryMax < s.RetryMin {
		s.RetryMax = s.RetryMin
	}
	if s.MaxSleep <= 0 {
		s.MaxSleep = DefaultMaxSleep
	}
	if s.PostTimeout <= 0 {
		s.PostTimeout = DefaultPostTimeout
	}
	for {
		if ctx.Err() != nil {
			return nil
		}
		wakeAt := s.tick(ctx)
		sleep := s.MaxSleep
		if !wakeAt.IsZero() {
			sleep = min(max(wakeAt.Sub(s.clock.Now()), 0), s.MaxSleep)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-s.wake:
			for _, g := range s.guilds {
				g.retryAt, g.missed, g.markRetryAt = time.Time{}, false, time.Time{}
			}
		case <-s.clock.After(sleep):
		}
	}
}

// tick handles every server once and returns when it next has work (zero:
// nothing scheduled).
func (s *Scheduler) tick(ctx context.Context) time.Time {
	list, err := s.store.Schedules(ctx)
	if err != nil {
		if ctx.Err() == nil {
			s.log.Error("digest schedule: cannot load settings", "err", err, "retry_in", s.RetryMin)
		}
		return s.clock.Now().Add(s.RetryMin)
	}
	var wakeAt time.Time
	seen := make(map[string]bool, len(list))
	for _, st := range list {
		if ctx.Err() != nil {
			return time.Time{}
		}
		seen[st.GuildID] = true
		wakeAt = earliest(wakeAt, s.handle(ctx, st))
	}
	for id := range s.guilds {
		if !seen[id] {
			delete(s.guilds, id)
		}
	}
	return wakeAt
}

// handle posts one server's digest if it is due and returns when that
// server next needs attention.
func (s *Scheduler) handle(ctx context.Context, st Settings) time.Time {
	g := s.guilds[st.GuildID]
	if g == nil {
		g = &guildState{}
		s.guilds[st.GuildID] = g
	}
	now := s.clock.Now()
	var markWake time.Time
	if g.unmarked != "" {
		if st.LastDay >= g.unmarked {
			g.unmarked, g.markAttempts = "", 0 // the store caught up
		} else {
			st.LastDay = g.unmarked // posted: never again, recorded or not
			if !now.Before(g.markRetryAt) {
				s.record(ctx, st, g, g.unmarked)
			}
			if g.unmarked != "" {
				markWake = g.markRetryAt
			}
		}
	}

	due, day := Due(st, now)
	if !due {
		return earliest(markWake, Next(st, now))
	}
	if g.day != day {
		*g = guildState{day: day, unmarked: g.unmarked, markAttempts: g.markAttempts, markRetryAt: g.markRetryAt}
	}
	if g.missed {
		return earliest(markWake, Next(st, now))
	}
	if now.Before(g.retryAt) {
		return earliest(markWake, g.retryAt)
	}

	log := s.log.With("guild", st.GuildID, "channel", st.ChannelID, "day", day)
	postCtx, cancel := context.WithTimeout(ctx, s.PostTimeout)
	err := s.poster.PostDigest(postCtx, st, day)
	cancel()
	if err != nil {
		if ctx.Err() != nil {
			return time.Time{} // shutting down: the next run retries
		}
		g.attempts++
		delay := s.backoff(g.attempts)
		now = s.clock.Now()
		if end := dayEnd(day, st.Location); !now.Add(delay).Before(end) {
			g.missed = true
			log.Error("digest missed for the day: every attempt failed", "attempts", g.attempts, "err", err)
			return earliest(markWake, Next(st, now))
		}
		g.retryAt = now.Add(delay)
		log.Warn("digest post failed; will retry", "attempt", g.attempts, "retry_in", delay, "err", err)
		return earliest(markWake, g.retryAt)
	}

	g.unmarked, g.markAttempts, g.markRetryAt = day, 0, time.Time{}
	st.LastDay = day
	s.record(ctx, st, g, day)
	if g.unmarked != "" {
		markWake = g.markRetryAt
	} else {
		log.Info("digest posted", "attempts", g.attempts+1)
	}
	return earliest(markWake, Next(st, s.clock.Now()))
}

// record calls MarkPosted for a posted day; on failure it keeps the day in
// g.unmarked and schedules another attempt.
func (s *Scheduler) record(ctx context.Context, st Settings, g *guildState, day string) {
	// Outlive shutdown: the message is already in the channel.
	markCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), markTimeout)
	defer cancel()
	if err := s.store.MarkPosted(markCtx, st.GuildID, day, s.clock.Now()); err != nil {
		g.markAttempts++
		delay := s.backoff(g.markAttempts)
		g.markRetryAt = s.clock.Now().Add(delay)
		s.log.Error("digest posted but not recorded; will not post again, retrying the record",
			"guild", st.GuildID, "day", day, "attempt", g.markAttempts, "retry_in", delay, "err", err)
		return
	}
	if g.markAttempts > 0 {
		s.log.Info("digest post recorded after retry", "guild", st.GuildID, "day", day, "attempts", g.markAttempts+1)
	}
	g.unmarked, g.markAttempts, g.markRetryAt = "", 0, time.Time{}
}

// backoff returns the delay after the n-th consecutive failure (n ≥ 1):
// RetryMin doubled n-1 times, capped at RetryMax.
func (s *Scheduler) backoff(n int) time.Duration {
	d := s.RetryMin
	for i := 1; i < n && d < s.RetryMax; i++ {
		d *= 2
	}
	return min(d, s.RetryMax)
}

// earliest returns the earlier of two instants, ignoring zero ones.
func earliest(a, b time.Time) time.Time {
	switch {
	case a.IsZero():
		return b
	case b.IsZero():
		return a
	case b.Before(a):
		return b
	}
	return a
}
