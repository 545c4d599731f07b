package attrib

import (
	"strings"
	"unicode"
)

// Word classes. All lower case.
var (
	reportingVerbs = set(
		"said", "says", "say", "told", "tells", "tell", "added", "adds",
		"claimed", "claims", "claim", "reported", "reports", "announced", "announces",
		"stated", "states", "confirmed", "confirms", "denied", "denies", "warned", "warns",
		"insisted", "insists", "argued", "argues", "explained", "explains", "noted", "notes",
		"wrote", "writes", "acknowledged", "acknowledges", "admitted", "admits",
		"blamed", "blames", "accused", "accuses", "alleged", "alleges", "asserted", "asserts",
		"declared", "declares", "stressed", "stresses", "emphasised", "emphasized",
		"believes", "believe", "predicted", "predicts", "estimated", "estimates",
		"revealed", "reveals", "disclosed", "tweeted", "commented", "replied", "responded",
		"urged", "urges", "called", "quoted", "maintained", "maintains", "vowed", "promised",
		"concluded", "suggested", "suggests", "cautioned", "conceded", "countered", "recalled",
		"issued", "feels", "feel", "thinks", "think", "insist", "argue", "warn")
	// needComplement: verbs that are speech only when what was said
	// follows ("reported that", "added:"); "reported profits" is not.
	needComplement = set("reported", "reports", "added", "adds", "noted", "notes",
		"estimated", "estimates", "wrote", "writes", "stated", "states", "predicted",
		"predicts", "suggested", "suggests", "revealed", "reveals", "maintained", "maintains",
		"concluded", "recalled", "promised", "confirmed", "confirms", "disclosed", "believe",
		"denied", "denies", "admitted", "admits", "declared", "declares")
	invertible = set("said", "says", "added", "adds", "wrote", "writes", "explained",
		"continued", "insisted", "stressed", "warned", "reported", "reports", "claimed")
	participles = set("saying", "adding", "writing", "claiming", "noting", "stating",
		"insisting", "warning", "arguing", "explaining", "stressing")
	// auxiliaries and adverbs that sit between a speaker and the verb.
	between = set("has", "have", "had", "also", "later", "previously", "then", "again",
		"would", "will", "could", "may", "might", "recently", "earlier", "further",
		"officially", "publicly", "repeatedly", "once", "reportedly", "separately",
		"himself", "herself", "itself", "themselves", "last", "week", "yesterday", "today",
		"month", "year", "night", "both", "all", "now", "still", "already", "meanwhile", "however", "too")
	// negation or passive before the verb: not a report by the subject.
	blockers   = set("not", "never", "nor", "n't", "was", "were", "is", "are", "be", "been", "being", "did", "does", "do", "to", "cannot")
	pronouns   = set("he", "she", "they", "it", "we", "i")
	determiner = set("the", "a", "an", "its", "his", "her", "their", "this", "that", "these", "those", "our")
	// connectors may stand inside a name or a role.
	connectors = set("of", "the", "for", "and", "de", "al", "el", "bin", "van", "von", "du", "da", "on", "in")
	// stops end a noun phrase walk in either direction.
	stops = set("that", "which", "who", "whom", "whose", "but", "when", "while", "as", "because",
		"if", "after", "before", "to", "at", "by", "with", "from", "since", "than", "where",
		"during", "until", "said", "says", "told", "was", "were", "is", "are", "has", "have",
		"had", "will", "would", "not", "also", "about", "over", "into", "under", "against",
		"however", "although", "though", "so", "or", "nor", "did", "does", "do", "can",
		"could", "may", "might", "should", "must", "there", "here", "what", "how", "why",
		"called", "named", "dubbed", "known")
	determiners = set("the", "a", "an", "this", "that", "these", "those")
	// lexicon: lower-case nouns that name who can speak.
	lexicon = set(
		"agency", "agencies", "official", "officials", "spokesman", "spokeswoman", "spokesperson", "spokesmen",
		"minister", "ministry", "president", "head", "chairman", "chairwoman", "chair", "director",
		"member", "members", "group", "groups", "council", "police", "court", "company", "firm", "firms",
		"government", "authorities", "authority", "analyst", "analysts", "expert", "experts",
		"source", "sources", "newspaper", "newspapers", "daily", "website", "channel", "television", "tv",
		"club", "organization", "organisation", "office", "department", "team", "manager", "boss", "bosses",
		"chief", "executive", "executives", "secretary", "leader", "leaders", "representative",
		"officer", "officers", "researcher", "researchers", "scientist", "scientists", "lawyer", "lawyers",
		"judge", "prosecutor", "prosecutors", "union", "unions", "bank", "association", "commission",
		"committee", "board", "party", "opposition", "regime", "state", "media", "outlet", "municipality",
		"relations", "affiliate", "army", "military", "embassy", "administration", "campaigners", "campaigner",
		"activists", "activist", "critics", "critic", "owner", "founder", "governor", "mayor", "lawmaker",
		"lawmakers", "mp", "mps", "senator", "report", "study", "survey", "statement", "hackers", "hacker",
		"witnesses", "witness", "residents", "staff", "workers", "industry", "economists", "economist",
		"insiders", "observers", "investors", "traders", "broadcaster", "network", "correspondent",
		"correspondents", "city", "news", "body", "watchdog", "regulator", "institute", "university",
		"centre", "center", "foundation", "charity", "organisers", "organizers", "coach", "player",
		"players", "star", "singer", "actor", "actress", "producer", "colleague", "colleagues", "wife",
		"husband", "family", "father", "mother", "son", "daughter", "people", "fans", "airline",
		"retailer", "maker", "giant", "supporters", "ict", "security", "intelligence", "services", "service",
		"counterparts", "diplomats", "diplomat", "chancellor", "premier", "ceo", "commander", "general",
		"cabinet", "parliament", "figures", "data", "parties", "executive", "accountant",
		"assembly", "developers", "developer")
	// orgWords mark a capitalised name as an organisation's.
	orgWords = set("agency", "news", "club", "group", "council", "ministry", "organization", "organisation",
		"press", "tv", "times", "post", "reuters", "bbc", "company", "corporation", "corp", "inc", "ltd",
		"association", "union", "bank", "party", "university", "institute", "office", "department",
		"commission", "committee", "board", "online", "daily", "journal", "television", "radio", "network",
		"america", "telegraph", "guardian", "mail", "herald", "center", "centre", "foundation", "fund",
		"international", "government", "municipality", "city", "state", "states", "republic", "iran",
		"sanat", "nameh", "isna", "irna", "yjc", "mehr", "fars", "tasnim", "afta", "fbi", "sec", "mojahedin",
		"mujahedin", "mujahedeen", "mek", "mko", "pmoi", "overthrow", "uprising")
	// titles before a name: "FBI Director Christopher Wray".
	titles = set("director", "president", "minister", "chairman", "chief", "secretary", "governor",
		"senator", "spokesman", "spokeswoman", "commander", "general", "chancellor", "premier",
		"mayor", "ambassador", "judge", "head", "leader", "executive", "officer", "boss", "manager",
		"coach", "captain", "professor", "economist", "analyst", "accountant", "spokesperson",
		"lock", "striker", "midfielder", "defender", "goalkeeper", "champion", "founder", "editor")
	// time words that end a forward walk: "said Ghaemi Tuesday".
	timeWords = set("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
		"january", "february", "march", "april", "june", "july", "august", "september", "october",
		"november", "december", "yesterday", "today", "tonight", "earlier", "later", "last", "this")
)

