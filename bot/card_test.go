package bot

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"sitrep/search"
)

// cardCase is a card pinned in testdata: an answer, the page shown, and
// whether it is the private list of closest passages.
type cardCase struct {
	ans     search.Answer
	p       page
	closest bool
}

func (c cardCase) render() message {
	if c.closest {
		return renderClosest(c.ans)
	}
	return renderAnswer(c.ans, c.p)
}

// quote builds a quote of text with words highlighted, from src.
func quote(text string, src search.Ref, words ...string) search.Quote {
	return search.Quote{Text: text, Highlights: highlight(text, words...), Source: src}
}

const (
	cameraQuote  = "An Iranian opposition group says it has hacked more than 5,000 surveillance cameras in Tehran to coincide with the commemoration of the death of the founder of the Islamic Republic, Ayatollah Ruhollah Khomeini."
	fallahiQuote = "According to Fallahi, hacking is not a one-night or an immediate decision."
)

// goldenAnswers are the cards pinned in testdata: what users see.
func goldenAnswers() map[string]cardCase {
	iranIntl := search.Ref{ID: "85a414cdecb060a4", Title: "Iranian opposition group says it hacked 5,000 Tehran surveillance cameras",
		Outlet: "Iran International", URL: "https://www.iranintl.com/en/202205279718", Published: "2022-05-27"}
	focus := search.Ref{ID: "8e1e24bd0573ea10", Title: "How Iran's state media covered the hack of Tehran's surveillance cameras",
		Outlet: "iranfocus", URL: "https://www.iranfocus.com/en/", Published: "2022-06-01"}
	council := search.Ref{ID: "2b2ceef928058a0d", Title: "Tehran council head blames Mossad for cyberattack on the municipality"}
	suspended := search.Ref{ID: "9198c60bae8fe4fc", Title: "Tehran municipality sites suspended as People's Mujahedeen claims camera hack"}

	lead := quote(cameraQuote, iranIntl, "hacked", "cameras")
	lead.AlsoReportedBy = []search.Reporter{
		{Ref: search.Ref{ID: "a1", Title: "Opposition claims hack of Tehran cameras", Outlet: "Mehr News Agency", URL: "https://en.mehrnews.com/news/1 (2022)", Published: "2022-05-28"}},
		{Ref: search.Ref{ID: "a2", Title: "Second Mehr story on the same claim", Outlet: "Mehr News Agency"}},
		{Ref: search.Ref{ID: "a3", Title: "Cameras in the capital were hacked, a wire report says"}},
	}
	others := []search.Quote{
		quote(fallahiQuote, focus, "hacking"),
		quote("In February, the Edalat Ali hacker group claimed that it had hacked the cameras of Iran’s Ghezel Hesar Prison, after claiming to have hacked the cameras of Iran's Evin Prison and the Iranian Telewebion site.", council, "hacked", "cameras"),
		quote("The agency said the municipality's website was suspended, adding that a group of hackers posted video recordings from the municipal data center.", suspended, "hackers"),
		quote("The Young Journalists Club acknowledged the hack.", search.Ref{ID: "yjc", Outlet: "YJC", URL: "javascript:alert(1)"}, "hack"),
	}
	others[0].AlsoReportedBy = []search.Reporter{{Ref: search.Ref{ID: "a4", Outlet: "NCRI"}}}

	markdown := "> Officials said *the* __breach__ hit `cams` ~~only~~ in ||district 5|| - see [report](http://x) #1 <@123> @everyone \\o/"
	persian := "شهرداری تهران اعلام کرد که ۵۰۰۰ دوربین هک شد 🚨👩‍💻 و سامانه\u200cها از دسترس خارج شدند."
	long := strings.Repeat("The cameras were hacked again and again. ", 125) // 5,125 characters

	attributed := quote("Mehdi Chamran, head of the Tehran City Council, blamed the Mossad and anti-government groups for the cyberattack, Mehr News Agency reported.", council, "blamed")
	attributed.SaidBy, attributed.AccordingTo = "Mehdi Chamran (head of the Tehran City Council)", []string{"Mehr News Agency"}
	claimed := quote("Iran's exiled opposition Group of People's Mujahedeen said it had disabled surveillance cameras in Tehran, the Associated Press reported.", suspended, "cameras")
	claimed.SaidBy, claimed.AccordingTo = "Group of People's Mujahedeen", []string{"the Associated Press"}
	differ := []search.Disagreement{
		{Kind: "figure", About: "cameras",
			A: search.Side{Quote: cameraQuote, Source: iranIntl, Value: "more than 5,000 surveillance cameras", SaidBy: "An Iranian opposition group"},
			B: search.Side{Quote: "The Young Journalists Club reported that part of the network of municipal surveillance cameras had been disrupted.", Source: suspended, Value: "part of the network of municipal surveillance cameras", SaidBy: "The Young Journalists Club"}},
		{Kind: "claimant", About: "cyberattack",
			A: search.Side{Quote: attributed.Text, Source: council, Value: "the Mossad", SaidBy: attributed.SaidBy, AccordingTo: attributed.AccordingTo},
			B: search.Side{Quote: claimed.Text, Source: suspended, Value: "Group of People's Mujahedeen", SaidBy: claimed.SaidBy, AccordingTo: claimed.AccordingTo}},
	}

	return map[string]cardCase{
		"attributed": {
			ans: search.Answer{Question: "who blamed the Mossad?", Answered: true, Total: 2, QuestionID: "0000000000000009",
				Quotes: []search.Quote{attributed, claimed}},
			p: page{QuestionID: "0000000000000009", Limit: 5},
		},
		"sources_differ": {
			ans: search.Answer{Question: "who hacked the cameras, and how many?", Answered: true, Total: 3, QuestionID: "000000000000000a",
				Quotes: []search.Quote{lead, attributed, claimed}, Differ: differ},
			p: page{QuestionID: "000000000000000a", Limit: 5},
		},
		"answered": {
			ans: search.Answer{Question: "how many cameras were hacked?", Answered: true, Total: 19, QuestionID: "0000000000000001",
				Quotes: append([]search.Quote{lead}, others...)},
			p: page{QuestionID: "0000000000000001", Limit: 5},
		},
		"no_outlet_or_date": {
			ans: search.Answer{Question: "what did the hackers post on the website?", Answered: true, Total: 3, QuestionID: "0000000000000003",
				Quotes: []search.Quote{
					quote("A picture of Ayatollah Ali Khamenei with a red X on his face, as well as pictures of the leaders of the People's Mujahedeen, Massoud Rajavi and his wife Maryam Rajavi, and words calling for an uprising were posted on one of these sites.", suspended, "posted", "sites"),
					quote("The People's Mujahedeen aired a video showing the hacking of the Tehran municipality's website.", suspended, "website"),
					quote("A graphic was posted.", search.Ref{ID: "bare"}, "posted"),
				}},
			p: page{QuestionID: "0000000000000003", Limit: 5},
		},
		"markdown": {
			ans: search.Answer{Question: "was the *breach* `real`?", Answered: true, Total: 1,
				Quotes: []search.Quote{{Text: markdown, Highlights: highlight(markdown, "breach", "cams", "district 5"),
					Source: search.Ref{ID: "s1", Title: "[Breaking] *Cams* down_", Outlet: "The ~Daily~ | Wire", URL: "javascript:alert(1)"}}}},
			p: page{Limit: 5},
		},
		"persian_emoji": {
			ans: search.Answer{Question: "چند دوربین هک شد؟", Answered: true, Total: 2,
				Quotes: []search.Quote{
					quote(persian, search.Ref{ID: "fa1", Title: "حمله سایبری به شهرداری تهران", Outlet: "ایران\u200cاینترنشنال", Published: "2022-05-27"}, "دوربین", "هک", "🚨"),
					quote(strings.Repeat("دوربین\u200cهای نظارتی 🚨 ", 20)+"هک شدند.", search.Ref{ID: "fa2", Title: "گزارش 👩‍💻 خبرگزاری مهر"}, "دوربین\u200cهای"),
				}},
			p: page{Limit: 5},
		},
		"long_quotes": {
			ans: func() search.Answer {
				a := search.Answer{Question: strings.Repeat("why ", 300), Answered: true, Total: 12, QuestionID: "00000000000000ff", Corrected: strings.Repeat("why ", 300)}
				for i := range 9 {
					reps := make([]search.Reporter, 8)
					for j := range reps {
						reps[j] = search.Reporter{Ref: search.Ref{ID: fmt.Sprintf("r%d", j), Title: strings.Repeat("Long title ", 30), Outlet: fmt.Sprintf("Outlet %d ", j) + strings.Repeat("O", 80), URL: "https://example.com/" + strings.Repeat("a", 200)}}
					}
					q := quote(long, search.Ref{ID: fmt.Sprintf("long%d", i), Title: strings.Repeat("T", 400), Outlet: strings.Repeat("O", 300), URL: "https://example.com/long"}, "hacked")
					q.AlsoReportedBy = reps
					a.Quotes = append(a.Quotes, q)
				}
				return a
			}(),
			p: page{QuestionID: "00000000000000ff", Offset: 4, Limit: 5, Source: "~0123456789abcdef"},
		},
		"no_answer": {
			ans: search.Answer{Question: "what is the weather on mars tomorrow", Total: 2, QuestionID: "0000000000000002",
				Quotes: []search.Quote{quote(fallahiQuote, focus), quote(cameraQuote, iranIntl)}},
			p: page{QuestionID: "0000000000000002", Limit: 5},
		},
		"no_answer_nothing_close": {
			ans: search.Answer{Question: "📷🔥", Quotes: []search.Quote{}, QuestionID: "0000000000000004"},
			p:   page{QuestionID: "0000000000000004", Limit: 5},
		},
		"closest": {
			ans: search.Answer{Question: "what is the weather on mars tomorrow", Total: 2, QuestionID: "0000000000000002",
				Quotes: []search.Quote{quote(fallahiQuote, focus), quote(cameraQuote, iranIntl)}},
			closest: true,
		},
		"past_end": {
			ans: search.Answer{Question: "how many cameras were hacked?", Answered: true, Total: 3, Quotes: []search.Quote{lead}},
			p:   page{QuestionID: "0000000000000001", Offset: 8, Limit: 5},
		},
	}
}

