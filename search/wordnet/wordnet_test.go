package wordnet

import (
	"slices"
	"testing"
)

// The pairs the issue names, and forms that need morphology to find them.
func TestLookup(t *testing.T) {
	for _, tt := range []struct {
		word, want string
		kind       func(Relations) []string
	}{
		{"fired", "sack", syn},
		{"sacked", "fire", syn},
		{"boss", "chief", syn},
		{"hack", "hacker", syn},
		{"hackers", "hack", syn},
		{"stopped", "halt", syn},
		{"picture", "image", syn},
		{"anniversary", "day", near},
		{"sold", "betray", syn},
	} {
		r, err := Lookup(tt.word)
		if err != nil {
			t.Fatal(err)
		}
		if got := tt.kind(r); !slices.Contains(got, tt.want) {
			t.Errorf("Lookup(%q) = %v, want %q among them", tt.word, got, tt.want)
		}
	}
	if r, _ := Lookup("qwxzy"); !r.empty() {
		t.Errorf("Lookup(nonsense) = %+v, want nothing", r)
	}
}

func syn(r Relations) []string  { return append(append([]string{}, r.Synonyms...), r.Derived...) }
func near(r Relations) []string { return r.Near }

func BenchmarkParse(b *testing.B) {
	for b.Loop() {
		if _, err := parse(extract); err != nil {
			b.Fatal(err)
		}
	}
}

func TestKnown(t *testing.T) {
	for w, want := range map[string]bool{"paris": true, "cameras": true, "sacked": true, "camras": false, "survelance": false, "tehrn": false} {
		if got := Known(w); got != want {
			t.Errorf("Known(%q) = %v, want %v", w, got, want)
		}
	}
}

func TestInflections(t *testing.T) {
	for _, tt := range []struct {
		word string
		want []string
		not  string
	}{
		{"find", []string{"found"}, "find"},
		{"found", []string{"find"}, "found"},
		{"sell", []string{"sold"}, ""},
		{"bought", []string{"buy"}, ""},
		{"rise", []string{"rose", "risen"}, ""},
		{"hack", nil, "hacker"}, // regular: the stemmer's job, not ours
	} {
		got, err := Inflections(tt.word)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range tt.want {
			if !slices.Contains(got, w) {
				t.Errorf("Inflections(%q) = %v, want %q among them", tt.word, got, w)
			}
		}
		if tt.not != "" && slices.Contains(got, tt.not) {
			t.Errorf("Inflections(%q) = %v, want no %q", tt.word, got, tt.not)
		}
	}
}
