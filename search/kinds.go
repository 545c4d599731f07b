package search

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// kind is a set of the kinds of answer a question asks for, or that a
// sentence holds: "how many cameras?" wants a number, "on Monday more than
// 5,000 cameras were hacked" holds a number and a day. Matching the two is
// what lifts the sentence that answers above the lead that merely repeats
// the question's words.
type kind uint16

const (
	kindEntity   kind = 1 << iota // a named person, group or organisation: who
	kindTime                      // a date, day, year or time: when
	kindPlace                     // a named place: where
	kindNumber                    // a count: how many
	kindMoney                     // an amount of money: how much
	kindPercent                   // a share: what percentage
	kindDuration                  // a length of time: how long
	kindCause                     // a reason: why
	kindSpeech                    // reported speech: what did X say
)

// askedKind reads what kind of answer a question wants from its wording;
// zero when it does not say ("tehran cameras hacked").
func askedKind(question string) kind {
	words := lowerWords(question)
	var k kind
	for i, w := range words {
		next := ""
		if i+1 < len(words) {
			next = words[i+1]
		}
		prev := ""
		if i > 0 {
			prev = words[i-1]
		}
		switch w {
		case "who", "whom", "whose", "who's", "whos":
			k |= kindEntity
		case "when":
			k |= kindTime
		case "where":
			k |= kindPlace
		case "why":
			k |= kindCause
		case "how":
			switch next {
			case "many":
				k |= kindNumber
			case "much":
				if i+2 < len(words) && durationUnits[singular(words[i+2])] || i+2 < len(words) && words[i+2] == "time" {
					k |= kindDuration
				} else {
					k |= kindMoney | kindNumber | kindPercent
				}
			case "long":
				k |= kindDuration
			case "come":
				k |= kindCause
			case "big", "large", "high", "low", "far", "old", "fast", "often":
				k |= kindNumber
			}
		case "which", "what", "whats", "what's":
			switch {
			case timeNouns[next]:
				k |= kindTime
			case placeNouns[next]:
				k |= kindPlace
			case entityNouns[next]:
				k |= kindEntity
			case next == "percentage" || next == "proportion" || next == "share":
				k |= kindPercent | kindNumber
			case next == "number" || next == "figure" || next == "amount" || next == "total":
				k |= kindNumber | kindMoney
			case next == "price" || next == "cost" || next == "fee" || next == "salary" || next == "fine":
				k |= kindMoney
			case next == "reason" || next == "cause" || next == "caused" || next == "made" || next == "prompted" || next == "motive":
				k |= kindCause
			}
		case "reason", "motive":
			if prev == "the" || prev == "a" {
				k |= kindCause
			}
		case "say", "said", "says", "tell", "told", "respond", "responded", "react", "reacted", "reaction", "comment", "claim", "claimed":
			if strings.Contains(" "+strings.Join(words[:i], " ")+" ", " what ") || w == "reaction" || w == "react" || w == "reacted" {
				k |= kindSpeech
			}
		}
	}
	// "how much did it cost" wants money; "how much time" wants a duration.
	return k
}

