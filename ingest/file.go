package ingest

import (
	"bytes"
	"fmt"
	"mime"
	"net/http"
	"path"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding/unicode"
)

// kind is how a body is read.
type kind int

const (
	kindUnknown kind = iota
	kindHTML
	kindText
	kindMarkdown
)

// kindOfMediaType maps a Content-Type to a kind; anything that is not
// HTML, plain text or markdown is kindUnknown.
func kindOfMediaType(contentType string) kind {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return kindUnknown
	}
	switch mt {
	case "text/html", "application/xhtml+xml":
		return kindHTML
	case "text/plain":
		return kindText
	case "text/markdown", "text/x-markdown":
		return kindMarkdown
	}
	return kindUnknown
}

// kindOfName maps a file extension to a kind.
func kindOfName(name string) kind {
	switch strings.ToLower(path.Ext(name)) {
	case ".html", ".htm", ".xhtml":
		return kindHTML
	case ".txt", ".text":
		return kindText
	case ".md", ".markdown":
		return kindMarkdown
	}
	return kindUnknown
}

// FromFile reads an uploaded or pasted article. The kind comes from the
// name's extension (.txt, .md, .markdown, .html, .htm) or else from
// contentType (text/plain, text/markdown, text/html; a charset parameter
// is honoured). HTML is extracted as by FromHTML. Plain text keeps its
// paragraphs: lines are joined when a line ends mid-sentence (hard
// wrapping), a short first line followed by a blank line is the title.
// Markdown loses its formatting marks only where that is unambiguous
// (emphasis, links, images, code spans, list and quote markers); its
// first "# " heading is the title and other headings are dropped. Without
// a heading the title is the file name without its extension.
//
// Text must be UTF-8 (a UTF-8 or UTF-16 byte-order mark, or a declared
// charset, is also accepted); otherwise ErrEncoding, because guessing the
// encoding could change the quotes. It returns ErrContentType for other
// types or binary content, and ErrNoText for an empty file.
func FromFile(name, contentType string, body []byte) (Article, error) {
	k := kindOfName(name)
	if k == kindUnknown {
		k = kindOfMediaType(contentType)
	}
	what := firstNonEmpty(collapse(name), "the text")
	if k == kindUnknown {
		shown := contentType
		if shown == "" {
			shown = "an unknown type"
		}
		return Article{}, &refusal{
			msg: fmt.Sprintf("refused: %s is %s; upload a .txt, .md or .html file", what, shown),
			err: ErrContentType,
		}
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return Article{}, &refusal{msg: fmt.Sprintf("%s is empty", what), err: ErrNoText}
	}
	if sniffed := http.DetectContentType(body); !strings.HasPrefix(sniffed, "text/") {
		return Article{}, &refusal{
			msg: fmt.Sprintf("refused: %s looks like binary data (%s), not text", what, strings.Split(sniffed, ";")[0]),
			err: ErrContentType,
		}
	}
	if kindOfMediaType(contentType) != k {
		contentType = "" // a charset declared for another type says nothing about this body
	}
	if k == kindHTML {
		a, err := extractHTML(body, contentType, "")
		if err != nil {
			return Article{}, err
		}
		if a.Title == "" {
			a.Title = baseName(name)
		}
		return a, nil
	}
	return textArticle(name, k, body, contentType)
}

