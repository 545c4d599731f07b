package search

import (
	"strings"
	"unicode/utf8"
)

// Clip cuts s to at most n characters (runes) on a rune boundary, ending
// with "…" when it cut; invalid UTF-8 is replaced first. It is the one
// display clip of the repository: stored titles and outlets, and every
// text the bot shows.
func Clip(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n <= 0 {
		return ""
	}
	keep := n - 1
	i := 0
	for j := range s {
		if keep == 0 {
			i = j
			break
		}
		keep--
	}
	return s[:i] + "…"
}