// Word lists for askedKind and sentenceKind. Lower case.
var (
	questionOpeners = set("who", "whom", "whose", "who's", "whos", "what", "whats", "what's", "when",
		"where", "why", "how", "which", "did", "does", "do", "is", "are", "was", "were", "can", "could",
		"will", "would", "has", "have", "had", "should")
	timeNouns = set("time", "date", "day", "year", "month", "week", "night", "morning", "evening",
		"hour", "season", "decade", "century", "anniversary", "weekend")
	placeNouns = set("city", "country", "town", "place", "region", "province", "state", "area",
		"venue", "capital", "location", "site", "stadium", "building", "street", "village", "nation", "county",
		"center", "centre", "headquarters", "office", "station", "prison", "airport", "port", "base", "server",
		"servers", "website", "school", "university", "hospital", "court", "parliament", "ground", "arena")
	entityNouns = set("group", "company", "firm", "team", "club", "player", "man", "woman", "person",
		"people", "minister", "official", "agency", "party", "organisation", "organization",
		"country", "band", "singer", "actor", "actress", "star", "manager", "coach", "boss",
		"chief", "leader", "politician", "judge", "court", "newspaper", "outlet", "bank", "body",
		"hackers", "hacker", "side", "film", "movie", "album", "show", "director", "executive", "mp")
	durationUnits = set("second", "minute", "hour", "day", "week", "fortnight", "month", "year", "decade", "century")
	countWords    = set("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
		"eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
		"nineteen", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
		"hundred", "hundreds", "thousand", "thousands", "million", "millions", "billion", "billions",
		"dozen", "dozens", "half", "quarter", "third", "double", "twice", "triple")
	pronounOne  = set("no", "any", "some", "every", "each", "the", "this", "that", "which", "another", "anyone")
	vagueCounts = set("a", "an", "few", "several", "couple", "many", "some", "more", "less", "fewer")
	moneyWords  = set("dollars", "dollar", "pounds", "pound", "euros", "euro", "rials", "rial", "yen",
		"francs", "cents", "pence", "bn", "m", "£", "$", "€", "us$", "usd", "gbp", "eur")
	percentWords = set("percent", "per", "%", "percentage")
	monthNames   = set("january", "february", "march", "april", "may", "june", "july", "august",
		"september", "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul",
		"aug", "sep", "sept", "oct", "nov", "dec")
	dayNames  = set("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
	timeWords = set("yesterday", "today", "tomorrow", "tonight", "ago", "anniversary", "morning",
		"evening", "afternoon", "midnight", "noon", "overnight", "weekend", "earlier", "later",
		"christmas", "easter", "ramadan", "dawn", "dusk")
	causeWords = set("because", "reason", "reasons", "caused", "causes",
		"cause", "blamed", "blame", "aimed", "aim", "protest", "amid", "anniversary", "coincide",
		"coincided", "response", "retaliation", "revenge", "motivated", "prompted",
		"purpose", "mark", "marked", "marking", "following", "fears", "concerns")
	// causeBefore are words that say why only before "to": "due to",
	// "owing to", "thanks to", "led to", "in order to", "put down to",
	// "in a bid to", "designed to", "attributed to".
	causeBefore = set("due", "owing", "thanks", "led", "order", "down", "bid", "designed", "intended", "attributed")
	// useAfterCause counts "after" before a verb's -ing form as a reason:
	// "discontinued ... after disappointing trial results", "plummeted
	// ... after selling his company" (+2 hit@1 and hit@3 on BBC's dev half,
	// the abstentions unchanged).
	useAfterCause = true
	speechWords   = set("said", "says", "say", "told", "tells", "added", "stated", "according",
		"quoted", "announced", "insisted", "warned", "argued", "explained", "commented", "claimed",
		"claims", "declared", "admitted", "denied", "stressed", "noted", "wrote", "statement", "replied")
	placePreps = set("in", "at", "from", "near", "across", "outside", "inside", "into", "to", "throughout")
	roleWords  = set("president", "minister", "chief", "head", "spokesman", "spokeswoman", "spokesperson",
		"leader", "leaders", "director", "chairman", "chairwoman", "boss", "manager", "coach", "secretary",
		"governor", "mayor", "commander", "ceo", "founder", "official", "officials", "executive")
	// notNames are capitalised words that do not name anyone.
	notNames = set("i", "the", "a", "an", "it", "he", "she", "they", "we", "this", "that", "these",
		"those", "mr", "mrs", "ms", "dr", "but", "and", "in", "on", "at", "on", "for", "as", "if")
)

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// singular strips a plural "s" for the unit lists.
func singular(w string) string {
	if len(w) > 3 && strings.HasSuffix(w, "s") {
		return w[:len(w)-1]
	}
	return w
}

// lowerWords splits a question into lower-case words, keeping apostrophes
// inside words ("who's").
func lowerWords(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' && r != '’'
	})
}

// word is one word of a sentence with its byte range.
type word struct {
	text       string // as written
	lower      string
	start, end int
}

// sentenceWords splits text into words (letters, digits, and the symbols
// £ $ € % that carry amounts), with their byte ranges.
func sentenceWords(text string) []word {
	var out []word
	start := -1
	flush := func(end int) {
		if start >= 0 {
			w := text[start:end]
			out = append(out, word{text: w, lower: strings.ToLower(w), start: start, end: end})
			start = -1
		}
	}
	for i, r := range text {
		switch {
		case r == '£' || r == '$' || r == '€' || r == '%':
			flush(i)
			out = append(out, word{text: string(r), lower: string(r), start: i, end: i + utf8.RuneLen(r)})
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if start < 0 {
				start = i
			}
		case (r == ',' || r == '.' || r == '\'' || r == '’' || r == '-') && start >= 0:
			// 5,000 and 2.5 and o'clock and Al-Rajavi stay one word when
			// the next character continues it.
			next, _ := utf8.DecodeRuneInString(text[i+utf8.RuneLen(r):])
			if !(unicode.IsLetter(next) || unicode.IsDigit(next)) {
				flush(i)
			}
		default:
			flush(i)
		}
	}
	flush(len(text))
	return out
}

// nearWords is how many words away from a question's word a thing of the
// kind asked must stand to count as near it: "more than 5,000 surveillance
// cameras" holds the count of cameras, "Last October" in the same sentence
// as "cameras" but far from it does not date them.
const nearWords = 4

