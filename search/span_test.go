package search

import (
	"strings"
	"testing"
)

// TestAnswerSpan pins what the span holds for each kind of question: the
// thing asked for, whole ("more than 5,000 surveillance cameras", "a few
// minutes"), the one nearest the question's words, and nothing where the
// question asks for no kind or the sentence holds none.
func TestAnswerSpan(t *testing.T) {
	tests := []struct {
		name, question, text string
		words                []string // the question's words as they stand in text (the highlights)
		saidBy               string
		want                 string // "" for no span
	}{
		{"count with what it counts", "how many cameras were hacked?",
			"An Iranian opposition group says it has hacked more than 5,000 surveillance cameras in Tehran to coincide with the commemoration.",
			[]string{"hacked", "cameras"}, "", "more than 5,000 surveillance cameras"},
		{"the count near the question's words", "how many cameras were hacked?",
			"On June 8, 12 stations closed, while hackers took 300 cameras offline in the capital.",
			[]string{"cameras"}, "", "300 cameras"},
		{"a date is not a count", "how many cameras were hacked?",
			"On June 8 the cameras were hacked.", []string{"cameras", "hacked"}, "", ""},
		{"a sum of money over a count", "how much did investors lose when worldcom went bust",
			"Shareholders lost about $180bn when the company collapsed, while 20,000 workers lost their jobs.",
			[]string{"lost", "collapsed"}, "", "about $180bn"},
		{"a length of time", "how long was the system down?",
			"The attack kept this system out of reach of colleagues for a few minutes, the agency said.",
			[]string{"system"}, "", "a few minutes"},
		{"a date", "when could we see a bmw crossover in showrooms",
			"Mr Panke said a BMW crossover could be on the market by 2008.", []string{"BMW", "crossover"}, "", "2008"},
		{"a month and a day", "when did the hack happen",
			"On June 2, the surveillance cameras of the Tehran Municipality were disabled in a hack.",
			[]string{"hack"}, "", "June 2"},
		{"a place after a preposition", "where did the video come from",
			"A group of hackers posted video recordings from the municipal data center.", []string{"video"}, "", "municipal data center"},
		{"according to names no place", "where are the cameras",
			"According to AFTA, the cameras in Tehran were hacked.", []string{"cameras"}, "", "Tehran"},
		{"names beside the question's words", "who leads the MEK",
			"The graphic included an image of Iranian Supreme Leader Ali Khamenei with a red \"X\" over his face, as well as photos of MEK leaders Massoud and Maryam Rajavi.",
			[]string{"Leader", "MEK", "leaders"}, "", "Massoud and Maryam Rajavi"},
		{"an appositive name", "who chairs tehran's city council",
			"Referring to the attack, the head of the Tehran City Council, Mehdi Chamran, stated on Tuesday that the planning was carried out to hack the municipality's systems on the anniversary of Khomeini's death.",
			[]string{"Tehran", "City", "Council", "municipality's"}, "", "Mehdi Chamran"},
		{"who claimed it: the claimant", "who claimed the hack",
			"On Thursday, a group called \"Uprising until Overthrow,\" affiliated with the MEK, claimed that it had hacked into the Tehran municipality's security cameras.",
			[]string{"claimed", "hacked"}, "Uprising until Overthrow", "Uprising until Overthrow"},
		{"a cause", "why did they pick that date for the attack",
			"An Iranian opposition group says it has hacked more than 5,000 surveillance cameras in Tehran to coincide with the commemoration of the death of the founder.",
			[]string{"date"}, "", "to coincide with the commemoration of the death of the founder"},
		{"what followed is no cause", "why did they hack the railways",
			"A cyberattack on Iran’s railway system caused chaos and train delays.", []string{"railway"}, "", ""},
		{"the quotation nearest the question's words", "what did the IT department say about the disruption",
			"They added, “An hour after this incident, the IT department issued a statement confirming the ‘intentional disruption in the internal page’ and announced: ‘The process of eliminating this limited disruption was completed quickly’.",
			[]string{"IT", "department", "disruption", "disruption"}, "", "intentional disruption in the internal page"},
		{"a quote that is all speech gets none", "what did calder say",
			"\"He has been driven out by people who seem happier waging civil war than addressing the central issue,\" said Calder.",
			[]string{"Calder"}, "", ""},
		{"no kind asked", "tehran cameras hacked",
			"An Iranian opposition group says it has hacked more than 5,000 surveillance cameras in Tehran.",
			[]string{"Tehran", "cameras", "hacked"}, "", ""},
		{"the question's own word with a curly apostrophe is no answer", "who hacked iran's gas stations last october",
			"Last October, an assault on Iran’s fuel distribution system paralyzed gas stations nationwide.",
			[]string{"October", "Iran’s", "gas stations"}, "", ""},
		{"a yes or no question", "are they going to find out who was behind it",
			"The Iranian authorities will conduct investigations to find out who is behind this.", []string{"find"}, "", ""},
		{"the first question word decides", "when will we know who did it",
			"The Iranian authorities will conduct investigations and will publish the information after the final review.", []string{"know"}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := prepared{question: tt.question, asked: make(map[string]bool)}
			for _, w := range lowerWords(tt.question) {
				p.asked[w] = true
			}
			q := Quote{Text: tt.text, SaidBy: tt.saidBy}
			from := 0
			for _, w := range tt.words {
				i := strings.Index(tt.text[from:], w)
				if i < 0 {
					i, from = strings.Index(tt.text, w), 0
				}
				q.Highlights = append(q.Highlights, Highlight{Start: from + i, End: from + i + len(w)})
				from += i + len(w)
			}
			quotes := []Quote{q}
			p.setAnswerSpans(quotes)
			got := ""
			if a := quotes[0].Answer; len(a) > 0 {
				got = tt.text[a[0].Start:a[0].End]
			}
			if got != tt.want {
				t.Errorf("%q in %q: span %q, want %q (readers would see the wrong words in bold)", tt.question, tt.text, got, tt.want)
			}
		})
	}
}
