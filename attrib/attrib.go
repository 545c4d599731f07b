// Package attrib finds who is speaking in each sentence of a news article
// and through whom the words reached the article: "Mehdi Chamran (head of
// the Tehran City Council)", via "Mehr News Agency".
//
// It is rules over the text itself, no model: reporting verbs ("said",
// "told", "claimed", "according to", "quoted … as saying"), the noun phrase
// that does the reporting, appositive roles, quotations that run across
// sentences, and pronouns or definite descriptions ("he", "the agency")
// resolved to a speaker named earlier. It never invents: a sentence whose
// text names no one gets an empty Attribution. It is pure and cheap enough
// to run once per source when the source is added.
package attrib

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Span is the byte range [Start, End) of one sentence in an article's text,
// as the caller's sentence splitter cut it.
type Span struct {
	Start, End int
}

// Attribution says who speaks in a sentence and how the words reached the
// article.
type Attribution struct {
	// SaidBy is the speaker or claimant: a person, with the role the text
	// gives ("Mehdi Chamran (head of the Tehran City Council)"), an
	// organisation, or a description the text does not resolve ("the
	// agency").
	SaidBy string `json:"said_by,omitempty"`
	// AccordingTo is the reporting chain, nearest to the speaker first:
	// the outlets or people the words passed through ("Voice of America").
	AccordingTo []string `json:"according_to,omitempty"`
}

// IsZero reports whether the attribution names no one.
func (a Attribution) IsZero() bool { return a.SaidBy == "" && len(a.AccordingTo) == 0 }

// Attribute returns the attribution of each sentence of text, one per span
// and in the same order. Spans must lie within text and be in text order.
func Attribute(text string, spans []Span) []Attribution {
	out := make([]Attribution, len(spans))
	st := state{}
	prevEnd := 0
	for i, sp := range spans {
		if sp.Start < prevEnd || sp.End > len(text) || sp.Start > sp.End {
			continue
		}
		newPara := strings.IndexByte(text[prevEnd:sp.Start], '\n') >= 0 || i == 0
		prevEnd = sp.End
		out[i] = st.sentence(text[sp.Start:sp.End], newPara)
	}
	return out
}

// entity is someone named as speaker or reporter earlier in the article.
type entity struct {
	name   string
	person bool
	words  map[string]bool // lower-case words of name and role
}

// state carries what one sentence tells the next.
type state struct {
	known []entity // most recent last
	prev  Attribution
	// prevOpen: the previous sentence ends with a reporting verb whose
	// words come next ("He added:").
	prevOpen bool
	// quoteDepth is the quotation depth at the end of the previous
	// sentence within the paragraph; quoteBy is who opened that quotation.
	quoteDepth int
	quoteBy    Attribution
}

// clause is one reporting clause: its agents from the one who speaks to
// the one who passed it on.
type clause struct {
	agents   []string
	pos      int
	trailing bool // comes after what it reports: "…, the agency said."
	inQuote  bool // inside a quotation: the quoted source's own report
	opens    bool // the reported words follow in the next sentence
}