// findClauses returns the reporting clauses of a sentence in text order.
func findClauses(toks []tok) []clause {
	var out []clause
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if !t.word {
			continue
		}
		w := lower(t.s)
		if w == "according" && i+1 < len(toks) && lower(toks[i+1].s) == "to" {
			if start, end, ok := npForward(toks, i+2); ok {
				c := clause{agents: []string{phrase(toks[start:end])}, pos: i, inQuote: t.quote}
				c.trailing = i > 0 && (toks[i-1].s == "," || isQuoteMark(toks[i-1])) && restIsAdverbial(toks, end)
				out = append(out, c)
				i = end - 1
			}
			continue
		}
		if participles[w] {
			// "…, adding 10 points": a narrated act, not speech.
			said := !claimsAct(toks, i) && !(i+1 < len(toks) && (unicode.IsDigit(rune(toks[i+1].s[0])) || strings.ContainsAny(toks[i+1].s, "£$€")))
			if len(out) == 0 && i > 0 && toks[i-1].s == "," && said {
				if subj, ok := subjectOf(toks); ok {
					out = append(out, clause{agents: []string{subj}, pos: i, inQuote: t.quote})
				}
			}
			continue
		}
		if !reportingVerbs[w] || capital(t.s) && i > 0 {
			continue
		}
		if c, ok := verbClause(toks, i, w); ok {
			if c.inQuote && len(c.agents) == 1 && pronouns[lower(c.agents[0])] {
				continue // "we said" inside a quotation: the quoted speaker's own words
			}
			out = append(out, c)
		}
	}
	return out
}

