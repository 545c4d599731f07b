package attrib

import (
	"unicode"
	"unicode/utf8"
)

// tok is a word or a punctuation mark of one sentence.
type tok struct {
	s     string
	word  bool
	quote bool // inside a quotation (or a quotation mark itself)
}

// tokenize cuts a sentence into words (keeping "Iran's", "state-run" and
// "U.S" whole) and single punctuation marks.
func tokenize(s string) []tok {
	toks := make([]tok, 0, len(s)/5)
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			i += n
			continue
		}
		if !isWordRune(r) {
			toks = append(toks, tok{s: s[i : i+n]})
			i += n
			continue
		}
		j := i + n
		for j < len(s) {
			r, n := utf8.DecodeRuneInString(s[j:])
			if isWordRune(r) {
				j += n
				continue
			}
			// Joiners inside a word: apostrophes, hyphens, dots of "U.S".
			if r == '\'' || r == '’' || r == '-' || r == '.' {
				next, _ := utf8.DecodeRuneInString(s[j+n:])
				if j+n < len(s) && isWordRune(next) {
					j += n
					continue
				}
			}
			// A plural possessive: "the correspondents' club".
			if (r == '\'' || r == '’') && s[j-1] == 's' && j+n+1 < len(s) && s[j+n] == ' ' {
				next, _ := utf8.DecodeRuneInString(s[j+n+1:])
				if unicode.IsLower(next) {
					j += n
				}
			}
			break
		}
		toks = append(toks, tok{s: s[i:j], word: true})
		i = j
	}
	return toks
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// markQuotes sets tok.quote for the tokens inside quotation marks,
// starting at the given depth, and returns the depth at the end.
func markQuotes(toks []tok, depth int) int {
	for i := range toks {
		t := &toks[i]
		if t.word {
			t.quote = depth > 0
			continue
		}
		switch t.s {
		case "“", "‘":
			depth++
			t.quote = true
		case "”":
			t.quote = true
			depth = max(depth-1, 0)
		case "’":
			if depth > 0 {
				t.quote = true
				depth--
			}
		case "\"":
			t.quote = true
			// A straight quote opens after a space or at the start and
			// closes after a word or punctuation.
			if i == 0 {
				depth = 1 // a sentence that begins with a quotation mark opens one
			} else if depth > 0 && (toks[i-1].word || !isOpeningContext(toks, i)) {
				depth--
			} else {
				depth++
			}
		default:
			t.quote = depth > 0
		}
	}
	return depth
}

func isOpeningContext(toks []tok, i int) bool {
	prev := toks[i-1].s
	return prev == "(" || prev == ":" || prev == "“" || prev == "‘"
}

func isQuoteMark(t tok) bool {
	switch t.s {
	case "\"", "“", "”", "‘", "’", "'":
		return true
	}
	return false
}
