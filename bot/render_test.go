package bot

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"sitrep/search"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// highlight returns the byte ranges of every occurrence of words in text,
// as the library reports matched words.
func highlight(text string, words ...string) []search.Highlight {
	var hs []search.Highlight
	for _, w := range words {
		for from := 0; ; {
			i := strings.Index(text[from:], w)
			if i < 0 {
				break
			}
			hs = append(hs, search.Highlight{Start: from + i, End: from + i + len(w)})
			from += i + len(w)
		}
	}
	return hs
}

func seedRef(id, title, outlet string) search.Ref {
	return search.Ref{ID: id, Title: title, Outlet: outlet}
}

// goldenAnswers are the cards pinned in testdata: what users see.
func goldenAnswers() map[string]struct {
	ans search.Answer
	p   page
} {
	camera := "An Iranian opposition group says it has hacked more than 5,000 surveillance cameras in Tehran to coincide with the commemoration of the death of the founder of the Islamic Republic."
	markdown := "> Officials said *the* __breach__ hit `cams` ~~only~~ in ||district 5|| - see [report](http://x) #1 <@123> @everyone \\o/"
	persian := "شهرداری تهران اعلام کرد که ۵۰۰۰ دوربین هک شد 🚨👩‍💻 و سامانه‌ها از دسترس خارج شدند."
	long := strings.Repeat("The cameras were hacked again and again. ", 125) // 5,125 characters
	return map[string]struct {
		ans search.Answer
		p   page
	}{
		"answered": {
			ans: search.Answer{
				Question: "how many cameras were hacked?", Answered: true, Total: 19, QuestionID: "0000000000000001",
				Quotes: []search.Quote{
					{Text: camera, Highlights: highlight(camera, "hacked", "cameras"), Score: 0.91,
						Source:         seedRef("85a414cdecb060a4", "Iranian opposition group says it hacked 5,000 Tehran surveillance cameras", ""),
						AlsoReportedBy: []search.Reporter{{Ref: search.Ref{ID: "8e1e24bd0573ea10", Title: "How Iran's state media covered the hack", Outlet: "iranfocus", URL: "https://www.iranfocus.com/en/hack (2022)", Published: "2022-06-01"}, Quote: "…"}}},
					{Text: "According to Fallahi, hacking is not a one-night or an immediate decision.", Highlights: highlight("According to Fallahi, hacking is not a one-night or an immediate decision.", "hacking"),
						Source: search.Ref{ID: "8e1e24bd0573ea10", Title: "How Iran's state media covered the hack of Tehran's surveillance cameras", Outlet: "iranfocus", URL: "https://www.iranfocus.com/en/", Published: "2022-06-01"}},
				},
			},
			p: page{QuestionID: "0000000000000001", Limit: 2},
		},
		"markdown": {
			ans: search.Answer{Question: "was the *breach* `real`?", Answered: true, Total: 1,
				Quotes: []search.Quote{{Text: markdown, Highlights: highlight(markdown, "breach", "cams", "district 5"),
					Source: search.Ref{ID: "s1", Title: "[Breaking] *Cams* down_", Outlet: "The ~Daily~ | Wire", URL: "javascript:alert(1)"}}}},
			p: page{Limit: 5},
		},
		"persian_emoji": {
			ans: search.Answer{Question: "چند دوربین هک شد؟", Answered: true, Total: 1,
				Quotes: []search.Quote{{Text: persian, Highlights: highlight(persian, "دوربین", "هک", "🚨"),
					Source: search.Ref{ID: "fa1", Title: "حمله سایبری به شهرداری تهران", Outlet: "ایران‌اینترنشنال", Published: "2022-05-27"}}}},
			p: page{Limit: 5},
		},
		"long_quotes": {
			ans: func() search.Answer {
				a := search.Answer{Question: strings.Repeat("why ", 300), Answered: true, Total: 12, QuestionID: "00000000000000ff", Corrected: strings.Repeat("why ", 300)}
				for i := range 5 {
					reps := make([]search.Reporter, 8)
					for j := range reps {
						reps[j] = search.Reporter{Ref: search.Ref{ID: fmt.Sprintf("r%d", j), Title: strings.Repeat("Long title ", 30), Outlet: "Outlet", URL: "https://example.com/" + strings.Repeat("a", 200)}}
					}
					a.Quotes = append(a.Quotes, search.Quote{Text: long, Highlights: highlight(long, "hacked"),
						Source:         search.Ref{ID: fmt.Sprintf("long%d", i), Title: strings.Repeat("T", 400), Outlet: strings.Repeat("O", 300), URL: "https://example.com/long"},
						AlsoReportedBy: reps})
				}
				return a
			}(),
			p: page{QuestionID: "00000000000000ff", Offset: 5, Limit: 5, Source: "~0123456789abcdef"},
		},
		"no_answer": {
			ans: search.Answer{Question: "what is the weather on mars tomorrow", Quotes: []search.Quote{}, QuestionID: "0000000000000002"},
			p:   page{QuestionID: "0000000000000002", Limit: 5},
		},
		"past_end": {
			ans: search.Answer{Question: "how many cameras were hacked?", Answered: true, Total: 3, Quotes: []search.Quote{}},
			p:   page{QuestionID: "0000000000000001", Offset: 5, Limit: 5},
		},
	}
}

