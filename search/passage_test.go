package search

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func splitTexts(text string) []string {
	var out []string
	for _, sp := range Split(text) {
		out = append(out, text[sp.Start:sp.End])
	}
	return out
}

func TestSplit(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"abbreviations", "He said U.S. authorities got a tip. Mr. Smith went to Washington.",
			[]string{"He said U.S. authorities got a tip.", "Mr. Smith went to Washington."}},
		{"quoted sentences stay whole", `"CyberSquad was quick to warn the hospital. Immediately, we helped," Ray said. He left.`,
			[]string{`"CyberSquad was quick to warn the hospital.`, `Immediately, we helped," Ray said.`, "He left."}},
		{"curly quotes", "It criticized the “anti-human Khomeini.” It also included an image.",
			[]string{"It criticized the “anti-human Khomeini.”", "It also included an image."}},
		{"paragraphs never share a sentence", "Latest cyberattack against Iran\nIn April, the center thwarted an attack.",
			[]string{"Latest cyberattack against Iran", "In April, the center thwarted an attack."}},
		{"a year ends a sentence", "They moved to Albania in 2013. The group was removed in 2012.",
			[]string{"They moved to Albania in 2013.", "The group was removed in 2012."}},
		{"a number mid-sentence does not", "It hacked 5,000 cameras. No. 5 was first.",
			[]string{"It hacked 5,000 cameras.", "No. 5 was first."}},
		{"blank and punctuation-only lines", "\n\n  ---  \nOne sentence.\r\n", []string{"One sentence."}},
		{"empty", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := splitTexts(tt.text)
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("Split(%q)\n got %q\nwant %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestSplitCapsLongSentences(t *testing.T) {
	long := strings.Repeat("word ", 1000) + "end."
	for _, s := range splitTexts(long) {
		if len(s) > maxSentenceBytes {
			t.Fatalf("passage of %d bytes, want at most %d", len(s), maxSentenceBytes)
		}
	}
	persian := strings.Repeat("سلام دنیا ", 400)
	for _, s := range splitTexts(persian) {
		if !utf8.ValidString(s) {
			t.Fatalf("cut inside a rune: %q", s[:20])
		}
	}
}

// FuzzSplit: any text splits into in-order, non-overlapping, trimmed spans
// of valid UTF-8 that each hold a letter or digit.
func FuzzSplit(f *testing.F) {
	for _, s := range []string{"He said U.S. officials. Mr. X left.", "“Quote.” Next.", "a\nb\n\nc", "in 2013. The", "سلام. دنیا", "🙂. 🙂 ok."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		last := 0
		for _, sp := range Split(text) {
			if sp.Start < last || sp.End <= sp.Start || sp.End > len(text) {
				t.Fatalf("bad span %+v after %d in %q", sp, last, text)
			}
			s := text[sp.Start:sp.End]
			if strings.TrimSpace(s) != s {
				t.Fatalf("untrimmed passage %q", s)
			}
			if utf8.ValidString(text) && !utf8.ValidString(s) {
				t.Fatalf("passage cut inside a rune: %q", s)
			}
			last = sp.End
		}
	})
}
