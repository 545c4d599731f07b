package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// cli runs the CLI in-process with a private data directory and returns
// its exit status and output.
type cli struct {
	tb   testing.TB
	data string
	env  map[string]string
}

func newCLI(tb testing.TB) *cli {
	return &cli{tb: tb, data: filepath.Join(tb.TempDir(), "data"), env: map[string]string{}}
}

func (c *cli) run(stdin string, args ...string) (code int, stdout, stderr string) {
	c.tb.Helper()
	var out, errOut bytes.Buffer
	getenv := func(k string) string {
		if k == "SITREP_DATA" {
			return c.data
		}
		return c.env[k]
	}
	err := run(context.Background(), args, getenv, strings.NewReader(stdin), &out, &errOut)
	code = exitCode(err, &errOut)
	return code, out.String(), errOut.String()
}

// askJSON is the documented shape of `ask --json`.
type askJSON struct {
	Question   string `json:"question"`
	Answered   *bool  `json:"answered"`
	Confidence string `json:"confidence"`
	Results    []struct {
		Quote  string `json:"quote"`
		Source struct {
			ID, Title, Outlet, URL, Published *string
		} `json:"source"`
		Score          *float64          `json:"score"`
		AlsoReportedBy []json.RawMessage `json:"also_reported_by"`
	} `json:"results"`
}

func decodeLines(tb testing.TB, out string) []askJSON {
	tb.Helper()
	var got []askJSON
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var a askJSON
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			tb.Fatalf("line %q is not a JSON object: %v", sc.Text(), err)
		}
		got = append(got, a)
	}
	return got
}

func TestAskJSONContract(t *testing.T) {
	c := newCLI(t)
	code, out, errOut := c.run("", "ask", "--json", "Who claimed responsibility for hacking the Tehran cameras?")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	got := decodeLines(t, out)
	if len(got) != 1 || got[0].Answered == nil || len(got[0].Results) == 0 {
		t.Fatalf("answer %s", out)
	}
	// The tier, and answered true exactly when it is "answered".
	if c := got[0].Confidence; (c != "answered" && c != "closest") || *got[0].Answered != (c == "answered") {
		t.Errorf("confidence %q with answered %v, want the quotes shown as the answer or the closest passages", c, *got[0].Answered)
	}
	r := got[0].Results[0]
	if r.Source.ID == nil || r.Source.Title == nil || r.Source.Outlet == nil || r.Source.URL == nil || r.Source.Published == nil || r.Score == nil || r.AlsoReportedBy == nil {
		t.Errorf("a documented field is missing: %s", out)
	}
	if !strings.Contains(r.Quote, "claimed") {
		t.Errorf("top quote %q does not say who claimed it", r.Quote)
	}
	if strings.ContainsAny(r.Quote, "\x1b*") {
		t.Errorf("quote carries markup: %q", r.Quote)
	}
}

func TestAskReadsQuestionsFromStdin(t *testing.T) {
	c := newCLI(t)
	questions := "How many cameras were hacked?\n\nWho wrote Hamlet?\nWho blamed the Mossad?\n"
	code, out, errOut := c.run(questions, "ask", "--json", "--limit", "2")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	got := decodeLines(t, out)
	if len(got) != 3 {
		t.Fatalf("%d answers for 3 questions:\n%s", len(got), out)
	}
	// Each question gets its own answer, in order: the library's quotes
	// shown for the two it holds, a plain no for the one it does not.
	want := []struct {
		q, mark string
	}{{"How many cameras were hacked?", "5,000"}, {"Who wrote Hamlet?", ""}, {"Who blamed the Mossad?", "Mossad"}}
	for i, w := range want {
		shown := got[i].Confidence != "none"
		if got[i].Question != w.q || shown != (w.mark != "") || (shown && (len(got[i].Results) == 0 || !strings.Contains(got[i].Results[0].Quote, w.mark))) {
			t.Errorf("answer %d: %q %s %.100v, want %q with a quote holding %q", i, got[i].Question, got[i].Confidence, got[i].Results, w.q, w.mark)
		}
		if len(got[i].Results) > 2 {
			t.Errorf("answer %d has %d results, --limit 2", i, len(got[i].Results))
		}
		// An unanswered question still lists the closest passages, for
		// the reader to judge; the verdict says they do not answer.
	}
}

func TestAskText(t *testing.T) {
	c := newCLI(t)
	_, out, _ := c.run("", "ask", "Who wrote Hamlet?")
	if !strings.Contains(out, noAnswerLine) || strings.Contains(out, "“") {
		t.Errorf("off-topic answer:\n%s", out)
	}
	_, out, _ = c.run("", "ask", "how many cameras did the group hack?")
	if !strings.Contains(out, "5,000") || !strings.Contains(out, "“") {
		t.Errorf("camera answer:\n%s", out)
	}
}

