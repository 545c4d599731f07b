package seeds

import (
	"strings"
	"testing"
)

func TestSources(t *testing.T) {
	srcs, err := Sources()
	if err != nil {
		t.Fatal(err)
	}
	if len(srcs) != 4 {
		t.Fatalf("got %d seed articles, want 4", len(srcs))
	}
	for _, s := range srcs {
		if s.URL != "" || s.Published != "" {
			t.Errorf("%s: URL %q, published %q: the texts state neither", s.ID, s.URL, s.Published)
		}
		if s.Title == "" || strings.TrimSpace(s.Text) == "" {
			t.Errorf("%s: empty title or text", s.ID)
		}
		if strings.Contains(s.Text, sourceLine) {
			t.Errorf("%s: the attribution line stayed in the text", s.ID)
		}
	}
	// Only the iranfocus article names its outlet.
	outlets := map[string]string{}
	for _, s := range srcs {
		outlets[s.ID] = s.Outlet
	}
	want := map[string]string{"9198c60bae8fe4fc": "", "2b2ceef928058a0d": "", "85a414cdecb060a4": "", "8e1e24bd0573ea10": "iranfocus"}
	for id, o := range want {
		if outlets[id] != o {
			t.Errorf("%s: outlet %q, want %q", id, outlets[id], o)
		}
	}
}

func TestSplitAttribution(t *testing.T) {
	tests := []struct{ in, body, outlet string }{
		{"A.\nSource » iranfocus\n", "A.", "iranfocus"},
		{"A.\nB.", "A.\nB.", ""},
		{"Source » x", "Source » x", ""},
		{"A.\nSource » ", "A.\nSource » ", ""},
	}
	for _, tt := range tests {
		body, outlet := splitAttribution(tt.in)
		if body != strings.TrimRight(tt.body, "\n") || outlet != tt.outlet {
			t.Errorf("splitAttribution(%q) = %q, %q; want %q, %q", tt.in, body, outlet, tt.body, tt.outlet)
		}
	}
}