// TestRenderAnswerGolden pins the answer cards users see. Run with
// -update to rewrite testdata/*.golden.json after an intended change.
func TestRenderAnswerGolden(t *testing.T) {
	for name, c := range goldenAnswers() {
		t.Run(name, func(t *testing.T) {
			data := renderAnswer(c.ans, c.p).responseData()
			if errs := checkLimits(data.Content, data.Embeds, data.Components); len(errs) > 0 {
				t.Errorf("card breaks Discord's limits: %v", errs)
			}
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			if err := enc.Encode(data); err != nil {
				t.Fatal(err)
			}
			got := buf.Bytes()
			path := filepath.Join("testdata", name+".golden.json")
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./bot -run TestRenderAnswerGolden -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from the rendering (run with -update if the change is intended):\ngot:\n%s", path, got)
			}
		})
	}
}

func TestRenderAnswerContent(t *testing.T) {
	cards := goldenAnswers()
	t.Run("matched words in bold, source cited", func(t *testing.T) {
		m := renderAnswer(cards["answered"].ans, cards["answered"].p)
		e := m.Embeds[0]
		if !strings.Contains(e.Description, "it has **hacked** more than 5,000 surveillance **cameras** in Tehran") {
			t.Errorf("description %q lacks the bold matched words", e.Description)
		}
		if !strings.HasPrefix(e.Description, "> ") {
			t.Errorf("description %q is not a block quote", e.Description)
		}
		if e.Title != "Iranian opposition group says it hacked 5,000 Tehran surveillance cameras" {
			t.Errorf("title %q", e.Title)
		}
		if !strings.Contains(e.Footer.Text, "85a414cdecb060a4") || !strings.Contains(e.Footer.Text, "outlet not stated") {
			t.Errorf("footer %q lacks outlet and source id", e.Footer.Text)
		}
		if len(e.Fields) != 1 || !strings.Contains(e.Fields[0].Value, "**iranfocus**") || !strings.Contains(e.Fields[0].Value, "%282022%29") {
			t.Errorf("also-reported-by field %+v", e.Fields)
		}
		if m.Embeds[1].URL != "https://www.iranfocus.com/en/" {
			t.Errorf("second quote links to %q", m.Embeds[1].URL)
		}
	})
	t.Run("paging buttons", func(t *testing.T) {
		m := renderAnswer(cards["answered"].ans, cards["answered"].p)
		buttons := m.Components[0].(discordgo.ActionsRow).Components
		prev, next := buttons[0].(discordgo.Button), buttons[1].(discordgo.Button)
		if !prev.Disabled || next.Disabled || next.CustomID != "ask:page:0000000000000001:2" {
			t.Errorf("buttons %+v %+v", prev, next)
		}
	})
	t.Run("markdown shown verbatim", func(t *testing.T) {
		m := renderAnswer(cards["markdown"].ans, cards["markdown"].p)
		d := m.Embeds[0].Description
		want := `> \> Officials said \*the\* \_\_**breach**\_\_ hit \` + "`" + `**cams**\` + "`" + ` \~\~only\~\~ in \|\|**district 5**\|\| - see \[report\]\(http://x\) #1 \<@123> @everyone \\o/`
		if d != want {
			t.Errorf("description\n got %s\nwant %s", d, want)
		}
		if m.Embeds[0].URL != "" {
			t.Errorf("a javascript: URL became the link %q", m.Embeds[0].URL)
		}
		if unescape(d[2:]) != strings.ReplaceAll(cards["markdown"].ans.Quotes[0].Text, "", "") {
			t.Errorf("unescaped quote %q is not the quote", unescape(d[2:]))
		}
	})
	t.Run("no answer suggests a moderator", func(t *testing.T) {
		m := renderAnswer(cards["no_answer"].ans, cards["no_answer"].p)
		if len(m.Components) != 0 || len(m.Embeds) != 1 || !strings.Contains(m.Embeds[0].Description, "moderator") {
			t.Errorf("no-answer card %+v", m)
		}
	})
}

// unescape removes the bold marks and backslash escapes of a rendered
// quote, giving back the text users read.
func unescape(s string) string {
	s = strings.ReplaceAll(s, "**", "")
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func TestEscapeMarkdown(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain words", "plain words"},
		{"*bold* _it_ ~~s~~ `c` ||sp||", `\*bold\* \_it\_ \~\~s\~\~ \` + "`c\\`" + ` \|\|sp\|\|`},
		{"> quote\n# head\n- item\n+ item", "\\> quote\n\\# head\n\\- item\n\\+ item"},
		{"[a](b) <@1> \\", `\[a\]\(b\) \<@1> \\`},
		{"one-night #1 a>b 2+2", "one-night #1 a>b 2+2"},
		{"1. first\n  22. second\n3 items", "1\\. first\n  22\\. second\n3 items"},
		{"-# subtext", `\-# subtext`},
		{"دوربین‌ها 🚨 *هک*", `دوربین‌ها 🚨 \*هک\*`},
		{"bad \xff utf8", "bad \uFFFD utf8"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := escapeMarkdown(tt.in); got != tt.want {
				t.Errorf("escapeMarkdown(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestEmphasize(t *testing.T) {
	tests := []struct {
		name string
		text string
		hs   []search.Highlight
		want string
	}{
		{"none", "a *b*", nil, `a \*b\*`},
		{"escaping after emphasis keeps ranges right", "*x* cams", highlight("*x* cams", "cams"), `\*x\* **cams**`},
		{"markdown inside a range", "a_b c", []search.Highlight{{Start: 0, End: 3}}, `**a\_b** c`},
		{"touching ranges merge", "abcd", []search.Highlight{{Start: 0, End: 2}, {Start: 2, End: 4}}, "**abcd**"},
		{"overlapping ranges merge", "abcdef", []search.Highlight{{Start: 2, End: 5}, {Start: 0, End: 3}}, "**abcde**f"},
		{"spaces trimmed from ranges", "a b c", []search.Highlight{{Start: 1, End: 4}}, "a **b** c"},
		{"out of range ignored", "abc", []search.Highlight{{Start: 2, End: 9}, {Start: -1, End: 1}, {Start: 2, End: 1}}, "abc"},
		{"mid-rune ignored", "دوربین", []search.Highlight{{Start: 1, End: 4}}, "دوربین"},
		{"Persian word", "۵۰۰۰ دوربین هک", highlight("۵۰۰۰ دوربین هک", "دوربین"), "۵۰۰۰ **دوربین** هک"},
		{"emoji", "alert 🚨 now", highlight("alert 🚨 now", "🚨"), "alert **🚨** now"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := emphasize(tt.text, tt.hs); got != tt.want {
				t.Errorf("emphasize(%q, %v) = %q, want %q", tt.text, tt.hs, got, tt.want)
			}
		})
	}
}

func TestBlockQuote(t *testing.T) {
	long := strings.Repeat("دوربین‌ها 🚨 *hacked* ", 400)
	tests := []struct {
		name  string
		text  string
		limit int
	}{
		{"short", "one line", 100},
		{"multi-line", "one\ntwo\r\nthree", 100},
		{"5,000 characters of Persian, emoji and markdown", long, 1000},
		{"tiny limit", long, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := blockQuote(tt.text, highlight(tt.text, "hacked", "🚨"), tt.limit)
			if n := utf8.RuneCountInString(got); n > tt.limit {
				t.Errorf("%d characters, limit %d", n, tt.limit)
			}
			if !utf8.ValidString(got) {
				t.Errorf("invalid UTF-8: %q", got)
			}
			for _, line := range strings.Split(got, "\n") {
				if !strings.HasPrefix(line, "> ") && tt.limit > 5 {
					t.Errorf("line %q is outside the block quote", line)
				}
			}
			if tt.limit == 1000 && (strings.Count(got, "**")%2 != 0 || !strings.HasSuffix(got, ellipsis)) {
				t.Errorf("cut quote has unbalanced bold or no ellipsis: …%q", got[max(0, len(got)-60):])
			}
		})
	}
}

func TestClip(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"abc", 3, "abc"},
		{"abcd", 3, "ab…"},
		{"👩‍💻👩‍💻", 3, "👩\u200d…"},
		{"دوربین", 4, "دور…"},
		{"abc", 0, ""},
		{"\xff\xfe", 1, "\uFFFD"}, // a run of bad bytes is one replacement character
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got := clip(tt.in, tt.n)
			if got != tt.want || !utf8.ValidString(got) {
				t.Errorf("clip(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
			}
		})
	}
}

func TestFitLimits(t *testing.T) {
	big := func(n int) string { return strings.Repeat("🚨ش", n/2) }
	embeds := func(n int, f func(i int) *discordgo.MessageEmbed) []*discordgo.MessageEmbed {
		var out []*discordgo.MessageEmbed
		for i := range n {
			out = append(out, f(i))
		}
		return out
	}
	tests := []struct {
		name  string
		m     message
		check func(t *testing.T, m message)
	}{
		{"long content", message{Content: big(5000)}, nil},
		{"too many embeds", message{Embeds: embeds(12, func(int) *discordgo.MessageEmbed { return &discordgo.MessageEmbed{Title: "t"} })},
			func(t *testing.T, m message) {
				if len(m.Embeds) != 10 {
					t.Errorf("%d embeds", len(m.Embeds))
				}
			}},
		{"every part over its limit", message{Embeds: embeds(10, func(int) *discordgo.MessageEmbed {
			var fields []*discordgo.MessageEmbedField
			for range 30 {
				fields = append(fields, &discordgo.MessageEmbedField{Name: big(300), Value: big(2000)})
			}
			return &discordgo.MessageEmbed{Title: big(300), Description: big(5000), Footer: &discordgo.MessageEmbedFooter{Text: big(3000)},
				Author: &discordgo.MessageEmbedAuthor{Name: big(300)}, Fields: fields}
		})}, func(t *testing.T, m message) {
			if len(m.Embeds) == 0 {
				t.Error("every embed dropped")
			}
		}},
		{"ten full descriptions share 6000", message{Embeds: embeds(10, func(int) *discordgo.MessageEmbed {
			return &discordgo.MessageEmbed{Title: "t", Description: big(4096)}
		})}, func(t *testing.T, m message) {
			if len(m.Embeds) != 10 {
				t.Errorf("dropped embeds (%d left) where shortening sufficed", len(m.Embeds))
			}
		}},
		{"empty field name and value", message{Embeds: []*discordgo.MessageEmbed{{Fields: []*discordgo.MessageEmbedField{{}}}}}, nil},
		{"nil embed", message{Content: "x", Embeds: []*discordgo.MessageEmbed{nil}}, nil},
		{"empty message", message{}, func(t *testing.T, m message) {
			if m.Content == "" {
				t.Error("an empty message would be refused")
			}
		}},
		{"components", message{Content: "x", Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: big(200), CustomID: "ok"},
			discordgo.Button{Label: "x", CustomID: strings.Repeat("x", 101)},
		}}}}, func(t *testing.T, m message) {
			if row := m.Components[0].(discordgo.ActionsRow); len(row.Components) != 1 {
				t.Errorf("the button with a 101-character custom id was kept: %+v", row)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := tt.m
			fitLimits(&m)
			if errs := checkLimits(m.Content, m.Embeds, m.Components); len(errs) > 0 {
				t.Errorf("limits broken after fitLimits: %v", errs)
			}
			if tt.check != nil {
				tt.check(t, m)
			}
		})
	}
}

