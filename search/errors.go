package search

import (
	"errors"
	"fmt"
)

// Sentinel errors. Callers test them with errors.Is. Their messages carry
// the package prefix and are for the log: a front end words what each
// means for its users. Words a user may read as they are come as a
// UserError.
var (
	// ErrNotFound: no source with that id in the caller's scope.
	ErrNotFound = errors.New("search: no such source")
	// ErrDuplicate: the same article (same text, or same URL) is already
	// in the library; the error wraps it as a *DuplicateError.
	ErrDuplicate = errors.New("search: source already in the library")
	// ErrEmptyText: a source with no sentence to quote.
	ErrEmptyText = errors.New("search: source has no text")
	// ErrTooLarge: a source text over MaxTextBytes.
	ErrTooLarge = errors.New("search: source text too large")
	// ErrInvalid: a field of a source is malformed (bad id, date, UTF-8…).
	ErrInvalid = errors.New("search: invalid source")
	// ErrClosed: the library was used after Close.
	ErrClosed = errors.New("search: library closed")
	// ErrLocked: another process holds the data directory; the error
	// wraps it as a *LockedError.
	ErrLocked = errors.New("search: data directory held by another process")
)

// LockedError says which data directory another process holds. bbolt lets
// one process open a store file; Open waits LockTimeout for it, then gives
// up with this error instead of hanging.
type LockedError struct {
	Dir string
	// Shared is true when the store is PostgreSQL: then only the index
	// in Dir is held, and each process needs a --data of its own.
	Shared bool
}

func (e *LockedError) Error() string {
	if e.Shared {
		return fmt.Sprintf("search: another Sitrep process holds the index in %s. With the PostgreSQL store "+
			"(SITREP_DATABASE_URL) processes share the library but not an index: give them a --data directory for each process", e.Dir)
	}
	return fmt.Sprintf("search: another Sitrep process holds %s (the embedded bbolt store allows one process per data directory); "+
		"stop that process or use another --data directory. Running more than one process over one library needs "+
		"the PostgreSQL store (SITREP_DATABASE_URL), with a --data directory for each process", e.Dir)
}

// Unwrap makes errors.Is(err, ErrLocked) true.
func (e *LockedError) Unwrap() error { return ErrLocked }

// DuplicateError says which existing source an added one duplicates.
type DuplicateError struct {
	Existing Source // the source already stored (without its text)
	By       string // "text" or "url"
}

func (e *DuplicateError) Error() string {
	return fmt.Sprintf("search: the same %s is already in the library as %s (%q)", e.By, e.Existing.ID, e.Existing.Title)
}

// Unwrap makes errors.Is(err, ErrDuplicate) true.
func (e *DuplicateError) Unwrap() error { return ErrDuplicate }

// UserError is an error whose Message a user may read as it is: a sentence
// without a final full stop, no package prefix, no internals. Err is the
// cause, for errors.Is and the log; Error is the log form. Every error
// meant for a user's eyes in this repository has a UserMessage method in
// this shape (ingest's refusals, config's parse errors): the bot shows
// UserMessage and logs Error, so no caller edits error strings (the
// separation benbjohnson/wtf's error.go makes between Message and cause).
type UserError struct {
	Message string
	Err     error
}

func (e *UserError) Error() string {
	if e.Err == nil {
		return "search: " + e.Message
	}
	return e.Err.Error() + ": " + e.Message
}

// Unwrap returns the cause.
func (e *UserError) Unwrap() error { return e.Err }

// UserMessage returns Message.
func (e *UserError) UserMessage() string { return e.Message }

// invalidf is a validation failure: a UserError wrapping ErrInvalid.
func invalidf(format string, args ...any) error {
	return &UserError{Message: fmt.Sprintf(format, args...), Err: ErrInvalid}
}

func errorf(format string, args ...any) error {
	return fmt.Errorf("search: "+format, args...)
}
