package search

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxTextBytes bounds a source's text. Longer texts are refused with
// ErrTooLarge rather than silently cut: a quote from a truncated article
// could mislead.
const MaxTextBytes = 5 << 20

// SharedScope is the scope of the seed articles and of the CLI: every guild
// sees its sources.
const SharedScope = ""

// Source is one article in the library.
type Source struct {
	ID        string    `json:"id"`
	Scope     string    `json:"scope,omitempty"` // guild id, or SharedScope
	Title     string    `json:"title"`
	Outlet    string    `json:"outlet,omitempty"`
	URL       string    `json:"url,omitempty"`
	Published string    `json:"published,omitempty"` // YYYY-MM-DD, or "" when unknown
	AddedBy   string    `json:"added_by,omitempty"`
	AddedAt   time.Time `json:"added_at"`
	Hash      string    `json:"hash"`           // sha256 of the normalised text
	Text      string    `json:"text,omitempty"` // empty in listings
	Sentences int       `json:"sentences"`      // passage count
	// Version counts the texts the source has had: 1 (or 0, from before
	// versions) until an outlet's update of the article is stored, when
	// UpdatedAt says when that version was fetched.
	Version   int       `json:"version,omitempty"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
	// Superseded is set on an earlier version kept so that what was said
	// then stays answerable (see Library.Update).
	Superseded *Superseded `json:"superseded,omitempty"`
}

// Superseded says which version replaced an earlier version of a source,
// and when.
type Superseded struct {
	At time.Time `json:"at"`
	// By is the version that replaced it; Current the id of the source,
	// whose text is the latest version.
	By      int    `json:"by_version"`
	Current string `json:"current_id"`
}

// Ref is what a quote says of its source.
type Ref struct {
	ID        string `json:"id"`
	Title     string `json:"title"`
	Outlet    string `json:"outlet"`
	URL       string `json:"url"`
	Published string `json:"published"`
	// superseded travels with the citation so that a quote from an
	// earlier version is marked as such (Quote.Superseded).
	superseded *Superseded
}

// Ref returns the citation fields of s.
func (s Source) Ref() Ref {
	return Ref{ID: s.ID, Title: s.Title, Outlet: s.Outlet, URL: s.URL, Published: s.Published, superseded: s.Superseded}
}

var (
	idPattern   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$`)
	datePattern = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
)

// normalize validates s and fills what derives from its text: the hash, a
// title when none is given, and an id when none is given. It returns the
// source's sentence spans.
func (s *Source) normalize() ([]Span, error) {
	if !utf8.ValidString(s.Text) {
		return nil, invalidf("The text is not valid UTF-8")
	}
	s.Text = strings.ReplaceAll(strings.ReplaceAll(s.Text, "\r\n", "\n"), "\x00", "")
	if len(s.Text) > MaxTextBytes {
		return nil, fmt.Errorf("%w: %d bytes, at most %d", ErrTooLarge, len(s.Text), MaxTextBytes)
	}
	spans := Split(s.Text)
	if len(spans) == 0 {
		return nil, ErrEmptyText
	}
	for _, f := range []*string{&s.ID, &s.Title, &s.Outlet, &s.URL, &s.Published, &s.AddedBy} {
		if !utf8.ValidString(*f) {
			return nil, invalidf("A field is not valid UTF-8")
		}
		*f = strings.TrimSpace(strings.ReplaceAll(*f, "\x00", ""))
	}
	s.URL = withoutCredentials(s.URL)
	if s.Published != "" {
		if !datePattern.MatchString(s.Published) {
			return nil, invalidf("Date published %q is not YYYY-MM-DD", s.Published)
		}
		if _, err := time.Parse(time.DateOnly, s.Published); err != nil {
			return nil, invalidf("Date published %q is not a date", s.Published)
		}
	}
	sum := sha256.Sum256([]byte(strings.Join(strings.Fields(s.Text), " ")))
	s.Hash = hex.EncodeToString(sum[:])
	if s.ID == "" {
		// Content-derived, so the same article re-added in the same scope
		// gets the same id; short enough to type in /source remove.
		id := sha256.Sum256([]byte(s.Scope + "\x00" + s.Hash))
		s.ID = hex.EncodeToString(id[:5])
	} else if !idPattern.MatchString(s.ID) {
		return nil, invalidf("The id %q may hold only letters, digits and . _ : - (at most 128)", Clip(s.ID, 40))
	}
	if s.Title == "" {
		first := s.Text[spans[0].Start:spans[0].End]
		s.Title = Clip(first, 90)
	}
	s.Title = Clip(s.Title, 250)
	s.Outlet = Clip(s.Outlet, 120)
	s.Sentences = len(spans)
	return spans, nil
}

// withoutCredentials removes a user:password@ part from a link: a source's
// link is shown to everyone who reads its quotes.
func withoutCredentials(link string) string {
	if !strings.Contains(link, "@") {
		return link
	}
	u, err := url.Parse(link)
	if err != nil || u.User == nil {
		return link
	}
	u.User = nil
	return u.String()
}
