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

// cardCase is a card pinned in testdata: an answer and the page shown.
type cardCase struct {
	ans search.Answer
	p   page
}

func (c cardCase) render() message { return renderAnswer(c.ans, c.p) }

// quote builds a quote of text with words highlighted (the question's
// words, as the library reports them), from src.
func quote(text string, src search.Ref, words ...string) search.Quote {
	return search.Quote{Text: text, Highlights: highlight(text, words...), Source: src}
}

// answering marks span of q's text as the words that answer (Quote.Answer).
func answering(q search.Quote, span string) search.Quote {
	q.Answer = highlight(q.Text, span)[:1]
	return q
}

const (
	cameraQuote  = "An Iranian opposition group says it has hacked more than 5,000 surveillance cameras in Tehran to coincide with the commemoration of the death of the founder of the Islamic Republic, Ayatollah Ruhollah Khomeini."
	fallahiQuote = "According to Fallahi, hacking is not a one-night or an immediate decision."
	// nameehQuote ends in a closing quotation mark of its own.
	namehQuote = "On June 8, the state-run daily Nameh News reflected the regime’s desperation and wrote, “Hack after hack and disruption after disruption!”"
)

// Sources of the pinned cards, as the seeds and outlets give them.
var (
	iranIntl = search.Ref{ID: "85a414cdecb060a4", Title: "Iranian opposition group says it hacked 5,000 Tehran surveillance cameras",
		Outlet: "Iran International", URL: "https://www.iranintl.com/en/202205279718", Published: "2022-05-27"}
	focus = search.Ref{ID: "8e1e24bd0573ea10", Title: "How Iran's state media covered the hack of Tehran's surveillance cameras",
		Outlet: "iranfocus", URL: "https://www.iranfocus.com/en/", Published: "2022-06-01"}
	council   = search.Ref{ID: "2b2ceef928058a0d", Title: "Tehran council head blames Mossad for cyberattack on the municipality"}
	suspended = search.Ref{ID: "9198c60bae8fe4fc", Title: "Tehran municipality sites suspended as People's Mujahedeen claims camera hack"}
)

