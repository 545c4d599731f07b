package feeds

import (
	"net/url"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestDiscover(t *testing.T) {
	for _, tc := range []struct {
		name, page, base string
		want             []string
	}{
		{"rss and atom, relative and absolute", `<html><head>
<link rel="alternate" type="application/rss+xml" href="/feed.xml" title="RSS">
<LINK REL="Alternate home" TYPE="application/atom+xml; charset=utf-8" HREF="https://other.example/atom">
<link rel="alternate" type="application/feed+json" href="feed.json">
</head><body></body></html>`, "https://news.example/world/",
			[]string{"https://news.example/feed.xml", "https://other.example/atom", "https://news.example/world/feed.json"}},
		{"base href", `<head><base href="https://cdn.example/x/"><link rel="alternate" type="application/rss+xml" href="rss"></head>`,
			"https://news.example/", []string{"https://cdn.example/x/rss"}},
		{"not feeds", `<head><link rel="stylesheet" type="text/css" href="/s.css">
<link rel="alternate" hreflang="fr" href="/fr/"><link rel="alternate" type="application/json" href="/oembed">
<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
<link rel="alternate" type="application/rss+xml" href="ftp://files.example/feed"></head>`, "https://news.example/", nil},
		{"only the head", `<head></head><body><link rel="alternate" type="application/rss+xml" href="/in-body"></body>`, "https://news.example/", nil},
		{"duplicates once", `<link rel="alternate" type="application/rss+xml" href="/f"><link rel="alternate" type="application/rss+xml" href="https://news.example/f">`,
			"https://news.example/", []string{"https://news.example/f"}},
		{"no base", `<link rel="alternate" type="application/rss+xml" href="/f"><link rel="alternate" type="application/rss+xml" href="http://a.example/f">`,
			"", []string{"http://a.example/f"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Discover([]byte(tc.page), tc.base); !slices.Equal(got, tc.want) {
				t.Errorf("got %q\nwant %q", got, tc.want)
			}
		})
	}
}

// FuzzDiscover: any page and base give at most maxDiscovered distinct
// absolute http(s) links, without panicking; a feed link put in a page's
// head is found.
func FuzzDiscover(f *testing.F) {
	f.Add([]byte(`<html><head><link rel="alternate" type="application/rss+xml" href="/feed"></head></html>`), "https://news.example/", "/x")
	f.Add([]byte(`<link rel=alternate type=application/atom+xml href=//cdn.example/a>`), "http://a.example", "a b")
	f.Add([]byte(`<base href="../../"><link rel="alternate alternate" type="APPLICATION/RSS+XML" href="%zz">`), "https://n.example/a/b/c", "?q=1#f")
	f.Add([]byte("<link rel=\"alternate\" type=\"application/feed+json\" href=\"\x00\">\xff\xfe"), "", "")
	f.Fuzz(func(t *testing.T, page []byte, base, href string) {
		got := Discover(page, base)
		if len(got) > maxDiscovered {
			t.Fatalf("%d links, at most %d", len(got), maxDiscovered)
		}
		seen := map[string]bool{}
		for _, l := range got {
			u, err := url.Parse(l)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				t.Fatalf("%q is not an absolute http(s) link", l)
			}
			if seen[l] {
				t.Fatalf("%q twice", l)
			}
			seen[l] = true
		}
		// A well-formed announcement in a fresh head is found whenever its
		// link resolves to an absolute http(s) URL. (The HTML tokenizer
		// rewrites NUL and line ends in attributes, so hrefs holding
		// control characters or invalid UTF-8 are left to the part above.)
		if strings.ContainsFunc(href, unicode.IsControl) || !utf8.ValidString(href) {
			return
		}
		const site = "https://news.example/section/"
		doc := `<html><head><link rel="alternate" type="application/rss+xml" href="` + escapeAttr(href) + `"></head><body></body></html>`
		b, _ := url.Parse(site)
		want := ""
		if r, err := url.Parse(strings.TrimSpace(href)); err == nil && strings.TrimSpace(href) != "" {
			if u := b.ResolveReference(r); (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
				want = u.String()
			}
		}
		found := Discover([]byte(doc), site)
		if want != "" && (len(found) != 1 || found[0] != want) {
			t.Fatalf("href %q: found %q, want %q", href, found, want)
		}
		if want == "" && len(found) != 0 {
			t.Fatalf("href %q: found %q, want nothing", href, found)
		}
	})
}

func escapeAttr(s string) string {
	return strings.NewReplacer("&", "&amp;", `"`, "&quot;", "<", "&lt;", ">", "&gt;").Replace(s)
}
