package config

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The parse errors below are written for people and say what a valid value
// looks like. They carry no package prefix because they are reasons: Load
// puts "config: VAR: " before them (VarError). Every error the Parse
// functions return has a UserMessage method, the convention of
// search.UserError, which the bot shows to a moderator.
var (
	// ErrInvalidClock is wrapped by every error ParseClock returns.
	ErrInvalidClock = errors.New("invalid time of day")
	// ErrInvalidTimezone is wrapped by every error ParseTimezone returns.
	ErrInvalidTimezone = errors.New("invalid timezone")
	// ErrInvalidSnowflake is wrapped by every error ParseSnowflake returns.
	ErrInvalidSnowflake = errors.New("invalid Discord id")
)

// Clock is a time of day on a 24-hour clock, with minute precision, as a
// server's moderators chose it for the daily digest. The zero value is
// midnight. It carries no timezone: a Clock is a wall-clock time that the
// scheduler places on each local day.
type Clock struct {
	Hour   int // 0-23
	Minute int // 0-59
}

// String returns the clock as "HH:MM", the form ParseClock accepts back.
func (c Clock) String() string {
	return fmt.Sprintf("%02d:%02d", c.Hour, c.Minute)
}

// Valid reports whether the clock names a real minute of a day (00:00-23:59).
func (c Clock) Valid() bool {
	return c.Hour >= 0 && c.Hour <= 23 && c.Minute >= 0 && c.Minute <= 59
}

// ParseClock parses a 24-hour time of day written "HH:MM" or "H:MM"
// ("09:00", "9:00", "17:30"). Surrounding spaces are ignored. It rejects
// "24:00", "12:60", "9am", "9:0", signs and anything else; the error wraps
// ErrInvalidClock and says what is wanted.
func ParseClock(s string) (Clock, error) {
	t := strings.TrimSpace(s)
	hh, mm, ok := strings.Cut(t, ":")
	if !ok || len(hh) < 1 || len(hh) > 2 || len(mm) != 2 || !allDigits(hh) || !allDigits(mm) {
		return Clock{}, invalidValue(ErrInvalidClock, " %q: use 24-hour HH:MM, e.g. 09:00 or 17:30", t)
	}
	h, _ := strconv.Atoi(hh) // digits only, at most 2: cannot fail
	m, _ := strconv.Atoi(mm)
	if h > 23 {
		return Clock{}, invalidValue(ErrInvalidClock, " %q: the hour must be 00-23", t)
	}
	if m > 59 {
		return Clock{}, invalidValue(ErrInvalidClock, " %q: the minutes must be 00-59", t)
	}
	return Clock{Hour: h, Minute: m}, nil
}

// maxTimezoneLen bounds the names ParseTimezone looks up; the longest IANA
// name is about 30 bytes.
const maxTimezoneLen = 64

// ParseTimezone returns the location for an IANA timezone name such as
// "Europe/London", "America/New_York" or "UTC". Surrounding spaces are
// ignored. It rejects the empty name and "Local" (which would mean the
// host's zone, not the server's choice), names with characters no IANA name
// has, and names the timezone database does not know; the error wraps
// ErrInvalidTimezone. The database comes from the host or, when the binary
// imports time/tzdata, from the binary itself.
func ParseTimezone(s string) (*time.Location, error) {
	name := strings.TrimSpace(s)
	switch {
	case name == "":
		return nil, invalidValue(ErrInvalidTimezone, ": the name is empty; use an IANA name such as Europe/London or UTC")
	case name == "Local":
		return nil, invalidValue(ErrInvalidTimezone, " %q: name the zone itself, e.g. Europe/London or UTC", name)
	case len(name) > maxTimezoneLen || !ianaName(name):
		return nil, invalidValue(ErrInvalidTimezone, " %q: use an IANA name such as Europe/London or America/New_York", clip(name))
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, invalidValue(ErrInvalidTimezone, " %q: unknown zone; use an IANA name such as Europe/London or America/New_York", name)
	}
	return loc, nil
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

// ParseSnowflake checks a Discord id (guild, channel, role, user): 17 to 20
// decimal digits that fit in 64 bits. Surrounding spaces are ignored; the
// returned id has none. The error wraps ErrInvalidSnowflake.
func ParseSnowflake(s string) (string, error) {
	id := strings.TrimSpace(s)
	if len(id) < 17 || len(id) > 20 || !allDigits(id) {
		return "", invalidValue(ErrInvalidSnowflake, " %q: want 17 to 20 digits (in Discord, turn on Developer Mode and use Copy ID)", clip(id))
	}
	if _, err := strconv.ParseUint(id, 10, 64); err != nil {
		return "", invalidValue(ErrInvalidSnowflake, " %q: too large for a Discord id", id)
	}
	return id, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// clip shortens a value quoted back in an error so a pasted essay does not
// flood the log.
func clip(s string) string {
	const limit = 40
	if len(s) <= limit {
		return s
	}
	r := []rune(s)
	if len(r) <= limit {
		return s
	}
	return string(r[:limit]) + "…"
}

// valueError is a value that does not parse: the sentinel it wraps, then
// the detail (what was given, what is wanted).
type valueError struct {
	sentinel error
	detail   string
}

func invalidValue(sentinel error, format string, args ...any) error {
	return &valueError{sentinel: sentinel, detail: fmt.Sprintf(format, args...)}
}

func (e *valueError) Error() string { return e.sentinel.Error() + e.detail }

// Unwrap returns the sentinel.
func (e *valueError) Unwrap() error { return e.sentinel }

// UserMessage returns the error as a sentence a moderator can read, without
// a final full stop; the sentinels start with a lower-case ASCII letter.
func (e *valueError) UserMessage() string {
	msg := e.Error()
	return strings.ToUpper(msg[:1]) + msg[1:]
}
