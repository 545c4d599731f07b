package schedule_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"sitrep/schedule"
	"sitrep/schedule/schedtest"
)

// memStore is an in-memory schedule.Store; the real one is bbolt in the core.
type memStore struct {
	mu        sync.Mutex
	settings  map[string]schedule.Settings
	marks     []mark
	failMarks int // fail this many MarkPosted calls before succeeding
	failLoads int // fail this many Schedules calls before succeeding
}

type mark struct {
	guild, day string
	at         time.Time
}

func newStore(settings ...schedule.Settings) *memStore {
	st := &memStore{settings: map[string]schedule.Settings{}}
	for _, s := range settings {
		st.settings[s.GuildID] = s
	}
	return st
}

func (m *memStore) Schedules(ctx context.Context) ([]schedule.Settings, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.failLoads > 0 {
		m.failLoads--
		return nil, errors.New("store: disk on fire")
	}
	var out []schedule.Settings
	for _, s := range m.settings {
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b schedule.Settings) int { return strings.Compare(a.GuildID, b.GuildID) })
	return out, nil
}

func (m *memStore) MarkPosted(ctx context.Context, guildID, day string, at time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.failMarks > 0 {
		m.failMarks--
		return errors.New("store: write failed")
	}
	s := m.settings[guildID]
	s.LastDay = day
	m.settings[guildID] = s
	m.marks = append(m.marks, mark{guildID, day, at})
	return nil
}

func (m *memStore) update(guildID string, f func(*schedule.Settings)) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.settings[guildID]
	f(&s)
	m.settings[guildID] = s
}

func (m *memStore) lastDay(guildID string) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.settings[guildID].LastDay
}

func (m *memStore) markCount() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.marks)
}

// post is one PostDigest call as the poster saw it.
type post struct {
	guild, day string
	at         time.Time
	ok         bool
}

// recPoster records every PostDigest call; fail decides whether it fails.
type recPoster struct {
	mu    sync.Mutex
	clock interface{ Now() time.Time }
	calls []post
	fail  func(guild string, attempt int) error // nil: always succeed
	block bool                                  // wait for ctx to end, then fail
}

func (p *recPoster) PostDigest(ctx context.Context, s schedule.Settings, day string) error {
	if p.block {
		<-ctx.Done()
		return ctx.Err()
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	attempt := 1
	for _, c := range p.calls {
		if c.guild == s.GuildID && c.day == day {
			attempt++
		}
	}
	var err error
	if p.fail != nil {
		err = p.fail(s.GuildID, attempt)
	}
	p.calls = append(p.calls, post{s.GuildID, day, p.clock.Now(), err == nil})
	return err
}

// successes returns the successful posts as "guild day instant(UTC)" lines.
func (p *recPoster) successes() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for _, c := range p.calls {
		if c.ok {
			out = append(out, fmt.Sprintf("%s %s %s", c.guild, c.day, c.at.UTC().Format(time.RFC3339)))
		}
	}
	return out
}

// attempts returns the instants (UTC) of every call, failed or not.
func (p *recPoster) attempts() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for _, c := range p.calls {
		out = append(out, c.at.UTC().Format(time.RFC3339))
	}
	return out
}

// syncBuffer is a log sink safe for the scheduler goroutine and the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// run is one lifetime of the bot's scheduler against a shared store.
type run struct {
	clock  *schedtest.Clock
	sched  *schedule.Scheduler
	logs   *syncBuffer
	cancel context.CancelFunc
	done   chan error
}

