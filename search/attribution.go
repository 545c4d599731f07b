package search

import (
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
// sentence it was cut from. Sources come through the cache, so this costs
// a lookup per quote; a source that cannot be loaded leaves its quote
// without attribution rather than failing the answer.
func (l *Library) attachAttribution(quotes []Quote) {
	for i := range quotes {
		q := &quotes[i]
		s, _, err := l.load(q.Source.ID)
		if err != nil {
			continue
		}
		a := s.attribution(q.sentence)
		q.SaidBy, q.AccordingTo = a.SaidBy, a.AccordingTo
	}
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
