package ingest

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func readFixture(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// fixtureCase describes what a library user must get out of one of the
// realistic pages in testdata.
type fixtureCase struct {
	file, pageURL string
	want          Article // Text unused: see paragraphs
	paragraphs    []string
	absent        []string
}

var fixtureCases = []fixtureCase{
	{
		file:    "jsonld.html",
		pageURL: "https://harbourtribune.example/news/2024/03/05/eastport-plant-fire?utm_source=share",
		want: Article{
			Title:     "Chemical plant fire forces evacuation of 2,000 residents",
			Outlet:    "The Harbour Tribune", // publisher @id resolved in @graph, not the WebSite name
			URL:       "https://harbourtribune.example/news/2024/03/05/eastport-plant-fire",
			Published: "2024-03-05", // as written in -05:00, not moved to UTC's 6 March
		},
		paragraphs: []string{
			"About 2,000 residents were ordered to leave their homes on Tuesday night after a fire broke out at the Eastport chemical works, sending a column of black smoke over the harbour.",
			"Firefighters from three counties battled the blaze for nine hours before bringing it under control early on Wednesday, the regional fire service said.",
			"“We made the decision to evacuate because the wind was carrying the smoke straight over the Millbrook estate,” said deputy chief fire officer Dan Reyes. “Nobody should go back until we say it is safe.”",
			"Reyes said two workers were treated for smoke inhalation and that nobody had been seriously hurt. The cause of the fire is not yet known.",
			"The plant’s operator, Norland Chemicals, said tanks holding solvents & cleaning agents had been cooled throughout the night and that air monitoring around the site showed no readings above safe limits.",
			"Residents were told they could return from 10am on Wednesday, but schools in Millbrook stayed closed for the day as a precaution.",
		},
		absent: []string{
			"Skip to content", "We use cookies", "Sport", "Business", // header, cookie banner, nav
			"By Maya Okafor", "Share on Facebook", "Smoke rises over the Eastport works", // byline, share bar, caption
			"Read more", "Get the morning briefing", "Sign up for our free newsletter", // read-more link, newsletter box
			"Harbour dredging plan", "Related stories", // related links
			"third incident at that plant", "harbourwatcher", "Comments (14)", // comments
			"All rights reserved", "Privacy policy", // footer
		},
	},
	{
		file:    "opengraph.html", // windows-1252, declared only in <meta http-equiv>
		pageURL: "https://northern-courier.example/transport/2023/11/18/bridge-closed?amp=1",
		want: Article{
			Title:     "Bridge closed after ferry strikes pier",
			Outlet:    "Northern Courier",
			URL:       "https://northern-courier.example/transport/2023/11/18/bridge-closed",
			Published: "2023-11-18",
		},
		paragraphs: []string{
			"The Kessel Bridge was closed to traffic on Saturday morning after a passenger ferry struck one of its piers in thick fog.",
			"The ferry, carrying 140 passengers, was travelling from Sundvik when it hit the pier shortly after 6am. Nobody was injured, the operator said.",
			"“The master reported poor visibility and a loss of steering just before the impact,” a spokesperson for Fjordline Ferries said. “We are co-operating fully with the investigation.”",
			"Engineers will inspect the bridge’s structure before it reopens. The road authority said the café and car park on the south bank would stay open.",
			"Drivers are advised to use the Ost ring road, which adds about 20 minutes to journeys into the city centre.",
		},
		absent: []string{
			"Log in", "Jobs", "Home", // menu, breadcrumbs
			"Tomás Lindqvist", "WhatsApp", "Copy link", "Advertisement", // meta, share, ad
			"Ferry timetable cut for winter", "Bus drivers vote", "More from Transport", // link-only line, related
			"Join the discussion", "fenders", // comments
			"Storm warning", "Subscribe to our daily newsletter", "Quay Street", // sidebar, newsletter, footer
		},
	},
	{
		file:    "plain.html", // only <title> and <time>
		pageURL: "http://valleygazette.example/2022/06/09/flood-barrier.html",
		want: Article{
			Title:     "Council approves ‘Plan B’ flood barrier",
			Outlet:    "Valley Gazette",
			URL:       "http://valleygazette.example/2022/06/09/flood-barrier.html",
			Published: "2022-06-09",
		},
		paragraphs: []string{
			"Valley District Council on Wednesday approved a £4.2 million flood barrier for the lower town, ending a three-year dispute over how to protect homes along the River Wend.",
			"Councillors voted 23 to 9 for the so-called ‘Plan B’, a removable steel barrier that will be put up along Mill Lane when the river is forecast to rise above 3.5 metres.",
			"\"This is not the perfect scheme, but it is one we can afford and build before next winter,\" council leader Priya Nandakumar told the meeting.",
			"Opponents had argued for a permanent wall, which the Environment Agency estimated would cost more than £11 million.",
			"Work is expected to begin in September.",
		},
		absent: []string{
			"Archive", "Local news", "Letters", // masthead and menu
			"Posted on", "Advertisement", "Read more", "Tags:", // furniture around the text
			"About time", "Madness", "Leave a reply", // comments
			"Serving the Wend valley", // footer
		},
	},
}

func TestFromHTMLFixtures(t *testing.T) {
	for _, tc := range fixtureCases {
		t.Run(tc.file, func(t *testing.T) {
			got, err := FromHTML(readFixture(t, tc.file), tc.pageURL)
			if err != nil {
				t.Fatalf("FromHTML: %v", err)
			}
			checkArticle(t, got, tc)
		})
	}
}

func checkArticle(tb testing.TB, got Article, tc fixtureCase) {
	tb.Helper()
	if got.Title != tc.want.Title || got.Outlet != tc.want.Outlet || got.URL != tc.want.URL || got.Published != tc.want.Published {
		tb.Errorf("metadata:\n got title=%q outlet=%q url=%q published=%q\nwant title=%q outlet=%q url=%q published=%q",
			got.Title, got.Outlet, got.URL, got.Published,
			tc.want.Title, tc.want.Outlet, tc.want.URL, tc.want.Published)
	}
	if want := strings.Join(tc.paragraphs, "\n"); got.Text != want {
		tb.Errorf("text:\n got %q\nwant %q", got.Text, want)
	}
	for _, junk := range tc.absent {
		if strings.Contains(got.Text, junk) {
			tb.Errorf("text keeps page furniture %q", junk)
		}
	}
}

func TestFromHTMLCharset(t *testing.T) {
	tests := []struct {
		name        string
		body        []byte
		contentType string
		want        string
	}{
		{"meta charset windows-1252", []byte("<meta charset=windows-1252><p>\x93Caf\xe9 closed,\x94 he said.</p>"), "", "“Café closed,” he said."},
		{"no declaration, valid UTF-8", []byte("<p>“Café closed,” he said.</p>"), "", "“Café closed,” he said."},
		{"no declaration, not UTF-8", []byte("<p>\x93Caf\xe9 closed,\x94 he said.</p>"), "", "“Café closed,” he said."},
		{"mislabelled latin-1 that is UTF-8", []byte("<meta charset=iso-8859-1><p>“Café closed,” he said.</p>"), "", "“Café closed,” he said."},
		{"header charset wins", []byte("<meta charset=utf-8><p>\x93Caf\xe9 closed,\x94 he said.</p>"), "text/html; charset=windows-1252", "“Café closed,” he said."},
		{"entities and nbsp", []byte("<p>Fire&nbsp;&amp;&#160;rescue &ldquo;ready&rdquo;&hellip;</p>"), "", "Fire & rescue “ready”…"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := extractHTML(tc.body, tc.contentType, "")
			if err != nil {
				t.Fatal(err)
			}
			if got.Text != tc.want {
				t.Errorf("got %q, want %q", got.Text, tc.want)
			}
		})
	}
}