// start runs a new scheduler from start until stop is called (or the test
// ends), as one bot process would.
func start(tb testing.TB, store *memStore, poster *recPoster, start time.Time) *run {
	tb.Helper()
	clk := schedtest.NewClock(start)
	poster.mu.Lock()
	poster.clock = clk
	poster.mu.Unlock()
	logs := &syncBuffer{}
	sched := schedule.New(store, poster, clk, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	ctx, cancel := context.WithCancel(context.Background())
	r := &run{clock: clk, sched: sched, logs: logs, cancel: cancel, done: make(chan error, 1)}
	go func() { r.done <- sched.Run(ctx) }()
	tb.Cleanup(func() { r.stop(tb) })
	return r
}

// stop cancels the run and checks Run returned, i.e. left no goroutine.
func (r *run) stop(tb testing.TB) {
	tb.Helper()
	if r.cancel == nil {
		return
	}
	r.cancel()
	r.cancel = nil
	select {
	case err := <-r.done:
		if err != nil {
			tb.Errorf("Run returned %v after cancel, want nil", err)
		}
	case <-time.After(5 * time.Second):
		tb.Fatal("Run did not return after its context was cancelled")
	}
}

func settings(tb testing.TB, guild, tz string, h, m int) schedule.Settings {
	return schedule.Settings{GuildID: guild, ChannelID: "chan-" + guild, Time: clock(h, m), Location: zone(tb, tz), Enabled: true}
}

func equalLines(tb testing.TB, what string, got, want []string) {
	tb.Helper()
	if !slices.Equal(got, want) {
		tb.Errorf("%s:\n got  %q\n want %q", what, got, want)
	}
}

// TestDaylightSaving runs the scheduler for three local days around each
// 2026 transition in New York and London, with times inside the skipped or
// repeated hour and an ordinary time, and checks one post per local day at
// the right UTC instant.
func TestDaylightSaving(t *testing.T) {
	tests := []struct {
		name      string
		zone      string
		h, m      int
		from, to  string // run window, UTC
		wantPosts []string
	}{
		{"NY spring forward, 02:30 skipped", "America/New_York", 2, 30, "2026-03-07T05:00:00Z", "2026-03-10T05:00:00Z",
			[]string{"g 2026-03-07 2026-03-07T07:30:00Z", "g 2026-03-08 2026-03-08T07:00:00Z", "g 2026-03-09 2026-03-09T06:30:00Z"}},
		{"NY spring forward, 09:00", "America/New_York", 9, 0, "2026-03-07T05:00:00Z", "2026-03-10T04:00:00Z",
			[]string{"g 2026-03-07 2026-03-07T14:00:00Z", "g 2026-03-08 2026-03-08T13:00:00Z", "g 2026-03-09 2026-03-09T13:00:00Z"}},
		{"NY fall back, 01:30 repeated", "America/New_York", 1, 30, "2026-10-31T04:00:00Z", "2026-11-03T05:00:00Z",
			[]string{"g 2026-10-31 2026-10-31T05:30:00Z", "g 2026-11-01 2026-11-01T05:30:00Z", "g 2026-11-02 2026-11-02T06:30:00Z"}},
		{"NY fall back, 09:00", "America/New_York", 9, 0, "2026-10-31T04:00:00Z", "2026-11-03T05:00:00Z",
			[]string{"g 2026-10-31 2026-10-31T13:00:00Z", "g 2026-11-01 2026-11-01T14:00:00Z", "g 2026-11-02 2026-11-02T14:00:00Z"}},
		{"London spring forward, 01:30 skipped", "Europe/London", 1, 30, "2026-03-28T00:00:00Z", "2026-03-30T23:00:00Z",
			[]string{"g 2026-03-28 2026-03-28T01:30:00Z", "g 2026-03-29 2026-03-29T01:00:00Z", "g 2026-03-30 2026-03-30T00:30:00Z"}},
		{"London spring forward, 09:00", "Europe/London", 9, 0, "2026-03-28T00:00:00Z", "2026-03-30T23:00:00Z",
			[]string{"g 2026-03-28 2026-03-28T09:00:00Z", "g 2026-03-29 2026-03-29T08:00:00Z", "g 2026-03-30 2026-03-30T08:00:00Z"}},
		{"London fall back, 01:30 repeated", "Europe/London", 1, 30, "2026-10-23T23:00:00Z", "2026-10-27T00:00:00Z",
			[]string{"g 2026-10-24 2026-10-24T00:30:00Z", "g 2026-10-25 2026-10-25T00:30:00Z", "g 2026-10-26 2026-10-26T01:30:00Z"}},
		{"London fall back, 09:00", "Europe/London", 9, 0, "2026-10-23T23:00:00Z", "2026-10-27T00:00:00Z",
			[]string{"g 2026-10-24 2026-10-24T08:00:00Z", "g 2026-10-25 2026-10-25T09:00:00Z", "g 2026-10-26 2026-10-26T09:00:00Z"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			store := newStore(settings(t, "g", tc.zone, tc.h, tc.m))
			poster := &recPoster{}
			r := start(t, store, poster, utc(t, tc.from))
			r.clock.AdvanceTo(t, utc(t, tc.to))
			r.stop(t)
			equalLines(t, "posts", poster.successes(), tc.wantPosts)
			equalLines(t, "attempts", poster.attempts(), trimGuild(tc.wantPosts))
			if got, want := store.markCount(), len(tc.wantPosts); got != want {
				t.Errorf("MarkPosted called %d times, want %d", got, want)
			}
		})
	}
}

// trimGuild keeps the instant of "guild day instant" lines.
func trimGuild(lines []string) []string {
	var out []string
	for _, l := range lines {
		out = append(out, l[strings.LastIndex(l, " ")+1:])
	}
	return out
}

// TestRestart stops the bot and starts it again around the scheduled minute
// (09:00 in New York = 13:00Z on 2026-05-01). State is carried only by the
// store: no restart may post twice or miss the day.
func TestRestart(t *testing.T) {
	tests := []struct {
		name             string
		stop1, restartAt string // first run starts at 12:00Z
		wantPosts        []string
	}{
		{"stopped before, back just before", "2026-05-01T12:59:00Z", "2026-05-01T12:59:30Z",
			[]string{"g 2026-05-01 2026-05-01T13:00:00Z", "g 2026-05-02 2026-05-02T13:00:00Z"}},
		{"stopped before, back exactly at the minute", "2026-05-01T12:59:00Z", "2026-05-01T13:00:00Z",
			[]string{"g 2026-05-01 2026-05-01T13:00:00Z", "g 2026-05-02 2026-05-02T13:00:00Z"}},
		{"stopped right after posting, back at the same minute", "2026-05-01T13:00:00Z", "2026-05-01T13:00:30Z",
			[]string{"g 2026-05-01 2026-05-01T13:00:00Z", "g 2026-05-02 2026-05-02T13:00:00Z"}},
		{"stopped after posting, back after", "2026-05-01T13:01:00Z", "2026-05-01T13:05:00Z",
			[]string{"g 2026-05-01 2026-05-01T13:00:00Z", "g 2026-05-02 2026-05-02T13:00:00Z"}},
		{"down across the minute, back the same day", "2026-05-01T12:50:00Z", "2026-05-01T20:00:00Z",
			[]string{"g 2026-05-01 2026-05-01T20:00:00Z", "g 2026-05-02 2026-05-02T13:00:00Z"}},
		{"down across the minute, back just before local midnight", "2026-05-01T12:50:00Z", "2026-05-02T03:59:00Z",
			[]string{"g 2026-05-01 2026-05-02T03:59:00Z", "g 2026-05-02 2026-05-02T13:00:00Z"}},
		{"down until after local midnight: yesterday is missed, not posted late", "2026-05-01T12:50:00Z", "2026-05-02T04:00:00Z",
			[]string{"g 2026-05-02 2026-05-02T13:00:00Z"}},
		{"down three days, back after the minute", "2026-05-01T13:30:00Z", "2026-05-04T15:00:00Z",
			[]string{"g 2026-05-01 2026-05-01T13:00:00Z", "g 2026-05-04 2026-05-04T15:00:00Z"}},
		{"down three days, back before the minute", "2026-05-01T13:30:00Z", "2026-05-04T12:00:00Z",
			[]string{"g 2026-05-01 2026-05-01T13:00:00Z", "g 2026-05-04 2026-05-04T13:00:00Z"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			store := newStore(settings(t, "g", "America/New_York", 9, 0))
			poster := &recPoster{}
			first := start(t, store, poster, utc(t, "2026-05-01T12:00:00Z"))
			first.clock.AdvanceTo(t, utc(t, tc.stop1))
			first.stop(t)

			restartAt := utc(t, tc.restartAt)
			second := start(t, store, poster, restartAt)
			// Run the second life until the next day's post is long done.
			end := restartAt.Add(24 * time.Hour)
			if cutoff := utc(t, "2026-05-02T20:00:00Z"); end.Before(cutoff) {
				end = cutoff
			}
			second.clock.AdvanceTo(t, end)
			second.stop(t)
			got := poster.successes()
			// Only the posts up to the next day matter here.
			var kept []string
			for _, p := range got {
				if !strings.HasSuffix(p, "2026-05-05T13:00:00Z") {
					kept = append(kept, p)
				}
			}
			equalLines(t, "posts", kept, tc.wantPosts)
			if len(poster.attempts()) != len(got) {
				t.Errorf("attempts %q include failures; want only successful posts", poster.attempts())
			}
		})
	}
}

// TestTwoServers runs servers in three timezones side by side.
func TestTwoServers(t *testing.T) {
	ny := settings(t, "ny", "America/New_York", 9, 0)
	ny.LastDay = "2026-03-27" // 00:00Z is still the 27th in New York: already posted
	store := newStore(
		ny,
		settings(t, "ldn", "Europe/London", 9, 0),
		settings(t, "ktm", "Asia/Kathmandu", 8, 30),
	)
	poster := &recPoster{}
	r := start(t, store, poster, utc(t, "2026-03-28T00:00:00Z"))
	r.clock.AdvanceTo(t, utc(t, "2026-03-30T00:00:00Z"))
	r.stop(t)
	got := poster.successes()
	slices.SortFunc(got, func(a, b string) int { return strings.Compare(trimGuild([]string{a})[0], trimGuild([]string{b})[0]) })
	equalLines(t, "posts", got, []string{
		"ktm 2026-03-28 2026-03-28T02:45:00Z",
		"ldn 2026-03-28 2026-03-28T09:00:00Z",
		"ny 2026-03-28 2026-03-28T13:00:00Z",
		"ktm 2026-03-29 2026-03-29T02:45:00Z",
		"ldn 2026-03-29 2026-03-29T08:00:00Z", // London is on BST now
		"ny 2026-03-29 2026-03-29T13:00:00Z",
	})
}

// TestRetryWithBackoff fails the first three attempts: the post is retried
// after 1, 2 and 4 minutes, succeeds once, and the day is recorded once.
func TestRetryWithBackoff(t *testing.T) {
	store := newStore(settings(t, "g", "UTC", 9, 0))
	poster := &recPoster{fail: func(_ string, attempt int) error {
		if attempt <= 3 {
			return errors.New("discord: 50013 Missing Permissions")
		}
		return nil
	}}
	r := start(t, store, poster, utc(t, "2026-05-01T08:00:00Z"))
	r.clock.AdvanceTo(t, utc(t, "2026-05-01T23:59:00Z"))
	r.stop(t)
	equalLines(t, "attempts", poster.attempts(), []string{
		"2026-05-01T09:00:00Z", "2026-05-01T09:01:00Z", "2026-05-01T09:03:00Z", "2026-05-01T09:07:00Z",
	})
	equalLines(t, "posts", poster.successes(), []string{"g 2026-05-01 2026-05-01T09:07:00Z"})
	if store.markCount() != 1 || store.lastDay("g") != "2026-05-01" {
		t.Errorf("marks = %d, LastDay = %q; want 1, 2026-05-01", store.markCount(), store.lastDay("g"))
	}
	logs := r.logs.String()
	if n := strings.Count(logs, "digest post failed"); n != 3 {
		t.Errorf("logged %d failures, want 3:\n%s", n, logs)
	}
	if !strings.Contains(logs, "Missing Permissions") || !strings.Contains(logs, "retry_in=4m0s") {
		t.Errorf("failure log lacks the error or the delay:\n%s", logs)
	}
}

// TestRetryGivesUpAtDayEnd fails every attempt: delays double up to an hour,
// no attempt is made past local midnight, the miss is logged, and the next
// day posts normally.
func TestRetryGivesUpAtDayEnd(t *testing.T) {
	store := newStore(settings(t, "g", "America/New_York", 21, 30))
	poster := &recPoster{fail: func(_ string, attempt int) error {
		return errors.New("discord: 10003 Unknown Channel")
	}}
	r := start(t, store, poster, utc(t, "2026-05-01T12:00:00Z"))
	// 21:30 EDT = 01:30Z; local midnight = 04:00Z.
	r.clock.AdvanceTo(t, utc(t, "2026-05-02T12:00:00Z"))
	want := []string{
		"2026-05-02T01:30:00Z", "2026-05-02T01:31:00Z", "2026-05-02T01:33:00Z", "2026-05-02T01:37:00Z",
		"2026-05-02T01:45:00Z", "2026-05-02T02:01:00Z", "2026-05-02T02:33:00Z", "2026-05-02T03:33:00Z",
	}
	equalLines(t, "attempts", poster.attempts(), want)
	if n := strings.Count(r.logs.String(), "digest missed for the day"); n != 1 {
		t.Errorf("logged %d misses, want 1:\n%s", n, r.logs.String())
	}
	if store.markCount() != 0 {
		t.Errorf("a failed day was recorded as posted")
	}
	poster.mu.Lock()
	poster.fail = nil
	poster.mu.Unlock()
	r.clock.AdvanceTo(t, utc(t, "2026-05-03T12:00:00Z"))
	equalLines(t, "posts", poster.successes(), []string{"g 2026-05-02 2026-05-03T01:30:00Z"})
}

// TestBackoffCapsAtAnHour checks the cap with a long day ahead.
func TestBackoffCapsAtAnHour(t *testing.T) {
	store := newStore(settings(t, "g", "UTC", 9, 0))
	poster := &recPoster{fail: func(_ string, attempt int) error { return errors.New("down") }}
	r := start(t, store, poster, utc(t, "2026-05-01T08:00:00Z"))
	r.clock.AdvanceTo(t, utc(t, "2026-05-02T00:30:00Z"))
	got := poster.attempts()
	want := []string{"2026-05-01T09:00:00Z", "2026-05-01T09:01:00Z", "2026-05-01T09:03:00Z", "2026-05-01T09:07:00Z",
		"2026-05-01T09:15:00Z", "2026-05-01T09:31:00Z", "2026-05-01T10:03:00Z"}
	for h := 11; h <= 23; h++ {
		want = append(want, fmt.Sprintf("2026-05-01T%02d:03:00Z", h))
	}
	equalLines(t, "attempts", got, want)
}

// TestMarkPostedFailure: the post succeeded but recording it failed twice.
// The digest is not posted again; the record is retried until it sticks,
// and a restart afterwards does not post again either.
func TestMarkPostedFailure(t *testing.T) {
	store := newStore(settings(t, "g", "UTC", 9, 0))
	store.failMarks = 2
	poster := &recPoster{}
	r := start(t, store, poster, utc(t, "2026-05-01T08:00:00Z"))
	r.clock.AdvanceTo(t, utc(t, "2026-05-01T09:00:30Z"))
	if got := store.lastDay("g"); got != "" {
		t.Fatalf("LastDay = %q while MarkPosted fails, want empty", got)
	}
	r.clock.AdvanceTo(t, utc(t, "2026-05-01T12:00:00Z"))
	r.stop(t)
	equalLines(t, "posts", poster.successes(), []string{"g 2026-05-01 2026-05-01T09:00:00Z"})
	if got := store.lastDay("g"); got != "2026-05-01" {
		t.Errorf("LastDay = %q after retries, want 2026-05-01", got)
	}
	store.mu.Lock()
	marks := slices.Clone(store.marks)
	store.mu.Unlock()
	if len(marks) == 0 {
		t.Fatal("no MarkPosted call succeeded: the posted digest was never recorded, so a restart would post it again")
	}
	if markedAt := marks[0].at.UTC().Format(time.RFC3339); markedAt != "2026-05-01T09:03:00Z" {
		t.Errorf("recorded at %s, want the third try at 09:03 (after 1m and 2m)", markedAt)
	}
	if !strings.Contains(r.logs.String(), "will not post again") {
		t.Errorf("the record failure is not logged:\n%s", r.logs.String())
	}
	again := start(t, store, poster, utc(t, "2026-05-01T12:00:00Z"))
	again.clock.AdvanceTo(t, utc(t, "2026-05-01T23:00:00Z"))
	equalLines(t, "posts after restart", poster.successes(), []string{"g 2026-05-01 2026-05-01T09:00:00Z"})
}

// TestStoreLoadFailure: settings cannot be read for a while; the post still
// happens once they can.
func TestStoreLoadFailure(t *testing.T) {
	store := newStore(settings(t, "g", "UTC", 9, 0))
	store.failLoads = 3
	poster := &recPoster{}
	r := start(t, store, poster, utc(t, "2026-05-01T09:00:00Z"))
	r.clock.AdvanceTo(t, utc(t, "2026-05-01T10:00:00Z"))
	equalLines(t, "posts", poster.successes(), []string{"g 2026-05-01 2026-05-01T09:03:00Z"})
	if n := strings.Count(r.logs.String(), "cannot load settings"); n != 3 {
		t.Errorf("logged %d load failures, want 3", n)
	}
}

// TestWake: moderators change settings while the scheduler sleeps.
func TestWake(t *testing.T) {
	t.Run("time moved to one already past today posts now", func(t *testing.T) {
		store := newStore(settings(t, "g", "UTC", 9, 0))
		poster := &recPoster{}
		r := start(t, store, poster, utc(t, "2026-05-01T08:00:00Z"))
		r.clock.AdvanceTo(t, utc(t, "2026-05-01T08:20:00Z"))
		store.update("g", func(s *schedule.Settings) { s.Time = clock(7, 0) })
		r.sched.Wake()
		r.clock.Woken()
		r.clock.AdvanceTo(t, utc(t, "2026-05-01T08:20:00Z"))
		equalLines(t, "posts", poster.successes(), []string{"g 2026-05-01 2026-05-01T08:20:00Z"})
	})
	t.Run("channel fixed after a missed day's failure retries at once", func(t *testing.T) {
		store := newStore(settings(t, "g", "UTC", 9, 0))
		poster := &recPoster{fail: func(_ string, attempt int) error {
			if attempt == 1 {
				return errors.New("discord: 10003 Unknown Channel")
			}
			return nil
		}}
		r := start(t, store, poster, utc(t, "2026-05-01T08:00:00Z"))
		r.clock.AdvanceTo(t, utc(t, "2026-05-01T09:00:30Z")) // failed at 09:00, retry due 09:01
		store.update("g", func(s *schedule.Settings) { s.ChannelID = "fixed" })
		r.sched.Wake()
		r.clock.Woken()
		r.clock.AdvanceTo(t, utc(t, "2026-05-01T09:00:30Z"))
		equalLines(t, "posts", poster.successes(), []string{"g 2026-05-01 2026-05-01T09:00:30Z"})
	})
	t.Run("disabling stops posts", func(t *testing.T) {
		store := newStore(settings(t, "g", "UTC", 9, 0))
		poster := &recPoster{}
		r := start(t, store, poster, utc(t, "2026-05-01T08:00:00Z"))
		store.update("g", func(s *schedule.Settings) { s.Enabled = false })
		r.clock.AdvanceTo(t, utc(t, "2026-05-01T08:00:00Z")) // let the first tick settle
		r.sched.Wake()
		r.clock.Woken()
		r.clock.AdvanceTo(t, utc(t, "2026-05-03T08:00:00Z"))
		equalLines(t, "posts", poster.successes(), nil)
	})
}

// TestRunStops checks Run returns when its context ends, also in the middle
// of a post, so the scheduler never outlives the bot.
func TestRunStops(t *testing.T) {
	t.Run("while sleeping", func(t *testing.T) {
		store := newStore(settings(t, "g", "UTC", 9, 0))
		r := start(t, store, &recPoster{}, utc(t, "2026-05-01T08:00:00Z"))
		r.clock.AdvanceTo(t, utc(t, "2026-05-01T08:30:00Z"))
		r.stop(t) // fails the test if Run does not return
	})
	t.Run("during a post", func(t *testing.T) {
		store := newStore(settings(t, "g", "UTC", 9, 0))
		poster := &recPoster{block: true}
		r := start(t, store, poster, utc(t, "2026-05-01T09:00:00Z"))
		time.Sleep(10 * time.Millisecond) // let Run enter PostDigest; stop works either way
		r.stop(t)
		if store.markCount() != 0 {
			t.Error("an interrupted post was recorded as posted")
		}
	})
	t.Run("context already cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		poster := &recPoster{}
		sched := schedule.New(newStore(settings(t, "g", "UTC", 9, 0)), poster, schedtest.NewClock(utc(t, "2026-05-01T10:00:00Z")), slog.New(slog.DiscardHandler))
		if err := sched.Run(ctx); err != nil {
			t.Errorf("Run = %v, want nil", err)
		}
		if len(poster.attempts()) != 0 {
			t.Error("posted after the context ended")
		}
	})
}
