package search

// Claims: what one sentence claims (a figure, a claimant, a cause, a
// date), whether two sentences make the same claim, and a claim's quote
// cut for a phone screen.

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// causePattern finds a stated cause: "caused by a ransomware attack".
var causePattern = regexp.MustCompile(`(?i)\b(caused by|due to|because of|blamed (?:it |the \w+ )?on|the result of|triggered by|attributed (?:it |the \w+ )?to)\s+([^.,;:!?"“”]+)`)

// sentenceClaim is what one sentence claims.
type sentenceClaim struct {
	what, value, about string
}

// claimOf reads what a sentence claims: the first figure with a counted
// noun, else who claims or is blamed for something, else a cause, else a
// date. ok is false for a sentence that claims none of these.
func claimOf(text, saidBy string, f facts) (sentenceClaim, bool) {
	for _, fg := range f.figures {
		if !monthNames[fg.head] && !dayNames[fg.head] { // "several hours on Monday" is a date
			return sentenceClaim{what: "figure", value: fg.text, about: figureNoun(fg)}, true
		}
	}
	if saidBy != "" && aboutResponsibility(text) {
		return sentenceClaim{what: "claimant", value: saidBy, about: "who is behind it"}, true
	}
	if m := causePattern.FindStringSubmatch(text); m != nil {
		words := strings.Fields(m[2])
		if len(words) > storyCauseMaxWord {
			words = words[:storyCauseMaxWord]
		}
		return sentenceClaim{what: "cause", value: strings.Join(words, " "), about: "why"}, true
	}
	if d := firstDate(text); d != "" {
		return sentenceClaim{what: "date", value: d, about: "when"}, true
	}
	return sentenceClaim{}, false
}

// storyFacts are the facts of a sentence that a story may set against
// another's: its figures only where the number counts the noun after it
// ("12 cranes", "5,000 surveillance cameras"), not where it labels
// something and a noun comes later ("berth 1 after a crane collapsed",
// "berth 2 this week"): two dispatches about two berths do not differ.
//
// A story also keeps vague amounts ("part of the network of municipal
// surveillance cameras"): no count to check a claim against (differ.go
// leaves them out), but a later source that puts 5,000 cameras so has
// revised the figure, and the digest says so.
func storyFacts(text string) facts {
	f := factsOf(text)
	kept := f.figures[:0]
	for _, fg := range f.figures {
		if countsNext(fg.text) {
			kept = append(kept, fg)
		}
	}
	f.figures = append(kept, vagueFigures(text)...)
	return f
}

// vagueAmount: an amount given without a number, and the words after it.
var vagueAmount = regexp.MustCompile(`(?i)\b(part of|some of|a few|several|dozens of|hundreds of|thousands of|most of|all of)((?:\s+[a-z][a-z-]*){1,6})`)

// vagueFigures are the vague amounts of a text, each valued -1.
func vagueFigures(text string) []figure {
	var out []figure
	for _, m := range vagueAmount.FindAllStringSubmatch(text, -1) {
		if f, ok := newFigure(m[0], m[2], -1); ok {
			out = append(out, f)
		}
	}
	return out
}

// countsNext reports whether the words between a figure's number and its
// counted noun are all content words.
func countsNext(text string) bool {
	ws := strings.Fields(strings.ToLower(text))
	for i, w := range ws {
		if strings.IndexFunc(w, unicode.IsDigit) < 0 {
			continue
		}
		for _, after := range ws[i+1:] {
			if differWords[after] || countBreaks[after] {
				return false
			}
		}
		return true
	}
	return false
}

// countBreaks are the short words that part a number from a noun it does
// not count.
var countBreaks = set("this", "that", "these", "those", "before", "after", "until", "since", "per", "each", "every", "next", "last")

// figureNoun names what a figure counts, as it writes it: the last word
// before any verb ("12 cranes stopped working": "cranes"; "more than
// 5,000 surveillance cameras": "cameras").
func figureNoun(f figure) string {
	noun := f.head
	for _, w := range strings.Fields(f.text) {
		w = strings.ToLower(strings.Trim(w, ".,;:"))
		if figureVerbs[w] || len(w) > 4 && (strings.HasSuffix(w, "ed") || strings.HasSuffix(w, "ing")) {
			break
		}
		if len(w) > 2 && !differWords[w] && strings.IndexFunc(w, unicode.IsDigit) < 0 {
			noun = w
		}
	}
	return noun
}

// figureVerbs end the words a figure counts.
var figureVerbs = set("were", "was", "are", "is", "have", "had", "has", "will", "would", "could", "remain", "remained")

// sameClaim says whether quote b makes a's claim cl: the same figure for
// the same counted thing, the same claimant, cause or date for the same
// event.
func sameClaim(cl sentenceClaim, a, b Quote, fa, fb facts) bool {
	switch cl.what {
	case "figure":
		for _, x := range fa.figures {
			for _, y := range fb.figures {
				if countedNoun(x, y) != "" && sameFigure(x, y) {
					return true
				}
			}
		}
		return false
	case "claimant":
		return b.SaidBy != "" && sameSpeaker(a.SaidBy, b.SaidBy) && aboutResponsibility(b.Text) && overlap(fa.words, fb.words) >= sameThingShare
	case "cause":
		return strings.Contains(strings.ToLower(b.Text), strings.ToLower(cl.value))
	case "date":
		return !disjoint(fa.dates, fb.dates) && overlap(fa.words, fb.words) >= sameThingShare
	}
	return false
}

// shortQuote cuts text to about n runes around value (or from its start
// when value is not in it), at word boundaries, marking each cut with "…".
func shortQuote(text, value string, n int) string {
	text = strings.Join(strings.Fields(text), " ")
	if utf8.RuneCountInString(text) <= n {
		return text
	}
	at := strings.Index(text, value)
	if at < 0 {
		at = 0
	}
	// Keep a third of the room before the value: the subject of a
	// sentence usually stands before its figure.
	start := runeBack(text, at, n/3)
	end := runeForward(text, start, n)
	if end == len(text) {
		start = runeBack(text, end, n)
	}
	if start > 0 {
		if sp := strings.IndexByte(text[start:], ' '); sp >= 0 && start+sp < at {
			start += sp + 1
		}
	}
	if end < len(text) {
		if sp := strings.LastIndexByte(text[start:end], ' '); sp > 0 && start+sp > at+len(value)-1 {
			end = start + sp
		}
	}
	out := strings.TrimRight(text[start:end], " ,;:")
	if start > 0 {
		out = "…" + out
	}
	if end < len(text) {
		out += "…"
	}
	return out
}

// runeBack returns the byte offset n runes before at in s (or 0).
func runeBack(s string, at, n int) int {
	for ; n > 0 && at > 0; n-- {
		_, size := utf8.DecodeLastRuneInString(s[:at])
		at -= size
	}
	return at
}

// runeForward returns the byte offset n runes after at in s (or len(s)).
func runeForward(s string, at, n int) int {
	for ; n > 0 && at < len(s); n-- {
		_, size := utf8.DecodeRuneInString(s[at:])
		at += size
	}
	return at
}
