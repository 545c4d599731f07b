package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"sitrep/config"
	"sitrep/search"
)

// FuzzParseImportLine: any line gives a source or an error, never a panic.
// An accepted line is exactly one JSON object in UTF-8 with a text, and says the
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
		`{"text":"دوربین\u200cهای تهران هک شد."}`,
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
		if !json.Valid(trimmed) || trimmed[0] != '{' || !utf8.Valid(line) {
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

// listing returns the library's sources as id → title.
func (c *cli) listing() map[string]string {
	c.tb.Helper()
	code, out, errOut := c.run("", "sources", "--json")
	if code != 0 {
		c.tb.Fatalf("sources: exit %d: %s", code, errOut)
	}
	var l struct{ Sources []struct{ ID, Title string } }
	if err := json.Unmarshal([]byte(out), &l); err != nil {
		c.tb.Fatal(err)
	}
	m := map[string]string{}
	for _, s := range l.Sources {
		m[s.ID] = s.Title
	}
	return m
}

// writeFile writes a file under dir and returns its path.
func writeFile(tb testing.TB, dir, name, content string) string {
	tb.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}

// TestBadInput feeds the CLI what users and files get wrong. Each input
// gets an exit status and a message that names the problem, and changes
// the library only as much as it should: a refusal changes nothing, a
// partly bad import stores exactly its good lines.
func TestBadInput(t *testing.T) {
	c := newCLI(t)
	dir := t.TempDir()
	long := strings.Repeat("how many surveillance cameras were hacked in Tehran ", 120)[:6000]
	huge := filepath.Join(dir, "huge.txt")
	if f, err := os.Create(huge); err != nil {
		t.Fatal(err)
	} else if err := errors.Join(f.Truncate(50<<20), f.Close()); err != nil { // sparse: 50 MB on disk for free
		t.Fatal(err)
	}

	tests := []struct {
		name  string
		args  func() []string
		stdin string
		code  int
		want  []string // in stdout or stderr
		added int      // sources the input should add
		check func(t *testing.T, stdout, stderr string)
	}{
		{name: "empty question", args: func() []string { return []string{"ask", ""} }, code: 2, want: []string{"question is empty"}},
		{name: "whitespace question", args: func() []string { return []string{"ask", " \t\n "} }, code: 2, want: []string{"question is empty"}},
		{name: "empty lines on stdin are skipped", args: func() []string { return []string{"ask", "--json"} }, stdin: "\n  \n\t\n", code: 0,
			check: func(t *testing.T, stdout, _ string) {
				if stdout != "" {
					t.Errorf("answers to blank lines: %q", stdout)
				}
			}},
		{name: "6000-character question", args: func() []string { return []string{"ask", "--json", long} }, code: 0, want: []string{"1000 bytes"},
			check: func(t *testing.T, stdout, _ string) {
				a := decodeLines(t, stdout)
				if len(a) != 1 || len(a[0].Question) > search.MaxQuestionBytes || !utf8.ValidString(a[0].Question) {
					t.Errorf("long question: %.300s", stdout)
				}
			}},
		{name: "query syntax alone", args: func() []string { return []string{"ask", `+-:^*~"()[]{}\`} }, code: 0, want: []string{noAnswerLine}},
		{name: "query syntax around words", args: func() []string {
			return []string{"ask", "--json", `+surveillance -cameras "hacked"~ Tehran^2 hack* (5,000) [Iran] {opposition} \group`}
		}, code: 0, check: shows("5,000")},
		{name: "NUL bytes", args: func() []string { return []string{"ask", "--json"} }, stdin: "surveillance\x00cameras\x00 hacked\n", code: 0,
			check: func(t *testing.T, stdout, _ string) {
				shows("5,000")(t, stdout, "")
				if strings.Contains(stdout, `\u0000`) {
					t.Errorf("NUL echoed back: %s", stdout)
				}
			}},
		{name: "invalid UTF-8", args: func() []string {
			return []string{"ask", "--json", "\xff\xfe surveillance cameras \xc3 hacked \xed\xa0\x80"}
		}, code: 0,
			check: func(t *testing.T, stdout, _ string) {
				if !utf8.ValidString(stdout) {
					t.Errorf("invalid UTF-8 in the answer: %q", stdout)
				}
				shows("5,000")(t, stdout, "")
			}},
		{name: "Persian, not in the library", args: func() []string {
			return []string{"ask", "--json", "چه کسی دوربین\u200cهای تهران را هک کرد؟"}
		}, code: 0, check: showsNothing},
		{name: "emoji only", args: func() []string { return []string{"ask", "📷🔥🇮🇷"} }, code: 0, want: []string{noAnswerLine}},
		{name: "Persian and right-to-left article", args: func() []string {
			return []string{"add", writeFile(t, dir, "fa.txt", "\u200fدوربین\u200cهای نظارتی در تهران هک شدند.\n\u202bگروه مخالف مسئولیت را پذیرفت.\u202c\n"), "--title", "گزارش"}
		}, code: 0, want: []string{"added"}, added: 1,
			check: func(t *testing.T, _, _ string) {
				_, out, _ := c.run("", "ask", "--json", "دوربین\u200cهای نظارتی")
				a := decodeLines(t, out)
				if len(a) != 1 || len(a[0].Results) == 0 || !strings.Contains(a[0].Results[0].Quote, "دوربین") || *a[0].Results[0].Source.Title != "گزارش" {
					t.Errorf("Persian question on a Persian source: %s", out)
				}
			}},
		{name: "emoji article", args: func() []string {
			return []string{"add", writeFile(t, dir, "emoji.txt", "The harbour crane 🏗️ toppled in the storm 🌪️ overnight.\n")}
		}, code: 0, want: []string{"added"}, added: 1,
			check: func(t *testing.T, _, _ string) {
				_, out, _ := c.run("", "ask", "--json", "🏗️ crane toppled")
				a := decodeLines(t, out)
				if len(a) != 1 || len(a[0].Results) == 0 || a[0].Results[0].Quote != "The harbour crane 🏗️ toppled in the storm 🌪️ overnight." {
					t.Errorf("emoji quote not verbatim: %s", out)
				}
			}},
		{name: "empty file", args: func() []string { return []string{"add", writeFile(t, dir, "empty.txt", "")} }, code: 1, want: []string{"empty.txt is empty"}},
		{name: "white space file", args: func() []string { return []string{"add", writeFile(t, dir, "blank.md", " \n\t\n")} }, code: 1, want: []string{"blank.md"}},
		{name: "invalid UTF-8 file", args: func() []string {
			return []string{"add", writeFile(t, dir, "latin1.txt", "Caf\xe9 owners protested.\n")}
		}, code: 1, want: []string{"not UTF-8"}},
		{name: "NUL bytes in a file", args: func() []string { return []string{"add", writeFile(t, dir, "nul.txt", "Cameras\x00 were hacked.\n")} }, code: 1, want: []string{"binary"}},
		{name: "50 MB article file", args: func() []string { return []string{"add", huge} }, code: 1, want: []string{"52428800 bytes", "at most 5242880"}},
		{name: "bad date flag", args: func() []string {
			return []string{"add", writeFile(t, dir, "date.txt", "The dam held through the night.\n"), "--published", "2024-13-45"}
		}, code: 1, want: []string{`published "2024-13-45" is not a date`}},
		{name: "empty import file", args: func() []string { return []string{"import", writeFile(t, dir, "empty.jsonl", "")} }, code: 0, want: []string{"imported 0 new and 0 replaced"}},
		{name: "malformed JSON lines", args: func() []string {
			return []string{"import", writeFile(t, dir, "mixed.jsonl", strings.Join([]string{
				`{"id":"ok-1","text":"The first ferry left at six."}`,
				`{"id":"broken","text":"unterminated`,
				`not json at all`,
				`{"id":"ok-2","text":"The second ferry was cancelled."}`,
				`{"text":"stray brace."}}`,
				`{"id":7,"text":"numeric id."}`,
				`{"id":"bad id!","text":"Spaces are not allowed in ids."}`,
				`{"id":"ok-3","published":"yesterday","text":"Bad date."}`,
				"{\"id\":\"ok-4\",\"text\":\"Caf\xe9 line.\"}",
				`{"id":"ok-5","text":"The third ferry ran late."}`,
			}, "\n"))}
		}, code: 0, added: 3, want: []string{"line 2:", "line 3:", "line 5:", `line 6: "id" is a JSON number`, "line 7:", `line 8:`, "not YYYY-MM-DD", "line 9: the line is not valid UTF-8", "imported 3 new", "7 lines skipped"},
			check: func(t *testing.T, stdout, stderr string) {
				for _, n := range []string{"line 1:", "line 4:", "line 10:"} {
					if strings.Contains(stderr, n) {
						t.Errorf("a good line is reported: %s", stderr)
					}
				}
			}},
		{name: "duplicate ids in one import", args: func() []string {
			return []string{"import", writeFile(t, dir, "dups.jsonl",
				`{"id":"dup-1","text":"The levee broke at noon."}`+"\n"+`{"id":"dup-1","text":"The levee broke at dawn."}`+"\n"+`{"id":"dup-1","text":"The levee held, the mayor said."}`+"\n")}
		}, code: 0, added: 1, want: []string{`line 1: id "dup-1" comes again later`, `line 2: id "dup-1" comes again later`, "imported 1 new"},
			check: func(t *testing.T, _, _ string) {
				_, out, _ := c.run("", "ask", "--json", "levee held mayor")
				if a := decodeLines(t, out); len(a) != 1 || len(a[0].Results) == 0 || !strings.Contains(a[0].Results[0].Quote, "held") {
					t.Errorf("the last line should win: %s", out)
				}
			}},
		{name: "50 MB import line", args: func() []string { return []string{"import", hugeImport(t, dir)} }, code: 0, added: 2,
			want: []string{"line 2: 52428", "a line may have", "line 4:", "imported 2 new", "2 lines skipped"}},
		{name: "only bad import lines", args: func() []string { return []string{"import", writeFile(t, dir, "allbad.jsonl", "{\n[]\n")} }, code: 1,
			want: []string{"line 1:", "line 2:", "no line could be imported"}},
		{name: "remove an empty id", args: func() []string { return []string{"remove", ""} }, code: 1, want: []string{`has no source ""`}},
		{name: "remove a path", args: func() []string { return []string{"remove", "../../etc/passwd"} }, code: 1, want: []string{`has no source "../../etc/passwd"`}},
		{name: "remove with NUL and 6000 characters", args: func() []string { return []string{"remove", "a\x00" + long} }, code: 1, want: []string{`has no source "a\x00how many`}},
		{name: "ask a source that does not exist", args: func() []string { return []string{"ask", "--source", "nope\x00", "cameras"} }, code: 1, want: []string{`has no source "nope\x00"; 'sitrep sources' lists their IDs`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := c.listing()
			code, stdout, stderr := c.run(tt.stdin, tt.args()...)
			if code != tt.code {
				t.Errorf("exit %d, want %d\nstdout: %.500s\nstderr: %.500s", code, tt.code, stdout, stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(stdout+stderr, w) {
					t.Errorf("output lacks %q\nstdout: %.500s\nstderr: %.500s", w, stdout, stderr)
				}
			}
			if strings.Contains(stderr, "panic") || !utf8.ValidString(stdout) {
				t.Errorf("bad output: %.500q %.500q", stdout, stderr)
			}
			if tt.check != nil {
				tt.check(t, stdout, stderr)
			}
			after := c.listing()
			if len(after) != len(before)+tt.added {
				t.Errorf("%d sources before, %d after; want %d added", len(before), len(after), tt.added)
			}
			for id, title := range before {
				if after[id] != title {
					t.Errorf("source %s (%q) changed or went: now %q", id, title, after[id])
				}
			}
		})
	}
}

