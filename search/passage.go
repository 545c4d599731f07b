package search

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/neurosnap/sentences"
	"github.com/neurosnap/sentences/english"
)

// Span is the byte range [Start, End) of one passage (a sentence) in its
// source's text. Quotes are always cut from the text by spans, so they are
// verbatim.
type Span struct {
	Start int `json:"s"`
	End   int `json:"e"`
}

// maxSentenceBytes bounds a single passage: a "sentence" longer than this is
// usually a table or a run-on list, and would make a useless quote.
const maxSentenceBytes = 1500

var (
	tokenizerOnce sync.Once
	tokenizer     *sentences.DefaultSentenceTokenizer
	tokenizerErr  error
)

// sentenceTokenizer builds the punkt model once; it is read-only afterwards
// and safe for concurrent use.
func sentenceTokenizer() (*sentences.DefaultSentenceTokenizer, error) {
	tokenizerOnce.Do(func() {
		tokenizer, tokenizerErr = english.NewSentenceTokenizer(nil)
	})
	return tokenizer, tokenizerErr
}

// Split cuts text into sentence spans. Paragraphs (lines) never share a
// sentence; abbreviations such as "U.S." and "Mr." and quotations do not end
// a sentence early. Spans exclude surrounding white space, and every span
// holds at least one letter or digit.
func Split(text string) []Span {
	tok, err := sentenceTokenizer()
	if err != nil {
		// The model is embedded in the module; failing to load it is a
		// build problem, not an input problem. Fall back to paragraphs.
		tok = nil
	}
	var spans []Span
	offset := 0
	for offset <= len(text) {
		end := strings.IndexByte(text[offset:], '\n')
		if end < 0 {
			end = len(text) - offset
		}
		para := text[offset : offset+end]
		if tok != nil && strings.TrimSpace(para) != "" {
			for _, s := range tok.Tokenize(para) {
				for _, sp := range splitAfterNumbers(para, Span{s.Start, s.End}) {
					spans = appendSpan(spans, text, offset+sp.Start, offset+sp.End)
				}
			}
		} else {
			spans = appendSpan(spans, text, offset, offset+end)
		}
		offset += end + 1
	}
	return spans
}

// splitAfterNumbers repairs punkt's one blind spot seen on news text: a
// sentence ending in a number ("… to Albania in 2013. The group …") is not
// split, because punkt treats numbers like abbreviations.
func splitAfterNumbers(para string, sp Span) []Span {
	var out []Span
	start := sp.Start
	for i := sp.Start + 1; i < sp.End-2; i++ {
		if para[i] != '.' || !isDigit(para[i-1]) || para[i+1] != ' ' {
			continue
		}
		// The number must be a whole token of 2+ digits (a year, a count),
		// not "No. 5." or a decimal.
		j := i - 1
		for j > start && isDigit(para[j-1]) {
			j--
		}
		if i-j < 2 || (j > start && para[j-1] != ' ') {
			continue
		}
		k := i + 1
		for k < sp.End && para[k] == ' ' {
			k++
		}
		r, _ := utf8.DecodeRuneInString(para[k:sp.End])
		if r == '"' || r == '“' || r == '\'' || r == '‘' {
			next, _ := utf8.DecodeRuneInString(para[k+utf8.RuneLen(r) : sp.End])
			r = next
		}
		if !unicode.IsUpper(r) {
			continue
		}
		out = append(out, Span{start, i + 1})
		start = k
	}
	return append(out, Span{start, sp.End})
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// appendSpan trims white space around [start, end) and appends it when it
// holds a letter or digit, cutting overlong runs at a word boundary.
func appendSpan(spans []Span, text string, start, end int) []Span {
	for start < end {
		r, n := utf8.DecodeRuneInString(text[start:end])
		if !unicode.IsSpace(r) {
			break
		}
		start += n
	}
	for end > start {
		r, n := utf8.DecodeLastRuneInString(text[start:end])
		if !unicode.IsSpace(r) {
			break
		}
		end -= n
	}
	if end-start > maxSentenceBytes {
		cut := strings.LastIndexByte(text[start:start+maxSentenceBytes], ' ')
		if cut <= 0 {
			cut = maxSentenceBytes
			for cut > 0 && !utf8.RuneStart(text[start+cut]) {
				cut--
			}
		}
		spans = appendSpan(spans, text, start, start+cut)
		return appendSpan(spans, text, start+cut, end)
	}
	if strings.IndexFunc(text[start:end], func(r rune) bool {
		return unicode.IsLetter(r) || unicode.IsDigit(r)
	}) < 0 {
		return spans
	}
	return append(spans, Span{start, end})
}
