package attrib

import "strings"

// npBack walks back from toks[j] over a noun phrase and returns its start.
// The phrase must end in a name, a noun that can speak or a pronoun.
func npBack(toks []tok, j int) (int, bool) {
	if j < 0 || !nounish(toks[j]) {
		return 0, false
	}
	k := j
	if toks[j].s == ")" {
		for k >= 0 && toks[k].s != "(" && j-k < 8 {
			k--
		}
		if k < 1 {
			return 0, false
		}
		k--
		if !nounish(toks[k]) {
			return 0, false
		}
	}
	start := k
	if pronouns[lower(toks[k].s)] {
		return k, true
	}
	for n := 0; k >= 0 && n < 14; n++ {
		w := lower(toks[k].s)
		if w == "and" && !(k > 0 && capital(toks[k-1].s) && capital(toks[k+1].s)) {
			break
		}
		if pronouns[w] && k != j {
			break
		}
		if !accepts(toks, k, k == j || nounish(toks[k+1]) || toks[k+1].word && !capital(toks[k+1].s) && strings.Contains(toks[k+1].s, "-")) {
			break
		}
		start = k
		k--
	}
	// Trim words that cannot begin a noun phrase.
	for start < j && toks[start].word && (connectors[lower(toks[start].s)] && !determiners[lower(toks[start].s)]) {
		start++
	}
	return start, true
}

// npForward reads a noun phrase from toks[i]; it returns [start, end).
func npForward(toks []tok, i int) (int, int, bool) {
	k := i
	last := -1
	for n := 0; k < len(toks) && n < 14; n++ {
		t := toks[k]
		if t.s == "(" {
			e := k + 1
			for e < len(toks) && toks[e].s != ")" && e-k < 8 {
				e++
			}
			if e < len(toks) && toks[e].s == ")" && last >= 0 {
				k = e + 1
				last = e
				continue
			}
			break
		}
		w := lower(t.s)
		if t.word && timeWords[w] && k > i {
			break
		}
		if t.word && w == "and" && !(k > i && capital(toks[k-1].s) && k+1 < len(toks) && capital(toks[k+1].s)) {
			break
		}
		nextOK := k+1 < len(toks) && nounish(toks[k+1])
		if t.word && pronouns[w] && k > i || !accepts(toks, k, nextOK) {
			break
		}
		if nounish(t) {
			last = k
		}
		k++
	}
	if last < 0 {
		return 0, 0, false
	}
	return i, last + 1, true
}

// appositive reads "B, A," before a verb, with toks[j] the comma after A:
// a name and its role, in either order.
func appositive(toks []tok, j int) (string, bool) {
	a, ok := npBack(toks, j-1)
	if !ok || a < 2 || toks[a-1].s != "," {
		return "", false
	}
	b, ok := npBack(toks, a-2)
	if !ok {
		return "", false
	}
	first, second := toks[b:a-1], toks[a:j]
	switch {
	case isName(first) && isRole(second):
		return phrase(first) + " (" + role(second) + ")", true
	case isName(second) && isRole(first):
		return phrase(second) + " (" + role(first) + ")", true
	}
	return "", false
}

func isName(ts []tok) bool {
	start := 0
	if len(ts) > 1 && determiners[lower(ts[0].s)] {
		start = 1
	}
	for _, t := range ts[start:] {
		if t.word && !capital(t.s) && !connectors[lower(t.s)] {
			return false
		}
	}
	return len(ts) > start && capital(ts[start].s)
}

func isRole(ts []tok) bool {
	if len(ts) == 0 || !ts[0].word || capital(ts[0].s) && !determiners[lower(ts[0].s)] {
		return false
	}
	for _, t := range ts {
		if isLexicon(lower(t.s)) {
			return true
		}
	}
	return false
}

// role drops the article of a role: "a member of" → "member of".
func role(ts []tok) string {
	w := lower(ts[0].s)
	if (w == "a" || w == "an" || w == "the") && len(ts) > 1 {
		ts = ts[1:]
	}
	return join(ts)
}

