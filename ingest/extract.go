// Package ingest turns a link, an uploaded file or pasted text into an
// Article ready for the library: it fetches web pages without letting a
// link reach internal services, extracts the main text verbatim, and reads
// title, outlet, canonical URL and publication date from the page's own
// metadata. It knows nothing of Discord or of how the library stores
// articles.
package ingest

import (
	"bytes"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	readability "github.com/go-shiori/go-readability"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
)

// Article is what extraction found in a page or file.
type Article struct {
	// Title is the headline, without a " | Outlet" suffix.
	Title string
	// Outlet is the publisher's name; for web pages without one it is the
	// host name, for files it is empty.
	Outlet string
	// URL is the canonical URL when the page declares one, else the URL
	// the page was finally fetched from; empty for files.
	URL string
	// Published is the publication date as YYYY-MM-DD, or "" when the
	// source does not state one. It is never guessed.
	Published string
	// Text is the main text verbatim, one paragraph per line, separated
	// by "\n". Whitespace inside a paragraph is collapsed to single spaces;
	// punctuation, quotes and entities (decoded) are kept as written.
	Text string
}

// maxDepth bounds element nesting: real pages stay far below it, and the
// tree walks here and in readability recurse once per level.
const maxDepth = 512

// FromHTML extracts the article from an HTML page. pageURL is where the
// page came from (it resolves relative canonical links and is the URL
// fallback); it may be empty. The charset is taken from a byte-order mark
// or <meta charset>, else UTF-8 when the bytes are valid UTF-8, else
// windows-1252 as browsers do. It returns ErrNoText when no article text
// is found.
func FromHTML(body []byte, pageURL string) (Article, error) {
	return extractHTML(body, "", pageURL)
}

// extractHTML is FromHTML with the Content-Type header the page came with,
// whose charset parameter takes precedence over the page's own.
func extractHTML(body []byte, contentType, pageURL string) (Article, error) {
	page, err := url.Parse(pageURL)
	if err != nil || page.Host == "" {
		page = nil
	}
	doc, err := html.Parse(strings.NewReader(decodeHTML(body, contentType)))
	if err != nil {
		// x/net/html refuses to nest more than 512 open elements (our
		// maxDepth) with an error of its own since v0.36: same refusal.
		return Article{}, &refusal{
			msg: fmt.Sprintf("refused: the page could not be read as HTML (%v)", err),
			err: ErrNoText,
		}
	}
	if depth(doc) > maxDepth {
		return Article{}, &refusal{
			msg: fmt.Sprintf("refused: the page nests elements more than %d deep", maxDepth),
			err: ErrNoText,
		}
	}

	a := readMetadata(doc).resolve(page)
	removeClutter(doc)
	parser := readability.NewParser()
	parser.DisableJSONLD = true // metadata is read above, before clutter removal
	r, err := parser.ParseDocument(doc, page)
	if err != nil {
		return Article{}, fmt.Errorf("ingest: extract main text: %w", err)
	}
	var paras []string
	if r.Node != nil && r.Node.Parent != nil {
		paras = paragraphs(r.Node.Parent)
	}
	a.Text = strings.Join(paras, "\n")
	a = a.clean()
	if a.Text == "" {
		return Article{}, &refusal{msg: "no article text found on the page", err: ErrNoText}
	}
	return a, nil
}

// clean makes every field valid single-line UTF-8 (Text keeps its "\n"
// paragraph breaks).
func (a Article) clean() Article {
	a.Title = collapse(a.Title)
	a.Outlet = collapse(a.Outlet)
	a.URL = collapse(a.URL)
	lines := strings.Split(a.Text, "\n")
	kept := lines[:0]
	for _, l := range lines {
		if l = collapse(l); l != "" {
			kept = append(kept, l)
		}
	}
	a.Text = strings.Join(kept, "\n")
	return a
}

// decodeHTML converts body to UTF-8. A declared charset (header, BOM,
// <meta>) is trusted unless it is only a <meta> and the bytes are valid
// UTF-8 anyway: pages mislabelled as latin-1 are common, and valid UTF-8
// with non-ASCII bytes is almost never latin-1 by accident.
func decodeHTML(body []byte, contentType string) string {
	enc, name, certain := charset.DetermineEncoding(body, contentType)
	if (!certain && utf8.Valid(body)) || name == "utf-8" {
		return strings.ToValidUTF8(string(bytes.TrimPrefix(body, utf8BOM)), "\uFFFD")
	}
	out, err := enc.NewDecoder().Bytes(body)
	if err != nil {
		return strings.ToValidUTF8(string(body), "\uFFFD")
	}
	return string(out)
}

var utf8BOM = []byte("\xEF\xBB\xBF")

