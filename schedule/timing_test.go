package schedule_test

import (
	"testing"
	"time"
	_ "time/tzdata" // zones resolve on hosts without /usr/share/zoneinfo

	"sitrep/schedule"
)

// zone loads an IANA zone or fails the test.
func zone(tb testing.TB, name string) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		tb.Fatalf("load %s: %v", name, err)
	}
	return loc
}

// utc parses an RFC 3339 instant or fails the test.
func utc(tb testing.TB, s string) time.Time {
	tb.Helper()
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		tb.Fatalf("parse %q: %v", s, err)
	}
	return t
}

func clock(h, m int) schedule.TimeOfDay { return schedule.TimeOfDay{Hour: h, Minute: m} }

func TestScheduledAt(t *testing.T) {
	tests := []struct {
		name  string
		zone  string
		clock schedule.TimeOfDay
		day   string
		want  string // RFC 3339 instant, "" for no instant that day
	}{
		{"NY day before spring forward", "America/New_York", clock(2, 30), "2026-03-07", "2026-03-07T07:30:00Z"},
		{"NY skipped 02:30 goes to 03:00 EDT", "America/New_York", clock(2, 30), "2026-03-08", "2026-03-08T07:00:00Z"},
		{"NY skipped 02:00 goes to 03:00 EDT", "America/New_York", clock(2, 0), "2026-03-08", "2026-03-08T07:00:00Z"},
		{"NY 01:59 before the gap", "America/New_York", clock(1, 59), "2026-03-08", "2026-03-08T06:59:00Z"},
		{"NY 03:00 after the gap", "America/New_York", clock(3, 0), "2026-03-08", "2026-03-08T07:00:00Z"},
		{"NY day after spring forward", "America/New_York", clock(2, 30), "2026-03-09", "2026-03-09T06:30:00Z"},
		{"NY 09:00 on spring-forward day", "America/New_York", clock(9, 0), "2026-03-08", "2026-03-08T13:00:00Z"},
		{"NY day before fall back", "America/New_York", clock(1, 30), "2026-10-31", "2026-10-31T05:30:00Z"},
		{"NY repeated 01:30 takes the first (EDT)", "America/New_York", clock(1, 30), "2026-11-01", "2026-11-01T05:30:00Z"},
		{"NY repeated 01:00 takes the first (EDT)", "America/New_York", clock(1, 0), "2026-11-01", "2026-11-01T05:00:00Z"},
		{"NY 02:00 after fall back happens once (EST)", "America/New_York", clock(2, 0), "2026-11-01", "2026-11-01T07:00:00Z"},
		{"NY day after fall back", "America/New_York", clock(1, 30), "2026-11-02", "2026-11-02T06:30:00Z"},
		{"London skipped 01:30 goes to 02:00 BST", "Europe/London", clock(1, 30), "2026-03-29", "2026-03-29T01:00:00Z"},
		{"London 00:30 before the gap", "Europe/London", clock(0, 30), "2026-03-29", "2026-03-29T00:30:00Z"},
		{"London day before spring forward", "Europe/London", clock(1, 30), "2026-03-28", "2026-03-28T01:30:00Z"},
		{"London day after spring forward", "Europe/London", clock(1, 30), "2026-03-30", "2026-03-30T00:30:00Z"},
		{"London repeated 01:30 takes the first (BST)", "Europe/London", clock(1, 30), "2026-10-25", "2026-10-25T00:30:00Z"},
		{"London day before fall back", "Europe/London", clock(1, 30), "2026-10-24", "2026-10-24T00:30:00Z"},
		{"London day after fall back", "Europe/London", clock(1, 30), "2026-10-26", "2026-10-26T01:30:00Z"},
		{"Santiago skipped midnight goes to 01:00 the same day", "America/Santiago", clock(0, 30), "2026-09-06", "2026-09-06T04:00:00Z"},
		{"Lord Howe half-hour gap", "Australia/Lord_Howe", clock(2, 15), "2026-10-04", "2026-10-03T15:30:00Z"},
		{"Kathmandu +05:45", "Asia/Kathmandu", clock(9, 0), "2026-06-01", "2026-06-01T03:15:00Z"},
		{"Samoa skipped 2011-12-30 entirely", "Pacific/Apia", clock(9, 0), "2011-12-30", ""},
		{"Samoa the day after the skip", "Pacific/Apia", clock(9, 0), "2011-12-31", "2011-12-30T19:00:00Z"},
		{"UTC midnight", "UTC", clock(0, 0), "2026-01-01", "2026-01-01T00:00:00Z"},
		{"UTC last minute", "UTC", clock(23, 59), "2026-12-31", "2026-12-31T23:59:00Z"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			loc := zone(t, tc.zone)
			d, err := time.Parse(schedule.DayLayout, tc.day)
			if err != nil {
				t.Fatal(err)
			}
			at, ok := schedule.ScheduledAt(tc.clock, loc, d.Year(), d.Month(), d.Day())
			if tc.want == "" {
				if ok {
					t.Fatalf("ScheduledAt = %v, want no instant", at)
				}
				return
			}
			if !ok {
				t.Fatalf("ScheduledAt found no instant, want %s", tc.want)
			}
			if want := utc(t, tc.want); !at.Equal(want) {
				t.Errorf("ScheduledAt(%s %s %s) = %v (%v), want %v", tc.zone, tc.day, tc.clock, at, at.UTC(), want)
			}
			if got := at.In(loc).Format(schedule.DayLayout); got != tc.day {
				t.Errorf("instant falls on local day %s, want %s", got, tc.day)
			}
		})
	}
}

