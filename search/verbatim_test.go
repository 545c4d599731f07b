package search

import (
	"strings"
	"testing"
)

// CheckVerbatim fails tb unless quote is, byte for byte, whole sentences of
// source id as the library stores them: its text from the start of one
// sentence span to the end of the same or a later one. what says which
// question or case the quote answered. It is exported (in a test file) for
// the package's external tests.
func CheckVerbatim(tb testing.TB, lib *Library, id, quote, what string) {
	tb.Helper()
	if msg := verbatim(lib, id, quote); msg != "" {
		tb.Errorf("%s: %s", what, msg)
	}
}

// verbatim explains how quote fails to be whole stored sentences of id,
// or returns "".
func verbatim(lib *Library, id, quote string) string {
	s, text, err := lib.load(id)
	if err != nil {
		return "quote " + clipQuote(quote) + " cites " + id + ", which the library cannot load: " + err.Error()
	}
	if quote == "" {
		return "an empty quote from " + id
	}
	for i, sp := range s.Spans {
		if !strings.HasPrefix(text[sp.Start:], quote) {
			continue
		}
		end := sp.Start + len(quote)
		for _, last := range s.Spans[i:] {
			if last.End == end {
				return ""
			}
		}
	}
	if strings.Contains(text, quote) {
		return "quote " + clipQuote(quote) + " from " + id + " is not whole sentences (it starts or ends inside one): users would read a cut sentence as the source's words"
	}
	return "quote " + clipQuote(quote) + " is not in the stored text of " + id + ": users would read words the source never printed"
}

func clipQuote(s string) string {
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	return `"` + s + `"`
}

// The check must catch a quote one byte off, a part of a sentence, and a
// quote from another source, and accept whole sentences.
func TestCheckVerbatimFails(t *testing.T) {
	lib := openTest(t, t.TempDir(), nil)
	cams := mustAdd(t, lib, Source{Title: "Cameras", Text: articleCameras})
	hosp := mustAdd(t, lib, Source{Title: "Hospital", Text: articleHospital})
	first := "An opposition group says it hacked more than 5,000 surveillance cameras in Tehran."
	second := "The municipality said its website was suspended for a few minutes."
	third := "Officials blamed foreign enemies."
	for _, tc := range []struct {
		id, quote string
		ok        bool
	}{
		{cams.ID, first, true},
		{cams.ID, second, true},
		{cams.ID, second + " " + third, true},
		{cams.ID, first[1:], false},
		{cams.ID, first[:len(first)-1], false},
		{cams.ID, "more than 5,000 surveillance cameras", false},
		{hosp.ID, first, false},
		{cams.ID, "", false},
		{"no-such-source", first, false},
	} {
		if got := verbatim(lib, tc.id, tc.quote); (got == "") != tc.ok {
			t.Errorf("verbatim(%s, %q) = %q, want ok=%v", tc.id, tc.quote, got, tc.ok)
		}
	}
}
