package bot

import (
	"strings"

	"sitrep/search"
)

// findSource is the one way a typed source reference is resolved among
// srcs: a source token or id; else a title naming exactly one source
// (case and line breaks aside); else, with partial, a title part or an
// outlet naming exactly one. ok is false when nothing, or more than one,
// matches.
func findSource(srcs []search.Source, v string, partial bool) (search.Source, bool) {
	for _, s := range srcs {
		if s.ID == v || sourceToken(s.ID) == v {
			return s, true
		}
	}
	lv := strings.ToLower(oneLine(v))
	var byTitle, byPart []search.Source
	for _, s := range srcs {
		title, outlet := strings.ToLower(oneLine(s.Title)), strings.ToLower(oneLine(s.Outlet))
		if title == lv {
			byTitle = append(byTitle, s)
		}
		if partial && (strings.Contains(title, lv) || outlet == lv) {
			byPart = append(byPart, s)
		}
	}
	switch {
	case len(byTitle) == 1:
		return byTitle[0], true
	case len(byTitle) == 0 && len(byPart) == 1:
		return byPart[0], true
	}
	return search.Source{}, false
}