// TestRenderAnswerGolden pins the answer cards users see. Run with
// -update to rewrite testdata/*.golden.json after an intended change.
func TestRenderAnswerGolden(t *testing.T) {
	for name, c := range goldenAnswers() {
		t.Run(name, func(t *testing.T) {
			m := c.render()
			// The card fits by design: fitLimits has nothing to cut.
			if errs := checkLimits(m.Content, m.Embeds, m.Components); len(errs) > 0 {
				t.Errorf("card breaks Discord's limits before fitting: %v", errs)
			}
			data := m.responseData()
			if errs := checkLimits(data.Content, data.Embeds, data.Components); len(errs) > 0 {
				t.Errorf("card breaks Discord's limits: %v", errs)
			}
			if len(data.Embeds) > 3 {
				t.Errorf("%d embeds, a card has at most 3", len(data.Embeds))
			}
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			if err := enc.Encode(data); err != nil {
				t.Fatal(err)
			}
			got := buf.Bytes()
			if bytes.Contains(got, []byte("not stated")) {
				t.Error(`the card says "not stated"`)
			}
			for _, q := range c.ans.Quotes {
				if bytes.Contains(got, []byte(q.Source.ID)) {
					t.Errorf("the card shows the internal source id %q", q.Source.ID)
				}
			}
			checkGolden(t, name, got)
		})
	}
}

