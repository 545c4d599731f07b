package config

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"sitrep/internal/invalid"
	"sitrep/schedule"
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
		return "", invalid.Value(ErrInvalidSnowflake, " %q: want 17 to 20 digits (in Discord, turn on Developer Mode and use Copy ID)", invalid.Clip(id))
	}
	if _, err := strconv.ParseUint(id, 10, 64); err != nil {
		return "", invalid.Value(ErrInvalidSnowflake, " %q: too large for a Discord id", id)
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
