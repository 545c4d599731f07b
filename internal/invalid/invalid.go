// Package invalid is the error for a value that does not parse, shared by
// config and schedule: it wraps a sentinel, says what was given and
// what is wanted, and reads as a sentence a moderator can act on.
package invalid

import (
	"fmt"
	"strings"

	"sitrep/internal/textclip"
)

// Value returns an error wrapping sentinel whose message is the
// sentinel's, then the formatted detail (" %q: use HH:MM").
func Value(sentinel error, format string, args ...any) error {
	return &valueError{sentinel: sentinel, detail: fmt.Sprintf(format, args...)}
}

type valueError struct {
	sentinel error
	detail   string
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

// Clip shortens a value quoted back in an error to 40 runes, so a pasted
// essay does not flood the log.
func Clip(s string) string {
	if cut := textclip.Runes(s, 40); cut != s {
		return cut + "…"
	}
	return s
}