func TestImport(t *testing.T) {
	c := newCLI(t)
	file := filepath.Join(t.TempDir(), "in.jsonl")
	lines := []string{
		`{"id":"bridge-1","title":"Bridge","outlet":"Wire","url":"https://example.com/b","published":"2024-05-01","text":"The old bridge collapsed at noon on Friday, officials said."}`,
		`{"id":"bad-json", "text": `,
		`{"title":"No text"}`,
		``,
		`{"text":"Flood waters rose in the northern districts overnight."}`,
		`{"id":"bridge-1","text":"The old bridge collapsed at dawn on Friday, the mayor said."}`,
		`[1,2,3]`,
	}
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := c.run("", "import", file)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"line 2:", "line 3:", "line 7:", "line 1: id \"bridge-1\" comes again later"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if !strings.Contains(out, "imported 2 new") {
		t.Errorf("stdout: %s", out)
	}
	_, out, _ = c.run("", "ask", "--json", "when did the bridge collapse")
	got := decodeLines(t, out)
	if len(got) != 1 || len(got[0].Results) == 0 || !strings.Contains(got[0].Results[0].Quote, "at dawn") || *got[0].Results[0].Source.ID != "bridge-1" {
		t.Errorf("the later line of bridge-1 should win: %s", out)
	}
	// Importing again replaces, and the library has one bridge-1.
	if code, out, errOut = c.run("", "import", file); code != 0 || !strings.Contains(out, "replaced") {
		t.Errorf("re-import: exit %d, %s %s", code, out, errOut)
	}
	var listing struct {
		Sources []struct{ ID string }
		Audit   []struct{ Action, SourceID string }
	}
	_, out, _ = c.run("", "sources", "--json")
	if err := json.Unmarshal([]byte(out), &listing); err != nil {
		t.Fatal(err)
	}
	count := 0
	for _, s := range listing.Sources {
		if s.ID == "bridge-1" {
			count++
		}
	}
	if count != 1 || len(listing.Sources) != 6 {
		t.Errorf("%d sources with bridge-1 %d times; want 6 and once", len(listing.Sources), count)
	}
	if len(listing.Audit) == 0 {
		t.Error("no audit entries")
	}
}

func TestRemove(t *testing.T) {
	c := newCLI(t)
	if code, out, errOut := c.run("", "remove", "85a414cdecb060a4"); code != 0 || !strings.Contains(out, "removed 85a414cdecb060a4") {
		t.Fatalf("exit %d: %s %s", code, out, errOut)
	}
	_, out, _ := c.run("", "ask", "--json", "how many cameras were hacked?")
	if strings.Contains(out, "85a414cdecb060a4") {
		t.Error("the removed seed is still quoted")
	}
	if code, _, errOut := c.run("", "remove", "85a414cdecb060a4"); code != 1 || !strings.Contains(errOut, `has no source "85a414cdecb060a4"; 'sitrep sources' lists their IDs`) {
		t.Errorf("removing twice: exit %d, %s", code, errOut)
	}
}

func TestUsageErrors(t *testing.T) {
	c := newCLI(t)
	tests := []struct {
		args []string
		code int
		want string
	}{
		{nil, 2, "no command"},
		{[]string{"frobnicate"}, 2, "unknown command"},
		{[]string{"ask", "--limit", "0", "q"}, 2, "--limit"},
		{[]string{"ask", "--nope"}, 2, "flag provided but not defined"},
		{[]string{"import"}, 2, "want one FILE"},
		{[]string{"import", "/does/not/exist.jsonl"}, 1, "no such file"},
		{[]string{"remove", "a", "b"}, 2, "want one source ID"},
		{[]string{"digest", "--since", "-1h"}, 2, "--since"},
		{[]string{"ask", "--help"}, 0, ""},
		{[]string{"--help"}, 0, ""},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, _, errOut := c.run("", tt.args...)
			if code != tt.code || !strings.Contains(errOut, tt.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, errOut, tt.code, tt.want)
			}
		})
	}
}

func TestBadEnvironmentIsNamed(t *testing.T) {
	c := newCLI(t)
	c.env["SITREP_ALLOW_PRIVATE_URLS"] = "maybe"
	code, _, errOut := c.run("", "ask", "cameras")
	if code != 1 || !strings.Contains(errOut, "SITREP_ALLOW_PRIVATE_URLS") {
		t.Errorf("exit %d, %q", code, errOut)
	}
}

