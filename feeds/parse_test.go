package feeds

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"
)

// hugeDoc is a feed of n tiny items in format kind ("rss", "rdf", "atom"
// or "json"), numbered from 1 in document order.
func hugeDoc(kind string, n int) []byte {
	var b bytes.Buffer
	switch kind {
	case "rss":
		b.WriteString(`<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Huge</title>`)
		for i := 1; i <= n; i++ {
			fmt.Fprintf(&b, "<item><title>i%d</title><dc:creator>x</dc:creator></item>", i)
		}
		b.WriteString("</channel></rss>")
	case "rdf":
		b.WriteString(`<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><channel><title>Huge</title><items><rdf:Seq><rdf:li resource="x"/></rdf:Seq></items></channel>`)
		for i := 1; i <= n; i++ {
			fmt.Fprintf(&b, `<item rdf:about="u%d"><title>i%d</title></item>`, i, i)
		}
		b.WriteString("</rdf:RDF>")
	case "atom":
		b.WriteString(`<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Huge</title>`)
		for i := 1; i <= n; i++ {
			fmt.Fprintf(&b, "<entry><title>i%d</title><id>u%d</id></entry>", i, i)
		}
		b.WriteString("</feed>")
	case "json":
		b.WriteString(`{"version":"https://jsonfeed.org/version/1.1","title":"Huge","items":[`)
		for i := 1; i <= n; i++ {
			if i > 1 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"id":"u%d","title":"i%d"}`, i, i)
		}
		b.WriteString("]}")
	}
	return b.Bytes()
}

// A document of 52,000 items (the 5 MB RSS that took 11 s and 1.5 GB) is
// parsed to its first MaxParsedItems only, in every format, keeping the
// document's order and its title.
func TestParseKeepsFirstItems(t *testing.T) {
	for _, kind := range []string{"rss", "rdf", "atom", "json"} {
		t.Run(kind, func(t *testing.T) {
			feed, err := parse(hugeDoc(kind, 52000), 500)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			if feed.Title != "Huge" || len(feed.Items) != 500 || feed.Items[0].Title != "i1" || feed.Items[499].Title != "i500" {
				t.Fatalf("title %q, %d items (first %q): want the first 500 in order", feed.Title, len(feed.Items), feed.Items[0].Title)
			}
			doc := hugeDoc(kind, 52000)
			// Whole, the RSS costs 3.7 million allocations; cut, 43,000.
			if allocs := testing.AllocsPerRun(1, func() { parse(doc, 500) }); allocs > 200_000 {
				t.Errorf("parsing 500 of 52,000 items made %.0f allocations: every item was parsed, a feed can stall the checks", allocs)
			}
			small := hugeDoc(kind, 3)
			if got := firstItems(small, 500); !bytes.Equal(got, small) {
				t.Errorf("a short feed was changed:\n%s", got)
			}
		})
	}
}

// BenchmarkParseHugeFeed compares parsing a 52,000-item RSS document whole
// (gofeed alone) with parse's cut at DefaultMaxParsedItems.
func BenchmarkParseHugeFeed(b *testing.B) {
	doc := hugeDoc("rss", 52000)
	b.Logf("document: %.1f MB", float64(len(doc))/(1<<20))
	b.Run("whole", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := gofeed.NewParser().Parse(bytes.NewReader(doc)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("capped", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := parse(doc, DefaultMaxParsedItems); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// FuzzFirstItems: whenever gofeed reads a document, it reads the cut one
// too, with the same first items.
func FuzzFirstItems(f *testing.F) {
	for _, kind := range []string{"rss", "rdf", "atom", "json"} {
		f.Add(hugeDoc(kind, 5), 2)
	}
	f.Add([]byte(`<rss><channel><item><title>a</title></item><item><title>b</title></item></channel></rss>`), 1)
	f.Fuzz(func(t *testing.T, doc []byte, n int) {
		n = 1 + abs(n)%8
		whole, err := gofeed.NewParser().Parse(bytes.NewReader(doc))
		if err != nil {
			return
		}
		cut, err := gofeed.NewParser().Parse(bytes.NewReader(firstItems(doc, n)))
		if err != nil {
			t.Fatalf("the cut document no longer parses: %v\n%s", err, firstItems(doc, n))
		}
		want := min(n, len(whole.Items))
		if len(cut.Items) < want {
			t.Fatalf("%d items after the cut, want at least %d", len(cut.Items), want)
		}
		for i := range want {
			if strings.TrimSpace(cut.Items[i].Title) != strings.TrimSpace(whole.Items[i].Title) {
				t.Fatalf("item %d: %q after the cut, %q before", i, cut.Items[i].Title, whole.Items[i].Title)
			}
		}
	})
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
