package ingest

import (
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// metadata is what a page says about itself, gathered from every place
// publishers put it; resolve picks the most reliable value of each.
type metadata struct {
	ld        linkedData
	meta      map[string]string // <meta> by lower-cased property, name or itemprop; first wins
	title     string            // <title>
	h1        string            // first <h1>
	canonical string            // <link rel=canonical href>
	times     []string          // <time datetime>, in document order, publication-marked first
}

// linkedData is the part of a JSON-LD article description Sitrep uses.
type linkedData struct {
	headline, published, publisher, url, siteName string
}

// readMetadata walks doc once and collects every metadata candidate.
func readMetadata(doc *html.Node) metadata {
	m := metadata{meta: map[string]string{}}
	var scripts []string
	var marked, plain []string
	walkElements(doc, func(n *html.Node) {
		switch n.DataAtom {
		case atom.Title:
			if m.title == "" {
				m.title = collapse(textOf(n))
			}
		case atom.H1:
			if m.h1 == "" {
				m.h1 = collapse(textOf(n))
			}
		case atom.Meta:
			content, ok := attr(n, "content")
			if !ok {
				content, ok = attr(n, "datetime")
			}
			if !ok {
				return
			}
			for _, key := range []string{"property", "name", "itemprop"} {
				if k, _ := attr(n, key); k != "" {
					k = strings.ToLower(strings.TrimSpace(k))
					if _, seen := m.meta[k]; !seen {
						m.meta[k] = strings.TrimSpace(content)
					}
				}
			}
		case atom.Link:
			rel, _ := attr(n, "rel")
			if m.canonical == "" && HasRel(rel, "canonical") {
				m.canonical, _ = attr(n, "href")
			}
		case atom.Script:
			if typ, _ := attr(n, "type"); strings.EqualFold(strings.TrimSpace(typ), "application/ld+json") {
				scripts = append(scripts, textOf(n))
			}
		case atom.Time:
			dt, ok := attr(n, "datetime")
			if !ok {
				return
			}
			_, pubdate := attr(n, "pubdate")
			prop, _ := attr(n, "itemprop")
			if pubdate || strings.EqualFold(prop, "datePublished") {
				marked = append(marked, dt)
			} else {
				plain = append(plain, dt)
			}
		}
		// itemprop=datePublished also appears on <span content=...>.
		if prop, _ := attr(n, "itemprop"); strings.EqualFold(prop, "datePublished") && n.DataAtom != atom.Meta && n.DataAtom != atom.Time {
			if c, ok := attr(n, "content"); ok {
				marked = append(marked, c)
			}
		}
	})
	m.times = append(marked, plain...)
	m.ld = readLinkedData(scripts)
	return m
}

// resolve picks title, outlet, canonical URL and publication date from the
// candidates, most specific source first.
func (m metadata) resolve(page *url.URL) Article {
	var a Article
	a.Outlet = firstNonEmpty(m.ld.publisher, m.meta["og:site_name"], m.meta["application-name"], m.ld.siteName)

	switch {
	case firstNonEmpty(m.ld.headline, m.meta["og:title"], m.meta["twitter:title"], m.meta["headline"]) != "":
		a.Title = firstNonEmpty(m.ld.headline, m.meta["og:title"], m.meta["twitter:title"], m.meta["headline"])
		a.Title = stripSiteSuffix(a.Title, a.Outlet)
	case m.title != "":
		head, site := splitTitle(m.title)
		a.Title = head
		if a.Outlet == "" {
			a.Outlet = site
		}
	default:
		a.Title = m.h1
	}
	if a.Outlet == "" && page != nil {
		a.Outlet = strings.TrimPrefix(strings.ToLower(page.Hostname()), "www.")
	}

	for _, c := range []string{m.canonical, m.meta["og:url"], m.ld.url} {
		if u := absoluteHTTP(c, page); u != "" {
			a.URL = u
			break
		}
	}
	if a.URL == "" && page != nil && (page.Scheme == "http" || page.Scheme == "https") {
		a.URL = page.String()
	}

	dates := []string{
		m.ld.published,
		m.meta["article:published_time"],
		m.meta["datepublished"],
		m.meta["date"],
		m.meta["pubdate"],
		m.meta["publishdate"],
		m.meta["publish-date"],
		m.meta["dc.date.issued"],
		m.meta["dcterms.issued"],
		m.meta["dc.date"],
		m.meta["sailthru.date"],
	}
	for _, d := range append(dates, m.times...) {
		if p := normaliseDate(d); p != "" {
			a.Published = p
			break
		}
	}
	return a
}

// readLinkedData finds the article object in JSON-LD blocks, looking
// through arrays and @graph, and follows a publisher given by @id.
func readLinkedData(scripts []string) linkedData {
	var objects []map[string]any
	var collect func(v any, depth int)
	collect = func(v any, depth int) {
		if depth > 8 {
			return
		}
		switch v := v.(type) {
		case []any:
			for _, e := range v {
				collect(e, depth+1)
			}
		case map[string]any:
			objects = append(objects, v)
			if g, ok := v["@graph"]; ok {
				collect(g, depth+1)
			}
		}
	}
	for _, s := range scripts {
		s = strings.TrimSpace(s)
		s = strings.TrimSuffix(strings.TrimPrefix(s, "<!--"), "-->")
		var v any
		if json.Unmarshal([]byte(s), &v) == nil {
			collect(v, 0)
		}
	}

	byID := map[string]map[string]any{}
	for _, o := range objects {
		if id := ldString(o["@id"]); id != "" {
			byID[id] = o
		}
	}
	var ld linkedData
	for _, o := range objects {
		if ld.siteName == "" && hasLDType(o, "WebSite") {
			ld.siteName = ldText(o["name"])
		}
		if ld.headline != "" || !isArticleType(o) {
			continue
		}
		ld.headline = firstNonEmpty(ldText(o["headline"]), ldText(o["name"]))
		ld.published = firstNonEmpty(ldString(o["datePublished"]), ldString(o["dateCreated"]))
		ld.url = firstNonEmpty(ldString(o["url"]), ldString(o["mainEntityOfPage"]))
		pub := o["publisher"]
		if list, ok := pub.([]any); ok && len(list) > 0 {
			pub = list[0]
		}
		switch p := pub.(type) {
		case string:
			ld.publisher = collapse(p)
		case map[string]any:
			ld.publisher = ldText(p["name"])
			if ld.publisher == "" {
				ld.publisher = ldText(byID[ldString(p["@id"])]["name"])
			}
		}
	}
	return ld
}

// ldString returns a JSON-LD value as a string: a string itself, or the
// @id of an object (how mainEntityOfPage and references are written).
func ldString(v any) string {
	switch v := v.(type) {
	case string:
		return strings.TrimSpace(v)
	case map[string]any:
		return ldString(v["@id"])
	case []any:
		if len(v) > 0 {
			return ldString(v[0])
		}
	}
	return ""
}

// ldText is ldString for human-readable text: publishers often leave
// HTML entities in JSON-LD strings.
func ldText(v any) string {
	s, _ := v.(string)
	return collapse(html.UnescapeString(s))
}

func ldTypes(o map[string]any) []string {
	var types []string
	switch t := o["@type"].(type) {
	case string:
		types = []string{t}
	case []any:
		for _, e := range t {
			if s, ok := e.(string); ok {
				types = append(types, s)
			}
		}
	}
	for i, t := range types {
		// "schema:NewsArticle" and "https://schema.org/NewsArticle" too.
		types[i] = t[strings.LastIndexAny(t, ":/")+1:]
	}
	return types
}

func hasLDType(o map[string]any, want string) bool {
	for _, t := range ldTypes(o) {
		if t == want {
			return true
		}
	}
	return false
}

// isArticleType accepts Article and its schema.org subtypes that news
// sites use (NewsArticle, ReportageNewsArticle, BlogPosting, ...).
func isArticleType(o map[string]any) bool {
	for _, t := range ldTypes(o) {
		if strings.HasSuffix(t, "Article") || t == "BlogPosting" || t == "LiveBlogPosting" || t == "Report" {
			return true
		}
	}
	return false
}

// titleSeparators split "Headline | Outlet" style titles.
var titleSeparators = []string{" | ", " - ", " – ", " — ", " · ", " :: "}

// splitTitle splits a <title> into headline and site name at its last
// separator, when the part after it is short enough to be a site name.
func splitTitle(t string) (head, site string) {
	best := -1
	var sep string
	for _, s := range titleSeparators {
		if i := strings.LastIndex(t, s); i > best {
			best, sep = i, s
		}
	}
	if best <= 0 {
		return t, ""
	}
	head, site = strings.TrimSpace(t[:best]), strings.TrimSpace(t[best+len(sep):])
	if site == "" || len(strings.Fields(site)) > 5 || len(strings.Fields(head)) < 2 {
		return t, ""
	}
	return head, site
}

// stripSiteSuffix removes " | Outlet" from a title that repeats the outlet.
func stripSiteSuffix(title, outlet string) string {
	if outlet == "" {
		return title
	}
	for _, s := range titleSeparators {
		suffix := s + outlet
		if len(title) > len(suffix) && strings.EqualFold(title[len(title)-len(suffix):], suffix) {
			return strings.TrimSpace(title[:len(title)-len(suffix)])
		}
	}
	return title
}

// absoluteHTTP resolves ref against base and returns it only if the result
// is an absolute http(s) URL.
func absoluteHTTP(ref string, base *url.URL) string {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return ""
	}
	u, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

// isoDate matches the calendar date at the start of ISO 8601 / RFC 3339
// values ("2024-03-05", "2024-03-05T23:30:00-05:00", "2024-03-05 10:00").
var isoDate = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})(?:$|[T\s])`)

// dateLayouts are the other forms publishers write dates in.
var dateLayouts = []string{
	time.RFC1123Z, time.RFC1123, time.RFC850, time.ANSIC,
	"Mon, 2 Jan 2006 15:04:05 -0700", "Mon, 2 Jan 2006 15:04:05 MST",
	"2006/01/02", "2006/01/02 15:04:05", "20060102",
	"January 2, 2006", "Jan 2, 2006", "2 January 2006", "2 Jan 2006",
}

// normaliseDate turns a publication date into YYYY-MM-DD, or "" when s is
// not a recognisable date. The date is taken as the publisher wrote it,
// not converted to UTC, which could move it to the next or previous day.
func normaliseDate(s string) string {
	s = strings.TrimSpace(s)
	if len(s) < 8 || len(s) > 64 {
		return ""
	}
	var t time.Time
	if m := isoDate.FindStringSubmatch(s); m != nil {
		var err error
		if t, err = time.Parse("2006-01-02", m[1]+"-"+m[2]+"-"+m[3]); err != nil {
			return ""
		}
	} else {
		for _, layout := range dateLayouts {
			if p, err := time.Parse(layout, s); err == nil {
				t = p
				break
			}
		}
	}
	if t.IsZero() || t.Year() < 1900 || t.Year() > 2100 {
		return ""
	}
	return t.Format("2006-01-02")
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

// HasRel reports whether an HTML rel attribute (a space-separated list)
// holds value, ignoring case: rel="Canonical", rel="alternate feed".
func HasRel(rel, value string) bool {
	for _, t := range strings.Fields(rel) {
		if strings.EqualFold(t, value) {
			return true
		}
	}
	return false
}