// answered checks a one-question --json answer's Answered flag, and that
// an answered question has quotes.
// shows checks that the one answer on stdout puts a quote holding mark
// first, as the answer or as the closest passage: what the input's words
// ask for is found despite the bad input around them.
func shows(mark string) func(t *testing.T, stdout, stderr string) {
	return func(t *testing.T, stdout, _ string) {
		t.Helper()
		a := decodeLines(t, stdout)
		if len(a) != 1 || a[0].Confidence == "none" || len(a[0].Results) == 0 || !strings.Contains(a[0].Results[0].Quote, mark) {
			t.Errorf("want the quote with %q shown first: %.500s", mark, stdout)
		}
	}
}

// showsNothing checks that the one answer on stdout is a plain no.
func showsNothing(t *testing.T, stdout, _ string) {
	t.Helper()
	a := decodeLines(t, stdout)
	if len(a) != 1 || a[0].Confidence != "none" || *a[0].Answered {
		t.Errorf("want a plain no: %.500s", stdout)
	}
}

// hugeImport writes a JSON Lines file whose second line holds a 50 MB
// article and whose fourth is broken (its number must still be right),
// streaming it so the test does not hold it in memory.
func hugeImport(tb testing.TB, dir string) string {
	tb.Helper()
	path := filepath.Join(dir, "huge.jsonl")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriter(f)
	w.WriteString(`{"id":"before-huge","text":"The tide gauge failed before the storm."}` + "\n")
	w.WriteString(`{"id":"huge","text":"`)
	chunk := strings.Repeat("The pumps ran all night. ", 4096)
	for n := 0; n < 50<<20; n += len(chunk) {
		w.WriteString(chunk)
	}
	w.WriteString("\"}\n" + `{"id":"after-huge","text":"The tide gauge was repaired by noon."}` + "\n" + `{"id":"counted"` + "\n")
	if err := errors.Join(w.Flush(), f.Close()); err != nil {
		tb.Fatal(err)
	}
	return path
}

