package ingest

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

var isoDay = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// checkInvariants asserts what the library relies on for any input:
// valid UTF-8, single-line metadata, a real or empty date, and text made
// of non-empty trimmed paragraphs.
func checkInvariants(tb testing.TB, a Article, err error) {
	tb.Helper()
	for name, v := range map[string]string{"Title": a.Title, "Outlet": a.Outlet, "URL": a.URL, "Published": a.Published, "Text": a.Text} {
		if !utf8.ValidString(v) {
			tb.Fatalf("%s is not valid UTF-8: %q", name, v)
		}
		if name != "Text" && strings.ContainsAny(v, "\n\r") {
			tb.Fatalf("%s has a line break: %q", name, v)
		}
	}
	if a.Published != "" && (!isoDay.MatchString(a.Published) || normaliseDate(a.Published) != a.Published) {
		tb.Fatalf("Published = %q, want YYYY-MM-DD or empty", a.Published)
	}
	if err == nil && a.Text == "" {
		tb.Fatal("no error but no text")
	}
	if a.Text == "" {
		return
	}
	for _, p := range strings.Split(a.Text, "\n") {
		if p == "" || p != strings.TrimSpace(p) || strings.Contains(p, "  ") || strings.ContainsRune(p, '\r') {
			tb.Fatalf("badly formed paragraph %q", p)
		}
	}
}

func FuzzFromHTML(f *testing.F) {
	for _, tc := range fixtureCases {
		f.Add(readFixture(f, tc.file), tc.pageURL)
	}
	f.Add([]byte(`<script type="application/ld+json">{"@graph":[{"@type":"NewsArticle","headline":"x","datePublished":"2024-02-30","publisher":{"@id":"#o"}},{"@id":"#o","name":"O"}]}</script><p>Text.</p>`), "")
	f.Add([]byte("<meta charset=windows-1252><p>\x93Caf\xe9\x94</p>"), "http://a/")
	f.Add([]byte("<title>A | B</title><time datetime=\"1999-12-31T23:59:59Z\">x</time><article><p>Body &amp; soul.</p></article>"), "https://x.example/a")
	f.Fuzz(func(t *testing.T, body []byte, pageURL string) {
		a, err := FromHTML(body, pageURL)
		checkInvariants(t, a, err)
	})
}

func FuzzFromFile(f *testing.F) {
	for _, tc := range fixtureCases {
		f.Add("page.html", "text/html", readFixture(f, tc.file))
	}
	f.Add("notes.txt", "", []byte("Title\n\nFirst line wraps\nhere. Second.\n\n“Quote,” he said."))
	f.Add("brief.md", "text/markdown", []byte("---\ntitle: T\ndate: 2024-01-02\n---\n# H\n\n**a** _b_ [c](d) ![e](f) `g` \\* snake_case\n\n- item\n> quote\n```\ncode\n```\n"))
	f.Add("", "text/plain; charset=windows-1252", []byte("\x93Caf\xe9\x94"))
	f.Add("u16.txt", "", []byte("\xFF\xFEh\x00i\x00"))
	f.Add("x.bin", "application/octet-stream", []byte{0, 1, 2, 3})
	f.Fuzz(func(t *testing.T, name, contentType string, body []byte) {
		a, err := FromFile(name, contentType, body)
		checkInvariants(t, a, err)
	})
}