// name turns a noun phrase before a verb into a speaker: "FBI Director
// Christopher Wray" → "Christopher Wray (FBI Director)".
func name(ts []tok) string {
	for k := len(ts) - 2; k >= 0; k-- {
		if !ts[k+1].word || !capital(ts[k+1].s) {
			break
		}
		if titles[lower(ts[k].s)] {
			person := ts[k+1:]
			if looksLikePerson(words(person)) {
				// The role is the title and the words that qualify it:
				// "the announcement WLGA finance spokesman" → "WLGA
				// finance spokesman".
				r := k
				for r > 0 {
					t, w := ts[r-1], lower(ts[r-1].s)
					if capital(t.s) && !determiners[w] || isLexicon(w) || r > 1 && capital(ts[r-2].s) && !determiners[lower(ts[r-2].s)] {
						r--
						continue
					}
					break
				}
				return join(person) + " (" + role(ts[r:k+1]) + ")"
			}
			break
		}
	}
	return phrase(ts)
}

func words(ts []tok) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.s
	}
	return out
}

// phrase joins a noun phrase, dropping its article where it holds a name:
// "the Voice of America" → "Voice of America", "the head of the Tehran
// City Council" → "head of the Tehran City Council"; "the agency" stays.
func phrase(ts []tok) string {
	if len(ts) > 1 && determiners[lower(ts[0].s)] {
		for _, t := range ts[1:] {
			if t.word && capital(t.s) {
				return join(ts[1:])
			}
		}
	}
	return join(ts)
}

// closesQuotedName: toks[j] closes a short quoted name such as
// "Uprising until Overthrow," before a verb.
func closesQuotedName(toks []tok, j int) bool {
	_, _, ok := quotedName(toks, j)
	return ok
}

// quotedName finds the quoted name ending at toks[j], the closing mark
// (or a comma after it): it returns the name's [start, end), without a
// comma inside the quotation ("Uprising until Overthrow,").
func quotedName(toks []tok, j int) (int, int, bool) {
	if j >= 0 && toks[j].s == "," {
		j--
	}
	if j < 1 || !isQuoteMark(toks[j]) {
		return 0, 0, false
	}
	e, k := j, j-1
	if toks[k].s == "," {
		e, k = k, k-1
	}
	for k >= 0 && toks[k].word && j-k <= 7 {
		k--
	}
	// A name: capitalised at both ends, inside a sentence (a quotation
	// that opens the sentence is speech, not a name).
	if k < 1 || !isQuoteMark(toks[k]) || k+1 >= e || !capital(toks[k+1].s) || !capital(toks[e-1].s) {
		return 0, 0, false
	}
	return k + 1, e, true
}

// beforeAside reads the speaker before an aside that ends at the comma
// toks[j]: "Texas, which makes chips for half the world's phones, said",
// "Mr Saakashvili, elected president in January, has urged".
func beforeAside(toks []tok, j int) (string, bool) {
	p := j - 1
	for p >= 0 && toks[p].s != "," && j-p <= 16 {
		p--
	}
	if p < 1 || toks[p].s != "," || capital(toks[p+1].s) {
		return "", false
	}
	end := p - 1
	if isQuoteMark(toks[p+1]) {
		end = p + 1 // "Uprising until Overthrow," affiliated with …,
	}
	s, e, ok := subjectBack(toks, end)
	if !ok || pronouns[lower(toks[s].s)] {
		return "", false
	}
	return name(toks[s:e]), true
}

// Words that open a sentence, capitalised, without naming anyone.
var (
	// openers never belong to a speaker: "Now the board has confirmed",
	// "If confirmed, …".
	openers = set("if", "now", "then", "so", "yet", "also", "meanwhile", "however", "instead", "indeed",
		"here", "there", "today", "yesterday", "later", "earlier", "once", "even", "only", "just",
		"perhaps", "maybe", "still", "thus", "hence", "when", "while", "although", "though", "since")
	// quantifiers name a speaker only with a noun that can speak: "One
	// analyst", "Each member", not "Any cyber-attack" or "One day".
	quantifiers = set("any", "each", "every", "no", "one", "another", "such", "either", "neither", "all",
		"some", "many", "most", "few", "several", "both", "other")
)