// envRun runs the CLI in-process with exactly env as its environment.
func envRun(ctx context.Context, env map[string]string, args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	err := run(ctx, args, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errOut)
	code = exitCode(err, &errOut)
	return code, out.String(), errOut.String()
}

// A token shaped like Discord's, whose last part must never be printed.
const (
	tokenSecret = "s3cr3tT0k3nPart"
	fakeToken   = "MTA5ODc2NTQzMjEwOTg3NjU0.Gx1y2z." + tokenSecret
)

// TestBadEnvironment: every variable sitrep reads, set to a value it
// cannot use, stops the command with an error that names the variable,
// never shows the token, and creates nothing.
func TestBadEnvironment(t *testing.T) {
	bad := map[string]string{
		config.EnvToken:            "Bot " + fakeToken + " pasted twice " + fakeToken,
		config.EnvGuildID:          "my-server",
		config.EnvAPIBase:          "ftp://discord.com/api/v10",
		config.EnvDataDir:          "data\x07dir",
		config.EnvModRole:          "@moderators",
		config.EnvAllowPrivateURLs: "maybe",
		config.EnvDigestChannel:    "#general",
		config.EnvDigestTime:       "25:99",
		config.EnvTimezone:         "Mars/Olympus_Mons",
		config.EnvLogLevel:         "loud",
		config.EnvLogFormat:        "xml",
	}
	type envCase struct {
		name string
		env  map[string]string
		want []string
	}
	var tests []envCase
	for _, name := range slices.Sorted(maps.Keys(bad)) {
		tests = append(tests, envCase{name, map[string]string{name: bad[name]}, []string{name}})
	}
	tests = append(tests,
		envCase{"all at once", bad, slices.Collect(maps.Keys(bad))},
		envCase{"bearer token", map[string]string{config.EnvToken: "Bearer " + fakeToken}, []string{config.EnvToken}},
		envCase{"valid token, bad guild", map[string]string{config.EnvToken: fakeToken, config.EnvGuildID: fakeToken}, []string{config.EnvGuildID}},
		envCase{"credentials in the API base", map[string]string{config.EnvToken: fakeToken, config.EnvAPIBase: "https://bot:" + tokenSecret + "@discord.com/api/v10/"}, []string{config.EnvAPIBase}},
	)
	for _, tt := range tests {
		for _, cmd := range [][]string{{"ask", "cameras"}, {"sources"}, {"serve"}} {
			t.Run(tt.name+"/"+cmd[0], func(t *testing.T) {
				data := filepath.Join(t.TempDir(), "data")
				code, stdout, stderr := envRun(context.Background(), tt.env, append(cmd, "--data", data)...)
				if code != 1 {
					t.Errorf("exit %d, want 1; stderr %q", code, stderr)
				}
				for _, w := range tt.want {
					if !strings.Contains(stderr, w) {
						t.Errorf("the error does not name %s: %q", w, stderr)
					}
				}
				if strings.Contains(stdout+stderr, tokenSecret) {
					t.Errorf("the token is shown: %q %q", stdout, stderr)
				}
				if _, err := os.Stat(data); !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("a bad environment still created the data directory (%v)", err)
				}
			})
		}
	}
}

