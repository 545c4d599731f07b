package attrib

// How speakers are named: outlets as they name themselves with the text's
// description apart, places that are no speaker, and the same outlet
// typed two ways.

import "strings"

// nearlyCoveredBy: a description of three words or more, its head and
// a word that is not a mere outlet word among them, lacks at most one
// word of a name known before.
func nearlyCoveredBy(want []string, have map[string]bool) bool {
	if len(want) < 3 || !have[want[len(want)-1]] {
		return false
	}
	missing, telling := 0, false
	for _, w := range want {
		switch {
		case !have[w]:
			missing++
		case !outletWords[w]:
			telling = true
		}
	}
	return missing <= 1 && telling
}

// placeHeads are nouns of places that speak only as part of a name ("the
// Pew Research Center") or as one named before ("the centre"): "the
// control centre", "right of centre" name no speaker.
var placeHeads = set("centre", "center", "centres", "centers")

// placeOnly: a speaker that is only a place, unnamed.
func placeOnly(name string) bool {
	words := strings.Fields(name)
	if len(words) == 0 || !placeHeads[lower(words[len(words)-1])] {
		return false
	}
	for _, w := range words {
		if capital(w) && !determiners[lower(w)] {
			return false
		}
	}
	return true
}

// described writes a speaker that the text names together with what it
// says of it as the name first, then the description in brackets, as
// for people: "state-run daily Etemad Online" becomes "Etemad Online
// (state-run daily)", "Iranian state TV IRIB" becomes "IRIB (Iranian
// state TV)"; the name stays as the text spells it. A role ("head of the
// Tehran City Council") and a name without a description stay whole.
func described(name string) string {
	if strings.ContainsAny(name, "()") {
		return name
	}
	ts := tokenize(name)
	for _, t := range ts {
		if !t.word {
			return name
		}
	}
	k := len(ts)
	for k > 0 && !capital(ts[k-1].s) && outletWords[lower(ts[k-1].s)] {
		k-- // "news agency", "daily" after a name
	}
	c := k
	for c > 0 && (capital(ts[c-1].s) || c >= 2 && c < len(ts) && (connectors[lower(ts[c-1].s)] || particles[ts[c-1].s]) && capital(ts[c-2].s) && capital(ts[c].s)) {
		c--
	}
	if c == k {
		return name // no capitalised name
	}
	for c < k-1 && outletWords[lower(ts[c].s)] && ts[c].s == strings.ToUpper(ts[c].s) {
		c++ // "TV IRIB": the outlet's kind belongs to the description
	}
	if core := lower(ts[len(ts)-1].s); strings.HasSuffix(core, "'s") || strings.HasSuffix(core, "’s") {
		return name // "Contrack's" names what follows it, not a speaker
	}
	desc := ts[:c]
	for len(desc) > 0 && determiners[lower(desc[len(desc)-1].s)] {
		desc = desc[:len(desc)-1] // "lobby group the CBI"
	}
	if len(desc) > 0 && determiners[lower(desc[0].s)] {
		desc = desc[1:]
	}
	if len(desc) == 0 || connectors[lower(desc[len(desc)-1].s)] {
		return name // "head of the Tehran City Council": a role of it
	}
	lowerWord, noun := false, false
	for _, t := range desc {
		w := lower(t.s)
		if stops[w] || connectors[w] || prepositions[w] || strings.HasSuffix(w, "ing") {
			// "Uprising until Overthrow": one name; "a spokesman for
			// distributor Toho", "a lawyer representing Mr Doherty": the
			// speaker is before the name.
			return name
		}
		if reportingVerbs[w] {
			return name // "Tory chairman Liam Fox accused Labour": a clause
		}
		if !capital(t.s) {
			lowerWord = true
			noun = noun || isLexicon(w) || agentive(w) || ownership(w)
		}
	}
	if !lowerWord || !noun {
		// "Iranian Mehr News Agency": no telling the name from the
		// adjective; "range Nationwide": no description of a speaker.
		return name
	}
	if plainTitles[lower(ts[c].s)] {
		return join(ts[c:]) // "the witness stand Mr Sullivan": the name is enough
	}
	return join(ts[c:]) + " (" + join(desc) + ")"
}

// ownership: who runs or backs an outlet ("state-run", "Kremlin-backed").
func ownership(w string) bool {
	for _, suf := range []string{"-run", "-owned", "-backed", "-funded", "-controlled", "-linked", "-affiliated", "-based"} {
		if strings.HasSuffix(w, suf) {
			return true
		}
	}
	return false
}

// particles stand in lower case inside names: "Sandra den Hamer".
var particles = set("den", "der", "ter", "le", "la", "di", "dos", "des", "del", "du", "da", "van", "von", "de", "bin", "ibn", "al", "el")

// plainTitles open a person's name and say nothing of them: "Mr
// Sullivan".
var plainTitles = set("mr", "mrs", "ms", "miss")

// prepositions inside a description make the name its object.
var prepositions = set("behind", "at", "with", "from", "by", "in", "on", "to", "about", "against", "under", "over")

// orgHeads end a description of an organisation, not a person: "Clarin
// (Argentine newspaper)".
var orgHeads = set("newspaper", "agency", "company", "firm", "group", "bank", "daily", "tv", "channel",
	"website", "broadcaster", "network", "giant", "maker", "drugmaker", "carmaker", "retailer", "regulator",
	"watchdog", "body", "institute", "consultancy", "cartel", "store", "operator", "exchange", "brokerage",
	"airline", "carrier", "magazine", "distributor", "office", "organisation", "organization", "union",
	"party", "club", "council", "ministry", "department", "government", "paper", "station", "outlet", "media")

// agentive: a noun for one who does something ("drugmaker",
// "regulator", "economist", "consultant").
func agentive(w string) bool {
	w = strings.TrimSuffix(w, "s")
	if len(w) < 6 || comparatives[w] {
		return false
	}
	for _, suf := range []string{"er", "or", "ist", "ant"} {
		if strings.HasSuffix(w, suf) {
			return true
		}
	}
	return false
}

// comparatives end like agents but name no one: "senior Tories".
var comparatives = set("senior", "junior", "former", "interior", "exterior", "superior", "inferior", "further", "bigger", "larger", "smaller", "higher", "lower", "greater", "earlier", "latter")

// british spells a word of a name one way, so "the centre" finds the
// "Pew Research Center" named before.
func british(w string) string {
	switch w {
	case "center":
		return "centre"
	case "organization":
		return "organisation"
	}
	return w
}
