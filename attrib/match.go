package attrib

import (
	"strings"
	"unicode"
)

// Scores of SpeakerMatch.
const (
	// MatchSpeaker: the question names the quote's speaker ("what did
	// Chamran say?").
	MatchSpeaker = 1.0
	// MatchChain: the question names its role or a reporter in its
	// chain ("what did the council head say?", "what did YJC report?").
	MatchChain = 0.7
	// MatchWho: a "who said / who claimed" question, and the quote names
	// who: it answers the question's form, if not yet its subject.
	MatchWho = 0.5
)

// whoVerbs make a "who …" question a question about a speaker.
var whoVerbs = set("said", "say", "says", "claimed", "claim", "claims", "blamed", "blames", "blame",
	"announced", "reported", "told", "confirmed", "denied", "warned", "stated", "accused",
	"responsibility", "responsible", "according", "alleged", "admitted", "acknowledged", "tweeted", "wrote")

// questionStop are the words of a question that name no one.
var questionStop = set("who", "whom", "what", "which", "when", "where", "why", "how", "did", "does",
	"do", "the", "a", "an", "of", "about", "for", "to", "in", "on", "that", "this", "it", "is", "was",
	"were", "are", "and", "or", "by", "with", "say", "said", "says", "claim", "claimed", "claims",
	"report", "reported", "tell", "told", "think", "thinks", "has", "have", "had", "according")

// SpeakerMatch scores how well a quote's attribution answers a question
// about who said something, from 0 (not at all) to 1: MatchSpeaker when
// the question names the speaker, MatchChain when it names the speaker's
// role or a reporter of the chain, MatchWho when it asks "who said /
// claimed …" and the quote names anyone. The ranking adds it to rank
// quotes whose speaker matches above quotes that merely share words.
func SpeakerMatch(question string, a Attribution) float64 {
	if a.IsZero() {
		return 0
	}
	words := questionWords(question)
	name, role := a.SaidBy, ""
	if i := strings.Index(name, " ("); i > 0 {
		name, role = name[:i], name[i:]
	}
	nameWords := wordSet(name)
	otherWords := wordSet(role + " " + strings.Join(a.AccordingTo, " "))
	best := 0.0
	for _, w := range words {
		if questionStop[w] {
			continue
		}
		switch {
		case nameWords[w]:
			return MatchSpeaker
		case otherWords[w]:
			best = MatchChain
		}
	}
	if best > 0 {
		return best
	}
	if a.SaidBy != "" && isWhoQuestion(words) {
		return MatchWho
	}
	return 0
}

func isWhoQuestion(words []string) bool {
	who := false
	for _, w := range words {
		if w == "who" || w == "whom" {
			who = true
		}
		if who && whoVerbs[w] {
			return true
		}
	}
	return false
}

func questionWords(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-'
	})
}

// wordSet: the words of a name, lower case; "Iran's" gives "iran".
func wordSet(s string) map[string]bool {
	out := make(map[string]bool)
	for _, w := range questionWords(s) {
		if len(w) >= 2 && !questionStop[w] {
			out[w] = true
		}
	}
	return out
}
