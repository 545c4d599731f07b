package search

import (
	"strings"
	"unicode"
)

// Checking a claim from chat against the library: which quotes are about
// what the claim speaks of, and whether they give the same or another
// figure, date or claimant for it. A quote that merely shares a number or
// a verb with the claim is about something else and is left out: "some 50
// systems of the Agriculture Ministry were hacked" says nothing of
// "hackers took down 50 cameras".

// Stance is how a quote bears on a claim.
type Stance string

const (
	// Contradicts: the quote gives another figure, date or claimant for
	// what the claim speaks of.
	Contradicts Stance = "contradicts"
	// Supports: the quote gives the claim's own figure or date for it.
	Supports Stance = "supports"
	// Mentions: the quote speaks of the claim's subject without
	// confirming or contradicting it.
	Mentions Stance = "mentions"
)

// ClaimQuote is a quote that bears on a claim. Its Answer marks the words
// compared with the claim, where there are any.
type ClaimQuote struct {
	Quote
	Stance Stance `json:"stance"`
	// Kind ("figure", "date" or "claimant"), Value (the quote's words:
	// "more than 5,000 surveillance cameras") and Claimed (the claim's:
	// "50 cameras") say what was compared; empty for Mentions.
	Kind    string `json:"kind,omitempty"`
	Value   string `json:"value,omitempty"`
	Claimed string `json:"claimed,omitempty"`
}

// ClaimSourceID is the source id the claim is compared under: the claim
// being checked, not a source of the library.
const ClaimSourceID = "claim"

// CheckClaim reads quotes, best first, against a claim (a chat message,
// say) and returns those about the claim's subject: contradictions
// first, then support, then the rest, each in the order given. Who makes
// the claim is read from its text, as for sources ("the MEK says …").
func CheckClaim(claim string, quotes []Quote) []ClaimQuote {
	c := Quote{Text: claim, Source: Ref{ID: ClaimSourceID}}
	if as := attribute(claim, Split(claim)); len(as) > 0 {
		c.SaidBy, c.AccordingTo = as[0].SaidBy, as[0].AccordingTo
	}
	subj := subjectOf(claim)
	fc := factsOf(claim)
	var byStance [3][]ClaimQuote
	for _, q := range quotes {
		fq := factsOf(q.Text)
		if !subj.bears(q.Text) {
			continue
		}
		cq := compareClaim(c, q, fc, fq)
		cq.Answer = nil
		if cq.Value != "" {
			if i := strings.Index(q.Text, cq.Value); i >= 0 {
				cq.Answer = []Highlight{{Start: i, End: i + len(cq.Value)}}
			}
		}
		k := map[Stance]int{Contradicts: 0, Supports: 1, Mentions: 2}[cq.Stance]
		byStance[k] = append(byStance[k], cq)
	}
	return append(append(byStance[0], byStance[1]...), byStance[2]...)
}

// compareClaim says how q, which bears on the claim c, stands to it. A
// figure is compared only where both count the same thing and share
// another word besides ("hacked", "Tehran"): 300 cameras installed on a
// highway neither confirm nor contradict 50 cameras taken down by hackers.
func compareClaim(c, q Quote, fc, fq facts) ClaimQuote {
	out := ClaimQuote{Quote: q, Stance: Mentions}
	var differs *ClaimQuote
	for _, x := range fc.figures {
		for _, y := range fq.figures {
			noun := countedNoun(x, y)
			if noun == "" || !shareBeyond(c.Text, q.Text, noun) {
				continue
			}
			if sameFigure(x, y) {
				out.Stance, out.Kind, out.Value, out.Claimed = Supports, "figure", y.text, x.text
				return out
			}
			if differs == nil {
				differs = &ClaimQuote{Quote: q, Stance: Contradicts, Kind: "figure", Value: y.text, Claimed: x.text}
			}
		}
	}
	if differs != nil {
		return *differs
	}
	if d, ok := differ(c, q, fc, fq); ok && d.Kind != "figure" {
		out.Stance, out.Kind, out.Value, out.Claimed = Contradicts, d.Kind, d.B.Value, d.A.Value
		return out
	}
	if overlap(fc.words, fq.words) >= sameThingShare {
		for d := range fc.dates {
			if fq.dates[d] {
				out.Stance, out.Kind, out.Value, out.Claimed = Supports, "date", firstDateIn(q.Text, d), d
				return out
			}
		}
	}
	return out
}

// firstDateIn is date (lower-case) as text writes it.
func firstDateIn(text, date string) string {
	if i := strings.Index(strings.ToLower(text), date); i >= 0 && len(text) >= i+len(date) {
		return text[i : i+len(date)]
	}
	return date
}