// textArticle reads a plain text or markdown body.
func textArticle(name string, k kind, body []byte, contentType string) (Article, error) {
	what := firstNonEmpty(collapse(name), "the text")
	text, err := decodeText(body, contentType)
	if err != nil {
		return Article{}, &refusal{
			msg: fmt.Sprintf("%s is not UTF-8 text; save it as UTF-8 and try again", what),
			err: ErrEncoding,
		}
	}
	lines := strings.Split(strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n"), "\n")
	var a Article
	var paras []string
	if k == kindMarkdown {
		a.Title, a.Published, paras = readMarkdown(lines)
	} else {
		a.Title, paras = readPlainText(lines)
	}
	if a.Title == "" {
		a.Title = baseName(name)
	}
	a.Text = strings.Join(paras, "\n")
	a = a.clean()
	if a.Text == "" {
		return Article{}, &refusal{msg: fmt.Sprintf("no article text found in %s", what), err: ErrNoText}
	}
	return a, nil
}

// decodeText returns body as UTF-8: after a byte-order mark, in a declared
// charset, or as is when it is valid UTF-8.
func decodeText(body []byte, contentType string) (string, error) {
	switch {
	case bytes.HasPrefix(body, utf8BOM):
		body = body[len(utf8BOM):]
	case bytes.HasPrefix(body, []byte{0xFF, 0xFE}), bytes.HasPrefix(body, []byte{0xFE, 0xFF}):
		out, err := unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder().Bytes(body)
		return string(out), err
	default:
		if _, params, err := mime.ParseMediaType(contentType); err == nil && params["charset"] != "" {
			if enc, name := charset.Lookup(params["charset"]); enc != nil && name != "utf-8" {
				out, err := enc.NewDecoder().Bytes(body)
				return string(out), err
			}
		}
	}
	if !utf8.Valid(body) {
		return "", ErrEncoding
	}
	return string(body), nil
}

// readPlainText splits text into paragraphs. Blank lines always end a
// paragraph; a line break ends one only after sentence-ending punctuation,
// so hard-wrapped text is rejoined and one-paragraph-per-line text is not.
func readPlainText(lines []string) (title string, paras []string) {
	first := 0
	for first < len(lines) && strings.TrimSpace(lines[first]) == "" {
		first++
	}
	if first+1 < len(lines) && strings.TrimSpace(lines[first+1]) == "" {
		if t := collapse(lines[first]); len(t) <= 150 && !endsSentence(t) && hasTextAfter(lines[first+1:]) {
			title, lines = t, lines[first+1:]
		}
	}
	var cur []string
	for _, l := range lines {
		l = collapse(l)
		switch {
		case l == "":
			paras, cur = appendPara(paras, cur), nil
		case len(cur) > 0 && endsSentence(cur[len(cur)-1]):
			paras, cur = appendPara(paras, cur), []string{l}
		default:
			cur = append(cur, l)
		}
	}
	return title, appendPara(paras, cur)
}

func hasTextAfter(lines []string) bool {
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			return true
		}
	}
	return false
}

func endsSentence(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return strings.ContainsRune(`.!?…:;"'”’)]»`, r)
}

func appendPara(paras, lines []string) []string {
	if p := strings.Join(lines, " "); p != "" {
		return append(paras, p)
	}
	return paras
}

var (
	mdHeading   = regexp.MustCompile(`^ {0,3}(#{1,6})(?:\s+(.*?))?(?:\s+#+)?\s*$`)
	mdListItem  = regexp.MustCompile(`^\s{0,8}(?:[-*+]|\d{1,9}[.)])\s+`)
	mdQuote     = regexp.MustCompile(`^\s{0,3}(?:>\s?)+`)
	mdRefDef    = regexp.MustCompile(`^\s{0,3}\[[^\]]+\]:\s*\S+`)
	mdFence     = regexp.MustCompile("^\\s{0,3}(```|~~~)")
	mdTableRule = regexp.MustCompile(`^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$`)

	mdImage     = regexp.MustCompile(`!\[[^\]]*\]\([^)]*\)`)
	mdLink      = regexp.MustCompile(`\[([^\]]+)\]\([^)\s]*(?:\s+"[^"]*")?\)`)
	mdRefLink   = regexp.MustCompile(`\[([^\]]+)\]\[[^\]]*\]`)
	mdAutolink  = regexp.MustCompile(`<(https?://[^>\s]+)>`)
	mdCode      = regexp.MustCompile("`([^`]+)`")
	mdStrong    = regexp.MustCompile(`(^|[\s(\["'“‘])(\*\*|__)(\S(?:.*?\S)?)(\*\*|__)($|[\s)\]"'”’.,;:!?])`)
	mdEmphasis  = regexp.MustCompile(`(^|[\s(\["'“‘])([*_])(\S(?:.*?\S)?)([*_])($|[\s)\]"'”’.,;:!?])`)
	mdStrike    = regexp.MustCompile(`~~(\S(?:.*?\S)?)~~`)
	mdEscape    = regexp.MustCompile("\\\\([\\\\`*_{}\\[\\]()#+\\-.!>~|])")
	escapeStart = '\uE000' // private-use runes stand in for escaped characters
)

