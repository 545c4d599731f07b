package bot

import (
	"fmt"
	"strings"
	"testing"

	"sitrep/search"
)

func TestPageCustomID(t *testing.T) {
	long := strings.Repeat("a", 128) // the longest source id the library allows
	tests := []struct {
		qid    string
		offset int
		source string
	}{
		{"0123456789abcdef0123456789abcdef", 0, ""},
		{"0123456789abcdef0123456789abcdef", 9995, "8e1e24bd0573ea10"},
		{"0123456789abcdef0123456789abcdef", 5, "bbc:tech:001"},
		{"0123456789abcdef0123456789abcdef", 5, long},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.offset, tt.source), func(t *testing.T) {
			token := sourceToken(tt.source)
			id := pageCustomID(tt.qid, tt.offset, token)
			if len(id) > maxCustomID {
				t.Fatalf("custom id %q has %d characters, Discord allows %d", id, len(id), maxCustomID)
			}
			qid, off, tok, ok := parsePageCustomID(id)
			if !ok || qid != tt.qid || off != tt.offset || tok != token {
				t.Errorf("parse(%q) = %q %d %q %v", id, qid, off, tok, ok)
			}
		})
	}
	for _, bad := range []string{"", "ask:page:", "ask:page:q", "ask:page:q:-1", "ask:page:q:x", "ask:page::1", "ask:page:q:1:", "other:page:q:1", "ask:page:q:99999999999999999999"} {
		if _, _, _, ok := parsePageCustomID(bad); ok {
			t.Errorf("parsePageCustomID(%q) accepted", bad)
		}
	}
}

func TestSourceChoices(t *testing.T) {
	var srcs []search.Source
	for i := range 30 {
		srcs = append(srcs, search.Source{ID: fmt.Sprintf("s%02d", i), Title: fmt.Sprintf("Report %d on the dam", i), Outlet: "Valley News"})
	}
	srcs = append(srcs,
		search.Source{ID: strings.Repeat("x", 120), Title: strings.Repeat("گزارش 🚨 ", 40), Outlet: strings.Repeat("O", 80)},
		search.Source{ID: "bbc1", Title: "Dam breach", Outlet: "BBC"},
	)
	tests := []struct {
		typed     string
		wantN     int
		wantFirst string
	}{
		{"", 25, "s00"},
		{"DAM", 25, "bbc1"}, // a title starting with what was typed comes first
		{"bbc", 1, "bbc1"},
		{"گزارش", 1, sourceToken(strings.Repeat("x", 120))},
		{"nothing like it", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.typed, func(t *testing.T) {
			cs := sourceChoices(srcs, tt.typed)
			if len(cs) != tt.wantN {
				t.Fatalf("%d choices, want %d", len(cs), tt.wantN)
			}
			if tt.wantN > 0 && cs[0].Value != tt.wantFirst {
				t.Errorf("first choice %+v, want value %q", cs[0], tt.wantFirst)
			}
			for _, c := range cs {
				if n := runes(c.Name); n == 0 || n > maxChoiceName || len(c.Value.(string)) > maxChoiceValueStr {
					t.Errorf("choice %q = %q breaks Discord's limits", c.Name, c.Value)
				}
			}
		})
	}
}
