package feeds

import (
	"bytes"
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"sitrep/ingest"
)

// maxDiscovered bounds the feed links taken from one page.
const maxDiscovered = 16

// feedTypes are the media types of <link rel="alternate"> that announce a
// feed.
var feedTypes = map[string]bool{
	"application/rss+xml":   true,
	"application/atom+xml":  true,
	"application/feed+json": true,
	"application/json":      false, // too generic: oEmbed and APIs use it
}

// Discover returns the feeds a web page announces with
// <link rel="alternate" type="application/rss+xml|atom+xml|feed+json"
// href="...">, in page order, as absolute http(s) links resolved against
// base (the page's address) and the page's <base href>. It reads only the
// tokens it needs and never fails: a page without feeds gives none.
func Discover(page []byte, base string) []string {
	baseURL, err := url.Parse(base)
	if err != nil {
		baseURL = nil
	}
	var out []string
	seen := map[string]bool{}
	z := html.NewTokenizer(bytes.NewReader(page))
	for len(out) < maxDiscovered {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		name, hasAttr := z.TagName()
		a := atom.Lookup(name)
		if a == atom.Body {
			break // feeds are announced in the head
		}
		if (a != atom.Link && a != atom.Base) || !hasAttr {
			continue
		}
		attrs := map[string]string{}
		for {
			k, v, more := z.TagAttr()
			key := strings.ToLower(string(k))
			if _, dup := attrs[key]; !dup {
				attrs[key] = string(v)
			}
			if !more {
				break
			}
		}
		if a == atom.Base {
			if href := strings.TrimSpace(attrs["href"]); href != "" && baseURL != nil {
				if u, err := baseURL.Parse(href); err == nil {
					baseURL = u
				}
			}
			continue
		}
		if !ingest.HasRel(attrs["rel"], "alternate") {
			continue
		}
		mt := strings.ToLower(strings.TrimSpace(strings.SplitN(attrs["type"], ";", 2)[0]))
		if !feedTypes[mt] {
			continue
		}
		link := ingest.AbsoluteLink(attrs["href"], baseURL)
		if link == "" || seen[link] {
			continue
		}
		seen[link] = true
		out = append(out, link)
	}
	return out
}