// readMarkdown turns simple markdown into paragraphs. It reads a leading
// front matter block for title and date.
func readMarkdown(lines []string) (title, published string, paras []string) {
	lines, title, published = frontMatter(lines)
	var cur []string
	inFence := false
	end := func() { paras, cur = appendPara(paras, cur), nil }
	for _, l := range lines {
		if mdFence.MatchString(l) {
			end()
			inFence = !inFence
			continue
		}
		if inFence {
			// Code is kept verbatim, one line each: it has no paragraphs.
			paras = appendPara(paras, []string{collapse(l)})
			continue
		}
		l = mdQuote.ReplaceAllString(l, "")
		trimmed := strings.TrimSpace(l)
		switch {
		case trimmed == "":
			end()
		case mdHeading.MatchString(l):
			end()
			m := mdHeading.FindStringSubmatch(l)
			if m[1] == "#" && title == "" {
				title = inlineMarkdown(m[2])
			}
		case isRule(trimmed, '='):
			// Setext heading: the paragraph above was a heading.
			if title == "" {
				title = inlineMarkdown(strings.Join(cur, " "))
			}
			cur = nil
		case isRule(trimmed, '-'):
			if len(cur) == 0 { // a thematic break, not a heading underline
				continue
			}
			cur = nil
		case isRule(trimmed, '*') || isRule(trimmed, '_') || mdTableRule.MatchString(trimmed) || mdRefDef.MatchString(l):
			end()
		case mdListItem.MatchString(l):
			end()
			cur = append(cur, inlineMarkdown(mdListItem.ReplaceAllString(l, "")))
		default:
			cur = append(cur, inlineMarkdown(trimmed))
		}
	}
	end()
	return title, published, paras
}

// frontMatter strips a leading "---" block and reads its title and date.
func frontMatter(lines []string) (rest []string, title, published string) {
	if len(lines) == 0 || strings.TrimSpace(lines[0]) != "---" {
		return lines, "", ""
	}
	for i := 1; i < len(lines) && i < 60; i++ {
		l := strings.TrimSpace(lines[i])
		if l == "---" || l == "..." {
			return lines[i+1:], title, published
		}
		key, val, ok := strings.Cut(l, ":")
		if !ok {
			continue
		}
		val = strings.Trim(strings.TrimSpace(val), `"'`)
		switch strings.ToLower(strings.TrimSpace(key)) {
		case "title":
			title = collapse(val)
		case "date", "published":
			published = normaliseDate(val)
		}
	}
	return lines, "", "" // no closing line: not front matter
}

// isRule reports whether s is three or more of c, optionally spaced.
func isRule(s string, c rune) bool {
	n := 0
	for _, r := range s {
		switch r {
		case c:
			n++
		case ' ', '\t':
		default:
			return false
		}
	}
	return n >= 3
}

// inlineMarkdown removes inline formatting marks, keeping the words.
func inlineMarkdown(s string) string {
	escaped := map[rune]string{}
	next := escapeStart
	s = mdEscape.ReplaceAllStringFunc(s, func(m string) string {
		if next > '\uF8FF' { // out of private-use runes: keep the rest as written
			return m
		}
		r := next
		next++
		escaped[r] = m[1:]
		return string(r)
	})
	s = mdImage.ReplaceAllString(s, "")
	s = mdLink.ReplaceAllString(s, "$1")
	s = mdRefLink.ReplaceAllString(s, "$1")
	s = mdAutolink.ReplaceAllString(s, "$1")
	s = mdCode.ReplaceAllString(s, "$1")
	s = replaceEmphasis(mdStrong, s)
	s = replaceEmphasis(mdEmphasis, s)
	s = mdStrike.ReplaceAllString(s, "$1")
	if len(escaped) > 0 {
		s = strings.NewReplacer(escapedPairs(escaped)...).Replace(s)
	}
	return collapse(s)
}

// replaceEmphasis strips matching emphasis markers that sit at word
// boundaries, so snake_case and "2 * 3 * 4" stay as written.
func replaceEmphasis(re *regexp.Regexp, s string) string {
	for range 3 { // nested emphasis: "***both***"
		out := re.ReplaceAllStringFunc(s, func(m string) string {
			p := re.FindStringSubmatch(m)
			if p[2] != p[4] {
				return m
			}
			return p[1] + p[3] + p[5]
		})
		if out == s {
			break
		}
		s = out
	}
	return s
}

func escapedPairs(escaped map[rune]string) []string {
	pairs := make([]string, 0, 2*len(escaped))
	for r, v := range escaped {
		pairs = append(pairs, string(r), v)
	}
	return pairs
}

// baseName is a file name without directory and extension.
func baseName(name string) string {
	b := path.Base(strings.ReplaceAll(name, `\`, "/"))
	if b == "." || b == "/" {
		return ""
	}
	return collapse(strings.TrimSuffix(b, path.Ext(b)))
}
