package ingest

import (
	"errors"
	"unicode"
	"unicode/utf8"
)

// Sentinel errors. Every error this package returns wraps at most one of
// them, so callers can branch with errors.Is while showing Error() to the
// moderator who asked: the messages say what was refused and why.
var (
	// ErrScheme means the URL is not http or https (ftp://, file://, ...).
	ErrScheme = errors.New("ingest: only http and https links can be added")

	// ErrPrivateAddress means the link, or a redirect it led to, points at
	// a loopback, private, link-local, multicast or otherwise internal
	// address. The check runs when the connection is made, so DNS answers
	// and redirects cannot get around it.
	ErrPrivateAddress = errors.New("ingest: refused private address")

	// ErrTooManyRedirects means the link redirected more than
	// Fetcher.MaxRedirects times.
	ErrTooManyRedirects = errors.New("ingest: too many redirects")

	// ErrTooLarge means the page or file is larger than the limit. Nothing
	// is truncated: a cut article would give cut quotes.
	ErrTooLarge = errors.New("ingest: too large")

	// ErrContentType means the content is not an HTML page or plain text
	// (images, PDFs, archives, unknown file types, binary data).
	ErrContentType = errors.New("ingest: not a web page or text")

	// ErrNoText means extraction found no article text.
	ErrNoText = errors.New("ingest: no article text found")

	// ErrEncoding means a text file is neither UTF-8 nor in a declared
	// charset, so its quotes could not be reproduced faithfully.
	ErrEncoding = errors.New("ingest: text is not valid UTF-8")

	// ErrHTTPStatus means the server answered with a status other than 2xx.
	ErrHTTPStatus = errors.New("ingest: page could not be fetched")
)

// refusals are the sentinels of links and files refused by the rules.
var refusals = []error{ErrScheme, ErrPrivateAddress, ErrTooManyRedirects, ErrTooLarge,
	ErrContentType, ErrNoText, ErrEncoding, ErrHTTPStatus}

// Refused reports whether err is this package refusing a link or file by
// its rules (scheme, address, redirects, size, type, encoding, no text) or
// the site answering with a status other than 2xx, as opposed to the fetch
// failing (a timeout, a lost connection). A refusal is the moderator's to
// fix, not the bot's; its UserMessage says why.
func Refused(err error) bool {
	for _, rule := range refusals {
		if errors.Is(err, rule) {
			return true
		}
	}
	return false
}

// privateHint tells a moderator how to allow intranet sources on purpose.
// The variable itself is read by the config package, never here.
const privateHint = "set SITREP_ALLOW_PRIVATE_URLS=1 for intranet sources"

// refusal is an error with a moderator-facing message that still matches
// its sentinel with errors.Is. It follows search.UserError's convention:
// Error is the log form, with the package prefix; UserMessage is what the
// moderator reads.
type refusal struct {
	msg string // without the package prefix
	err error
}

func (r *refusal) Error() string { return "ingest: " + r.msg }
func (r *refusal) Unwrap() error { return r.err }

// UserMessage returns the refusal as a sentence a moderator can read,
// without a final full stop.
func (r *refusal) UserMessage() string { return upperFirst(r.msg) }

// upperFirst upper-cases the first letter of s.
func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}
