package bot

import (
	"net/url"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"sitrep/search"
)

// blockQuote renders text as a Discord block quote with the highlighted
// ranges in bold and everything else escaped, cut (on a rune boundary of
// the original text, so markup stays balanced) to fit limit characters.
func blockQuote(text string, hs []search.Highlight, limit int) string {
	render := func(t string, cut bool) string {
		s := "> " + strings.ReplaceAll(emphasize(t, hs), "\n", "\n> ")
		if cut {
			s += ellipsis
		}
		return s
	}
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	full := render(text, false)
	if runes(full) <= limit {
		return full
	}
	// Binary search the longest prefix (in runes) whose rendering fits.
	offsets := runeOffsets(text)
	lo, hi := 0, len(offsets)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if runes(render(text[:offsets[mid]], true)) <= limit {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return clip(render(text[:offsets[lo]], true), limit)
}

// runeOffsets returns the byte offset of every rune start of s, and len(s).
func runeOffsets(s string) []int {
	out := make([]int, 0, len(s)+1)
	for i := range s {
		out = append(out, i)
	}
	return append(out, len(s))
}

// emphasize escapes text for Discord and wraps the highlighted ranges in
// bold. Ranges are byte offsets into the raw text, so emphasis is placed
// first and each segment is escaped on its own (escaping shifts offsets).
// Invalid, overlapping or mid-rune ranges are ignored; touching ranges are
// merged so "****" never appears.
func emphasize(text string, hs []search.Highlight) string {
	var b strings.Builder
	last := 0
	lineStart := func(i int) bool { return i == 0 || text[i-1] == '\n' }
	for _, h := range cleanHighlights(text, hs) {
		b.WriteString(escapeFrom(text[last:h.Start], lineStart(last)))
		b.WriteString("**" + escapeFrom(text[h.Start:h.End], false) + "**")
		last = h.End
	}
	b.WriteString(escapeFrom(text[last:], lineStart(last)))
	return b.String()
}

// cleanHighlights keeps the usable ranges of hs, sorted and merged, with
// white space trimmed from their ends (Discord does not bold "** x**").
func cleanHighlights(text string, hs []search.Highlight) []search.Highlight {
	var ok []search.Highlight
	for _, h := range hs {
		if h.Start < 0 || h.End > len(text) || h.Start >= h.End ||
			!utf8.RuneStart(text[h.Start]) || (h.End < len(text) && !utf8.RuneStart(text[h.End])) {
			continue
		}
		for h.Start < h.End {
			r, n := utf8.DecodeRuneInString(text[h.Start:h.End])
			if !unicode.IsSpace(r) {
				break
			}
			h.Start += n
		}
		for h.End > h.Start {
			r, n := utf8.DecodeLastRuneInString(text[h.Start:h.End])
			if !unicode.IsSpace(r) {
				break
			}
			h.End -= n
		}
		if h.Start < h.End && !strings.Contains(text[h.Start:h.End], "\n") {
			ok = append(ok, h)
		}
	}
	sort.Slice(ok, func(i, j int) bool { return ok[i].Start < ok[j].Start })
	var out []search.Highlight
	for _, h := range ok {
		if n := len(out); n > 0 && h.Start <= out[n-1].End {
			out[n-1].End = max(out[n-1].End, h.End)
			continue
		}
		out = append(out, h)
	}
	return out
}

// Characters Discord's markdown gives a meaning to: anywhere (emphasis,
// strike, code, spoilers, links, mentions and custom emoji), and only at
// the start of a line (quotes, headings, subtext, lists).
const (
	inlineSpecial    = "\\*_~`|[]()<"
	lineStartSpecial = ">#-+"
)

// escapeMarkdown makes s display verbatim in Discord: every markdown
// character is preceded by a backslash (the line-start ones only at the
// start of a line, so "one-night" stays readable), and invalid UTF-8 is
// replaced. s is taken to start a line.
func escapeMarkdown(s string) string { return escapeFrom(s, true) }

// escapeFrom is escapeMarkdown for a piece of text that starts a line or
// not (lineStart), for escaping the segments between bold ranges.
func escapeFrom(s string, lineStart bool) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(len(s) + 8)
	atStart, dotAt := lineStart, -1
	for i, r := range s {
		switch {
		case strings.ContainsRune(inlineSpecial, r):
			b.WriteByte('\\')
		case atStart && strings.ContainsRune(lineStartSpecial, r):
			b.WriteByte('\\')
		case atStart && r >= '0' && r <= '9':
			// "1. item" is a list: escape the dot after the digits.
			j := i
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			if j < len(s) && s[j] == '.' {
				dotAt = j
			}
		case i == dotAt:
			b.WriteByte('\\')
		}
		b.WriteRune(r)
		switch r {
		case '\n':
			atStart = true
		case ' ', '\t':
		default:
			atStart = false
		}
	}
	return b.String()
}

// linkURL returns u if Discord accepts it as a link (absolute http or
// https, at most 2048 bytes), with parentheses escaped so it can sit in a
// markdown link; "" otherwise.
func linkURL(u string) string {
	if u == "" || len(u) > 2048 || !utf8.ValidString(u) {
		return ""
	}
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return ""
	}
	p.User = nil // never show a link's user:password@
	s := p.String()
	if strings.ContainsAny(s, " ()<>") {
		s = strings.NewReplacer(" ", "%20", "(", "%28", ")", "%29", "<", "%3C", ">", "%3E").Replace(s)
	}
	return s
}
