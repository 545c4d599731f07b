package search

// The things an answer span can be, besides figures (span.go): dates,
// places, names, causes and what was said.

import (
	"strings"
	"unicode"
)

// Words of dates and names.
var (
	seasons   = set("spring", "summer", "autumn", "fall", "winter")
	timeNamed = set("yesterday", "today", "tomorrow", "tonight", "overnight", "midnight", "noon",
		"christmas", "easter", "ramadan", "dawn", "dusk")
	timeBefore = set("early", "mid", "late", "last", "next", "this", "the", "end", "start", "beginning")
	dayParts   = set("morning", "afternoon", "evening", "night")
	// nameJoin may stand inside a name between capitalised words:
	// "Group of People's Mujahedeen", "Massoud and Maryam Rajavi".
	nameJoin = set("of", "the", "and", "de", "al", "el", "bin", "von", "van", "du", "da", "for", "e")
)

func upperWord(w word) bool {
	r := []rune(w.text)
	return len(r) > 0 && unicode.IsUpper(r[0])
}

// times finds dates and times: "June 2", "December 2004", "Last
// October", "on Tuesday", "the summer of 2021", "two weeks ago" (the last
// is a figure, see quantities).
func times(text string, ws []word, asked map[string]bool) []spanItem {
	var out []spanItem
	isTime := func(j int) bool {
		w := ws[j]
		switch {
		case asked[w.lower]:
			return false
		case monthNames[w.lower] && upperWord(w) && len(w.lower) > 3 || w.lower == "may" && upperWord(w) && j > 0:
			return true
		case dayNames[w.lower] || strings.HasSuffix(w.lower, "'s") && dayNames[strings.TrimSuffix(w.lower, "'s")]:
			return true
		case timeNamed[w.lower] || isYear(w.text):
			return true
		case seasons[w.lower] || dayParts[w.lower] || durationUnits[w.lower]:
			// "last summer", "Tuesday morning", "last year", "this week"
			return j > 0 && (timeBefore[ws[j-1].lower] && ws[j-1].lower != "the" || isTime0(ws[j-1])) && !punctBetween(text, ws, j)
		}
		return false
	}
	for i := 0; i < len(ws); i++ {
		if !isTime(i) {
			continue
		}
		from, to := i, i+1
		for to < len(ws) && !punctBetween(text, ws, to) && (isTime(to) || dayNumber(ws[to]) && from == to-1 && monthNames[ws[from].lower]) {
			to++
		}
		// "June 2, 2022"
		if to+1 <= len(ws) && to < len(ws) && isYear(ws[to].text) && strings.TrimSpace(text[ws[to-1].end:ws[to].start]) == "," {
			to++
		}
		// "12 June", "early May", "last October", "the summer of 2021"
		for from > 0 && !punctBetween(text, ws, from) && (dayNumber(ws[from-1]) && monthNames[ws[from].lower] ||
			timeBefore[ws[from-1].lower] && ws[from-1].lower != "the") {
			from--
		}
		if seasons[ws[from].lower] && to+1 < len(ws) && ws[to].lower == "of" && isYear(ws[to+1].text) {
			to += 2
		}
		out = append(out, spanItem{from: from, to: to, k: kindTime})
		i = to - 1
	}
	// "on the anniversary of the death of the founder": a date named by
	// what it marks.
	for i, w := range ws {
		if w.lower == "anniversary" && !asked[w.lower] && i+1 < len(ws) && ws[i+1].lower == "of" {
			out = append(out, spanItem{from: i, to: clauseEnd(text, ws, i+1, 8), k: kindTime | kindCause})
		}
	}
	return out
}

// isTime0 is a day name or a date word that a part of the day may follow.
func isTime0(w word) bool {
	return dayNames[w.lower] || w.lower == "yesterday" || w.lower == "tomorrow"
}

