package main

import (
	"encoding/json"
	"strings"
	"sync/atomic"
	"testing"
)

// feedID is the id of the one feed c's library follows.
func feedID(tb testing.TB, c *cli) string {
	tb.Helper()
	_, out, _ := c.run("", "feed", "list", "--json")
	var listed struct{ Feeds []struct{ ID string } }
	if err := json.Unmarshal([]byte(out), &listed); err != nil || len(listed.Feeds) != 1 {
		tb.Fatalf("feed list --json: %v\n%s", err, out)
	}
	return listed.Feeds[0].ID
}

// TestCLIWordsForPeople: what the CLI prints is in its own words. A
// mistake names the thing that is wrong and the command that helps, the
// library is "the shared library" or a server's (never a bare "scope" or
// "this server", which is the bot's voice), counts agree with their
// nouns, and a flag that would change nothing is not offered.
func TestCLIWordsForPeople(t *testing.T) {
	var items atomic.Int64
	items.Store(1)
	srv := feedServer(t, &items)
	c := newCLI(t)
	c.env["SITREP_ALLOW_PRIVATE_URLS"] = "1"
	one := writeFile(t, t.TempDir(), "one.txt", "The harbour authority closed berth 4 after a crane collapsed onto the quay.\n")
	if code, _, stderr := c.run("", "feed", "add", srv.URL+"/rss"); code != 0 {
		t.Fatalf("feed add: exit %d: %s", code, stderr)
	}

	tests := []struct {
		name   string
		args   []string
		code   int
		want   []string // in standard output and error together
		reject []string
	}{
		{name: "add says how many sentences, in the singular too", args: []string{"add", one},
			want: []string{"added ", ": 1 sentence\n"}, reject: []string{"1 sentences"}},
		{name: "add of a missing file says a link needs its scheme", args: []string{"add", "example.com/story"}, code: 1,
			want: []string{"there is no file example.com/story (a link starts with https:// or http://)"}, reject: []string{"stat "}},
		{name: "remove of an unknown id points to sources", args: []string{"remove", "nosuch"}, code: 1,
			want: []string{`remove: the shared library has no source "nosuch"; 'sitrep sources' lists their IDs`}},
		{name: "remove in a server's library names it", args: []string{"remove", "--scope", "1000000000000000009", "nosuch"}, code: 1,
			want: []string{`server 1000000000000000009's library has no source "nosuch"`}},
		{name: "ask --source of an unknown id is an error, not a plain no", args: []string{"ask", "--source", "nosuch", "how many cameras were hacked?"}, code: 1,
			want: []string{`ask: the shared library has no source "nosuch"; 'sitrep sources' lists their IDs`}, reject: []string{"No source in the library answers this."}},
		{name: "a followed feed is said in the CLI's words", args: []string{"feed", "add", srv.URL + "/rss"}, code: 1,
			want: []string{"feed add: the shared library already follows that feed, “Harbour Herald”; 'sitrep feed list'"}, reject: []string{"this server", "search:"}},
		{name: "feed remove of an unknown id points to feed list", args: []string{"feed", "remove", "nosuch"}, code: 1,
			want: []string{`no feed "nosuch" is followed; 'sitrep feed list' lists the feeds and their IDs`}},
		{name: "feed poll prints titles, not ids", args: []string{"feed", "poll"},
			want: []string{"\"Harbour Herald\": new 1\n"}, reject: []string{"level=", " \"Harbour Herald\""}},
		{name: "feed remove says the one source stays, in the singular", args: []string{"feed", "remove", "--scope", "", feedID(t, c)},
			want: []string{"(\"Harbour Herald\"); the source it brought stays in the library\n"}},
		{name: "reindex counts in words", args: []string{"reindex"},
			want: []string{"reindexed; the shared library has 6 sources, "}},
		{name: "serve offers no --scope", args: []string{"serve", "--help"}, reject: []string{"-scope"}},
		{name: "reindex offers no --scope", args: []string{"reindex", "--help"}, reject: []string{"-scope"}},
		{name: "feed poll offers no --scope", args: []string{"feed", "poll", "--help"}, reject: []string{"-scope"}},
		{name: "a wrong flag points to the command's help", args: []string{"feed", "add", "--bogus", "x"}, code: 2,
			want: []string{"feed add: flag provided but not defined: -bogus (see 'sitrep feed add --help')"}},
		{name: "a missing argument points to the command's help", args: []string{"remove"}, code: 2,
			want: []string{"remove: want one source ID, got 0 arguments (see 'sitrep remove --help')"}},
		{name: "ask's usage names every flag", args: []string{"ask", "--help"},
			want: []string{"[--scope SERVER_ID] [--source ID]", "Discord server id", "not logged"}, reject: []string{"guild"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := c.run("", tt.args...)
			out := stdout + stderr
			if code != tt.code {
				t.Errorf("sitrep %s: exit %d, want %d\n%s", strings.Join(tt.args, " "), code, tt.code, out)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("sitrep %s printed\n%s\nwithout %q: the person at the terminal is not told it", strings.Join(tt.args, " "), out, w)
				}
			}
			for _, r := range tt.reject {
				if strings.Contains(out, r) {
					t.Errorf("sitrep %s printed\n%s\nwith %q, which is not the CLI's own words", strings.Join(tt.args, " "), out, r)
				}
			}
		})
	}
}