// verbClause builds the clause around reporting verb toks[i].
func verbClause(toks []tok, i int, w string) (clause, bool) {
	c := clause{pos: i, inQuote: toks[i].quote}
	next := ""
	if i+1 < len(toks) {
		next = lower(toks[i+1].s)
	}
	switch w {
	case "called":
		if next != "on" && next != "for" {
			return c, false
		}
	case "quoted":
		return quotedAs(toks, i)
	case "issued":
		if next != "a" || i+2 >= len(toks) || lower(toks[i+2].s) != "statement" {
			return c, false
		}
	case "claimed", "claims", "claim":
		if claimsAct(toks, i) {
			return c, false
		}
	case "think", "thinks":
		if strings.HasPrefix(next, "tank") {
			return c, false // "right of centre think tanks"
		}
	}
	if i > 0 && determiner[lower(toks[i-1].s)] {
		return c, false // a noun: "the reports", "its claims"
	}
	if w == "reported" && next == "by" {
		if s, e, ok := npForward(toks, i+2); ok {
			c.agents = []string{phrase(toks[s:e])}
			c.trailing = restIsAdverbial(toks, e)
			return c, true
		}
		return c, false
	}
	j := i - 1
	for j >= 0 && toks[j].word && between[lower(toks[j].s)] {
		j--
	}
	if j >= 0 && toks[j].word && blockers[lower(toks[j].s)] {
		return c, false
	}
	inverted := j < 0 || !toks[j].word && toks[j].s != ")" && !closesQuotedName(toks, j)
	// Only say-like verbs invert, and right after the quotation or comma:
	// '…," said Ghaemi' but not ', has urged the Parliament'.
	canInvert := j == i-1 && invertible[w]
	var agent string
	after := i + 1
	switch {
	case j >= 0 && toks[j].word && (lower(toks[j].s) == "and" || lower(toks[j].s) == "but"):
		s, ok := subjectOf(toks)
		if !ok {
			return c, false
		}
		agent = s
	case inverted:
		// '…," said Ghaemi.' or ', added the city council member.'
		if s, e, ok := npForward(toks, i+1); ok && canInvert && !pronouns[lower(toks[s].s)] && endsInversion(toks, e) && j >= 0 && (toks[j].s == "," || isQuoteMark(toks[j])) {
			agent = phrase(toks[s:e])
			after = e
			c.trailing = true
		} else if j >= 0 && toks[j].s == "," {
			a, ok := appositive(toks, j)
			if !ok {
				a, ok = beforeAside(toks, j)
			}
			if !ok {
				return c, false
			}
			agent = a
		} else {
			return c, false
		}
	default:
		s, e, ok := subjectBack(toks, j)
		if !ok {
			return c, false
		}
		if s > 0 && blockers[lower(toks[s-1].s)] {
			return c, false // "nor did he say"
		}
		agent = name(toks[s:e])
		c.trailing = s > 0 && (toks[s-1].s == "," || closesSpeech(toks, s-1)) && restIsAdverbial(toks, i+1)
		aside := s > 0 && toks[s-1].s == ","
		if needComplement[w] && !c.trailing && !hasComplement(toks, i, aside) {
			return c, false
		}
	}
	c.agents = []string{agent}
	if w == "told" || w == "tells" || w == "tell" {
		// "told YJC", "told BBC Sport": an outlet passes the words on; a
		// person told ("told the President of …") is an audience.
		if s, e, ok := npForward(toks, after); ok && capital(toks[e-1].s) && !namesPerson(toks[s:e]) {
			c.agents = append(c.agents, phrase(toks[s:e]))
		}
	}
	return c, true
}

// namesPerson: a title or a personal name, not an outlet.
func namesPerson(ts []tok) bool {
	for _, t := range ts {
		if titles[lower(t.s)] {
			return true
		}
	}
	var ws []string
	for _, t := range ts {
		if t.word && !determiners[lower(t.s)] {
			ws = append(ws, t.s)
		}
	}
	return len(ws) >= 2 && looksLikePerson(ws)
}

// endsInversion: what follows an inverted speaker ("…," said the coach)
// is the end of the sentence, a comma or an adverbial, not a verb ("said
// the family were").
func endsInversion(toks []tok, e int) bool {
	if e >= len(toks) || !toks[e].word {
		return true
	}
	switch w := lower(toks[e].s); w {
	case "on", "in", "at", "during", "of", "from", "who", "which", "after", "before",
		"when", "as", "while", "adding", "yesterday", "today", "last", "earlier", "later", "to":
		return true
	default:
		return timeWords[w]
	}
}

// quotedAs handles "X quoted Y as saying": Y speaks, X reports.
func quotedAs(toks []tok, i int) (clause, bool) {
	c := clause{pos: i, inQuote: toks[i].quote}
	s, e, ok := npForward(toks, i+1)
	if !ok || e+1 >= len(toks) || lower(toks[e].s) != "as" {
		return c, false
	}
	speaker := phrase(toks[s:e])
	j := i - 1
	for j >= 0 && toks[j].word && between[lower(toks[j].s)] {
		j--
	}
	c.agents = []string{speaker}
	if b, ok := npBack(toks, j); ok {
		c.agents = append(c.agents, name(toks[b:j+1]))
		c.trailing = b > 0 && (toks[b-1].s == "," || isQuoteMark(toks[b-1]))
	}
	return c, true
}