func TestFromHTMLNoText(t *testing.T) {
	for name, body := range map[string]string{
		"empty":            "",
		"only navigation":  `<html><body><nav><a href="/">Home</a><a href="/news">News</a></nav></body></html>`,
		"only a script":    `<script>document.write("hello")</script>`,
		"deeply nested":    strings.Repeat("<div>", 5000) + "<p>Text.</p>",
		"only link blocks": `<ul class="x"><li><a href="/a">First story</a></li><li><a href="/b">Second story</a></li></ul>`,
	} {
		t.Run(name, func(t *testing.T) {
			a, err := FromHTML([]byte(body), "https://example.test/")
			if !errors.Is(err, ErrNoText) {
				t.Fatalf("got %+v, %v; want ErrNoText", a, err)
			}
		})
	}
}

func TestMetadataFallbacks(t *testing.T) {
	tests := []struct {
		name, head, pageURL string
		want                Article
	}{
		{
			name:    "host when no outlet anywhere",
			head:    `<title>Storm damages pier</title>`,
			pageURL: "https://www.coastnews.example/a",
			want:    Article{Title: "Storm damages pier", Outlet: "coastnews.example", URL: "https://www.coastnews.example/a"},
		},
		{
			name:    "og:title repeating the outlet",
			head:    `<meta property="og:title" content="Storm damages pier | Coast News"><meta property="og:site_name" content="Coast News">`,
			pageURL: "https://coastnews.example/a",
			want:    Article{Title: "Storm damages pier", Outlet: "Coast News", URL: "https://coastnews.example/a"},
		},
		{
			name:    "non-http canonical ignored, meta date used",
			head:    `<title>Storm damages pier</title><link rel="canonical" href="javascript:alert(1)"><meta name="date" content="2021-02-03">`,
			pageURL: "https://coastnews.example/a",
			want:    Article{Title: "Storm damages pier", Outlet: "coastnews.example", URL: "https://coastnews.example/a", Published: "2021-02-03"},
		},
		{
			name:    "undated page stays undated",
			head:    `<title>Storm damages pier - Coast News</title><meta name="date" content="last Tuesday">`,
			pageURL: "https://coastnews.example/a",
			want:    Article{Title: "Storm damages pier", Outlet: "Coast News", URL: "https://coastnews.example/a"},
		},
		{
			name:    "JSON-LD Article as a top-level array with entities",
			head:    `<script type="application/ld+json">[{"@type":["Article"],"headline":"Storms &amp; floods","datePublished":"Tue, 02 Jan 2024 10:00:00 +0000","publisher":[{"@type":"Organization","name":"Coast News"}]}]</script>`,
			pageURL: "",
			want:    Article{Title: "Storms & floods", Outlet: "Coast News", Published: "2024-01-02"},
		},
	}
	body := `<article><p>The storm damaged the pier on Tuesday night, the harbour master said.</p></article>`
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := FromHTML([]byte("<html><head>"+tc.head+"</head><body>"+body+"</body></html>"), tc.pageURL)
			if err != nil {
				t.Fatal(err)
			}
			got.Text = ""
			if got != tc.want {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestNormaliseDate(t *testing.T) {
	tests := map[string]string{
		"2024-03-05":                      "2024-03-05",
		"2024-03-05T23:30:00-05:00":       "2024-03-05",
		"2024-03-05 10:00":                "2024-03-05",
		"Tue, 05 Mar 2024 10:00:00 +0000": "2024-03-05",
		"March 5, 2024":                   "2024-03-05",
		"5 March 2024":                    "2024-03-05",
		"2024/03/05":                      "2024-03-05",
		"2024-02-30":                      "",
		"2024-13-01T00:00:00Z":            "",
		"yesterday":                       "",
		"0001-01-01":                      "",
		"":                                "",
	}
	for in, want := range tests {
		if got := normaliseDate(in); got != want {
			t.Errorf("normaliseDate(%q) = %q, want %q", in, got, want)
		}
	}
}

// Readability keeps blocks like these when they sit among the article's
// paragraphs; the class-based clutter pass must remove them.
func TestFromHTMLDropsFurnitureInsideBody(t *testing.T) {
	body := `<html><head><title>Water restrictions extended - River Post</title></head><body>
<div id="page" class="layout has-sidebar"><div id="story">
<p>Water restrictions across the county were extended on Monday until the end of September, the water board said, after the driest spring in forty years.</p>
<div class="inline-newsletter"><p>Get our weekly climate newsletter with the latest on the drought, delivered every Friday morning to your inbox.</p></div>
<p class="image-caption">The reservoir at Hollow Dene was at 31 percent of capacity on Sunday.</p>
<p>The board said reservoir levels had fallen to 38 percent of capacity, compared with 71 percent at the same time last year, and that garden hose use would remain banned.</p>
<div class="share-tools"><span>Share this story with your friends and family who live in the county</span></div>
<p>“We know this is frustrating, but every litre saved now is a litre we have in August,” chief executive Sara Holm said in a statement.</p>
</div></div></body></html>`
	got, err := FromHTML([]byte(body), "")
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Join([]string{
		"Water restrictions across the county were extended on Monday until the end of September, the water board said, after the driest spring in forty years.",
		"The board said reservoir levels had fallen to 38 percent of capacity, compared with 71 percent at the same time last year, and that garden hose use would remain banned.",
		"“We know this is frustrating, but every litre saved now is a litre we have in August,” chief executive Sara Holm said in a statement.",
	}, "\n")
	if got.Text != want {
		t.Errorf("text:\n got %q\nwant %q", got.Text, want)
	}
}

func BenchmarkFromHTML(b *testing.B) {
	for _, tc := range fixtureCases {
		page := readFixture(b, tc.file)
		b.Run(tc.file, func(b *testing.B) {
			b.SetBytes(int64(len(page)))
			for b.Loop() {
				if _, err := FromHTML(page, tc.pageURL); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	// A page near the 5 MB fetch limit: a long article with many comments.
	var big strings.Builder
	big.WriteString("<html><head><title>Long read - Outlet</title></head><body><article>")
	for big.Len() < 2<<20 {
		big.WriteString("<p>The inquiry heard evidence from residents, engineers and council officers over several weeks of hearings.</p>")
	}
	big.WriteString("</article><section id=comments>")
	for big.Len() < DefaultMaxBytes-1024 {
		big.WriteString(`<div class="comment"><p>I agree with the inquiry, said a reader.</p></div>`)
	}
	big.WriteString("</section></body></html>")
	page := []byte(big.String())
	b.Run("5MB", func(b *testing.B) {
		b.SetBytes(int64(len(page)))
		for b.Loop() {
			if _, err := FromHTML(page, ""); err != nil {
				b.Fatal(err)
			}
		}
	})
}
