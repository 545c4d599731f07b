// Package schedule decides when each server's daily digest is due and runs
// the loop that posts it. It knows nothing of Discord: the bot supplies a
// Poster (render and post) and a Store (settings and the last posted day),
// and a Clock so tests can move time across midnight and daylight-saving
// changes.
//
// The rules, from the issue that asked for the digest:
//   - exactly one digest per LOCAL day per server, at the wall-clock time its
//     moderators chose, in their IANA timezone;
//   - the time stays at that wall-clock time across daylight-saving changes;
//     a time that does not exist on a spring-forward day (02:30 in New York on
//     2026-03-08) is due at the next valid minute (03:00 EDT); a time that
//     happens twice on a fall-back day is due at its first occurrence only;
//   - if the bot was down at the scheduled time it posts once when it comes
//     back the same local day; days missed entirely are not posted late, so
//     three days of downtime give one post, not three;
//   - a failed post is retried with backoff until the local day ends.
package schedule

import (
	"time"
)

// DayLayout is the layout of a local day as Settings.LastDay and Poster see
// it: "2006-01-02". Days in this layout sort as strings.
const DayLayout = "2006-01-02"

// Settings is one server's digest schedule, as the Store returns it.
type Settings struct {
	// GuildID is the server's id.
	GuildID string
	// ChannelID is where the digest goes; "" means no digest.
	ChannelID string
	// Time is the local wall-clock time of day the digest is due.
	Time TimeOfDay
	// Location is the server's timezone; nil means no digest.
	Location *time.Location
	// Enabled is false when moderators turned the digest off.
	Enabled bool
	// LastDay is the last local day (DayLayout) a digest was posted for,
	// or "" if never. A value that is not a DayLayout date counts as "".
	LastDay string
}

// active reports whether the settings describe a digest that can be posted.
func (s Settings) active() bool {
	return s.Enabled && s.ChannelID != "" && s.Location != nil && s.Time.Valid()
}

// lastDay returns LastDay as a date, and false when it is empty or malformed
// (treated as never posted, so a corrupt value cannot silence the digest).
func (s Settings) lastDay() (time.Time, bool) {
	if s.LastDay == "" {
		return time.Time{}, false
	}
	d, err := time.Parse(DayLayout, s.LastDay)
	if err != nil {
		return time.Time{}, false
	}
	return d, true
}

// date is a civil date; time.Time in UTC at midnight keeps the arithmetic
// (AddDate, comparisons) simple and free of any zone's transitions.
type date = time.Time

func civil(y int, m time.Month, d int) date { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func localDate(t time.Time, loc *time.Location) date {
	y, m, d := t.In(loc).Date()
	return civil(y, m, d)
}

// Due reports whether a digest should be posted at now, and for which local
// day (DayLayout). It is due when the digest is enabled, today's local day
// is after LastDay, and now is at or past today's scheduled instant (see
// ScheduledAt). Days before today are never due: a server whose bot was
// down gets today's digest, not a backlog.
func Due(s Settings, now time.Time) (due bool, day string) {
	if !s.active() {
		return false, ""
	}
	today := localDate(now, s.Location)
	day = today.Format(DayLayout)
	if last, ok := s.lastDay(); ok && !today.After(last) {
		return false, day
	}
	at, ok := ScheduledAt(s.Time, s.Location, today.Year(), today.Month(), today.Day())
	if !ok {
		return false, day
	}
	return !now.Before(at), day
}

// Next returns the first scheduled instant strictly after now for a local
// day not yet posted (after LastDay). When a digest is due at now, Next is
// the following day's instant: the caller posts first and sleeps after.
// It returns the zero time when the digest is disabled or incomplete (no
// channel, no location), or when no instant is found within the next days
// (a zone that skips whole days would need that).
func Next(s Settings, now time.Time) time.Time {
	if !s.active() {
		return time.Time{}
	}
	start := localDate(now, s.Location)
	if last, ok := s.lastDay(); ok && !start.After(last) {
		start = last.AddDate(0, 0, 1)
	}
	// A week covers every real zone: at most one day is ever skipped whole.
	for i := range 7 {
		d := start.AddDate(0, 0, i)
		at, ok := ScheduledAt(s.Time, s.Location, d.Year(), d.Month(), d.Day())
		if ok && at.After(now) {
			return at
		}
	}
	return time.Time{}
}

// ScheduledAt returns the instant the wall-clock time c falls on the local
// day y-m-d in loc. When c happens twice that day (clocks fall back) it is
// the first occurrence. When c does not exist that day (clocks spring
// forward over it) it is the first instant after the gap, i.e. the next
// valid minute: 02:30 in America/New_York on 2026-03-08 gives 03:00 EDT.
// ok is false when no instant of that local day is at or after c (only
// possible when a zone skips the rest of the day).
//
// time.Date is not used directly because it leaves both cases unspecified,
// and in practice gets them wrong for us: 02:30 in New York on 2026-03-08
// comes back as 01:30 EST (an hour early), 01:30 in London on 2026-10-25 as
// the second occurrence, and 00:30 in Santiago on 2026-09-06 (clocks jump
// from midnight to 01:00) as 23:30 the day before.
func ScheduledAt(c TimeOfDay, loc *time.Location, y int, m time.Month, d int) (at time.Time, ok bool) {
	// wall is the wanted wall-clock reading as seconds, in the same frame as
	// unix+offset; an instant u shows this reading iff u+offset(u) == wall.
	wall := time.Date(y, m, d, c.Hour, c.Minute, 0, 0, time.UTC).Unix()
	offset := func(u int64) int64 {
		_, off := time.Unix(u, 0).In(loc).Zone()
		return int64(off)
	}
	// Every offset (and transition) in force within a day and a bit of the
	// reading; real offsets are within ±26h of UTC.
	const span = 26 * 3600
	var offsets, transitions []int64
	for u, i := wall-span, 0; i < 16; i++ {
		t := time.Unix(u, 0).In(loc)
		_, off := t.Zone()
		offsets = append(offsets, int64(off))
		_, end := t.ZoneBounds()
		if end.IsZero() || end.Unix() > wall+span {
			break
		}
		transitions = append(transitions, end.Unix())
		u = end.Unix()
	}
	best, found := int64(0), false
	for _, off := range offsets {
		if u := wall - off; offset(u) == off && (!found || u < best) {
			best, found = u, true
		}
	}
	if !found {
		// In a gap: the transition where the reading jumps over wall.
		for _, tr := range transitions {
			if tr-1+offset(tr-1) < wall && tr+offset(tr) > wall {
				best, found = tr, true
				break
			}
		}
	}
	if !found {
		return time.Time{}, false
	}
	at = time.Unix(best, 0).In(loc)
	if ay, am, ad := at.Date(); ay != y || am != m || ad != d {
		return time.Time{}, false
	}
	return at, true
}

// dayEnd returns the first instant after the local day (DayLayout) in loc,
// the deadline for retrying that day's digest.
func dayEnd(day string, loc *time.Location) time.Time {
	d, err := time.Parse(DayLayout, day)
	if err != nil {
		return time.Time{}
	}
	for i := 1; i <= 3; i++ {
		n := d.AddDate(0, 0, i)
		if at, ok := ScheduledAt(TimeOfDay{}, loc, n.Year(), n.Month(), n.Day()); ok {
			return at
		}
	}
	n := d.AddDate(0, 0, 1)
	return time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, loc)
}