func TestDigestCommand(t *testing.T) {
	c := newCLI(t)
	file := filepath.Join(t.TempDir(), "new.txt")
	os.WriteFile(file, []byte("The old bridge collapsed at noon on Friday, officials said.\nRepairs will take a year.\n"), 0o600)
	if code, _, errOut := c.run("", "add", file, "--title", "Bridge", "--outlet", "Wire"); code != 0 {
		t.Fatalf("add: %s", errOut)
	}
	code, out, errOut := c.run("", "digest", "--json")
	if code != 0 {
		t.Fatal(errOut)
	}
	var d struct {
		NewSources []struct {
			Source  struct{ Title string }
			Summary []string
		} `json:"new_sources"`
	}
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	if len(d.NewSources) != 1 || d.NewSources[0].Source.Title != "Bridge" || len(d.NewSources[0].Summary) == 0 {
		t.Errorf("digest: %s", out)
	}
}

// TestImportedSourceThroughTheCLI: what `import` was given is what `ask
// --json` and `sources --json` say of the source, to the letter; and a
// question whose words are spread over different sources is not answered.
func TestImportedSourceThroughTheCLI(t *testing.T) {
	c := newCLI(t)
	lines := []string{
		`{"id":"cams","title":"Cameras","outlet":"Wire","url":"https://example.com/cams","published":"2022-06-03","text":"An opposition group says it hacked more than 5,000 surveillance cameras in Tehran.\nThe municipality said its website was suspended for a few minutes."}`,
		`{"id":"hospital","title":"Hospital","text":"FBI Director Christopher Wray said Iranian hackers tried to target a children's hospital in Boston.\nThe attack was stopped before it caused harm."}`,
		`{"id":"weather","title":"Weather","text":"Heavy rain flooded the northern districts on Monday.\nForecasters expect more storms this week."}`,
	}
	file := writeFile(t, t.TempDir(), "in.jsonl", strings.Join(lines, "\n")+"\n")
	if code, out, errOut := c.run("", "import", file); code != 0 || !strings.Contains(out, "imported 3 new") {
		t.Fatalf("import: exit %d, %q %q", code, out, errOut)
	}

	_, out, _ := c.run("", "ask", "--json", "how many surveillance cameras were hacked in Tehran?")
	got := decodeLines(t, out)
	if len(got) != 1 || len(got[0].Results) == 0 {
		t.Fatalf("no answer: %s", out)
	}
	src := got[0].Results[0].Source
	str := func(p *string) string {
		if p == nil {
			return "<missing>"
		}
		return *p
	}
	if str(src.ID) != "cams" || str(src.URL) != "https://example.com/cams" || str(src.Outlet) != "Wire" || str(src.Published) != "2022-06-03" || str(src.Title) != "Cameras" {
		t.Errorf("ask --json cites id=%s url=%s outlet=%s published=%s title=%s; want cams, https://example.com/cams, Wire, 2022-06-03, Cameras: users lose the link to check the quote",
			str(src.ID), str(src.URL), str(src.Outlet), str(src.Published), str(src.Title))
	}

	_, out, _ = c.run("", "sources", "--json")
	var listing struct {
		Sources []struct{ ID, URL, Outlet, Published string }
	}
	if err := json.Unmarshal([]byte(out), &listing); err != nil {
		t.Fatalf("sources --json: %v\n%s", err, out)
	}
	found := false
	for _, s := range listing.Sources {
		if s.ID == "cams" {
			found = true
			if s.URL != "https://example.com/cams" || s.Outlet != "Wire" || s.Published != "2022-06-03" {
				t.Errorf("sources --json lists cams as %+v: the URL, outlet or date was lost", s)
			}
		}
	}
	if !found {
		t.Errorf("sources --json does not list cams:\n%s", out)
	}

	_, out, _ = c.run("", "ask", "--json", "hospital rain cameras")
	got = decodeLines(t, out)
	if len(got) != 1 || got[0].Answered == nil || *got[0].Answered {
		t.Errorf(`"hospital rain cameras" (each word in a different source) came back answered: users would be told a fragment is the answer: %s`, out)
	}
}

// TestErrorLine: what the CLI prints names no package, whatever wraps the
// error; the log form keeps the prefixes.
func TestErrorLine(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{fmt.Errorf("add: %w", fmt.Errorf("ingest: fetch: %w", errors.New("ingest: too large"))), "add: fetch: too large"},
		{errors.New("config: SITREP_SHARD: \"x\" is not ID/COUNT"), "SITREP_SHARD: \"x\" is not ID/COUNT"},
		{errors.New("search: no such source"), "no such source"},
		{errors.New("remove: search"), "remove: search"},
	}
	for _, tt := range tests {
		if got := errorLine(tt.err); got != tt.want {
			t.Errorf("errorLine(%q) = %q, want %q", tt.err, got, tt.want)
		}
	}
}