// checkLimits lists every Discord limit a message breaks, and invalid
// UTF-8 anywhere.
func checkLimits(content string, embeds []*discordgo.MessageEmbed, comps []discordgo.MessageComponent) []string {
	var errs []string
	text := func(what, s string, limit int, required bool) {
		if !utf8.ValidString(s) {
			errs = append(errs, what+": invalid UTF-8")
		}
		if n := utf8.RuneCountInString(s); n > limit {
			errs = append(errs, fmt.Sprintf("%s: %d > %d characters", what, n, limit))
		}
		if required && s == "" {
			errs = append(errs, what+": empty")
		}
	}
	text("content", content, maxContent, false)
	if content == "" && len(embeds) == 0 {
		errs = append(errs, "empty message")
	}
	if len(embeds) > maxEmbeds {
		errs = append(errs, fmt.Sprintf("%d embeds", len(embeds)))
	}
	total := 0
	for i, e := range embeds {
		w := fmt.Sprintf("embed %d ", i)
		text(w+"title", e.Title, maxEmbedTitle, false)
		text(w+"description", e.Description, maxEmbedDesc, false)
		total += runes(e.Title) + runes(e.Description)
		if e.Footer != nil {
			text(w+"footer", e.Footer.Text, maxFooter, false)
			total += runes(e.Footer.Text)
		}
		if e.Author != nil {
			text(w+"author", e.Author.Name, maxAuthorName, false)
			total += runes(e.Author.Name)
		}
		if e.URL != "" && linkURL(e.URL) != e.URL {
			errs = append(errs, w+"url "+e.URL)
		}
		if len(e.Fields) > maxFields {
			errs = append(errs, fmt.Sprintf("%s%d fields", w, len(e.Fields)))
		}
		for j, f := range e.Fields {
			text(fmt.Sprintf("%sfield %d name", w, j), f.Name, maxFieldName, true)
			text(fmt.Sprintf("%sfield %d value", w, j), f.Value, maxFieldValue, true)
			total += runes(f.Name) + runes(f.Value)
		}
	}
	if total > maxEmbedTotal {
		errs = append(errs, fmt.Sprintf("embeds total %d > %d", total, maxEmbedTotal))
	}
	if len(comps) > maxComponentRows {
		errs = append(errs, fmt.Sprintf("%d component rows", len(comps)))
	}
	ids := map[string]bool{}
	for _, r := range comps {
		row, ok := r.(discordgo.ActionsRow)
		if !ok {
			errs = append(errs, fmt.Sprintf("top-level component %T", r))
			continue
		}
		if len(row.Components) > maxRowComponents || len(row.Components) == 0 {
			errs = append(errs, fmt.Sprintf("%d components in a row", len(row.Components)))
		}
		for _, c := range row.Components {
			if b, ok := c.(discordgo.Button); ok {
				text("button label", b.Label, maxButtonLabel, false)
				if len(b.CustomID) > maxCustomID || b.CustomID == "" || ids[b.CustomID] {
					errs = append(errs, "bad or repeated custom id "+b.CustomID)
				}
				ids[b.CustomID] = true
			}
		}
	}
	return errs
}

