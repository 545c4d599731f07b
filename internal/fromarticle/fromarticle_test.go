package fromarticle

import (
	"testing"

	"sitrep/ingest"
	"sitrep/search"
)

// TestSourceGivenWins: what a moderator typed or a feed item says is kept;
// the page fills only what was left blank.
func TestSourceGivenWins(t *testing.T) {
	a := ingest.Article{Title: "Page title", Outlet: "Page outlet", URL: "https://example.com/a", Published: "2024-05-01", Text: "Body."}
	given := search.Source{Scope: "g1", Title: "Typed title", Outlet: "  ", AddedBy: "mod"}
	got := Source(a, given)
	want := search.Source{Scope: "g1", Title: "Typed title", Outlet: "Page outlet", URL: "https://example.com/a",
		Published: "2024-05-01", Text: "Body.", AddedBy: "mod"}
	if got != want {
		t.Errorf("Source = %+v\nwant %+v", got, want)
	}
}