// checkGolden compares got with testdata/<name>.golden.json, or rewrites
// the file when the test runs with -update.
func checkGolden(tb testing.TB, name string, got []byte) {
	tb.Helper()
	path := filepath.Join("testdata", name+".golden.json")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			tb.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("%v (run go test ./bot -run Golden -update)", err)
	}
	if !bytes.Equal(got, want) {
		tb.Errorf("%s differs from the rendering (run with -update if the change is intended):\ngot:\n%s", path, got)
	}
}

// cardText is every text of a message that Discord shows, as issue 14
// counts it: content, and each embed's title, description, fields,
// footer and author.
func cardText(content string, embeds []*discordgo.MessageEmbed) string {
	parts := []string{content}
	for _, e := range embeds {
		parts = append(parts, e.Title, e.Description, footerText(e), authorName(e))
		for _, f := range e.Fields {
			parts = append(parts, f.Name, f.Value)
		}
	}
	return strings.Join(parts, "\n")
}

func TestRenderAnswerContent(t *testing.T) {
	cards := goldenAnswers()
	t.Run("the best quote leads, with its source on one line", func(t *testing.T) {
		m := cards["answered"].render()
		if len(m.Embeds) != 2 {
			t.Fatalf("%d embeds, want the lead and one compact list", len(m.Embeds))
		}
		lines := strings.Split(m.Embeds[0].Description, "\n")
		if len(lines) != 3 {
			t.Fatalf("lead %q: want the quote, the source line and also-reported-by", m.Embeds[0].Description)
		}
		if want := "> An Iranian opposition group says it has **hacked** more than 5,000 surveillance **cameras** in Tehran"; !strings.HasPrefix(lines[0], want) {
			t.Errorf("lead quote %q, want it to start %q", lines[0], want)
		}
		if want := "— **Iran International** · 2022-05-27 · [Iranian opposition group says it hacked 5,000 Tehran surveillance cameras](https://www.iranintl.com/en/202205279718)"; lines[1] != want {
			t.Errorf("source line\n got %s\nwant %s", lines[1], want)
		}
		if want := "Also reported by [Mehr News Agency](https://en.mehrnews.com/news/1%20%282022%29) and *Cameras in the capital were hacked, a…*"; lines[2] != want {
			t.Errorf("also reported by\n got %s\nwant %s", lines[2], want)
		}
		if m.Embeds[0].Title != "" || m.Embeds[0].Footer != nil {
			t.Errorf("lead has a title %q or footer %+v: the source line says it all", m.Embeds[0].Title, m.Embeds[0].Footer)
		}
	})
	t.Run("the next quotes are short entries in one embed", func(t *testing.T) {
		m := cards["answered"].render()
		e := m.Embeds[1]
		if e.Title != "Other quotes · 2–5 of 19" {
			t.Errorf("title %q", e.Title)
		}
		entries := strings.Split(e.Description, "\n")
		want := []string{
			"**2.** “According to Fallahi, hacking is not a one-night or an immediate decision.” — [iranfocus](https://www.iranfocus.com/en/), 2022-06-01 (+1 other source)",
			"**3.** “In February, the Edalat Ali hacker group claimed that it had hacked the cameras of Iran’s Ghezel Hesar Prison, after…” — *Tehran council head blames Mossad for…*",
			"**4.** “The agency said the municipality's website was suspended, adding that a group of hackers posted video recordings from…” — *Tehran municipality sites suspended as…*",
			"**5.** “The Young Journalists Club acknowledged the hack.” — YJC",
		}
		if len(entries) != len(want) {
			t.Fatalf("%d entries, want %d:\n%s", len(entries), len(want), e.Description)
		}
		for k := range want {
			if entries[k] != want[k] {
				t.Errorf("entry %d\n got %s\nwant %s", k+2, entries[k], want[k])
			}
		}
	})
	t.Run("unknown outlet and date are left out", func(t *testing.T) {
		m := cards["no_outlet_or_date"].render()
		lead := strings.Split(m.Embeds[0].Description, "\n")
		if want := "— *Tehran municipality sites suspended as People's Mujahedeen claims camera hack*"; len(lead) != 2 || lead[1] != want {
			t.Errorf("lead %q, want the source line %q", lead, want)
		}
		entries := strings.Split(m.Embeds[1].Description, "\n")
		if want := "**3.** “A graphic was posted.”"; entries[len(entries)-1] != want {
			t.Errorf("an entry with no outlet, date or title is %q, want %q", entries[len(entries)-1], want)
		}
		if m.Embeds[1].Title != otherQuotesName || len(m.Components) != 0 {
			t.Errorf("a three-quote answer has title %q and components %+v; want no counts and no buttons", m.Embeds[1].Title, m.Components)
		}
	})
	t.Run("paging buttons", func(t *testing.T) {
		m := cards["answered"].render()
		buttons := m.Components[0].(discordgo.ActionsRow).Components
		prev, next := buttons[0].(discordgo.Button), buttons[1].(discordgo.Button)
		if !prev.Disabled || next.Disabled || next.Label != "More ▶" || next.CustomID != "ask:page:0000000000000001:4" {
			t.Errorf("buttons %+v %+v", prev, next)
		}
		last := renderAnswer(cards["answered"].ans, page{QuestionID: "0000000000000001", Offset: 16, Limit: 5})
		buttons = last.Components[0].(discordgo.ActionsRow).Components
		prev, next = buttons[0].(discordgo.Button), buttons[1].(discordgo.Button)
		if prev.Disabled || !next.Disabled || prev.CustomID != "ask:page:0000000000000001:12" {
			t.Errorf("last page buttons %+v %+v", prev, next)
		}
	})
	t.Run("a long quote is cut, the card stays small", func(t *testing.T) {
		m := cards["long_quotes"].render()
		lead := m.Embeds[0].Description
		if !strings.Contains(lead, ellipsis+"\n— ") || runes(lead) > 2500 {
			t.Errorf("lead of %d characters: %.200q…", runes(lead), lead)
		}
		if got := m.Embeds[1].Title; got != "Other quotes · 6–9 of 12" {
			t.Errorf("second page title %q", got)
		}
		long := cards["long_quotes"].ans.Quotes[0].Text
		for _, entry := range strings.Split(m.Embeds[1].Description, "\n") {
			quoted := entry[strings.Index(entry, "“")+len("“") : strings.Index(entry, "”")]
			kept, cut := strings.CutSuffix(quoted, ellipsis)
			if runes(quoted) > entryRunes || !cut || !strings.HasPrefix(long, kept+" ") {
				t.Errorf("entry %q is not trimmed at a word", quoted)
			}
		}
	})
	t.Run("markdown shown verbatim", func(t *testing.T) {
		m := cards["markdown"].render()
		d := strings.Split(m.Embeds[0].Description, "\n")[0]
		want := `> \> Officials said \*the\* \_\_**breach**\_\_ hit \` + "`" + `**cams**\` + "`" + ` \~\~only\~\~ in \|\|**district 5**\|\| - see \[report\]\(http://x\) #1 \<@123> @everyone \\o/`
		if d != want {
			t.Errorf("description\n got %s\nwant %s", d, want)
		}
		if unescape(d[2:]) != cards["markdown"].ans.Quotes[0].Text {
			t.Errorf("unescaped quote %q is not the quote", unescape(d[2:]))
		}
		if strings.Contains(m.Embeds[0].Description, "javascript:") {
			t.Errorf("a javascript: URL became a link: %q", m.Embeds[0].Description)
		}
	})
	t.Run("a no is short, the closest passages behind a button", func(t *testing.T) {
		m := cards["no_answer"].render()
		if len(m.Embeds) != 1 || m.Embeds[0].Title != noAnswerTitle || !strings.Contains(m.Embeds[0].Description, "moderator to add a source") {
			t.Fatalf("no card %+v", m.Embeds)
		}
		if strings.Contains(cardText(m.Content, m.Embeds), "Fallahi") {
			t.Error("the no card shows a passage as if it answered")
		}
		if len(m.Components) != 1 {
			t.Fatalf("components %+v, want one row with the closest-passages button", m.Components)
		}
		b := m.Components[0].(discordgo.ActionsRow).Components[0].(discordgo.Button)
		if b.Label != closestLabel || b.CustomID != "ask:near:0000000000000002" {
			t.Errorf("button %+v", b)
		}
		if m := cards["no_answer_nothing_close"].render(); len(m.Components) != 0 {
			t.Errorf("a no with nothing close offers %+v", m.Components)
		}
	})
	t.Run("closest passages are labelled, privately", func(t *testing.T) {
		m := cards["closest"].render()
		if !m.Ephemeral || len(m.Embeds) != 1 || m.Embeds[0].Title != closestTitle {
			t.Fatalf("closest passages %+v", m)
		}
		if !strings.HasPrefix(m.Embeds[0].Description, "**1.** “According to Fallahi") {
			t.Errorf("entries %q", m.Embeds[0].Description)
		}
	})
}

func TestTrimWords(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"short enough", 20, "short enough"},
		{"cut at the last word that fits here", 20, "cut at the last…"},
		{"a list, of words; here", 10, "a list…"},
		{"Supercalifragilisticexpialidocious words", 10, "Supercali…"},
		{"دوربین\u200cهای نظارتی تهران هک شدند", 20, "دوربین\u200cهای نظارتی…"},
		{"🚨🚨🚨 👩‍💻👩‍💻", 6, "🚨🚨🚨…"},
		{"bad \xff\xfe bytes", 100, "bad \uFFFD bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got := trimWords(tt.in, tt.n)
			if got != tt.want || runes(got) > tt.n || !utf8.ValidString(got) {
				t.Errorf("trimWords(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
			}
		})
	}
}

