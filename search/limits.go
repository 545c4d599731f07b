package search

import (
	"net/url"
	"strings"
	"unicode"
)

// MaxOffset and MaxLimit bound Query.Offset and Query.Limit (larger ones
// are read as these): ranking retrieves ten times offset+limit
// candidates, so a hand-made paging button with offset 10,000 would cost
// a hundred times a first page.
const (
	MaxOffset = 100
	MaxLimit  = 100
)

// BlankQuestion reports whether q holds nothing to search: only white
// space and invisible formatting characters (zero-width spaces and
// joiners, bidirectional marks and isolates, fillers), which look empty
// to the asker and would be logged as an empty question.
func BlankQuestion(q string) bool {
	return strings.TrimFunc(q, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) || r == 0 ||
			r == '\u2800' || r == '\u3164' || r == '\u115f' || r == '\u1160' || r == '\uffa0' // blank-looking fillers
	}) == ""
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