// clutterTags never hold article prose.
var clutterTags = map[atom.Atom]bool{
	atom.Nav: true, atom.Aside: true, atom.Footer: true, atom.Header: true,
	atom.Form: true, atom.Button: true, atom.Select: true, atom.Textarea: true,
	atom.Input: true, atom.Dialog: true, atom.Template: true, atom.Iframe: true,
	atom.Svg: true, atom.Figure: true, atom.Figcaption: true, atom.Noscript: true,
	atom.Script: true, atom.Style: true, atom.Object: true, atom.Embed: true,
	atom.Video: true, atom.Audio: true, atom.Canvas: true, atom.Menu: true,
}

// clutterRoles are ARIA landmarks around, not inside, an article.
var clutterRoles = map[string]bool{
	"navigation": true, "banner": true, "contentinfo": true, "complementary": true,
	"dialog": true, "alertdialog": true, "search": true, "menu": true,
	"menubar": true, "toolbar": true,
}

// clutterWords are class or id words (split at "-", "_" and spaces) that
// mark page furniture. Matching whole words keeps "shareholders" or
// "commentary" from looking like a share bar or a comment section.
var clutterWords = map[string]bool{
	"nav": true, "navbar": true, "navigation": true, "menu": true,
	"breadcrumb": true, "breadcrumbs": true, "share": true, "sharing": true,
	"sharebar": true, "social": true, "related": true, "comment": true,
	"comments": true, "newsletter": true, "subscribe": true, "subscription": true,
	"signup": true, "cookie": true, "cookies": true, "consent": true, "gdpr": true,
	"banner": true, "promo": true, "advert": true, "advertisement": true,
	"ad": true, "ads": true, "sponsor": true, "sponsored": true, "footer": true,
	"header": true, "masthead": true, "sidebar": true, "widget": true,
	"popup": true, "modal": true, "paywall": true, "recommended": true,
	"recirculation": true, "outbrain": true, "taboola": true, "disqus": true,
	"caption": true, "credit": true, "byline": true, "tags": true,
	"toolbar": true, "skip": true, "trending": true, "mostread": true,
	"sr": true, "meta": true,
}

// removeClutter deletes navigation, share bars, related links, comments,
// newsletter and cookie boxes, captions and other furniture before
// readability looks for the main text: readability keeps some of them
// when they sit next to the article.
func removeClutter(doc *html.Node) {
	var total int
	walkElements(doc, func(n *html.Node) {
		if n.DataAtom == atom.P {
			total += len(textOf(n))
		}
	})
	var visit func(n *html.Node)
	visit = func(n *html.Node) {
		for c := n.FirstChild; c != nil; {
			next := c.NextSibling
			if c.Type == html.CommentNode {
				n.RemoveChild(c)
			} else if c.Type == html.ElementNode {
				if isClutter(c) && !holdsArticle(c, total) {
					n.RemoveChild(c)
				} else {
					visit(c)
				}
			}
			c = next
		}
	}
	visit(doc)
}

func isClutter(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Html, atom.Head, atom.Body, atom.Main, atom.Article:
		return false
	}
	if clutterTags[n.DataAtom] {
		return true
	}
	if role, _ := attr(n, "role"); clutterRoles[strings.ToLower(strings.TrimSpace(role))] {
		return true
	}
	if _, hidden := attr(n, "hidden"); hidden {
		return true
	}
	if v, _ := attr(n, "aria-hidden"); v == "true" {
		return true
	}
	class, _ := attr(n, "class")
	id, _ := attr(n, "id")
	for _, w := range strings.FieldsFunc(strings.ToLower(class+" "+id), func(r rune) bool {
		return r == '-' || r == '_' || unicode.IsSpace(r)
	}) {
		if clutterWords[w] {
			return true
		}
	}
	return false
}

// holdsArticle protects a wrapper whose class happens to look like
// clutter ("page has-sidebar") but that contains the article itself.
func holdsArticle(n *html.Node, totalParagraphText int) bool {
	found, text := false, 0
	walkElements(n, func(e *html.Node) {
		if e == n {
			return
		}
		switch e.DataAtom {
		case atom.Article, atom.Main:
			found = true
		case atom.P:
			text += len(textOf(e))
		}
		if p, _ := attr(e, "itemprop"); p == "articleBody" {
			found = true
		}
	})
	return found || (totalParagraphText > 0 && text*2 > totalParagraphText)
}

// blockTags end a paragraph; everything else is inline.
var blockTags = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Li: true, atom.Ul: true, atom.Ol: true,
	atom.Blockquote: true, atom.Pre: true, atom.Section: true, atom.Article: true,
	atom.Table: true, atom.Tr: true, atom.Td: true, atom.Th: true, atom.Dl: true,
	atom.Dd: true, atom.Dt: true, atom.Hr: true, atom.Address: true,
	atom.Details: true, atom.Summary: true, atom.Main: true, atom.Body: true,
}