func TestDueAndNext(t *testing.T) {
	ny := zone(t, "America/New_York")
	base := schedule.Settings{GuildID: "g", ChannelID: "c", Time: clock(9, 0), Location: ny, Enabled: true}
	with := func(f func(*schedule.Settings)) schedule.Settings { s := base; f(&s); return s }
	tests := []struct {
		name     string
		s        schedule.Settings
		now      string
		wantDue  bool
		wantDay  string
		wantNext string // "" for the zero time
	}{
		{"before the time", base, "2026-05-01T12:59:59Z", false, "2026-05-01", "2026-05-01T13:00:00Z"},
		{"at the time", base, "2026-05-01T13:00:00Z", true, "2026-05-01", "2026-05-02T13:00:00Z"},
		{"later that day, not posted", base, "2026-05-02T03:59:00Z", true, "2026-05-01", "2026-05-02T13:00:00Z"},
		{"posted today", with(func(s *schedule.Settings) { s.LastDay = "2026-05-01" }), "2026-05-01T15:00:00Z", false, "2026-05-01", "2026-05-02T13:00:00Z"},
		{"posted today, before the time (time moved later)", with(func(s *schedule.Settings) { s.LastDay = "2026-05-01" }), "2026-05-01T12:00:00Z", false, "2026-05-01", "2026-05-02T13:00:00Z"},
		{"posted yesterday", with(func(s *schedule.Settings) { s.LastDay = "2026-04-30" }), "2026-05-01T13:30:00Z", true, "2026-05-01", "2026-05-02T13:00:00Z"},
		{"posted long ago, before the time", with(func(s *schedule.Settings) { s.LastDay = "2026-01-01" }), "2026-05-01T12:00:00Z", false, "2026-05-01", "2026-05-01T13:00:00Z"},
		{"local day differs from UTC day", base, "2026-05-02T02:00:00Z", true, "2026-05-01", "2026-05-02T13:00:00Z"},
		{"LastDay in the future", with(func(s *schedule.Settings) { s.LastDay = "2026-05-03" }), "2026-05-01T14:00:00Z", false, "2026-05-01", "2026-05-04T13:00:00Z"},
		{"malformed LastDay counts as never", with(func(s *schedule.Settings) { s.LastDay = "yesterday" }), "2026-05-01T14:00:00Z", true, "2026-05-01", "2026-05-02T13:00:00Z"},
		{"disabled", with(func(s *schedule.Settings) { s.Enabled = false }), "2026-05-01T14:00:00Z", false, "", ""},
		{"no channel", with(func(s *schedule.Settings) { s.ChannelID = "" }), "2026-05-01T14:00:00Z", false, "", ""},
		{"no location", with(func(s *schedule.Settings) { s.Location = nil }), "2026-05-01T14:00:00Z", false, "", ""},
		{"invalid clock", with(func(s *schedule.Settings) { s.Time = clock(24, 0) }), "2026-05-01T14:00:00Z", false, "", ""},
		{"spring forward, skipped time", with(func(s *schedule.Settings) { s.Time = clock(2, 30) }), "2026-03-08T06:59:00Z", false, "2026-03-08", "2026-03-08T07:00:00Z"},
		{"fall back, between the occurrences, posted", with(func(s *schedule.Settings) { s.Time = clock(1, 30); s.LastDay = "2026-11-01" }), "2026-11-01T06:30:00Z", false, "2026-11-01", "2026-11-02T06:30:00Z"},
		{"fall back, second occurrence, not posted", with(func(s *schedule.Settings) { s.Time = clock(1, 30) }), "2026-11-01T06:30:00Z", true, "2026-11-01", "2026-11-02T06:30:00Z"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			now := utc(t, tc.now)
			due, day := schedule.Due(tc.s, now)
			if due != tc.wantDue || day != tc.wantDay {
				t.Errorf("Due = %v, %q; want %v, %q", due, day, tc.wantDue, tc.wantDay)
			}
			next := schedule.Next(tc.s, now)
			if tc.wantNext == "" {
				if !next.IsZero() {
					t.Errorf("Next = %v, want zero", next)
				}
				return
			}
			if want := utc(t, tc.wantNext); !next.Equal(want) {
				t.Errorf("Next = %v, want %v", next.UTC(), want)
			}
		})
	}
}