// speakerStart moves the start s of a noun phrase [s, e) past the words
// that open a sentence without naming anyone; false when nothing that can
// speak is left.
func speakerStart(toks []tok, s, e int) (int, bool) {
	for s < e && toks[s].word {
		w := lower(toks[s].s)
		switch {
		case openers[w]:
			s++ // "Now the board", "but now Europe"
		case (w == "this" || w == "last" || w == "next") && s+1 < e && periods[lower(toks[s+1].s)]:
			s += 2 // "Earlier this week China said"
		default:
			goto named
		}
	}
named:
	if s >= e {
		return s, false
	}
	w := lower(toks[s].s)
	if !quantifiers[w] || !capital(toks[s].s) {
		return s, true
	}
	if s+1 < e {
		k := s + 1
		if (determiners[lower(toks[k].s)] || lower(toks[k].s) == "of") && k+1 < e {
			k++ // "Both the IMF", "Some of those who …"
		}
		return s, isLexicon(lower(toks[k].s)) || capital(toks[k].s)
	}
	// Alone: "Many said" speaks for many; "Any" is the start of "Any
	// cyber-attack".
	return s, w == "many" || w == "most" || w == "some" || w == "several" || w == "all" || w == "both"
}

// periods follow "this" or "last" in a time phrase.
var periods = set("week", "month", "year", "weekend", "morning", "afternoon", "evening", "summer",
	"winter", "spring", "autumn", "season", "quarter", "time")

// subjectBack finds the speaker ending at toks[j]: a noun phrase, a quoted
// name, and past a participle phrase such as ", affiliated with the MEK,".
func subjectBack(toks []tok, j int) (int, int, bool) {
	if s, e, ok := quotedName(toks, j); ok {
		return s, e, true
	}
	s, ok := npBack(toks, j)
	if !ok {
		return 0, 0, false
	}
	if s, ok = speakerStart(toks, s, j+1); !ok {
		return 0, 0, false
	}
	// ", affiliated with X," / ", based in X,": the subject is before it.
	if s >= 3 && connectorOrPrep(toks[s-1]) && strings.HasSuffix(lower(toks[s-2].s), "ed") && toks[s-3].s == "," && toks[j].s == ")" || s >= 3 && connectorOrPrep(toks[s-1]) && strings.HasSuffix(lower(toks[s-2].s), "ed") && toks[s-3].s == "," {
		if qs, qe, ok := quotedName(toks, s-3); ok {
			return qs, qe, true
		}
		if b, ok := npBack(toks, s-4); ok {
			return b, s - 3, true
		}
	}
	return s, j + 1, true
}

func connectorOrPrep(t tok) bool {
	switch lower(t.s) {
	case "with", "in", "to", "by", "from", "of":
		return true
	}
	return false
}

func join(ts []tok) string {
	var b strings.Builder
	for i, t := range ts {
		if i > 0 && t.s != ")" && ts[i-1].s != "(" {
			b.WriteByte(' ')
		}
		b.WriteString(t.s)
	}
	return b.String()
}

// subjectOf returns the subject at the start of a sentence, after an
// opening phrase such as "On June 8,".
func subjectOf(toks []tok) (string, bool) {
	i := 0
	if len(toks) > 0 && toks[0].word && (stops[lower(toks[0].s)] || connectors[lower(toks[0].s)] && !determiners[lower(toks[0].s)] || lower(toks[0].s) == "referring") {
		for i < len(toks) && i < 12 && toks[i].s != "," {
			i++
		}
		i++
	}
	if i >= len(toks) {
		return "", false
	}
	s, e, ok := npForward(toks, i)
	if !ok || e-s > 10 || pronouns[lower(toks[s].s)] && e-s > 1 {
		return "", false
	}
	if s, ok = speakerStart(toks, s, e); !ok {
		return "", false
	}
	return name(toks[s:e]), true
}
