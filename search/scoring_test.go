package search

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"testing"
)

// Guild B's two valve reports, and a third guild that has no sources.
const (
	guildC      = "100000000000000003"
	valveQuxtro = "The quxtrophane valve failed at the Harlow pumping station on Tuesday night. Engineers isolated the line and restored pressure by morning."
	valveZembo  = "The zembolite valve failed at the Denby treatment works on Wednesday. The operator said crews replaced the seal within six hours."
)

// TestScoresStayInTheirScope is issue 24's probe: guild B holds a
// quxtrophane and a zembolite valve report and asks which failed. Whether
// guild A's private sources hold "quxtrophane" (none, one or forty) must
// change nothing B sees, byte for byte: not which quote leads, not a
// score, not the tier, the correction or the page; nor what a guild
// without sources, or the shared scope, sees. Before, Bleve's whole-index
// statistics ranked the quotes, and the lead quote told B whether A's
// memos held the word.
func TestScoresStayInTheirScope(t *testing.T) {
	ctx := context.Background()
	questions := []Query{
		{Scope: guildB, Question: "did the quxtrophane or zembolite valve fail?"},
		{Scope: guildB, Question: "did the zembolite or quxtrophane valve fail?"},
		{Scope: guildB, Question: "quxtrophane valve"},
		{Scope: guildB, Question: "which valve failed and when was pressure restored?"},
		{Scope: guildB, Question: "was the quxtrophene line isolated?"}, // a typo of B's own word
		{Scope: guildB, Question: "what did the operator say about the seal", Limit: 1, Offset: 1},
		{Scope: guildB, Question: "how many cameras were hacked?"}, // the shared scope's article
		{Scope: guildC, Question: "did the quxtrophane valve fail?"},
		{Scope: guildC, Question: "how many cameras were hacked in tehran?"},
		{Scope: SharedScope, Question: "quxtrophane cameras hacked"},
	}
	// memos are guild A's sources holding the word, in words of their own
	// and in B's ("valve", "failed"), so both the rare and the common
	// terms' statistics move.
	memos := func(n int) []Source {
		srcs := make([]Source, n)
		for i := range srcs {
			srcs[i] = Source{Scope: guildA, Title: fmt.Sprintf("Quxtrophane memo %d", i),
				Text: fmt.Sprintf("Quxtrophane stock %d ran low at the plant, memo %d says. A quxtrophane valve failed during the audit and the quxtrophane order was doubled.", i, i)}
		}
		return srcs
	}
	answers := func(lib *Library) [][]byte {
		t.Helper()
		out := make([][]byte, len(questions))
		for i, q := range questions {
			b, err := json.Marshal(ask(t, lib, q))
			if err != nil {
				t.Fatal(err)
			}
			out[i] = b
		}
		return out
	}

	var want [][]byte // with no source of A's
	for _, n := range []int{0, 1, 40} {
		lib := openTest(t, t.TempDir(), nil)
		// Some of A's sources come before B's and some after, so the
		// index's internal order of B's sentences differs too.
		first := memos(n)[:n/2]
		if len(first) > 0 {
			if _, err := lib.Import(ctx, first, ImportOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		mustAdd(t, lib, Source{Title: "Cameras", Text: articleCameras})
		mustAdd(t, lib, Source{Scope: guildB, Title: "Harlow valve", Text: valveQuxtro})
		mustAdd(t, lib, Source{Scope: guildB, Title: "Denby valve", Text: valveZembo})
		before := answers(lib)
		if rest := memos(n)[n/2:]; len(rest) > 0 {
			if _, err := lib.Import(ctx, rest, ImportOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		got := answers(lib)
		if want == nil {
			want = got
			var lead Answer
			if err := json.Unmarshal(got[0], &lead); err != nil || len(lead.Quotes) < 2 {
				t.Fatalf("B's valve question found %s: the probe no longer ranks B's two reports", got[0])
			}
		}
		for i, q := range questions {
			if !bytes.Equal(before[i], want[i]) {
				t.Errorf("with %d of guild A's sources added before guild %s's, %q shows\n%s\nwhere with none of A's it shows\n%s\n(another server's library can be read off this answer)", n/2, q.Scope, q.Question, before[i], want[i])
			}
			if !bytes.Equal(got[i], want[i]) {
				t.Errorf("with %d of guild A's sources holding the word, guild %s's %q shows\n%s\nwhere with none of A's it shows\n%s\n(another server's library can be read off this answer)", n, q.Scope, q.Question, got[i], want[i])
			}
		}
	}
}
