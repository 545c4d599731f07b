package ingest

import (
	"errors"
	"strings"
	"testing"
)

func TestFromFile(t *testing.T) {
	tests := []struct {
		name, file, contentType string
		body                    string
		want                    Article
		wantErr                 error
	}{
		{
			name: "plain text: title line, hard wrapping rejoined, one paragraph per line kept",
			file: "statement.txt",
			body: "Statement on the Eastport fire\r\n\r\n" +
				"The fire at the Eastport works was brought under control at\r\n" +
				"5.40am on Wednesday, the fire service said.\r\n" +
				"Residents may return from 10am.\r\n\r\n" +
				"  “Nobody  should go back before then,”  Dan Reyes said.\r\n",
			want: Article{
				Title: "Statement on the Eastport fire",
				Text: "The fire at the Eastport works was brought under control at 5.40am on Wednesday, the fire service said.\n" +
					"Residents may return from 10am.\n" +
					"“Nobody should go back before then,” Dan Reyes said.",
			},
		},
		{
			name: "plain text without a title line is named after the file",
			file: `C:\Users\mod\Desktop\fire-update.TXT`,
			body: "The fire is out.\nSchools reopen on Thursday.",
			want: Article{Title: "fire-update", Text: "The fire is out.\nSchools reopen on Thursday."},
		},
		{
			name:        "pasted text by content type, UTF-8 BOM dropped",
			contentType: "text/plain; charset=utf-8",
			body:        "\xEF\xBB\xBFThe fire is out.",
			want:        Article{Text: "The fire is out."},
		},
		{
			name: "markdown: front matter, heading as title, formatting stripped only where safe",
			file: "briefing.md",
			body: "---\ntitle: Eastport fire briefing\ndate: 2024-03-06T09:00:00Z\n---\n" +
				"# Eastport fire: what we know\n\n" +
				"Firefighters **contained** the blaze at the *Eastport* works after\nnine hours, [the fire service](https://fire.example/news) said.\n\n" +
				"## Evacuation\n\n" +
				"- About 2,000 residents left their homes.\n" +
				"- Schools in Millbrook stayed closed.\n\n" +
				"> “Nobody should go back until we say it is safe,” said Dan Reyes.\n\n" +
				"![smoke](smoke.jpg)\n\n" +
				"Norland_Chemicals said 2 * 3 tanks were cooled; see `report_v2`. Costs rose 5\\*.\n\n" +
				"---\n\n" +
				"[1]: https://fire.example/news\n",
			want: Article{
				Title:     "Eastport fire briefing", // front matter beats the # heading
				Published: "2024-03-06",
				Text: "Firefighters contained the blaze at the Eastport works after nine hours, the fire service said.\n" +
					"About 2,000 residents left their homes.\n" +
					"Schools in Millbrook stayed closed.\n" +
					"“Nobody should go back until we say it is safe,” said Dan Reyes.\n" +
					"Norland_Chemicals said 2 * 3 tanks were cooled; see report_v2. Costs rose 5*.",
			},
		},
		{
			name:        "markdown by content type, first # heading is the title",
			contentType: "text/markdown",
			body:        "Intro line.\n\n# Bridge reopens\n\nThe Kessel Bridge reopened on Monday.\n\n# Second heading\n",
			want:        Article{Title: "Bridge reopens", Text: "Intro line.\nThe Kessel Bridge reopened on Monday."},
		},
		{
			name: "HTML file uses the page's own metadata, including its absolute JSON-LD URL",
			file: "page.htm",
			body: string(readFixture(t, "jsonld.html")),
			want: Article{
				Title:     "Chemical plant fire forces evacuation of 2,000 residents",
				Outlet:    "The Harbour Tribune",
				URL:       "https://harbourtribune.example/news/2024/03/05/eastport-plant-fire",
				Published: "2024-03-05",
				Text:      joinParagraphs(fixtureCases[0].paragraphs),
			},
		},
		{
			name:        "declared charset is honoured",
			file:        "notice.txt",
			contentType: "text/plain; charset=windows-1252",
			body:        "\x93Caf\xe9 closed,\x94 he said.",
			want:        Article{Title: "notice", Text: "“Café closed,” he said."},
		},
		{
			name: "UTF-16 with byte-order mark",
			file: "notepad.txt",
			body: "\xFF\xFET\x00h\x00e\x00 \x00f\x00i\x00r\x00e\x00 \x00i\x00s\x00 \x00o\x00u\x00t\x00.\x00",
			want: Article{Title: "notepad", Text: "The fire is out."},
		},
		{name: "invalid UTF-8 without a charset is refused", file: "latin1.txt", body: "\x93Caf\xe9 closed,\x94 he said.", wantErr: ErrEncoding},
		{name: "empty file", file: "empty.txt", body: "", wantErr: ErrNoText},
		{name: "whitespace-only file", file: "blank.md", body: " \n\t\r\n ", wantErr: ErrNoText},
		{name: "markdown with only headings", file: "headings.md", body: "# Title\n\n## Section\n", wantErr: ErrNoText},
		{name: "PNG named .txt", file: "photo.txt", body: "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", wantErr: ErrContentType},
		{name: "PDF named .md", file: "report.md", body: "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", wantErr: ErrContentType},
		{name: "NUL bytes in text", file: "dump.txt", body: "abc\x00\x00\x00def", wantErr: ErrContentType},
		{name: "PDF by type", file: "report.pdf", contentType: "application/pdf", body: "%PDF-1.7\n", wantErr: ErrContentType},
		{name: "unknown extension and type", file: "notes.docx", body: "hello", wantErr: ErrContentType},
		{name: "image content type", contentType: "image/png", body: "hello", wantErr: ErrContentType},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := FromFile(tc.file, tc.contentType, []byte(tc.body))
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("got %+v, %v; want %v", got, err, tc.wantErr)
				}
				t.Logf("%s", err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got\n%+v\nwant\n%+v", got, tc.want)
			}
		})
	}
}

func joinParagraphs(p []string) string { return strings.Join(p, "\n") }