// sentenceKinds reports what kinds of answer a sentence holds (all),
// leaving out what the question itself says: "who leads the MEK" is not
// answered by a sentence whose only name is "MEK". asked holds the
// question's words, lower case, and its index terms. near is the kinds it
// holds within nearWords words of a question's word; at holds their byte
// offsets in text, ascending.
func sentenceKinds(text string, asked map[string]bool, at []int) (all, near kind) {
	ws := sentenceWords(text)
	var k kind
	i := 0
	nearAsked := func() bool {
		if len(at) == 0 {
			return false
		}
		from, to := ws[max(i-nearWords, 0)].start, ws[min(i+nearWords, len(ws)-1)].end
		j := sort.SearchInts(at, from)
		return j < len(at) && at[j] < to
	}
	add := func(x kind) {
		k |= x
		if nearAsked() {
			near |= x
		}
	}
	for i = range ws {
		w := ws[i]
		prev := ""
		if i > 0 {
			prev = ws[i-1].lower
		}
		next := ""
		if i+1 < len(ws) {
			next = ws[i+1].lower
		}
		first, _ := utf8.DecodeRuneInString(w.text)
		isDigit := unicode.IsDigit(first)
		switch {
		case isDigit:
			if asked[w.lower] {
				continue
			}
			if len(w.text) == 4 && (strings.HasPrefix(w.text, "19") || strings.HasPrefix(w.text, "20")) && !strings.ContainsAny(w.text, ",.") {
				add(kindTime)
			} else {
				add(kindNumber)
			}
			if moneyWords[prev] || moneyWords[next] || strings.HasSuffix(w.lower, "m") || strings.HasSuffix(w.lower, "bn") {
				add(kindMoney)
			}
			if percentWords[next] {
				add(kindPercent)
			}
			if durationUnits[singular(next)] {
				add(kindDuration)
			}
			if monthNames[prev] || monthNames[next] || strings.Contains(w.text, ":") {
				add(kindTime)
			}
		case countWords[w.lower]:
			if asked[w.lower] || w.lower == "one" && pronounOne[prev] {
				continue // "no one", "this one": not a count
			}
			// "one day", "two hours": a length of time, not a count.
			if durationUnits[singular(next)] {
				add(kindDuration)
			} else {
				add(kindNumber)
			}
			if moneyWords[next] {
				add(kindMoney)
			}
		case durationUnits[singular(w.lower)]:
			if vagueCounts[prev] || countWords[prev] {
				add(kindDuration)
			}
			if prev == "last" || prev == "next" || prev == "this" {
				add(kindTime)
			}
		case monthNames[w.lower] && unicode.IsUpper(first), dayNames[w.lower], timeWords[w.lower]:
			if !asked[w.lower] {
				add(kindTime)
			}
			if w.lower == "anniversary" {
				add(kindCause)
			}
		case moneyWords[w.lower] && (w.lower == "£" || w.lower == "$" || w.lower == "€"):
			add(kindMoney)
		case w.lower == "%" || (w.lower == "per" && next == "cent") || w.lower == "percent":
			add(kindPercent)
		}
		if causeWords[w.lower] && !asked[w.lower] || causeBefore[w.lower] && next == "to" ||
			useAfterCause && w.lower == "after" && strings.HasSuffix(next, "ing") ||
			w.lower == "result" && (prev == "a" || next == "of") {
			add(kindCause)
		}
		if speechWords[w.lower] {
			add(kindSpeech)
		}
		if placePreps[w.lower] && placeAhead(ws[i+1:], asked) {
			add(kindPlace)
		}
		if roleWords[w.lower] && !asked[w.lower] {
			add(kindEntity)
		}
		if !isDigit && unicode.IsUpper(first) && !asked[w.lower] && !notNames[w.lower] && !monthNames[w.lower] && !dayNames[w.lower] {
			// A capitalised word after the first is a name; the first word
			// is capitalised anyway, unless it is an acronym.
			if i > 0 && !sentenceStart(text, ws, i) || isAcronym(w.text) {
				add(kindEntity)
				if placePreps[prev] {
					add(kindPlace)
				}
			}
		}
	}
	if strings.ContainsAny(text, "\"“”") {
		k |= kindSpeech
		if len(at) > 0 {
			near |= kindSpeech
		}
	}
	return k, near
}

// placeAhead reports whether the words after a preposition name a place:
// "from the municipal data center", "in Rome".
func placeAhead(ws []word, asked map[string]bool) bool {
	for i, w := range ws[:min(len(ws), 4)] {
		if asked[w.lower] {
			return false
		}
		if placeNouns[singular(w.lower)] || placeNouns[w.lower] {
			return true
		}
		if i == 0 && w.lower != "the" && w.lower != "a" && !unicode.IsUpper([]rune(w.text)[0]) {
			return false
		}
	}
	return false
}

// sentenceStart reports whether word i opens the sentence or a quotation
// in it, where capitals say nothing.
func sentenceStart(text string, ws []word, i int) bool {
	between := strings.TrimSpace(text[ws[i-1].end:ws[i].start])
	return strings.ContainsAny(between, ".!?:\"“‘'")
}

func isAcronym(w string) bool {
	if len(w) < 2 {
		return false
	}
	for _, r := range w {
		if !unicode.IsUpper(r) {
			return false
		}
	}
	return true
}
