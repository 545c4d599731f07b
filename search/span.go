package search

// The answer span: the part of a quote that answers what was asked, so a
// reader sees "more than 5,000 surveillance cameras" before the rest.

import (
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// spanItem is one thing of a kind in a sentence: words [from, to) of it.
type spanItem struct {
	from, to int
	k        kind
	speaker  bool // the quote's attributed speaker, for "who said …"
}

// Kinds a question may ask for together, most specific first: "how much"
// asks for money, a share or a count, and a sum of money answers it better
// than a bare count in the same sentence.
var spanPreference = []kind{kindMoney, kindPercent, kindDuration, kindTime, kindPlace, kindEntity,
	kindCause, kindSpeech, kindNumber}

// minOutside is how many words of a quote an answer span must leave out
// to stand out.
const minOutside = 5

// setAnswerSpans fills each quote's Answer for the question p: the thing
// of the asked kind nearest the question's words (Quote.Highlights).
func (p prepared) setAnswerSpans(quotes []Quote) {
	want := spanKind(p.question)
	if want == 0 {
		return
	}
	asked := askedForms(p.asked)
	speaker := speakerAsked(p.question)
	for i := range quotes {
		q := &quotes[i]
		saidBy := ""
		if speaker {
			saidBy = q.SaidBy
		}
		if from, to, ok := answerSpan(q.Text, want, asked, q.Highlights, saidBy); ok {
			q.Answer = []Highlight{{Start: from, End: to}}
		}
	}
}

// askedForms is the question's words as a sentence may write them: with
// or without a possessive, with a straight or a curly apostrophe, so
// "Iran’s" is no answer to "who hacked iran's gas stations".
func askedForms(words map[string]bool) map[string]bool {
	asked := make(map[string]bool, 4*len(words))
	for w := range words {
		w = strings.ReplaceAll(w, "’", "'")
		base := strings.TrimSuffix(w, "'s")
		for _, f := range []string{w, base, base + "'s", base + "’s", strings.ReplaceAll(w, "'", "’")} {
			asked[f] = true
		}
	}
	return asked
}

// auxiliaries open a question that wants a yes or a no: "are they going
// to find out who was behind it" asks for no name.
var auxiliaries = set("is", "are", "was", "were", "will", "would", "can", "could", "did", "does", "do",
	"has", "have", "had", "should", "shall", "may", "might", "must", "isn't", "aren't", "wasn't", "didn't")

var whWords = set("who", "whom", "whose", "who's", "when", "where", "why", "how", "which", "what", "what's", "whats")

// spanKind is the kind of answer the question's first wh-word asks for:
// "when will we know who did it" wants a date, not a name. A question
// opened by an auxiliary wants a yes or a no, no span.
func spanKind(question string) kind {
	words := lowerWords(question)
	if len(words) == 0 || auxiliaries[words[0]] {
		return 0
	}
	seen := false
	for i, w := range words {
		if !whWords[w] {
			continue
		}
		if seen {
			return askedKind(strings.Join(words[:i], " "))
		}
		seen = true
	}
	return askedKind(question)
}

// speakerVerbs after "who" ask who spoke: "who claimed it", "who said".
var speakerVerbs = set("said", "says", "say", "claimed", "claims", "claim", "blamed", "blames", "told",
	"announced", "reported", "warned", "wrote", "confirmed", "denied", "accused", "admitted", "tweeted",
	"stated", "took", "takes", "blame")

var speechNouns = set("statement", "announcement", "comment", "comments", "remarks", "claim", "tweet", "warning")

// speakerAsked reports whether the question asks who said or claimed
// something, so the quote's attributed speaker answers it.
func speakerAsked(question string) bool {
	words := lowerWords(question)
	for i, w := range words {
		if (w == "who" || w == "whom") && i+1 < len(words) && speakerVerbs[words[i+1]] {
			return true
		}
		if speechNouns[w] && slices.Contains(words[:i], "who") {
			return true // "who put out the statement"
		}
		if w == "according" && i+2 < len(words) && words[i+1] == "to" && words[i+2] == "whom" {
			return true
		}
	}
	return false
}

// answerSpan returns the byte range of text that answers a question
// asking for want, whose words (lower case) are asked and stand at hl in
// text; saidBy, when set, is who the text says speaks there and answers
// "who said …". ok is false when the text holds nothing of the kind
// beyond the question's own words.
func answerSpan(text string, want kind, asked map[string]bool, hl []Highlight, saidBy string) (from, to int, ok bool) {
	ws := sentenceWords(text)
	if len(ws) == 0 || want == 0 {
		return 0, 0, false
	}
	items := spanItems(text, ws, want, asked, saidBy)
	var chosen []spanItem
	for _, k := range spanPreference {
		if want&k == 0 {
			continue
		}
		for _, it := range items {
			if it.k&k != 0 {
				chosen = append(chosen, it)
			}
		}
		if len(chosen) > 0 {
			break
		}
	}
	if len(chosen) == 0 {
		return 0, 0, false
	}
	at := questionWordIndexes(ws, hl)
	clause := clauses(text, ws)
	type ranked struct {
		it         spanItem
		near, dist int
	}
	rs := make([]ranked, len(chosen))
	for i, it := range chosen {
		rs[i].it = it
		rs[i].near, rs[i].dist = nearness(it, at, ws, clause)
		if it.speaker {
			rs[i].near = 1 << 20 // the one the text says claimed or said it
		}
	}
	sort.SliceStable(rs, func(i, j int) bool {
		return rs[i].near > rs[j].near || rs[i].near == rs[j].near && rs[i].dist < rs[j].dist
	})
	for _, r := range rs {
		// A span of nearly all the quote ('"…," said Calder.') says
		// nothing the quote does not.
		if n := r.it.to - r.it.from; 3*n > 2*len(ws) && len(ws)-n < minOutside {
			continue
		}
		return ws[r.it.from].start, ws[r.it.to-1].end, true
	}
	return 0, 0, false
}

// clauses numbers the stretches of a sentence between punctuation marks,
// one number a word.
func clauses(text string, ws []word) []int {
	out := make([]int, len(ws))
	n := 0
	for i := range ws {
		if i > 0 && punctBetween(text, ws, i) {
			n++
		}
		out[i] = n
	}
	return out
}

// nearness says how near an item stands to the question's words: how
// many different ones share its clause or stand right beside it ("the
// head of the Tehran City Council, Mehdi Chamran"), and how many words
// lie between it and the nearest (the sentence's length when none is in
// it).
func nearness(it spanItem, at []int, ws []word, clause []int) (int, int) {
	same, beside := map[string]bool{}, map[string]bool{}
	for _, i := range at {
		if clause[i] == clause[it.from] || clause[i] == clause[it.to-1] {
			same[ws[i].lower] = true
		}
		if i >= it.from-nearWords && i < it.to+nearWords {
			beside[ws[i].lower] = true
		}
	}
	return len(same) + len(beside), distance(it, at)
}

// questionWordIndexes gives the indexes of the words of ws that the
// highlights (the question's words) cover.
func questionWordIndexes(ws []word, hl []Highlight) []int {
	var out []int
	for i, w := range ws {
		for _, h := range hl {
			if w.start < h.End && h.Start < w.end {
				out = append(out, i)
				break
			}
		}
	}
	return out
}

// distance is how many words lie between the item and the nearest of the
// question's words: 0 when one is inside it or beside it; the sentence's
// length when the question's words are not in it.
func distance(it spanItem, at []int) int {
	best := 1 << 20
	for _, i := range at {
		d := 0
		switch {
		case i < it.from:
			d = it.from - i - 1
		case i >= it.to:
			d = i - it.to
		}
		best = min(best, d)
	}
	return best
}

// spanItems finds the things of the kinds wanted in a sentence.
func spanItems(text string, ws []word, want kind, asked map[string]bool, saidBy string) []spanItem {
	var items []spanItem
	if want&(kindNumber|kindMoney|kindPercent|kindDuration) != 0 {
		items = append(items, quantities(text, ws, asked)...)
	}
	if want&kindTime != 0 {
		items = append(items, times(text, ws, asked)...)
	}
	if want&kindPlace != 0 {
		items = append(items, places(text, ws, asked)...)
	}
	if want&kindEntity != 0 {
		items = append(items, entityNames(text, ws, asked, saidBy)...)
	}
	if want&kindCause != 0 {
		items = append(items, causes(text, ws, asked)...)
	}
	if want&kindSpeech != 0 {
		items = append(items, speech(text, ws)...)
	}
	return items
}

// punctBetween reports whether punctuation that ends a phrase (not the
// comma of "5,000", which sentenceWords keeps inside the word) stands
// between words i-1 and i.
func punctBetween(text string, ws []word, i int) bool {
	if i <= 0 || i >= len(ws) {
		return true
	}
	between := text[ws[i-1].end:ws[i].start]
	return strings.ContainsAny(between, ",;:.!?()\"“”‘’—–") || strings.Contains(between, " - ")
}

// Words around a quantity.
var (
	// quantityBefore qualify a figure: "more than 5,000", "some 50".
	quantityBefore = set("about", "around", "almost", "nearly", "some", "over", "under", "roughly",
		"approximately", "estimated", "just", "only", "least", "than", "to", "much", "many", "further",
		"another", "record", "up", "whopping", "barely", "exactly", "precisely", "fewer", "less", "more")
	// quantityJoin continue a figure: "2.5 million", "5 per cent".
	quantityJoin = set("hundred", "thousand", "million", "billion", "trillion", "bn", "m", "k", "per", "cent",
		"percent", "%", "dozen", "and", "half")
	// nounStop end the counted noun after a figure.
	nounStop = set("in", "of", "at", "on", "for", "to", "from", "by", "with", "and", "or", "but", "that",
		"which", "who", "was", "were", "is", "are", "have", "has", "had", "will", "would", "could", "the",
		"a", "an", "than", "as", "per", "a", "its", "their", "his", "her", "this", "over", "after", "before",
		"since", "last", "this", "each", "more", "less", "into", "across", "while", "when")
)

// quantities finds figures: a count with what it counts ("more than 5,000
// surveillance cameras"), a sum ("$180bn"), a share ("1.4%"), a length
// of time ("a few minutes").
func quantities(text string, ws []word, asked map[string]bool) []spanItem {
	var out []spanItem
	for i := 0; i < len(ws); i++ {
		w := ws[i]
		first, _ := utf8.DecodeRuneInString(w.text)
		digit := unicode.IsDigit(first)
		prev, next := "", ""
		if i > 0 {
			prev = ws[i-1].lower
		}
		if i+1 < len(ws) {
			next = ws[i+1].lower
		}
		var start bool
		switch {
		case asked[w.lower]:
		case digit:
			// "On June 8", "8 June": a date, not a count
			start = (!isYear(w.text) || durationUnits[singular(next)]) && !monthNames[prev] && !(monthNames[next] && i+1 < len(ws) && upperWord(ws[i+1]))
		case countWords[w.lower]:
			start = !(w.lower == "one" && (pronounOne[prev] || next == "of")) &&
				!((w.lower == "third" || w.lower == "half" || w.lower == "quarter") && prev == "the")
		case (w.lower == "few" || w.lower == "several" || w.lower == "couple") && i+1 < len(ws):
			start = durationUnits[singular(next)]
		case (w.lower == "a" || w.lower == "an" || w.lower == "for") && durationUnits[singular(next)] && !punctBetween(text, ws, i+1):
			// "an hour", "for years"
			start = w.lower != "for" || strings.HasSuffix(next, "s")
		case ordinals[w.lower]:
			start = true // "Cage's fourth collaboration"
		case w.lower == "£" || w.lower == "$" || w.lower == "€":
			start = i+1 < len(ws) && unicode.IsDigit([]rune(ws[i+1].text)[0])
		}
		if !start {
			continue
		}
		from, to := i, i+1
		for to < len(ws) && !punctBetween(text, ws, to) && (quantityJoin[ws[to].lower] ||
			ws[to].lower == "£" || ws[to].lower == "$" || ws[to].lower == "€" ||
			unicode.IsDigit([]rune(ws[to].text)[0]) && !isYear(ws[to].text) ||
			countWords[ws[to].lower] && ws[to].lower != "one" || ws[to].lower == "few" || ws[to].lower == "couple") {
			if ws[to].lower == "and" && !(to+1 < len(ws) && (countWords[ws[to+1].lower] || ws[to+1].lower == "a")) {
				break
			}
			if ws[to].lower == "half" && ws[to-1].lower != "and" && ws[to-1].lower != "a" {
				break
			}
			to++
		}
		k := kindNumber
		switch {
		case to < len(ws) && !punctBetween(text, ws, to) && durationUnits[singular(ws[to].lower)]:
			k = kindDuration
			to++
		case to < len(ws) && !punctBetween(text, ws, to) && moneyWords[ws[to].lower]:
			k = kindMoney
			to++
		}
		for j := from; j < to; j++ {
			switch l := ws[j].lower; {
			case l == "£" || l == "$" || l == "€" || moneyWords[l] && l != "m":
				k = kindMoney
			case l == "%" || l == "per" || l == "percent":
				k = kindPercent
			case unicode.IsDigit([]rune(l)[0]) && (strings.HasSuffix(l, "bn") || strings.HasSuffix(l, "m") && j > 0 && (ws[j-1].lower == "£" || ws[j-1].lower == "$" || ws[j-1].lower == "€")):
				k = kindMoney
			}
		}
		// A currency symbol before: "$180bn" is a sum.
		if from > 0 && !punctBetween(text, ws, from) && (ws[from-1].lower == "£" || ws[from-1].lower == "$" || ws[from-1].lower == "€") {
			from--
			k = kindMoney
		}
		// A currency after a name: "86.7bn Swiss francs".
		if k == kindNumber && to+1 < len(ws) && !punctBetween(text, ws, to) && !punctBetween(text, ws, to+1) && moneyWords[ws[to+1].lower] && unicode.IsUpper([]rune(ws[to].text)[0]) {
			k = kindMoney
			to += 2
		}
		// The words that qualify it: "more than", "some", "at least".
		for from > 0 && !punctBetween(text, ws, from) && quantityBefore[ws[from-1].lower] && from > i-3 {
			if l := ws[from-1].lower; l == "to" && !(from > 1 && ws[from-2].lower == "up") ||
				(l == "much" || l == "many") && !(from > 1 && ws[from-2].lower == "as") {
				break
			}
			from--
		}
		if from > 0 && (ws[from-1].lower == "as" || ws[from-1].lower == "at" || ws[from-1].lower == "an") && from < i && !punctBetween(text, ws, from) ||
			from > 0 && ws[from-1].lower == "a" && (ws[from].lower == "few" || ws[from].lower == "couple") {
			from-- // "as many as", "at least", "an estimated", "a few"
		}
		if k == kindNumber {
			to = countedWords(text, ws, to, asked)
		}
		if k == kindDuration && to < len(ws) && ws[to].lower == "ago" {
			k |= kindTime
			to++
		}
		out = append(out, spanItem{from: from, to: to, k: k | kindNumber})
		i = to - 1
	}
	return out
}

var ordinals = set("second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
	"eleventh", "twelfth", "twentieth", "hundredth")

// countedWords extends a count over what it counts: up to the question's
// word ("5,000 surveillance cameras"), or a plural within three words
// ("12 senior executives"), or else the next word ("2,700 people").
func countedWords(text string, ws []word, to int, asked map[string]bool) int {
	end := to
	for j := to; j < len(ws) && j < to+3; j++ {
		w := ws[j]
		if punctBetween(text, ws, j) || nounStop[w.lower] || !unicode.IsLower([]rune(w.text)[0]) {
			break
		}
		if asked[w.lower] || asked[singular(w.lower)] || strings.HasSuffix(w.lower, "s") && len(w.lower) > 3 {
			return j + 1
		}
		if j == to {
			end = j + 1
		}
	}
	return end
}