// shareBeyond: a and b share a word's stem besides noun's, verbs
// included: the figures speak of the same happening, not merely of the
// same kind of thing.
func shareBeyond(a, b, noun string) bool {
	sb := stems(b, false)
	skip := stem(noun)
	for s := range stems(a, false) {
		if s != skip && sb[s] {
			return true
		}
	}
	return false
}

// claimSubject is what a claim speaks of: the things its figures count,
// its other words that name something (not verbs, not time words), and
// its names.
type claimSubject struct {
	counted map[string]bool // stems of the counted nouns
	words   map[string]bool // stems of the naming words
	names   map[string]bool // names past the first word, folded
}

func subjectOf(claim string) claimSubject {
	s := claimSubject{counted: map[string]bool{}, words: stems(claim, true), names: map[string]bool{}}
	for _, f := range figures(claim) {
		s.counted[stem(f.head)] = true
	}
	for i, w := range wordsOf(claim) {
		if i > 0 && unicode.IsUpper([]rune(w)[0]) && len(w) >= 3 {
			if lw := strings.ToLower(w); !differWords[lw] && !claimStop[lw] {
				s.names[stem(lw)] = true
			}
		}
	}
	if len(s.words) == 0 {
		s.words = stems(claim, false)
	}
	return s
}

// bears says whether a quote's text is about the claim's
// subject: for a claim with a figure, the thing it counts; otherwise at
// least half of its naming words, and one of its names where it has any.
// Shared verbs and numbers alone never count.
func (s claimSubject) bears(text string) bool {
	qs := stems(text, true)
	if len(s.counted) > 0 {
		for n := range s.counted {
			if qs[n] {
				return true
			}
		}
		return false
	}
	if len(s.words) == 0 {
		return false
	}
	shared := 0
	for w := range s.words {
		if qs[w] {
			shared++
		}
	}
	if shared*2 < len(s.words) {
		return false
	}
	if len(s.names) == 0 {
		return true
	}
	for n := range s.names {
		if qs[n] {
			return true
		}
	}
	return false
}

// claimStop are words of a claim that name nothing: verbs and particles
// common in chat, time words, hedges.
var claimStop = map[string]bool{
	"take": true, "took": true, "taken": true, "takes": true, "down": true, "up": true, "out": true, "off": true,
	"won": true, "win": true, "wins": true, "lost": true, "lose": true, "hit": true, "hits": true, "shut": true,
	"made": true, "make": true, "makes": true, "got": true, "get": true, "gets": true, "went": true, "go": true,
	"goes": true, "gone": true, "did": true, "does": true, "done": true, "say": true, "tell": true, "put": true,
	"will": true, "would": true, "could": true, "should": true, "can": true, "may": true, "might": true,
	"only": true, "just": true, "not": true, "all": true, "last": true, "night": true, "yesterday": true,
	"today": true, "tonight": true, "morning": true, "week": true, "now": true, "then": true, "really": true,
	"very": true, "behind": true, "being": true, "there": true, "what": true, "when": true, "where": true,
	"how": true, "many": true, "much": true, "apparently": true, "reportedly": true, "allegedly": true,
	"heard": true, "think": true, "seems": true, "guy": true, "guys": true, "people": true, "someone": true,
}

// stems are the stems of text's content words; without verbs (a word
// ending in -ed or -ing, or one of claimStop) when naming is set.
func stems(text string, naming bool) map[string]bool {
	out := make(map[string]bool)
	for _, w := range wordsOf(text) {
		lw := strings.ToLower(w)
		if len(lw) < 3 || differWords[lw] {
			continue
		}
		if naming && (claimStop[lw] || verbLike(lw)) {
			continue
		}
		out[stem(lw)] = true
	}
	return out
}

func wordsOf(text string) []string {
	return strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && r != '-' })
}

// verbLike: a past tense or a participle ("hacked", "targeting").
func verbLike(w string) bool {
	return (strings.HasSuffix(w, "ed") && len(w) > 4) || (strings.HasSuffix(w, "ing") && len(w) > 5)
}

// stem folds a word's inflections and its agent noun onto one form:
// "hackers", "hacker", "hacked" and "hack" are "hack".
func stem(w string) string {
	w = singularNoun(w)
	for _, suf := range []string{"ing", "er", "ed"} {
		if strings.HasSuffix(w, suf) && len(w)-len(suf) >= 4 {
			return w[:len(w)-len(suf)]
		}
	}
	return w
}