// TestServeNeverLogsTheToken runs the bot against a Discord that refuses
// it, with debug logging on: the token is sent to Discord and appears in
// nothing sitrep prints.
func TestServeNeverLogsTheToken(t *testing.T) {
	var mu sync.Mutex
	var auth []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		auth = append(auth, r.Header.Get("Authorization"))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, `{"message": "401: Unauthorized", "code": 0}`)
	}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	env := map[string]string{
		config.EnvToken:     fakeToken,
		config.EnvAPIBase:   srv.URL + "/api/v9/",
		config.EnvDataDir:   filepath.Join(t.TempDir(), "data"),
		config.EnvLogLevel:  "debug",
		config.EnvLogFormat: "json",
	}
	code, stdout, stderr := envRun(ctx, env, "serve")
	if code != 1 {
		t.Errorf("serve against a refusing Discord: exit %d, want 1\n%s", code, stderr)
	}
	if strings.Contains(stdout+stderr, tokenSecret) {
		t.Errorf("the token is in the output:\n%s\n%s", stdout, stderr)
	}
	if !strings.Contains(stderr, "[redacted]") {
		t.Errorf("the start-up log does not show the token redacted:\n%s", stderr)
	}
	mu.Lock()
	defer mu.Unlock()
	if !slices.Contains(auth, "Bot "+fakeToken) {
		t.Errorf("the fake Discord never saw the token (%q), so this test proves nothing", auth)
	}
}