// goldenAnswers are the cards pinned in testdata: what users see.
func goldenAnswers() map[string]cardCase {
	lead := answering(quote(cameraQuote, iranIntl, "hacked", "cameras"), "5,000")
	lead.SaidBy = "Iranian opposition group"
	lead.AlsoReportedBy = []search.Reporter{
		{Ref: search.Ref{ID: "a1", Title: "Opposition claims hack of Tehran cameras", Outlet: "Mehr News Agency", URL: "https://en.mehrnews.com/news/1 (2022)", Published: "2022-05-28"}},
		{Ref: search.Ref{ID: "a2", Title: "Second Mehr story on the same claim", Outlet: "Mehr News Agency"}},
		{Ref: search.Ref{ID: "a3", Title: "Cameras in the capital were hacked, a wire report says"}},
	}
	nameh := quote(namehQuote, focus, "Hack")
	nameh.SaidBy = "state-run daily Nameh News"
	others := []search.Quote{
		quote(fallahiQuote, focus, "hacking"),
		nameh,
		quote("In February, the Edalat Ali hacker group claimed that it had hacked the cameras of Iran’s Ghezel Hesar Prison, after claiming to have hacked the cameras of Iran's Evin Prison and the Iranian Telewebion site.", council, "hacked", "cameras"),
		quote("The agency said the municipality's website was suspended, adding that a group of hackers posted video recordings from the municipal data center.", suspended, "hackers"),
		quote("The Young Journalists Club acknowledged the hack.", search.Ref{ID: "yjc", Outlet: "YJC", URL: "javascript:alert(1)"}, "hack"),
	}
	others[0].AlsoReportedBy = []search.Reporter{{Ref: search.Ref{ID: "a4", Outlet: "NCRI"}}}

	markdown := "> Officials said *the* __breach__ hit `cams` ~~only~~ in ||district 5|| - see [report](http://x) #1 <@123> @everyone \\o/"
	persian := "شهرداری تهران اعلام کرد که ۵۰۰۰ دوربین هک شد 🚨👩‍💻 و سامانه\u200cها از دسترس خارج شدند."
	long := strings.Repeat("The cameras were hacked again and again. ", 125) // 5,125 characters

	attributed := answering(quote("Mehdi Chamran, head of the Tehran City Council, blamed the Mossad and anti-government groups for the cyberattack, Mehr News Agency reported.", council, "blamed"), "the Mossad and anti-government groups")
	attributed.SaidBy, attributed.AccordingTo = "Mehdi Chamran (head of the Tehran City Council)", []string{"Mehr News Agency"}
	claimed := quote("Iran's exiled opposition Group of People's Mujahedeen said it had disabled surveillance cameras in Tehran, the Associated Press reported.", suspended, "cameras")
	claimed.SaidBy, claimed.AccordingTo = "Group of People's Mujahedeen", []string{"the Associated Press"}
	differ := []search.Disagreement{
		{Kind: "figure", About: "cameras",
			A: search.Side{Quote: cameraQuote, Source: iranIntl, Value: "more than 5,000 surveillance cameras", SaidBy: "An Iranian opposition group"},
			B: search.Side{Quote: "The Young Journalists Club reported that 300 surveillance cameras had been disrupted.", Source: suspended, Value: "300 surveillance cameras", SaidBy: "The Young Journalists Club"}},
		{Kind: "claimant", About: "cyberattack",
			A: search.Side{Quote: attributed.Text, Source: council, Value: "the Mossad", SaidBy: attributed.SaidBy, AccordingTo: attributed.AccordingTo},
			B: search.Side{Quote: claimed.Text, Source: suspended, Value: "Group of People's Mujahedeen", SaidBy: claimed.SaidBy, AccordingTo: claimed.AccordingTo}},
	}
	all := append([]search.Quote{lead}, others...)

	return map[string]cardCase{
		"answered": {
			ans: search.Answer{Question: "how many cameras were hacked?", Answered: true, Confidence: search.Answered, Total: 19, QuestionID: "0000000000000001",
				Quotes: all[:3]},
			p: page{QuestionID: "0000000000000001"},
		},
		"later_page": {
			ans: search.Answer{Question: "how many cameras were hacked?", Answered: true, Confidence: search.Answered, Total: 19, QuestionID: "0000000000000001",
				Quotes: all},
			p: page{QuestionID: "0000000000000001", Offset: 3},
		},
		"closest": {
			ans: search.Answer{Question: "how many cameras were hacked?", Confidence: search.Closest, Total: 19, QuestionID: "0000000000000002",
				Quotes: []search.Quote{lead, nameh, others[0]}},
			p: page{QuestionID: "0000000000000002"},
		},
		"none": {
			ans: search.Answer{Question: "who won the football final?", Confidence: search.None, Total: 2, QuestionID: "0000000000000004",
				Quotes: []search.Quote{quote(fallahiQuote, focus), quote(cameraQuote, iranIntl)}},
			p: page{QuestionID: "0000000000000004"},
		},
		"attributed": {
			ans: search.Answer{Question: "who blamed the Mossad?", Answered: true, Confidence: search.Answered, Total: 2, QuestionID: "0000000000000009",
				Quotes: []search.Quote{attributed, claimed}},
			p: page{QuestionID: "0000000000000009"},
		},
		"sources_differ": {
			ans: search.Answer{Question: "who hacked the cameras, and how many?", Answered: true, Confidence: search.Answered, Total: 3, QuestionID: "000000000000000a",
				Quotes: []search.Quote{lead, attributed, claimed}, Differ: differ},
			p: page{QuestionID: "000000000000000a"},
		},
		"no_outlet_or_date": {
			ans: search.Answer{Question: "what did the hackers post on the website?", Answered: true, Confidence: search.Answered, Total: 3, QuestionID: "0000000000000003",
				Quotes: []search.Quote{
					quote("A picture of Ayatollah Ali Khamenei with a red X on his face, as well as pictures of the leaders of the People's Mujahedeen, Massoud Rajavi and his wife Maryam Rajavi, and words calling for an uprising were posted on one of these sites.", suspended, "posted", "sites"),
					quote("The People's Mujahedeen aired a video showing the hacking of the Tehran municipality's website.", suspended, "website"),
					quote("A graphic was posted.", search.Ref{ID: "bare"}, "posted"),
				}},
			p: page{QuestionID: "0000000000000003"},
		},
		"markdown": {
			ans: search.Answer{Question: "was the *breach* `real`?", Answered: true, Confidence: search.Answered, Total: 1,
				Quotes: []search.Quote{{Text: markdown, Answer: highlight(markdown, "district 5"),
					Source: search.Ref{ID: "s1", Title: "[Breaking] *Cams* down_", Outlet: "The ~Daily~ | Wire", URL: "javascript:alert(1)"}}}},
		},
		"persian_emoji": {
			ans: search.Answer{Question: "چند دوربین هک شد؟", Confidence: search.Closest, Total: 2,
				Quotes: []search.Quote{
					answering(quote(persian, search.Ref{ID: "fa1", Title: "حمله سایبری به شهرداری تهران", Outlet: "ایران\u200cاینترنشنال", Published: "2022-05-27"}, "دوربین", "هک", "🚨"), "۵۰۰۰"),
					quote(strings.Repeat("دوربین\u200cهای نظارتی 🚨 ", 20)+"هک شدند.", search.Ref{ID: "fa2", Title: "گزارش 👩‍💻 خبرگزاری مهر"}, "دوربین\u200cهای"),
				}},
		},
		"long_quotes": {
			ans: func() search.Answer {
				a := search.Answer{Question: strings.Repeat("why ", 300), Answered: true, Confidence: search.Answered, Total: 12, QuestionID: "00000000000000ff", Corrected: strings.Repeat("why ", 300)}
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
			p: page{QuestionID: "00000000000000ff", Offset: 4, Source: "~0123456789abcdef"},
		},
		"past_end": {
			ans: search.Answer{Question: "how many cameras were hacked?", Answered: true, Confidence: search.Answered, Total: 3, Quotes: []search.Quote{lead}},
			p:   page{QuestionID: "0000000000000001", Offset: 8},
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
			if n := cardRunes(m.Content, m.Embeds); n > cardTextBudget && name != "long_quotes" {
				t.Errorf("the card holds %d characters of text; a phone shows %d at a glance", n, cardTextBudget)
			}
			if len(m.Embeds) > 2 {
				t.Errorf("%d embeds, a card has at most 2", len(m.Embeds))
			}
			checkGolden(t, name, cardJSON(t, m, c.ans.Quotes))
		})
	}
}

