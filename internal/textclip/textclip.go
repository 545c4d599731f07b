// Package textclip cuts text down to a budget without breaking a
// character: to a number of bytes (what a limit in bytes allows), to a
// number of characters (keys and quoted values), or onto one line. It
// adds no mark of its own except where a function says so; search.Clip
// is the display clip that ends with "…".
package textclip

import (
	"strings"
	"unicode/utf8"
)

// Bytes cuts s to at most n bytes on a rune boundary.
func Bytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Runes cuts s to at most n runes, with no mark where it cut.
func Runes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}

// OneLine folds every run of white space, newlines included, into one
// space and trims the ends.
func OneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
