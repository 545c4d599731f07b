package feeds

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"

	"github.com/mmcdole/gofeed"
)

// parse reads an RSS, Atom or JSON feed, keeping its first maxItems items:
// gofeed builds every item of a document, and a 5 MB feed of 52,000 tiny
// items cost 11 s and 1.5 GB to parse whole.
func parse(body []byte, maxItems int) (*gofeed.Feed, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, errors.New("the document is empty")
	}
	feed, err := gofeed.NewParser().Parse(bytes.NewReader(firstItems(body, maxItems)))
	if err != nil {
		return nil, err
	}
	if len(feed.Items) > maxItems {
		feed.Items = feed.Items[:maxItems] // a document firstItems could not cut
	}
	return feed, nil
}

// firstItems returns body cut after its maxItems-th item (RSS <item>, Atom
// <entry>, JSON Feed "items"), closed so that it still parses; body itself
// when it has no more, or when it cannot be read (gofeed then says why).
func firstItems(body []byte, maxItems int) []byte {
	if t := bytes.TrimLeft(body, " \t\r\n\ufeff"); len(t) > 0 && t[0] == '{' {
		return firstJSONItems(body, maxItems)
	}
	return firstXMLItems(body, maxItems)
}

// firstXMLItems cuts an RSS or Atom document after the end tag of its
// maxItems-th item or entry, a child of the root (RSS 1.0, Atom) or of the
// root's child (RSS 2.0's channel), and closes the elements still open.
func firstXMLItems(body []byte, maxItems int) []byte {
	d := xml.NewDecoder(bytes.NewReader(body))
	d.Strict = false
	// Only tag names are read, and they are ASCII in every encoding a
	// feed may declare but UTF-16: the bytes pass through unconverted.
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	var open []string // raw names of the elements open, root first
	items := 0
	for {
		tok, err := d.RawToken()
		if err != nil {
			return body // the end, or unreadable here: gofeed decides
		}
		switch t := tok.(type) {
		case xml.StartElement:
			open = append(open, rawName(t.Name))
		case xml.EndElement:
			if len(open) == 0 {
				return body
			}
			depth := len(open)
			open = open[:depth-1]
			if (t.Name.Local == "item" || t.Name.Local == "entry") && (depth == 2 || depth == 3 && open[1] == "channel") {
				items++
				if items == maxItems {
					return closeOpen(body[:d.InputOffset()], open)
				}
			}
		}
	}
}

func rawName(n xml.Name) string {
	if n.Space == "" {
		return n.Local
	}
	return n.Space + ":" + n.Local
}

// closeOpen appends the end tags of open, innermost first, to a copy of cut.
func closeOpen(cut []byte, open []string) []byte {
	out := append([]byte(nil), cut...)
	for k := len(open) - 1; k >= 0; k-- {
		out = append(out, "</"+open[k]+">"...)
	}
	return out
}

// firstJSONItems keeps the first maxItems of a JSON Feed's items.
func firstJSONItems(body []byte, maxItems int) []byte {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(body, &doc); err != nil {
		return body
	}
	var items []json.RawMessage
	if err := json.Unmarshal(doc["items"], &items); err != nil || len(items) <= maxItems {
		return body
	}
	raw, err := json.Marshal(items[:maxItems])
	if err != nil {
		return body
	}
	doc["items"] = raw
	out, err := json.Marshal(doc)
	if err != nil {
		return body
	}
	return out
}
