package schedule

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"sitrep/internal/invalid"
)

// The parse errors are written for people and say what a valid value looks
// like. They carry no package prefix because they are reasons: config.Load
// puts "config: VAR: " before them and the bot shows them to a moderator
// through their UserMessage method (the convention of search.UserError).
var (
	// ErrInvalidTimeOfDay is wrapped by every error ParseTimeOfDay and
	// TimeOfDay.UnmarshalText return.
	ErrInvalidTimeOfDay = errors.New("invalid time of day")
	// ErrInvalidTimezone is wrapped by every error ParseZone returns.
	ErrInvalidTimezone = errors.New("invalid timezone")
)

// TimeOfDay is a time of day on a 24-hour clock, with minute precision, as a
// server's moderators chose it for the daily digest. The zero value is
// midnight; where "not chosen" must differ from midnight, use a *TimeOfDay. It
// carries no timezone: a TimeOfDay is a wall-clock time that the scheduler
// places on each local day.
//
// Its text form, "HH:MM", is how it is stored (JSON included) and shown.
type TimeOfDay struct {
	Hour   int // 0-23
	Minute int // 0-59
}

// String returns the clock as "HH:MM", the form ParseTimeOfDay accepts back.
func (c TimeOfDay) String() string {
	return fmt.Sprintf("%02d:%02d", c.Hour, c.Minute)
}

// Valid reports whether the clock names a real minute of a day (00:00-23:59).
func (c TimeOfDay) Valid() bool {
	return c.Hour >= 0 && c.Hour <= 23 && c.Minute >= 0 && c.Minute <= 59
}

// MarshalText returns the clock as "HH:MM"; it fails, wrapping
// ErrInvalidTimeOfDay, for a clock that is not Valid, so that nothing stores a
// time it could not read back.
func (c TimeOfDay) MarshalText() ([]byte, error) {
	if !c.Valid() {
		return nil, invalid.Value(ErrInvalidTimeOfDay, " %d:%d: the hour must be 00-23 and the minutes 00-59", c.Hour, c.Minute)
	}
	return []byte(c.String()), nil
}

// UnmarshalText reads a clock as ParseTimeOfDay does; the error wraps
// ErrInvalidTimeOfDay.
func (c *TimeOfDay) UnmarshalText(text []byte) error {
	v, err := ParseTimeOfDay(string(text))
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// ParseTimeOfDay parses a 24-hour time of day written "HH:MM" or "H:MM"
// ("09:00", "9:00", "17:30"). Surrounding spaces are ignored. It rejects
// "24:00", "12:60", "9am", "9:0", signs and anything else; the error wraps
// ErrInvalidTimeOfDay and says what is wanted.
func ParseTimeOfDay(s string) (TimeOfDay, error) {
	t := strings.TrimSpace(s)
	hh, mm, ok := strings.Cut(t, ":")
	if !ok || len(hh) < 1 || len(hh) > 2 || len(mm) != 2 || !allDigits(hh) || !allDigits(mm) {
		return TimeOfDay{}, invalid.Value(ErrInvalidTimeOfDay, " %q: use 24-hour HH:MM, e.g. 09:00 or 17:30", t)
	}
	h, _ := strconv.Atoi(hh) // digits only, at most 2: cannot fail
	m, _ := strconv.Atoi(mm)
	if h > 23 {
		return TimeOfDay{}, invalid.Value(ErrInvalidTimeOfDay, " %q: the hour must be 00-23", t)
	}
	if m > 59 {
		return TimeOfDay{}, invalid.Value(ErrInvalidTimeOfDay, " %q: the minutes must be 00-59", t)
	}
	return TimeOfDay{Hour: h, Minute: m}, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// Zone is a server's timezone: an IANA name and, when this host's
// timezone database knows it, its location. The zero value is "no zone
// chosen".
//
// A Zone may name a zone this host does not know: a record written on a
// host with a newer timezone database, or by an older version that checked
// less, must still be read (one bad server must not stop every server's
// digest). Such a Zone keeps its name and has a nil Location, and the
// scheduler posts no digest for it until a moderator picks a zone again.
//
// Its text form is the name ("Europe/London"), how it is stored and shown.
type Zone struct {
	name string
	loc  *time.Location
}

// ZoneOf returns the zone of a location, named as the location names
// itself; nil gives the zero Zone.
func ZoneOf(loc *time.Location) Zone {
	if loc == nil {
		return Zone{}
	}
	return Zone{name: loc.String(), loc: loc}
}

// Name returns the zone's IANA name, or "" for the zero Zone.
func (z Zone) Name() string { return z.name }

// String returns the zone's name, as Name does.
func (z Zone) String() string { return z.name }

// Location returns the zone's location, or nil when no zone is chosen or
// the host's timezone database does not know the name.
func (z Zone) Location() *time.Location { return z.loc }

// IsZero reports whether no zone is chosen.
func (z Zone) IsZero() bool { return z.name == "" }

// MarshalText returns the zone's name ("" for the zero Zone).
func (z Zone) MarshalText() ([]byte, error) { return []byte(z.name), nil }

// UnmarshalText reads a stored zone name. It never fails: "" is the zero
// Zone, a name ParseZone accepts gets its location, and any other name is
// kept with a nil Location (see Zone). To check a name a person typed, use
// ParseZone.
func (z *Zone) UnmarshalText(text []byte) error {
	name := strings.TrimSpace(string(text))
	if name == "" {
		*z = Zone{}
		return nil
	}
	if p, err := ParseZone(name); err == nil {
		*z = p
		return nil
	}
	*z = Zone{name: name}
	return nil
}

// maxZoneLen bounds the names ParseZone looks up; the longest IANA name is
// about 30 bytes.
const maxZoneLen = 64

// ParseZone returns the zone of an IANA timezone name such as
// "Europe/London", "America/New_York" or "UTC". Surrounding spaces are
// ignored. It rejects the empty name and "Local" (which would mean the
// host's zone, not the server's choice), names with characters no IANA name
// has, and names the timezone database does not know; the error wraps
// ErrInvalidTimezone. The database comes from the host or, when the binary
// imports time/tzdata, from the binary itself.
func ParseZone(s string) (Zone, error) {
	name := strings.TrimSpace(s)
	switch {
	case name == "":
		return Zone{}, invalid.Value(ErrInvalidTimezone, ": the name is empty; use an IANA name such as Europe/London or UTC")
	case name == "Local":
		return Zone{}, invalid.Value(ErrInvalidTimezone, " %q: name the zone itself, e.g. Europe/London or UTC", name)
	case len(name) > maxZoneLen || !ianaName(name):
		return Zone{}, invalid.Value(ErrInvalidTimezone, " %q: use an IANA name such as Europe/London or America/New_York", invalid.Clip(name))
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return Zone{}, invalid.Value(ErrInvalidTimezone, " %q: unknown zone; use an IANA name such as Europe/London or America/New_York", name)
	}
	return Zone{name: name, loc: loc}, nil
}

// ianaName reports whether s looks like a zone name: letters, digits, '_',
// '-', '+' in '/'-separated parts, none empty or starting with a dot. This
// keeps file-system tricks ("../", absolute paths) away from LoadLocation.
func ianaName(s string) bool {
	for part := range strings.SplitSeq(s, "/") {
		if part == "" {
			return false
		}
		for _, r := range part {
			ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '+'
			if !ok {
				return false
			}
		}
	}
	return true
}
