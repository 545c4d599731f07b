package search

import (
	"strings"
	"testing"
)

func TestAskedKind(t *testing.T) {
	tests := []struct {
		q    string
		want kind
	}{
		{"how many cameras were hacked?", kindNumber},
		{"how long was the system down", kindDuration},
		{"who leads the MEK", kindEntity},
		{"when did it happen", kindTime},
		{"where did the video come from", kindPlace},
		{"why did they pick that date", kindCause},
		{"what did the mayor say", kindSpeech},
		{"tehran cameras hacked", 0},
	}
	for _, tt := range tests {
		if got := askedKind(tt.q); got&tt.want != tt.want || tt.want == 0 && got != 0 {
			t.Errorf("askedKind(%q) = %b, want %b among them", tt.q, got, tt.want)
		}
	}
}

// TestSentenceKindsNear pins what "near" means: the thing of the kind asked
// within a few words of a question's word, not anywhere in the sentence.
func TestSentenceKindsNear(t *testing.T) {
	asked := map[string]bool{"cameras": true, "camera": true}
	at := func(text string, words ...string) []int {
		var out []int
		for _, w := range words {
			if i := strings.Index(text, w); i >= 0 {
				out = append(out, i)
			}
		}
		return out
	}
	tests := []struct {
		text      string
		words     []string
		all, near kind
	}{
		{"The group says it hacked more than 5,000 surveillance cameras in Tehran.", []string{"cameras"}, kindNumber, kindNumber},
		{"Last October 12 stations were shut, and the city later said little about the prison cameras.", []string{"cameras"}, kindNumber, 0},
		{"The group says it hacked more than 5,000 surveillance cameras in Tehran.", nil, kindNumber, 0},
	}
	for _, tt := range tests {
		all, near := sentenceKinds(tt.text, asked, at(tt.text, tt.words...))
		if all&tt.all != tt.all {
			t.Errorf("%q: all = %b, want %b among them", tt.text, all, tt.all)
		}
		if near&kindNumber != tt.near {
			t.Errorf("%q: near (number) = %b, want %b", tt.text, near&kindNumber, tt.near)
		}
	}
}

func TestSentenceKindsCause(t *testing.T) {
	for _, tt := range []struct {
		text  string
		cause bool
	}{
		{"These strong gains were in part put down to consumers spending gift vouchers.", true},
		{"The firm discontinued the drug after disappointing clinical trial results.", true},
		{"The group struck in a bid to embarrass the government.", true},
		{"The firm discontinued the drug after the summer.", false},
		{"Prices came down from 5% in January.", false},
	} {
		all, _ := sentenceKinds(tt.text, map[string]bool{}, nil)
		if got := all&kindCause != 0; got != tt.cause {
			t.Errorf("%q: holds a reason = %v, want %v", tt.text, got, tt.cause)
		}
	}
}