func (st *state) sentence(s string, newPara bool) Attribution {
	toks := tokenize(s)
	depthAtStart := st.quoteDepth
	if newPara {
		depthAtStart = 0
	}
	depth := markQuotes(toks, depthAtStart)

	clauses := findClauses(toks)
	var innerQ, lead, trail []clause
	opens := false
	for _, c := range clauses {
		if c.opens {
			opens = true
		}
		switch {
		case c.inQuote:
			innerQ = append(innerQ, c)
		case c.trailing:
			trail = append(trail, c)
		default:
			lead = append(lead, c)
		}
	}
	var inner, outer []string
	for _, c := range innerQ {
		inner = append(inner, c.agents...)
	}
	for i := len(lead) - 1; i >= 0; i-- {
		outer = append(outer, lead[i].agents...)
	}
	for _, c := range trail {
		outer = append(outer, c.agents...)
	}
	outer = st.resolve(outer)
	inner = st.resolve(inner)
	chain := append(inner, outer...)

	var a Attribution
	startsQuoted := len(toks) > 0 && toks[0].quote
	switch {
	case depthAtStart > 0 && !st.quoteBy.IsZero():
		// Inside a quotation opened earlier: whoever opened it is the
		// outer source; a report inside is the speaker.
		switch {
		case len(outer) > 0:
			a = fromChain(chain) // its own reporter: the quotation is closed
		case len(inner) > 0:
			a = Attribution{SaidBy: inner[0], AccordingTo: append(inner[1:len(inner):len(inner)], flatten(st.quoteBy)...)}
		default:
			a = st.quoteBy
		}
	case len(chain) > 0:
		a = fromChain(chain)
	case (startsQuoted || st.prevOpen) && !st.prev.IsZero():
		a = st.prev
	}
	a.AccordingTo = dedupe(a.SaidBy, a.AccordingTo)

	st.prev = a
	st.prevOpen = opens && endsOpen(toks)
	st.quoteDepth = depth
	if depth > depthAtStart || (depth > 0 && depthAtStart == 0) {
		// Who opened the quotation: the reporter outside it, not a
		// speaker the quotation itself names.
		st.quoteBy = a
		if len(outer) > 0 && len(inner) > 0 {
			st.quoteBy = fromChain(outer)
		}
	} else if depth == 0 {
		st.quoteBy = Attribution{}
	}
	return a
}

func fromChain(chain []string) Attribution {
	a := Attribution{SaidBy: chain[0]}
	if len(chain) > 1 {
		a.AccordingTo = chain[1:]
	}
	return a
}

func flatten(a Attribution) []string {
	if a.SaidBy == "" {
		return a.AccordingTo
	}
	return append([]string{a.SaidBy}, a.AccordingTo...)
}

// dedupe drops chain entries that repeat the speaker or an earlier entry.
func dedupe(said string, chain []string) []string {
	var out []string
	seen := map[string]bool{Fold(said): true}
	for _, c := range chain {
		if n := Fold(c); !seen[n] {
			seen[n] = true
			out = append(out, c)
		}
	}
	return out
}

