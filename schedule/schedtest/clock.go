// Package schedtest provides a fake schedule.Clock for tests that drive a
// schedule.Scheduler or a feeds.Scheduler through days, midnights and
// daylight-saving changes without sleeping.
package schedtest

import (
	"sync"
	"testing"
	"time"
)

// syncTimeout bounds how long AdvanceTo waits (in real time) for the
// scheduler to go back to sleep before failing the test instead of hanging.
const syncTimeout = 10 * time.Second

// Clock is a manual clock. Time moves only when the test says so; timers
// from After fire when the clock reaches their deadline.
//
// It is built for one sleeper that calls After once each time it goes to
// sleep, as schedule.Scheduler.Run does: AdvanceTo uses those calls to know
// when the sleeper has finished its work and is idle again, so a test reads
// a settled world after every step.
type Clock struct {
	mu      sync.Mutex
	now     time.Time
	timers  []timer
	sleeps  chan time.Time // one deadline per After call, in order
	pending *time.Time     // the sleeper's current deadline, once seen
}

type timer struct {
	at time.Time
	ch chan time.Time
}

// NewClock returns a clock reading start.
func NewClock(start time.Time) *Clock {
	return &Clock{now: start, sleeps: make(chan time.Time, 1024)}
}

// Now returns the clock's current reading.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// After returns a channel that receives the clock's reading once it reaches
// now+d, and records the call for AdvanceTo.
func (c *Clock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := timer{at: c.now.Add(d), ch: make(chan time.Time, 1)}
	c.sleeps <- t.at
	if d <= 0 {
		t.ch <- c.now
	} else {
		c.timers = append(c.timers, t)
	}
	return t.ch
}

// Set moves the clock to t (forwards or backwards) and fires every timer
// whose deadline is at or before t. It does not wait for anyone.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
	kept := c.timers[:0]
	for _, tm := range c.timers {
		if tm.at.After(t) {
			kept = append(kept, tm)
			continue
		}
		tm.ch <- t
	}
	c.timers = kept
}

// AdvanceTo moves the clock forward to t in steps: to each deadline the
// sleeper asks for on the way, waiting after each for the sleeper to do its
// work and sleep again. When it returns, everything due at or before t has
// happened and the sleeper is asleep. It fails tb if the sleeper does not go
// to sleep within a few seconds of real time (e.g. it exited or hangs).
func (c *Clock) AdvanceTo(tb testing.TB, t time.Time) {
	tb.Helper()
	for {
		if c.pending == nil {
			d := c.WaitForSleep(tb)
			c.pending = &d
		}
		if c.pending.After(t) {
			c.Set(t)
			return
		}
		at := *c.pending
		c.pending = nil
		c.Set(at)
	}
}

// Advance is AdvanceTo(tb, Now()+d).
func (c *Clock) Advance(tb testing.TB, d time.Duration) {
	tb.Helper()
	c.AdvanceTo(tb, c.Now().Add(d))
}

// WaitForSleep blocks until the sleeper's next After call and returns its
// deadline. Call it directly only when not using AdvanceTo.
func (c *Clock) WaitForSleep(tb testing.TB) time.Time {
	tb.Helper()
	select {
	case d := <-c.sleeps:
		return d
	case <-time.After(syncTimeout):
		tb.Fatalf("schedtest: the scheduler did not go to sleep within %v", syncTimeout)
		return time.Time{}
	}
}

// Woken tells AdvanceTo that the sleeper was woken by something other than
// the clock (schedule.Scheduler.Wake), so its next step must wait for the
// new sleep instead of the old deadline.
func (c *Clock) Woken() {
	c.pending = nil
}