// TestReadLineLimit: lines up to the limit come back whole, across
// buffer refills; longer ones are dropped but measured, and the next line
// is read from its start.
func TestReadLineLimit(t *testing.T) {
	const limit = 40
	tests := []struct {
		name  string
		input string
		lines []string // "" for a dropped line
		sizes []int
	}{
		{"short lines", "a\nbb\n", []string{"a\n", "bb\n", ""}, []int{2, 3, 0}},
		{"at the limit", strings.Repeat("x", limit-1) + "\nz", []string{strings.Repeat("x", limit-1) + "\n", "z"}, []int{limit, 1}},
		{"one over", strings.Repeat("x", limit) + "\nz\n", []string{"", "z\n", ""}, []int{limit + 1, 2, 0}},
		{"far over, no newline", strings.Repeat("y", 10*limit), []string{""}, []int{10 * limit}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := bufio.NewReaderSize(strings.NewReader(tt.input), 16)
			for i := range tt.lines {
				line, size, err := readLine(r, limit)
				if string(line) != tt.lines[i] || size != tt.sizes[i] {
					t.Errorf("line %d: %q (%d bytes), want %q (%d)", i, line, size, tt.lines[i], tt.sizes[i])
				}
				if last := i == len(tt.lines)-1; last != (err == io.EOF) {
					t.Errorf("line %d: err %v", i, err)
				}
			}
		})
	}
}
