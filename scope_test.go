package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAskNeverLeaksAnotherScopesWords: a word that only scope A's sources
// hold is never named, quoted or suggested to scope B (`corrected` is how
// typo correction shows), while scope A's own misspelt question still
// finds its source.
func TestAskNeverLeaksAnotherScopesWords(t *testing.T) {
	c := newCLI(t)
	memo := filepath.Join(t.TempDir(), "memo.txt")
	text := "The Quxtrophane plant was breached by intruders on Monday, the operator said.\nEngineers at Quxtrophane restored the pumps by evening."
	if err := os.WriteFile(memo, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := c.run("", "add", memo, "--scope", "111111111111111111", "--title", "Plant memo"); code != 0 {
		t.Fatalf("add: exit %d: %s", code, errOut)
	}
	const question = "was quxtrophene breached?"
	_, out, errOut := c.run("", "ask", "--scope", "222222222222222222", "--json", question)
	var b struct {
		Corrected string            `json:"corrected"`
		Results   []json.RawMessage `json:"results"`
	}
	if err := json.Unmarshal([]byte(out), &b); err != nil {
		t.Fatalf("ask --scope B: %v\n%s%s", err, out, errOut)
	}
	rest := strings.ReplaceAll(strings.ToLower(out), question, "")
	if strings.Contains(rest, "quxtroph") {
		t.Errorf("scope B was shown scope A's word: corrected %q\n%s", b.Corrected, out)
	}

	_, out, _ = c.run("", "ask", "--scope", "111111111111111111", "--json", question)
	a := decodeLines(t, out)
	if len(a) != 1 || len(a[0].Results) == 0 || !strings.Contains(a[0].Results[0].Quote, "Quxtrophane") {
		t.Errorf("scope A's own misspelt question did not find its memo:\n%s", out)
	}
}