// fuzzZones are zones with unusual rules: half-hour and 45-minute offsets,
// half-hour DST, DST at midnight, a skipped day, southern hemisphere.
var fuzzZones = []string{
	"UTC", "America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Kathmandu",
	"America/Santiago", "Pacific/Apia", "Pacific/Kiritimati", "America/St_Johns", "Asia/Tehran",
	"Africa/Casablanca", "Antarctica/Troll",
}

func FuzzDue(f *testing.F) {
	f.Add(uint8(2), uint8(30), uint8(1), int64(1772953200), int8(-1))  // NY spring forward
	f.Add(uint8(1), uint8(30), uint8(1), int64(1793510000), int8(0))   // NY fall back
	f.Add(uint8(1), uint8(30), uint8(2), int64(1774743000), int8(-5))  // London spring forward
	f.Add(uint8(9), uint8(0), uint8(6), int64(1325152800), int8(-1))   // Samoa's skipped day
	f.Add(uint8(0), uint8(0), uint8(5), int64(1788663600), int8(-100)) // Santiago midnight gap
	f.Fuzz(func(t *testing.T, hour, minute, zi uint8, unix int64, lastOffset int8) {
		loc, err := time.LoadLocation(fuzzZones[int(zi)%len(fuzzZones)])
		if err != nil {
			t.Skip(err)
		}
		// 1900-2200 keeps to dates the zone data describes.
		const lo, span = -2208988800, 9467107200
		now := time.Unix(lo+((unix%span)+span)%span, 0)
		s := schedule.Settings{
			GuildID: "g", ChannelID: "c", Enabled: true, Location: loc,
			Time: schedule.TimeOfDay{Hour: int(hour) % 24, Minute: int(minute) % 60},
		}
		if lastOffset != 0 {
			s.LastDay = now.In(loc).AddDate(0, 0, int(lastOffset)).Format(schedule.DayLayout)
		}
		due, day := schedule.Due(s, now)
		if due && s.LastDay != "" && day <= s.LastDay {
			t.Fatalf("Due for %s although LastDay is %s", day, s.LastDay)
		}
		next := schedule.Next(s, now)
		if next.IsZero() {
			t.Fatalf("Next(%v, %v) found nothing", s.Time, now)
		}
		if !next.After(now) {
			t.Fatalf("Next = %v, not after now %v", next, now)
		}
		nextDue, nextDay := schedule.Due(s, next)
		if !nextDue {
			t.Fatalf("%s %s: Next = %v (%v) but Due there is false (day %s, last %q, now %v)",
				loc, s.Time, next, next.In(loc), nextDay, s.LastDay, now.In(loc))
		}
		if got := next.In(loc).Format(schedule.DayLayout); got != nextDay {
			t.Fatalf("Due at Next reports day %s, instant is on %s", nextDay, got)
		}
		// Just before Next, that day's digest is not yet due.
		if d, dd := schedule.Due(s, next.Add(-time.Second)); d && dd == nextDay {
			t.Fatalf("already due for %s a second before Next %v", dd, next.In(loc))
		}
	})
}

// BenchmarkDueNext measures one server's timing decision, what the loop does
// per server per wake-up.
func BenchmarkDueNext(b *testing.B) {
	s := schedule.Settings{GuildID: "g", ChannelID: "c", Time: clock(2, 30), Location: zone(b, "America/New_York"), Enabled: true, LastDay: "2026-03-07"}
	now := utc(b, "2026-03-08T06:00:00Z")
	for b.Loop() {
		schedule.Due(s, now)
		schedule.Next(s, now)
	}
}