// Fold reduces a name for comparison: lower case, letters and digits only
// ("Young Journalists Club (YJC)" → "youngjournalistsclubyjc").
func Fold(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// endsOpen reports whether the sentence ends with a colon or "that", so
// the reported words are in the next sentence.
func endsOpen(toks []tok) bool {
	for i := len(toks) - 1; i >= 0; i-- {
		t := toks[i]
		if t.word {
			return lower(t.s) == "that" || lower(t.s) == "saying"
		}
		if t.s == ":" {
			return true
		}
	}
	return false
}

// resolve replaces pronouns, surnames and definite descriptions by the
// speaker named earlier, drops what cannot be resolved, and remembers the
// names for later sentences.
func (st *state) resolve(chain []string) []string {
	out := chain[:0]
	var learned []entity
	for _, name := range chain {
		r, ok := st.lookup(name)
		if !ok || placeOnly(r) {
			continue
		}
		r = described(r)
		out = append(out, r)
		learned = append(learned, newEntity(r))
	}
	st.known = append(st.known, learned...)
	if len(st.known) > 64 {
		st.known = st.known[len(st.known)-64:]
	}
	return out
}

func (st *state) lookup(name string) (string, bool) {
	words := strings.Fields(name)
	if len(words) == 1 {
		switch lower(words[0]) {
		case "he", "she", "him", "her":
			for i := len(st.known) - 1; i >= 0; i-- {
				if st.known[i].person {
					return st.known[i].name, true
				}
			}
			return "", false
		case "it", "they", "we", "i":
			// Only the speaker of the sentence just before.
			if st.prev.SaidBy != "" && !newEntity(st.prev.SaidBy).person {
				return st.prev.SaidBy, true
			}
			return "", false
		}
	}
	first := lower(words[0])
	if first == "the" || first == "this" || first == "that" || first == "these" {
		if allLower(words[1:]) {
			want := contentWords(words[1:])
			for i := len(st.known) - 1; i >= 0; i-- {
				if coveredBy(want, st.known[i].words) {
					return st.known[i].name, true
				}
			}
			// The same outlet typed another way further on: "the young
			// correspondents' club agency" for the "Youth Correspondents
			// Club news agency" named before.
			for i := len(st.known) - 1; i >= 0; i-- {
				if nearlyCoveredBy(want, st.known[i].words) {
					return st.known[i].name, true
				}
			}
		}
		return name, true
	}
	if allCapital(words) && len(words) <= 2 {
		last := lower(words[len(words)-1])
		for i := len(st.known) - 1; i >= 0; i-- {
			k := st.known[i]
			if k.person && k.name != name && lastNameOf(k.name) == last {
				return k.name, true
			}
		}
	}
	return name, true
}

// outletWords stand for any news outlet in "this outlet".
var outletWords = set("agency", "daily", "newspaper", "news", "tv", "television", "website", "channel", "outlet", "paper", "broadcaster", "network", "club")

func coveredBy(want []string, have map[string]bool) bool {
	if len(want) == 0 {
		return false
	}
	for _, w := range want {
		if have[w] {
			continue
		}
		if w == "outlet" || w == "media" || w == "publication" {
			found := false
			for o := range outletWords {
				if have[o] {
					found = true
					break
				}
			}
			if found {
				continue
			}
		}
		return false
	}
	return true
}

func contentWords(words []string) []string {
	var out []string
	for _, w := range words {
		w = british(lower(strings.TrimRight(strings.TrimSuffix(strings.Trim(w, ",.()"), "'s"), "'’")))
		if w != "" && !connectors[w] && !determiners[w] {
			out = append(out, w)
		}
	}
	return out
}

func newEntity(name string) entity {
	e := entity{name: name, words: map[string]bool{}}
	for _, w := range strings.FieldsFunc(name, func(r rune) bool { return !unicode.IsLetter(r) && r != '-' }) {
		e.words[british(lower(w))] = true
	}
	base, role := name, ""
	if i := strings.Index(name, " ("); i > 0 {
		base, role = name[:i], strings.TrimSuffix(name[i+2:], ")")
	}
	e.person = looksLikePerson(strings.Fields(base))
	// The role's head says what it is: "Clarin (Argentine newspaper)" is
	// no person; "Sir Andrew Green (chairman of the organisation)" is.
	var head string
	for _, w := range strings.Fields(role) {
		if connectors[lower(w)] || prepositions[lower(w)] {
			break
		}
		head = lower(w)
	}
	if e.person && head != "" {
		e.person = !orgHeads[head] && !orgHeads[strings.TrimSuffix(head, "s")]
	}
	return e
}

func lastNameOf(name string) string {
	if i := strings.Index(name, " ("); i > 0 {
		name = name[:i]
	}
	f := strings.Fields(name)
	if len(f) == 0 {
		return ""
	}
	return lower(f[len(f)-1])
}

// looksLikePerson: capitalised words, not an organisation's.
func looksLikePerson(words []string) bool {
	if len(words) == 0 || len(words) > 4 || !allCapital(words) {
		return false
	}
	for _, w := range words {
		if orgWords[lower(w)] || strings.ToUpper(w) == w || isLexicon(lower(w)) {
			return false
		}
	}
	return true
}

func allCapital(words []string) bool {
	for _, w := range words {
		if !capital(w) {
			return false
		}
	}
	return len(words) > 0
}

func allLower(words []string) bool {
	for _, w := range words {
		if capital(w) {
			return false
		}
	}
	return true
}

func capital(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.IsUpper(r)
}

func lower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' || c >= 0x80 {
			return strings.ToLower(s)
		}
	}
	return s
}

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}