// cardJSON is m as sent to Discord, indented for a golden file, after
// checking it within Discord's limits and free of placeholders and of
// the quotes' internal source ids.
func cardJSON(tb testing.TB, m message, quotes []search.Quote) []byte {
	tb.Helper()
	data := m.responseData()
	if errs := checkLimits(data.Content, data.Embeds, data.Components); len(errs) > 0 {
		tb.Errorf("card breaks Discord's limits: %v", errs)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(data); err != nil {
		tb.Fatal(err)
	}
	got := buf.Bytes()
	if bytes.Contains(got, []byte("not stated")) {
		tb.Error(`the card says "not stated"`)
	}
	for _, q := range quotes {
		if bytes.Contains(got, []byte(q.Source.ID)) {
			tb.Errorf("the card shows the internal source id %q", q.Source.ID)
		}
	}
	return got
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
	t.Run("the answer leads whole, its figure in bold, not the question's words", func(t *testing.T) {
		m := cards["answered"].render()
		if len(m.Embeds) != 2 {
			t.Fatalf("%d embeds, want the lead and the other quotes", len(m.Embeds))
		}
		lines := strings.Split(m.Embeds[0].Description, "\n")
		if len(lines) != 3 {
			t.Fatalf("lead %q: want the quote, the source line and also-reported-by", m.Embeds[0].Description)
		}
		if want := "> An Iranian opposition group says it has hacked more than **5,000** surveillance cameras in Tehran to coincide with the commemoration of the death of the founder of the Islamic Republic, Ayatollah Ruhollah Khomeini."; lines[0] != want {
			t.Errorf("lead quote\n got %s\nwant %s", lines[0], want)
		}
		if want := "— Iranian opposition group · Iran International · 2022-05-27 · in: [Iranian opposition group says it hacked 5,000 Tehran surveillance cameras](https://www.iranintl.com/en/202205279718)"; lines[1] != want {
			t.Errorf("source line\n got %s\nwant %s", lines[1], want)
		}
		if want := "Also reported by [Mehr News Agency](https://en.mehrnews.com/news/1%20%282022%29) and *Cameras in the capital were hacked, a wire report says*"; lines[2] != want {
			t.Errorf("also reported by\n got %s\nwant %s", lines[2], want)
		}
		if m.Embeds[0].Title != "" || m.Embeds[0].Footer != nil {
			t.Errorf("lead has a title %q or footer %+v: the source line says it all", m.Embeds[0].Title, m.Embeds[0].Footer)
		}
	})
	t.Run("two more quotes, whole, uncounted, no quotation mark doubled", func(t *testing.T) {
		c := cards["answered"]
		e := c.render().Embeds[1]
		if e.Title != otherQuotesName {
			t.Errorf("title %q, want %q and no count", e.Title, otherQuotesName)
		}
		want := []string{
			"> According to Fallahi, hacking is not a one-night or an immediate decision.\n— [iranfocus](https://www.iranfocus.com/en/) · 2022-06-01",
			// The same article as the quote above: named once.
			"> On June 8, the state-run daily Nameh News reflected the regime’s desperation and wrote, “Hack after hack and disruption after disruption!”\n— state-run daily Nameh News · same article",
		}
		got := strings.Split(e.Description, "\n\n")
		if len(got) != len(want) {
			t.Fatalf("%d quotes, want %d:\n%s", len(got), len(want), e.Description)
		}
		for k := range want {
			if got[k] != want[k] {
				t.Errorf("quote %d\n got %s\nwant %s", k+2, got[k], want[k])
			}
		}
		if strings.Contains(e.Description, "””") || strings.Contains(e.Description, "““") {
			t.Errorf("a quotation mark doubled: %s", e.Description)
		}
	})
	t.Run("More, and no disabled Previous, on the first card", func(t *testing.T) {
		m := cards["answered"].render()
		if len(m.Components) != 1 {
			t.Fatalf("components %+v, want one row", m.Components)
		}
		buttons := m.Components[0].(discordgo.ActionsRow).Components
		if len(buttons) != 1 {
			t.Fatalf("buttons %+v, want More alone", buttons)
		}
		if b := buttons[0].(discordgo.Button); b.Disabled || b.Label != forwardLabel || b.CustomID != "ask:page:0000000000000001:3" {
			t.Errorf("button %+v, want More to the fourth quote", b)
		}
	})
	t.Run("later pages: the next quotes without the lead, Previous and More", func(t *testing.T) {
		c := cards["later_page"]
		m := c.render()
		if len(m.Embeds) != 1 || m.Embeds[0].Title != moreQuotesName || strings.Count(m.Embeds[0].Description, "\n> ") != 2 {
			t.Fatalf("later page %+v, want three more quotes in one embed", m.Embeds)
		}
		if strings.Contains(cardText(m.Content, m.Embeds), "5,000") {
			t.Error("the lead is repeated on a later page")
		}
		buttons := m.Components[0].(discordgo.ActionsRow).Components
		prev, next := buttons[0].(discordgo.Button), buttons[1].(discordgo.Button)
		if prev.CustomID != "ask:page:0000000000000001:0" || next.CustomID != "ask:page:0000000000000001:6" || prev.Disabled || next.Disabled {
			t.Errorf("buttons %+v %+v", prev, next)
		}
		last := renderAnswer(c.ans, page{QuestionID: "0000000000000001", Offset: 18})
		if bs := last.Components[0].(discordgo.ActionsRow).Components; len(bs) != 1 || bs[0].(discordgo.Button).Label != "◀ Previous" {
			t.Errorf("last page buttons %+v, want Previous alone", bs)
		}
	})
	t.Run("closest passages in plain sight, labelled, no button", func(t *testing.T) {
		c := cards["closest"]
		m := c.render()
		if len(m.Embeds) != 1 || m.Embeds[0].Title != closestTitle || m.Embeds[0].Footer == nil || m.Embeds[0].Footer.Text != keptHint {
			t.Fatalf("closest card %+v, want the label, the passages and the promise", m.Embeds)
		}
		got := strings.Split(m.Embeds[0].Description, "\n\n")
		if len(got) != 3 {
			t.Fatalf("%d passages, want 3:\n%s", len(got), m.Embeds[0].Description)
		}
		for k, q := range c.ans.Quotes {
			quoted, _, _ := strings.Cut(got[k], "\n— ")
			if unescape(strings.TrimPrefix(quoted, "> ")) != q.Text {
				t.Errorf("passage %d %q is not the whole quote", k+1, quoted)
			}
		}
		if !strings.Contains(got[0], "more than **5,000** surveillance") {
			t.Errorf("the closest passage lacks its figure in bold: %s", got[0])
		}
		if len(m.Components) != 0 {
			t.Errorf("components %+v on a closest card", m.Components)
		}
	})
	t.Run("a no shows nothing and keeps the question", func(t *testing.T) {
		c := cards["none"]
		m := c.render()
		if len(m.Embeds) != 1 || m.Embeds[0].Title != noAnswerTitle || !strings.Contains(m.Embeds[0].Description, "I keep the question") {
			t.Fatalf("no card %+v", m.Embeds)
		}
		text := cardText(m.Content, m.Embeds)
		for _, q := range c.ans.Quotes {
			if strings.Contains(text, q.Text[:30]) {
				t.Errorf("the no card shows an unrelated passage: %q", q.Text)
			}
		}
		if len(m.Components) != 0 {
			t.Errorf("components %+v on a no card", m.Components)
		}
		empty := renderAnswer(search.Answer{Question: "📷🔥", Confidence: search.Closest, Quotes: []search.Quote{}}, page{QuestionID: "04"})
		if len(empty.Embeds) != 1 || empty.Embeds[0].Title != noAnswerTitle {
			t.Errorf("a closest answer without quotes renders %+v, want the no card", empty.Embeds)
		}
	})
	t.Run("unknown outlet and date are left out", func(t *testing.T) {
		m := cards["no_outlet_or_date"].render()
		lead := strings.Split(m.Embeds[0].Description, "\n")
		if want := "— *Tehran municipality sites suspended as People's Mujahedeen claims camera hack*"; len(lead) != 2 || lead[1] != want {
			t.Errorf("lead %q, want the source line %q", lead, want)
		}
		entries := strings.Split(m.Embeds[1].Description, "\n\n")
		if want := "> A graphic was posted."; entries[len(entries)-1] != want {
			t.Errorf("a quote with no outlet, date or title is %q, want %q", entries[len(entries)-1], want)
		}
		if len(m.Components) != 0 {
			t.Errorf("a three-quote answer has components %+v; want no buttons", m.Components)
		}
	})
	t.Run("a long quote is cut, the card stays small", func(t *testing.T) {
		m := cards["long_quotes"].render()
		if len(m.Embeds) != 1 || m.Embeds[0].Title != moreQuotesName {
			t.Fatalf("later page of long quotes %+v", m.Embeds)
		}
		d := m.Embeds[0].Description
		if !strings.Contains(d, ellipsis+"\n— ") || runes(d) > cardTextBudget {
			t.Errorf("page of %d characters: %.200q…", runes(d), d)
		}
	})
	t.Run("markdown shown verbatim", func(t *testing.T) {
		m := cards["markdown"].render()
		d := strings.Split(m.Embeds[0].Description, "\n")[0]
		want := `> \> Officials said \*the\* \_\_breach\_\_ hit \` + "`" + `cams\` + "`" + ` \~\~only\~\~ in \|\|**district 5**\|\| - see \[report\]\(http://x\) #1 \<@123> @everyone \\o/`
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

// TestParseClosestCustomID: the "Show closest passages" buttons of cards
// posted before the tiers still route, with their source token.
func TestParseClosestCustomID(t *testing.T) {
	qid := "0123456789abcdef0123456789abcdef"
	for _, token := range []string{"", "8e1e24bd0573ea10", "bbc:tech:001", sourceToken(strings.Repeat("a", 128))} {
		id := askClosestPrefix + qid
		if token != "" {
			id += ":" + token
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
		tier := []search.Confidence{search.Answered, search.Closest, search.None, ""}[n%4]
		ans := search.Answer{Question: text, Answered: tier == search.Answered, Confidence: tier, Total: int(n) * 2, QuestionID: "00ff", Corrected: title}
		for i := range int(n % 16) {
			q := search.Quote{Text: text, Answer: []search.Highlight{{Start: start, End: end}, {Start: end, End: start + i}},
				Source: search.Ref{ID: fmt.Sprint("id", i), Title: title, Outlet: outlet, URL: url, Published: outlet}}
			for j := range int(reporters % 12) {
				q.AlsoReportedBy = append(q.AlsoReportedBy, search.Reporter{Ref: search.Ref{ID: fmt.Sprint("r", j), Title: title, Outlet: outlet, URL: url}, Quote: text})
			}
			ans.Quotes = append(ans.Quotes, q)
		}
		var cards []message
		for _, p := range []page{{QuestionID: "00ff"}, {QuestionID: "00ff", Offset: 4, Source: "~0011223344556677"}} {
			cards = append(cards, renderAnswer(ans, p))
		}
		cards = append(cards, renderCheck(text, search.CheckClaim(text, ans.Quotes)))
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