// closesSpeech: toks[k] is a quotation mark that closes what was said
// ('…," he added', '…?" she asked'), not a quoted name or phrase ('the
// "bonfire of quangos" New Labour had promised').
func closesSpeech(toks []tok, k int) bool {
	if !isQuoteMark(toks[k]) || k == 0 {
		return false
	}
	switch toks[k-1].s {
	case ",", ".", "!", "?", "…":
		return true
	}
	return false
}

// actNouns, after "claimed", make it a narrated act, not a claim of
// what happened: "claimed the top spot", "claimed victory". Claiming
// responsibility or credit is a claim: its claimant is who "who claimed
// it" asks for, and what sources' claimants are compared on.
var actNouns = set("victory", "title", "titles", "spot", "place", "win",
	"wins", "lives", "seat", "seats", "prize", "award", "medal", "medals", "crown", "trophy", "record",
	"points", "wickets", "ownership", "stake", "gold", "silver", "bronze", "honours", "compensation",
	"damages", "benefits", "benefit", "asylum", "glory")

// claimsAct reports whether the claim verb toks[i] has an act for its
// object ("claimed the top spot,", "claimed victory in") rather than
// what was claimed ("claims the current asylum system is abused").
func claimsAct(toks []tok, i int) bool {
	for k := i + 1; k < len(toks) && k <= i+4; k++ {
		w := lower(toks[k].s)
		if actNouns[w] {
			return k+1 >= len(toks) || !toks[k+1].word || connectors[lower(toks[k+1].s)] || prepositions[lower(toks[k+1].s)] || stops[lower(toks[k+1].s)]
		}
		if !toks[k].word || w == "that" || pronouns[w] || stops[w] && !determiner[w] {
			return false
		}
	}
	return false
}

// hasComplement: what was said follows the verb within a few words. A
// comma right after the verb opens what was said only in an aside ("the
// firm, he added, was …") or before a quotation ('he added, "…'); in
// "the bonfire New Labour had promised, there had been …" it does not.
func hasComplement(toks []tok, i int, aside bool) bool {
	if i+1 >= len(toks) {
		return true
	}
	switch toks[i+1].s {
	case ",":
		return aside || i+2 < len(toks) && isQuoteMark(toks[i+2])
	case ".", ":", ";", "\"", "“", "‘":
		return true
	}
	for k := i + 1; k < len(toks) && k <= i+9; k++ {
		t := toks[k]
		if t.s == ":" || t.s == "“" || t.s == "\"" || lower(t.s) == "that" {
			return true
		}
		if t.word && (reportingVerbs[lower(t.s)] || pronouns[lower(t.s)] && k == i+1) {
			return true
		}
	}
	return false
}

// restIsAdverbial: nothing after k reports anything; only "on Tuesday",
// "in a statement" and the final stop.
func restIsAdverbial(toks []tok, k int) bool {
	for ; k < len(toks); k++ {
		t := toks[k]
		if t.s == ":" || t.s == "“" || (t.word && (lower(t.s) == "that" || participles[lower(t.s)])) {
			return false
		}
	}
	return true
}

// accepts says whether toks[k] may stand in a noun phrase, given the word
// after it (for adjectives: "exiled opposition", "state-run daily").
func accepts(toks []tok, k int, nextOK bool) bool {
	t := toks[k]
	if !t.word {
		return false
	}
	w := lower(t.s)
	if capital(t.s) {
		// "Uprising To Overthrow": a stop word inside a name.
		return !stops[w] || k > 0 && capital(toks[k-1].s) && k+1 < len(toks) && capital(toks[k+1].s)
	}
	if stops[w] && !connectors[w] {
		return false
	}
	if determiner[w] || connectors[w] || isLexicon(w) || pronouns[w] {
		return true
	}
	if unicode.IsDigit(rune(t.s[0])) {
		return false
	}
	return nextOK // an adjective before a noun
}

func nounish(t tok) bool {
	if !t.word {
		return t.s == ")"
	}
	w := lower(t.s)
	return capital(t.s) && !determiners[w] && !connectors[w] || isLexicon(w) || pronouns[w]
}

// isLexicon: a noun that can speak, or its plural ("watchdogs").
func isLexicon(w string) bool {
	w = strings.TrimRight(w, "'’") // "the correspondents' club"
	return lexicon[w] || strings.HasSuffix(w, "s") && lexicon[w[:len(w)-1]]
}
