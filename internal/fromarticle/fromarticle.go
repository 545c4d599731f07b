// Package fromarticle turns what ingest fetched into a source for the
// library. It is the one place that joins the two: ingest imports nothing
// of Sitrep and the core imports no fetching, so the conversion lives
// beside them, for every door that adds a fetched article (/source add,
// sitrep add, feed polls).
package fromarticle

import (
	"strings"

	"sitrep/ingest"
	"sitrep/search"
)

// Source returns given with its blank fields (title, outlet, link, date,
// text) filled from a: what the person or the feed said wins over what the
// page says about itself. A field of only spaces counts as blank.
func Source(a ingest.Article, given search.Source) search.Source {
	s := given
	for _, f := range []struct {
		dst  *string
		from string
	}{
		{&s.Title, a.Title}, {&s.Outlet, a.Outlet}, {&s.URL, a.URL}, {&s.Published, a.Published}, {&s.Text, a.Text},
	} {
		if strings.TrimSpace(*f.dst) == "" {
			*f.dst = f.from
		}
	}
	return s
}
