package config

import (
	"errors"
	"fmt"
	"sitrep/bot/schedule"
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
	// ErrInvalidClock is wrapped by every error ParseClock returns; it is
	// schedule.ErrInvalidTimeOfDay.
	ErrInvalidClock = schedule.ErrInvalidTimeOfDay
	// ErrInvalidTimezone is wrapped by every error ParseTimezone returns;
	// it is schedule.ErrInvalidTimezone.
	ErrInvalidTimezone = schedule.ErrInvalidTimezone
	// ErrInvalidSnowflake is wrapped by every error ParseSnowflake returns.
	ErrInvalidSnowflake = errors.New("invalid Discord id")
)

// Clock is a time of day for the daily digest. The schedule package owns
// the type (and its text form, "HH:MM"); config names it because
// SITREP_DIGEST_TIME is one.
type Clock = schedule.TimeOfDay

// ParseClock parses a 24-hour time of day written "HH:MM" or "H:MM"; see
// schedule.ParseTimeOfDay. The error wraps ErrInvalidClock.
func ParseClock(s string) (Clock, error) { return schedule.ParseTimeOfDay(s) }

// ParseTimezone returns the location for an IANA timezone name such as
// "Europe/London"; see schedule.ParseZone, which says what it rejects. The
// error wraps ErrInvalidTimezone.
func ParseTimezone(s string) (*time.Location, error) {
	z, err := schedule.ParseZone(s)
	if err != nil {
		return nil, err
	}
	return z.Location(), nil
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
