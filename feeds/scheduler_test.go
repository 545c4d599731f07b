package feeds

import (
	"context"
	"net/http"
	"testing"
	"time"

	"sitrep/schedule/schedtest"
	"sitrep/search"
)

// The schedule checks each feed every interval, at once when woken after a
// follow, and waits as long as a 429's Retry-After asks; Run stops with
// its context.
func TestSchedulerIntervalsWakeAndRetryAfter(t *testing.T) {
	s := newSite(t)
	s.set(func(s *site) { s.rss = []entry{{"g1", "Story 1", s.URL + "/a/1", rssDate(1)}} })
	lib := openLibrary(t)
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	clock := schedtest.NewClock(start)
	f := New(lib, fetcherFor(s), Options{Interval: 15 * time.Minute, Jitter: func() float64 { return 0.5 }})
	var added []search.Source
	sched := NewScheduler(f, clock, Hooks{Added: func(_ context.Context, src search.Source) { added = append(added, src) }})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- sched.Run(ctx) }()
	requests := func() int {
		var n int
		s.set(func(s *site) { n = s.requests["/rss"] })
		return n
	}

	clock.AdvanceTo(t, start) // no feed yet: asleep
	if _, err := f.Add(ctx, guild, s.URL+"/rss", "mod"); err != nil {
		t.Fatal(err)
	}
	addFetches := requests()
	sched.Wake()
	clock.Woken()
	clock.AdvanceTo(t, start.Add(time.Minute))
	if got := requests() - addFetches; got != 1 || len(added) != 1 {
		t.Fatalf("after the wake: %d checks, %d sources added; want 1 and 1", got, len(added))
	}
	clock.AdvanceTo(t, start.Add(14*time.Minute))
	if got := requests() - addFetches; got != 1 {
		t.Errorf("checked again before the interval: %d checks", got)
	}
	clock.AdvanceTo(t, start.Add(16*time.Minute))
	if got := requests() - addFetches; got != 2 {
		t.Errorf("after the interval: %d checks, want 2", got)
	}

	s.set(func(s *site) { s.status, s.retry = http.StatusTooManyRequests, "7200" })
	clock.AdvanceTo(t, start.Add(31*time.Minute)) // third check: 429, come back in 2 h
	if got := requests() - addFetches; got != 3 {
		t.Fatalf("after 30 minutes: %d checks, want 3", got)
	}
	s.set(func(s *site) { s.status, s.retry = 0, "" })
	clock.AdvanceTo(t, start.Add(2*time.Hour))
	if got := requests() - addFetches; got != 3 {
		t.Errorf("checked %d times within the Retry-After", got-3)
	}
	clock.AdvanceTo(t, start.Add(2*time.Hour+40*time.Minute))
	if got := requests() - addFetches; got != 4 {
		t.Errorf("after the Retry-After: %d checks, want 4", got)
	}
	if len(added) != 1 {
		t.Errorf("%d sources added in all, want 1", len(added))
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop with its context")
	}
}