// FuzzRenderAnswer renders answers made of arbitrary quote text,
// highlights and source fields: no panic, and the result always fits
// Discord's limits and is valid UTF-8.
func FuzzRenderAnswer(f *testing.F) {
	f.Add("An Iranian opposition group says it has hacked more than 5,000 cameras.", 40, 46, "Title", "Outlet", "https://example.com/a", uint8(1), uint16(0))
	f.Add("*_~`|># -[]()<@1>\\ دوربین 🚨👩‍💻", 0, 3, "[t](u)", "", "", uint8(5), uint16(5))
	f.Add(strings.Repeat("x", 5000), 10, 4000, strings.Repeat("T", 300), strings.Repeat("O", 300), "http://a/(b)", uint8(10), uint16(3))
	f.Add("\xff\xfe bad", 1, 2, "\n", "\x00", "::", uint8(0), uint16(1))
	f.Fuzz(func(t *testing.T, text string, start, end int, title, outlet, url string, n uint8, reporters uint16) {
		ans := search.Answer{Question: text, Answered: n > 0, Total: int(n) * 2, QuestionID: "00ff", Corrected: title}
		for i := range int(n % 16) {
			q := search.Quote{Text: text, Highlights: []search.Highlight{{Start: start, End: end}, {Start: end, End: start + i}},
				Source: search.Ref{ID: fmt.Sprint("id", i), Title: title, Outlet: outlet, URL: url, Published: outlet}}
			for j := range int(reporters % 12) {
				q.AlsoReportedBy = append(q.AlsoReportedBy, search.Reporter{Ref: search.Ref{ID: fmt.Sprint("r", j), Title: title, Outlet: outlet, URL: url}, Quote: text})
			}
			ans.Quotes = append(ans.Quotes, q)
		}
		for _, p := range []page{{QuestionID: "00ff", Limit: 5}, {QuestionID: "00ff", Offset: 5, Limit: 5, Source: "~0011223344556677"}} {
			d := renderAnswer(ans, p).responseData()
			if errs := checkLimits(d.Content, d.Embeds, d.Components); len(errs) > 0 {
				t.Fatalf("limits broken: %v", errs)
			}
			e := renderAnswer(ans, p).webhookEdit()
			if errs := checkLimits(*e.Content, *e.Embeds, *e.Components); len(errs) > 0 {
				t.Fatalf("limits broken in the edit: %v", errs)
			}
			if _, err := json.Marshal(d); err != nil {
				t.Fatal(err)
			}
		}
	})
}
