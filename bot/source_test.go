package bot

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"sitrep/ingest"
	"sitrep/search"
)

// TestIngestFailure: what a moderator reads when a link cannot be added
// says why, from the real Fetcher's errors.
func TestIngestFailure(t *testing.T) {
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/image" {
			w.Header().Set("Content-Type", "image/png")
			w.Write([]byte("\x89PNG\r\n\x1a\n")) // test server
			return
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(page.Close)
	tests := []struct {
		name    string
		fetcher ingest.Fetcher
		url     string
		want    string
	}{
		{"private address", ingest.Fetcher{}, page.URL + "/x", "127.0.0.1 is a private address"},
		{"not http", ingest.Fetcher{}, "ftp://example.com/a", "not an http or https link"},
		{"missing page", ingest.Fetcher{AllowPrivate: true}, page.URL + "/gone", "404"},
		{"an image", ingest.Fetcher{AllowPrivate: true}, page.URL + "/image", "image/png"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.fetcher.Fetch(context.Background(), tt.url)
			if err == nil {
				t.Fatal("fetch succeeded")
			}
			got := ingestFailure(err)
			if !strings.Contains(got, tt.want) || !strings.HasSuffix(got, "Nothing was added.") || strings.HasPrefix(got, "ingest:") {
				t.Errorf("ingestFailure(%v) = %q, want it to mention %q", err, got, tt.want)
			}
		})
	}
	if got := ingestFailure(context.DeadlineExceeded); !strings.Contains(got, "too long") {
		t.Errorf("timeout: %q", got)
	}
}

func TestDuplicateText(t *testing.T) {
	at := time.Unix(1781076600, 0)
	tests := []struct {
		dup  search.DuplicateError
		want []string
	}{
		{search.DuplicateError{By: "url", Existing: search.Source{ID: "abc", Scope: "g", Title: "Cranes *halted*", Outlet: "Coastal", AddedBy: "alice (1000000000000000004)", AddedAt: at}},
			[]string{"this server's library", "the same link", `Cranes \*halted\*`, "(Coastal)", "added by alice on", "<t:1781076600:d>", "Nothing was added."}},
		{search.DuplicateError{By: "text", Existing: search.Source{ID: "seed1", Title: "Seed", AddedBy: "seed"}},
			[]string{"the shared library", "the same text"}},
	}
	for _, tt := range tests {
		got := duplicateText(&tt.dup, "g")
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("duplicateText = %q, lacks %q", got, w)
			}
		}
		if strings.Contains(got, tt.dup.Existing.ID) || strings.Contains(got, "1000000000000000004") {
			t.Errorf("duplicateText = %q shows an internal or user id", got)
		}
	}
}

// TestAddedByName: who added a source, as a moderator reads it: a name,
// never a raw user id.
func TestAddedByName(t *testing.T) {
	for in, want := range map[string]string{
		"alice (1000000000000000004)":             "alice",
		"bob (the builder) (1000000000000000005)": `bob \(the builder\)`,
		"1000000000000000006":                     "<@1000000000000000006>",
		"seed":                                    "the seeds",
		"cli":                                     "the command line",
		search.FeedActorPrefix + "fa68":           "a feed",
		"*star* (x)":                              `\*star\* \(x\)`,
	} {
		if got := addedByName(in); got != want {
			t.Errorf("addedByName(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzRenderAdded: whatever a page or a paste holds, the confirmation
// fits Discord's limits.
func FuzzRenderAdded(f *testing.F) {
	f.Add("Title", "Outlet", "https://example.com/a", "First sentence. Second one! Third?")
	f.Add(strings.Repeat("T*", 300), strings.Repeat("|", 200), "javascript:alert(1)", strings.Repeat("word ", 3000))
	f.Add("", "", "", "> quote\n# heading\n1. list")
	f.Fuzz(func(t *testing.T, title, outlet, link, text string) {
		s := search.Source{ID: "abc", Title: title, Outlet: outlet, URL: link, Sentences: 3}
		d := renderAdded(s, text).responseData()
		if errs := checkLimits(d.Content, d.Embeds, d.Components); len(errs) > 0 {
			t.Errorf("breaks limits: %v", errs)
		}
	})
}

// FuzzTimezoneChoices: whatever is typed, autocomplete offers at most 25
// real zones.
func FuzzTimezoneChoices(f *testing.F) {
	for _, s := range []string{"", "lond", "America/Nuuk", "../../etc/passwd", "Local", "ü", strings.Repeat("a/", 100)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, typed string) {
		cs := timezoneChoices(typed)
		if len(cs) > maxChoices {
			t.Errorf("%d choices", len(cs))
		}
		for _, c := range cs {
			if v, _ := c.Value.(string); v == "" || runes(c.Name) > maxChoiceName || len(v) > maxChoiceValueStr {
				t.Errorf("choice %+v breaks Discord's limits", c)
			}
		}
	})
}