// dayNumber is a day of the month: "2", "12th".
func dayNumber(w word) bool {
	n := strings.TrimRight(w.lower, "stndrh")
	if n == "" || len(n) > 2 {
		return false
	}
	for _, r := range n {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// capRun returns the end of the name that starts at ws[i]: capitalised
// words, with joining words between them, no punctuation inside.
func capRun(text string, ws []word, i int) int {
	to := i + 1
	for to < len(ws) && !punctBetween(text, ws, to) {
		w := ws[to]
		if upperWord(w) && !monthNames[w.lower] && !dayNames[w.lower] {
			to++
			continue
		}
		// a joining word only between two capitalised ones
		k := to
		for k < len(ws) && k < to+2 && nameJoin[ws[k].lower] && !upperWord(ws[k]) && !punctBetween(text, ws, k) {
			k++
		}
		if k > to && k < len(ws) && !punctBetween(text, ws, k) && upperWord(ws[k]) && !monthNames[ws[k].lower] {
			to = k + 1
			continue
		}
		break
	}
	return to
}

// places finds where: a name or a place noun after "in", "from", "at"…:
// "in Tehran", "from the municipal data center".
func places(text string, ws []word, asked map[string]bool) []spanItem {
	var out []spanItem
	for i := 0; i+1 < len(ws); i++ {
		if !placePreps[ws[i].lower] || punctBetween(text, ws, i+1) || i > 0 && ws[i-1].lower == "according" {
			continue // "according to AFTA" names a source, not a place
		}
		j := i + 1
		for j < len(ws) && (ws[j].lower == "the" || ws[j].lower == "a" || ws[j].lower == "an") && !punctBetween(text, ws, j+1) {
			j++
		}
		if j >= len(ws) || asked[ws[j].lower] {
			continue
		}
		if upperWord(ws[j]) && !monthNames[ws[j].lower] && !dayNames[ws[j].lower] && !isYear(ws[j].text) {
			end := capRun(text, ws, j)
			if !allAsked(ws[j:end], asked) {
				out = append(out, spanItem{from: j, to: end, k: kindPlace})
			}
			i = end - 1
			continue
		}
		for k := j; k < len(ws) && k < j+4; k++ {
			if k > j && punctBetween(text, ws, k) || asked[ws[k].lower] {
				break
			}
			if placeNouns[ws[k].lower] || placeNouns[singular(ws[k].lower)] {
				end := k + 1
				if end+1 < len(ws) && ws[end].lower == "of" && !punctBetween(text, ws, end) && upperWord(ws[end+1]) {
					end = capRun(text, ws, end+1)
				}
				out = append(out, spanItem{from: j, to: end, k: kindPlace})
				i = end - 1
				break
			}
		}
	}
	return out
}

func allAsked(ws []word, asked map[string]bool) bool {
	for _, w := range ws {
		if !asked[w.lower] && !nameJoin[w.lower] {
			return false
		}
	}
	return true
}

// entityNames finds who: names ("Massoud and Maryam Rajavi", "FBI
// Director Christopher Wray"), with the role before them where the text
// gives one ("head of the Tehran City Council"), and the quote's speaker
// where the text names them.
func entityNames(text string, ws []word, asked map[string]bool, saidBy string) []spanItem {
	var out []spanItem
	for i := 0; i < len(ws); i++ {
		w := ws[i]
		if !upperWord(w) || notNames[w.lower] || monthNames[w.lower] || dayNames[w.lower] {
			continue
		}
		end := capRun(text, ws, i)
		if end-i == 1 && (i == 0 || sentenceStart(text, ws, i)) && !isAcronym(w.text) {
			continue // a capital that only opens the sentence
		}
		if end-i == 1 && nationality(w.lower) && end < len(ws) && !upperWord(ws[end]) {
			continue // "the Iranian authorities": an adjective, not a name
		}
		if allAsked(ws[i:end], asked) {
			i = end - 1
			continue
		}
		from := i
		// "head of the Tehran City Council", "chairman of Tehran City Council"
		if k := i - 1; k >= 1 && !punctBetween(text, ws, i) {
			if ws[k].lower == "the" && k >= 2 {
				k--
			}
			if ws[k].lower == "of" && roleWords[ws[k-1].lower] && !punctBetween(text, ws, k) {
				from = k - 1
			}
		}
		out = append(out, spanItem{from: from, to: end, k: kindEntity})
		i = end - 1
	}
	if base := baseName(saidBy); base != "" {
		s, e, ok := findWords(ws, base)
		if f := strings.Fields(base); !ok && len(f) > 1 {
			// '…," said Ghaemi.' names Ali Asghar Ghaemi by surname
			s, e, ok = findWords(ws, f[len(f)-1])
			ok = ok && upperWord(ws[s])
		}
		if ok && !allAsked(ws[s:e], asked) {
			out = append(out, spanItem{from: s, to: e, k: kindEntity, speaker: true})
		}
	}
	return out
}

// nationality: "Iranian", "British", "Chinese", which name no one alone.
func nationality(w string) bool {
	if len(w) < 6 {
		return false
	}
	for _, suf := range []string{"ian", "ean", "ese", "ish"} {
		if strings.HasSuffix(w, suf) {
			return true
		}
	}
	return false
}

// findWords finds the words of phrase, in order and side by side, in ws.
func findWords(ws []word, phrase string) (int, int, bool) {
	want := sentenceWords(phrase)
	if len(want) == 0 {
		return 0, 0, false
	}
	for i := 0; i+len(want) <= len(ws); i++ {
		j := 0
		for j < len(want) && ws[i+j].lower == want[j].lower {
			j++
		}
		if j == len(want) {
			return i, i + j, true
		}
	}
	return 0, 0, false
}

// causeOpen start the clause that says why, with how many words of it
// belong before the marker ("due to": the marker is "to", the clause
// starts at "due").
var causeOpen = map[string]int{"because": 0, "due": 0, "owing": 0, "thanks": 0, "amid": 0,
	"coincide": 1, "retaliation": 1, "revenge": 1, "response": 1, "protest": 1, "result": 2,
	"punishment": 0, "blamed": 0, "following": 0, "fears": 0, "concerns": 0, "aimed": 0, "bid": 2,
	"order": 1, "motivated": 0, "prompted": 0, "caused": 0, "reason": 1, "reasons": 1, "purpose": 1,
	"mark": 1, "marking": 0, "designed": 0, "intended": 0, "attributed": 0, "led": 0, "down": 1,
	"meant": 0}

// ailments say why someone is missing: "out with an ankle injury".
var ailments = set("injury", "injuries", "illness", "problem", "problems", "virus", "infection", "strain", "knock")

// causes finds why: the clause a cause word opens, to the next
// punctuation: "to coincide with the commemoration of the death of …",
// "due to the weakness of the dollar".
func causes(text string, ws []word, asked map[string]bool) []spanItem {
	var out []spanItem
	for i := 0; i < len(ws); i++ {
		w := ws[i]
		back, ok := causeOpen[w.lower]
		isAfter := useAfterCause && w.lower == "after" && i+1 < len(ws) && strings.HasSuffix(ws[i+1].lower, "ing")
		if !ok && !isAfter || asked[w.lower] || i+1 >= len(ws) || punctBetween(text, ws, i+1) {
			continue
		}
		if (causeBefore[w.lower] || w.lower == "meant" || w.lower == "aimed") && ws[i+1].lower != "to" && ws[i+1].lower != "at" ||
			w.lower == "caused" && ws[i+1].lower != "by" {
			continue // "caused chaos" says what followed, not why
		}
		from := i
		for b := 0; b < back && from > 0 && !punctBetween(text, ws, from); b++ {
			from--
		}
		end := clauseEnd(text, ws, i+1, 16)
		out = append(out, spanItem{from: from, to: end, k: kindCause})
		i = end - 1
	}
	for i, w := range ws {
		if w.lower != "with" {
			continue
		}
		for k := i + 1; k < len(ws) && k <= i+4 && !punctBetween(text, ws, k); k++ {
			if ailments[ws[k].lower] {
				out = append(out, spanItem{from: i + 1, to: k + 1, k: kindCause})
				break
			}
		}
	}
	return out
}

// clauseEnd is where the clause going on at ws[i] ends: at punctuation,
// or after max words.
func clauseEnd(text string, ws []word, i, max int) int {
	end := i + 1
	for end < len(ws) && end < i+max && !punctBetween(text, ws, end) {
		end++
	}
	return min(end, len(ws))
}

// speech finds what was said: each quotation (“…”, "…", ‘…’), or
// else the reported clause ("the agency said the municipality's website
// was suspended").
func speech(text string, ws []word) []spanItem {
	var out []spanItem
	type mark struct {
		at     int
		single bool
	}
	var open []mark
	closeAt := func(i int, single bool) {
		for k := len(open) - 1; k >= 0; k-- {
			if open[k].single == single {
				if i > open[k].at {
					out = append(out, spanItem{from: open[k].at, to: i, k: kindSpeech})
				}
				open = open[:k]
				return
			}
		}
	}
	for i := 0; i <= len(ws); i++ {
		gap := text[:min(ws[0].start, len(text))]
		switch {
		case i == len(ws):
			gap = text[ws[i-1].end:]
		case i > 0:
			gap = text[ws[i-1].end:ws[i].start]
		}
		for _, r := range gap {
			switch r {
			case '“', '‘':
				open = append(open, mark{at: i, single: r == '‘'})
			case '”':
				closeAt(i, false)
			case '’':
				closeAt(i, true)
			case '"':
				if n := len(open); n > 0 && !open[n-1].single {
					closeAt(i, false)
				} else {
					open = append(open, mark{at: i})
				}
			}
		}
	}
	for _, m := range open {
		if m.at < len(ws) {
			out = append(out, spanItem{from: m.at, to: len(ws), k: kindSpeech})
		}
	}
	if len(out) > 0 {
		return out
	}
	for i, w := range ws {
		if !speechWords[w.lower] || w.lower == "statement" || w.lower == "according" {
			continue
		}
		// ", the agency said." at the end: what it said comes before.
		if i >= len(ws)-4 {
			for k := i; k > 2; k-- {
				if strings.Contains(text[ws[k-1].end:ws[k].start], ",") {
					return []spanItem{{from: 0, to: k, k: kindSpeech}}
				}
			}
			return nil
		}
		from := i + 1
		if ws[from].lower == "that" && from+1 < len(ws) {
			from++
		}
		return []spanItem{{from: from, to: len(ws), k: kindSpeech}}
	}
	return nil
}