// skippedTags hold no quotable prose: headings repeat the title or label
// sections, the rest is furniture readability may have kept.
var skippedTags = map[atom.Atom]bool{
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true,
	atom.H6: true, atom.Figure: true, atom.Figcaption: true, atom.Script: true,
	atom.Style: true, atom.Noscript: true, atom.Button: true, atom.Svg: true,
	atom.Nav: true, atom.Aside: true, atom.Footer: true, atom.Form: true,
}

// paragraphs turns the extracted article into its paragraphs, dropping
// link-only lines (related links, "Read more"), boilerplate and repeats
// (pull quotes).
func paragraphs(root *html.Node) []string {
	var (
		out              []string
		seen             = map[string]bool{}
		buf              strings.Builder
		runes, linkRunes int
	)
	flush := func() {
		text := collapse(buf.String())
		buf.Reset()
		linkOnly := runes > 0 && linkRunes*10 >= runes*9
		runes, linkRunes = 0, 0
		if text == "" || linkOnly || seen[text] || isBoilerplate(text) {
			return
		}
		seen[text] = true
		out = append(out, text)
	}
	var walk func(n *html.Node, inLink bool)
	walk = func(n *html.Node, inLink bool) {
		switch n.Type {
		case html.TextNode:
			buf.WriteString(n.Data)
			for _, r := range n.Data {
				if !unicode.IsSpace(r) {
					runes++
					if inLink {
						linkRunes++
					}
				}
			}
			return
		case html.ElementNode:
			if skippedTags[n.DataAtom] {
				return
			}
			if n.DataAtom == atom.Br {
				flush()
				return
			}
			if n.DataAtom == atom.A {
				inLink = true
			}
		case html.DocumentNode:
		default:
			return
		}
		block := blockTags[n.DataAtom]
		if block {
			flush()
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inLink)
		}
		if block {
			flush()
		}
	}
	walk(root, false)
	flush()
	return out
}

// boilerplate matches whole paragraphs that are page furniture rather
// than reporting, in case their container was not recognised.
var boilerplate = regexp.MustCompile(`(?i)^(?:` +
	`(?:advertisement|advert|sponsored|share|share this(?: article| story| page)?|share on \w+|` +
	`read more|continue reading|related|related (?:articles|stories|content|links)|more on this story|` +
	`most (?:read|popular)|recommended(?: for you)?|top stories|comments?|show comments|load comments|` +
	`skip to (?:main )?content|subscribe|sign up|listen to this article|all rights reserved|` +
	`getty images|ap photo|reuters)[.:!]?` +
	`|(?:read more|read next|read also|also read|related|see also|more on this|recommended|listen)\s*:.*` +
	`|read more (?:about|on|from)\b.*` +
	`|sign up (?:for|to)\b.*newsletter.*|subscribe to (?:our|the)\b.*` +
	`|we use cookies\b.*|this (?:web)?site uses cookies\b.*` +
	`|(?:©|\(c\)|copyright)\s*(?:©\s*)?\d{4}\b.*` +
	`|(?:photo|photograph|image|picture)s?(?: credit)?\s*:\s*.{0,80}` +
	`)$`)

func isBoilerplate(p string) bool { return boilerplate.MatchString(p) }

// collapse trims s and reduces every run of whitespace to one space. It
// also drops control and invisible formatting characters (soft hyphens,
// zero-width spaces, byte-order marks) that would break quote matching,
// and replaces invalid UTF-8 with U+FFFD.
func collapse(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		switch {
		case unicode.IsSpace(r):
			space = true
		case unicode.IsControl(r), r == '\u00AD', r == '\u200B', r == '\u2060', r == '\uFEFF':
		default:
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		}
	}
	return b.String()
}

// walkElements calls fn for n (if an element) and every element below it,
// in document order.
func walkElements(n *html.Node, fn func(*html.Node)) {
	if n.Type == html.ElementNode {
		fn(n)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walkElements(c, fn)
	}
}

// depth is the nesting depth of the tree below n, computed without
// recursion so that hostile input cannot exhaust the stack here.
func depth(n *html.Node) int {
	max, d := 0, 0
	for cur := n; cur != nil; {
		if cur.FirstChild != nil {
			cur, d = cur.FirstChild, d+1
			if d > max {
				max = d
			}
			continue
		}
		for cur != nil && cur != n && cur.NextSibling == nil {
			cur, d = cur.Parent, d-1
		}
		if cur == nil || cur == n {
			break
		}
		cur = cur.NextSibling
	}
	return max
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Namespace == "" && strings.EqualFold(a.Key, key) {
			return a.Val, true
		}
	}
	return "", false
}