func TestClosestCustomID(t *testing.T) {
	qid := "0123456789abcdef0123456789abcdef"
	for _, source := range []string{"", "8e1e24bd0573ea10", "bbc:tech:001", strings.Repeat("a", 128)} {
		token := sourceToken(source)
		id := closestCustomID(qid, token)
		if len(id) > maxCustomID {
			t.Fatalf("custom id %q has %d characters, Discord allows %d", id, len(id), maxCustomID)
		}
		if q, tok, ok := parseClosestCustomID(id); !ok || q != qid || tok != token {
			t.Errorf("parse(%q) = %q %q %v", id, q, tok, ok)
		}
	}
	for _, bad := range []string{"", "ask:near:", "ask:near::x", "ask:near:q:", "ask:page:q:1"} {
		if _, _, ok := parseClosestCustomID(bad); ok {
			t.Errorf("parseClosestCustomID(%q) accepted", bad)
		}
	}
}

// FuzzRenderAnswer renders answers made of arbitrary quote text,
// highlights and source fields: no panic, and the card always fits
// Discord's limits by itself (before fitLimits), is valid UTF-8, and
// never says "not stated".
func FuzzRenderAnswer(f *testing.F) {
	f.Add("An Iranian opposition group says it has hacked more than 5,000 cameras.", 40, 46, "Title", "Outlet", "https://example.com/a", uint8(1), uint16(0))
	f.Add("*_~`|># -[]()<@1>\\ دوربین 🚨👩‍💻", 0, 3, "[t](u)", "", "", uint8(5), uint16(5))
	f.Add(strings.Repeat("x", 5000), 10, 4000, strings.Repeat("T", 300), strings.Repeat("O", 300), "http://a/(b)", uint8(10), uint16(3))
	f.Add("\xff\xfe bad", 1, 2, "\n", "\x00", "::", uint8(0), uint16(1))
	f.Fuzz(func(t *testing.T, text string, start, end int, title, outlet, url string, n uint8, reporters uint16) {
		ans := search.Answer{Question: text, Answered: n%2 == 1, Total: int(n) * 2, QuestionID: "00ff", Corrected: title}
		for i := range int(n % 16) {
			q := search.Quote{Text: text, Highlights: []search.Highlight{{Start: start, End: end}, {Start: end, End: start + i}},
				Source: search.Ref{ID: fmt.Sprint("id", i), Title: title, Outlet: outlet, URL: url, Published: outlet}}
			for j := range int(reporters % 12) {
				q.AlsoReportedBy = append(q.AlsoReportedBy, search.Reporter{Ref: search.Ref{ID: fmt.Sprint("r", j), Title: title, Outlet: outlet, URL: url}, Quote: text})
			}
			ans.Quotes = append(ans.Quotes, q)
		}
		cards := []message{renderClosest(ans)}
		for _, p := range []page{{QuestionID: "00ff", Limit: 5}, {QuestionID: "00ff", Offset: 4, Limit: 5, Source: "~0011223344556677"}} {
			cards = append(cards, renderAnswer(ans, p))
		}
		for _, m := range cards {
			if errs := checkLimits(m.Content, m.Embeds, m.Components); len(errs) > 0 {
				t.Fatalf("limits broken: %v", errs)
			}
			if strings.Contains(cardText(m.Content, m.Embeds), "not stated") && !strings.Contains(text+title+outlet, "not stated") {
				t.Fatal(`the card says "not stated"`)
			}
			d := m.responseData()
			e := m.webhookEdit()
			if errs := checkLimits(*e.Content, *e.Embeds, *e.Components); len(errs) > 0 {
				t.Fatalf("limits broken in the edit: %v", errs)
			}
			if _, err := json.Marshal(d); err != nil {
				t.Fatal(err)
			}
		}
	})
}
