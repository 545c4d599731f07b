package search

import (
	"context"
	"strings"

	"sitrep/attrib"
)

// attributionVersion is the version of the attribution rules whose output
// a stored source holds. A source stored by another version (or before
// attribution existed) gets its attribution computed again when it is
// loaded, so improving the rules needs no migration.
const attributionVersion = 2

// attribute computes who speaks in each sentence of text: once per source,
// when it is added. Nil when no sentence names anyone, so the store keeps
// nothing for such sources; otherwise one entry per span, with trailing
// empty ones dropped.
func attribute(text string, spans []Span) []attrib.Attribution {
	in := make([]attrib.Span, len(spans))
	for i, s := range spans {
		in[i] = attrib.Span{Start: s.Start, End: s.End}
	}
	out := attrib.Attribute(text, in)
	n := len(out)
	for n > 0 && out[n-1].IsZero() {
		n--
	}
	if n == 0 {
		return nil
	}
	return out[:n:n]
}

// attribution returns the attribution of sentence n of s: empty when the
// text names no one there.
func (s storedSource) attribution(n int) attrib.Attribution {
	if n < 0 || n >= len(s.Attribution) {
		return attrib.Attribution{}
	}
	return s.Attribution[n]
}

// withAttribution makes sure s holds attribution computed by the current
// rules, computing it from text when the store had none or an older one.
func (s storedSource) withAttribution(text string) storedSource {
	if s.AttributionVersion != attributionVersion {
		s.Attribution = attribute(text, s.Spans)
		s.AttributionVersion = attributionVersion
	}
	return s
}

// attachAttribution fills each quote's SaidBy and AccordingTo from the
// sentence it was cut from, with outlet names as the library knows them
// (outletNames). Sources come through the cache, so this costs a lookup
// per quote; a source that cannot be loaded leaves its quote without
// attribution rather than failing the answer.
func (l *Library) attachAttribution(quotes []Quote, scope string) {
	var names []string
	for i := range quotes {
		q := &quotes[i]
		s, _, err := l.load(q.Source.ID)
		if err != nil {
			continue
		}
		a := s.attribution(q.sentence)
		q.SaidBy, q.AccordingTo = a.SaidBy, a.AccordingTo
		names = append(names, q.SaidBy)
		names = append(names, q.AccordingTo...)
	}
	known := l.outletNames(scope, quotes, names)
	if len(known) == 0 {
		return
	}
	for i := range quotes {
		q := &quotes[i]
		q.SaidBy = renamed(q.SaidBy, known)
		if len(q.AccordingTo) > 0 {
			chain := make([]string, len(q.AccordingTo))
			for k, a := range q.AccordingTo {
				chain[k] = renamed(a, known)
			}
			q.AccordingTo = chain
		}
	}
}

// renamed writes name with the outlet's own spelling where known has it,
// keeping the description the text gives in brackets.
func renamed(name string, known map[string]string) string {
	base, role, _ := strings.Cut(name, " (")
	own, ok := known[base]
	if !ok || own == base {
		return name
	}
	if role != "" {
		return own + " (" + role
	}
	return own
}

// outletNames finds, for the names a text gives speakers and reporters,
// how the outlet writes itself where the library knows it: the Outlet of
// a source visible from scope that the name is, spelled alike ("Iran
// Focus" for "iranfocus"), or ends with ("Mehr News Agency" for "Iranian
// Mehr News Agency"). Only scope's own sources and the shared ones are
// read: another server's sources name nothing here. A store error leaves
// the names as the text gives them.
func (l *Library) outletNames(scope string, quotes []Quote, names []string) map[string]string {
	out := make(map[string]string)
	outlets := make(map[string]string) // folded outlet -> as written, of the quotes' own sources
	for _, q := range quotes {
		if q.Source.Outlet != "" {
			outlets[attrib.Fold(q.Source.Outlet)] = q.Source.Outlet
		}
	}
	var lookup []string
	for _, n := range names {
		base, _, _ := strings.Cut(n, " (")
		if base == "" {
			continue
		}
		if _, done := out[base]; done {
			continue
		}
		if own, ok := outlets[attrib.Fold(base)]; ok {
			out[base] = own
			continue
		}
		lookup = append(lookup, base)
	}
	if len(lookup) == 0 {
		return out
	}
	_ = l.st.View(context.Background(), func(tx storeTx) error {
		for _, base := range lookup {
			if own, ok := catalogOutlet(tx, scope, base); ok {
				out[base] = own
			}
		}
		return nil
	})
	return out
}

// catalogOutlet finds the Outlet of a source visible from scope that
// name is or ends with, the longest first ("Iranian Mehr News Agency",
// then "Mehr News Agency", "News Agency"), through the catalog's names.
func catalogOutlet(tx storeTx, scope, name string) (string, bool) {
	words := strings.Fields(name)
	for i := range words {
		if i > 0 && len(words)-i < 2 {
			break // a single word left is no outlet's whole name
		}
		want := normName(strings.Join(words[i:], " "))
		for _, sc := range visibleScopes(scope, false) {
			hits, err := tx.ExactNames(sc, want)
			if err != nil {
				return "", false
			}
			for _, h := range hits {
				if h.Kind != nameStart {
					continue
				}
				s, ok, err := tx.Source(h.ID)
				if err != nil {
					return "", false
				}
				if ok && (s.Scope == sc) && normName(s.Outlet) == want {
					return s.Outlet, true
				}
			}
		}
	}
	return "", false
}

// AttributionLine joins a speaker and a reporting chain for people to
// read: "Mehdi Chamran (head of the Tehran City Council), via Mehr News
// Agency"; "via Voice of America" when only the chain is known; "" when
// the text names no one. The CLI and the bot both use it.
func AttributionLine(saidBy string, accordingTo []string) string {
	parts := make([]string, 0, 1+len(accordingTo))
	if saidBy != "" {
		parts = append(parts, saidBy)
	}
	for _, a := range accordingTo {
		parts = append(parts, "via "+a)
	}
	return strings.Join(parts, ", ")
}

// Attribution is the quote's AttributionLine.
func (q Quote) Attribution() string { return AttributionLine(q.SaidBy, q.AccordingTo) }

// Attribution is the side's AttributionLine.
func (s Side) Attribution() string { return AttributionLine(s.SaidBy, s.AccordingTo) }
