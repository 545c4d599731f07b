package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParseImportLine: any line gives a source or an error, never a panic.
// An accepted line is exactly one JSON object with a text, and says the
// same when written back; a refusal is one short, printable line (it is
// shown as "line N: …").
func FuzzParseImportLine(f *testing.F) {
	for _, seed := range []string{
		`{"id":"bridge-1","title":"Bridge","outlet":"Wire","url":"https://example.com/b","published":"2024-05-01","text":"The old bridge collapsed at noon."}`,
		`{"text":"Flood waters rose overnight."}`,
		`{"text":"a"} `,
		"{\"text\":\"caf\\u00e9 \\u0000 \\ud83d\\ude00\"}\r\n",
		`{"text":""}`,
		`{"title":"No text"}`,
		`{"id":5,"text":"x"}`,
		`{"id":"a", "text": `,
		`{"text":"x"}{"text":"y"}`,
		`{"text":"x"}}`,
		`{"text":"x"}]`,
		`[1,2,3]`,
		`null`,
		`"text"`,
		``,
		"\xff\xfe{\"text\":\"x\"}",
		`{"text":"دوربین‌های تهران هک شد."}`,
		`{"TEXT":"upper-case key"}`,
		`{"text":"dup","text":"later"}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		src, err := parseImportLine(line)
		if err != nil {
			msg := err.Error()
			if msg == "" || !utf8.ValidString(msg) || strings.ContainsAny(msg, "\n\r") || len(msg) > 300 {
				t.Fatalf("refusal of %q is not one short printable line: %q", line, msg)
			}
			return
		}
		trimmed := bytes.TrimSpace(line)
		if !json.Valid(trimmed) || trimmed[0] != '{' {
			t.Fatalf("accepted %q, which is not one JSON object", line)
		}
		if src.Text == "" {
			t.Fatalf("accepted %q without text", line)
		}
		again, err := json.Marshal(importLine{ID: src.ID, Title: src.Title, Outlet: src.Outlet, URL: src.URL, Published: src.Published, Text: src.Text})
		if err != nil {
			t.Fatal(err)
		}
		back, err := parseImportLine(again)
		if err != nil || back != src {
			t.Fatalf("%q parsed as %+v; written back as %s it parses as %+v, %v", line, src, again, back, err)
		}
	})
}
