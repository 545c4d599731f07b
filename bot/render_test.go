package bot

import (
	"flag"
	"fmt"
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
		{"دوربین\u200cها 🚨 *هک*", "دوربین\u200cها 🚨 \\*هک\\*"},
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
	long := strings.Repeat("دوربین\u200cها 🚨 *hacked* ", 400)
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
