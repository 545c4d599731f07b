package search_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"sitrep/internal/searchbench"
	"sitrep/search"
)

// BenchmarkDigestBusyDay composes a server's digest of a busy day: 500
// BBC articles already in its library, 30 new ones, 50 questions asked
// (their headlines, by 50 members). The story asks the library about each
// new source's claims and every question is asked again, so this is what
// a scheduled digest, or a press of More, costs.
func BenchmarkDigestBusyDay(b *testing.B) {
	shared, err := searchbench.SharedDir()
	if err != nil {
		b.Skip(err)
	}
	arts, err := searchbench.LoadBBC(filepath.Join(shared, "eval", "bbc"))
	if err != nil || len(arts) < 530 {
		b.Skipf("BBC collection: %d articles, %v", len(arts), err)
	}
	const guild = "1000000000000000002"
	now := time.Date(2026, 6, 13, 9, 0, 0, 0, time.UTC)
	lib, err := search.Open(context.Background(), b.TempDir(), search.Options{Now: func() time.Time { return now }})
	if err != nil {
		b.Fatal(err)
	}
	defer lib.Close()
	ctx := context.Background()
	srcs := func(as []searchbench.Article) []search.Source {
		out := make([]search.Source, len(as))
		for i, a := range as {
			out[i] = search.Source{ID: a.ID, Scope: guild, Title: a.Headline, Outlet: a.Outlet, Text: a.Text}
		}
		return out
	}
	if _, err := lib.Import(ctx, srcs(arts[:500]), search.ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	since := now.Add(time.Hour)
	now = since.Add(time.Hour)
	if _, err := lib.Import(ctx, srcs(arts[500:530]), search.ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	for i := range 50 {
		q := arts[470+i].Headline
		if _, err := lib.Ask(ctx, search.Query{Question: q, Scope: guild, Asker: &search.Asker{UserID: fmt.Sprint(i)}}); err != nil {
			b.Fatal(err)
		}
	}
	now = since.Add(24 * time.Hour)
	b.ResetTimer()
	var d search.Digest
	for b.Loop() {
		if d, err = lib.DigestPeriod(ctx, guild, since, now); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(d.Story)), "changes")
	b.ReportMetric(float64(len(d.TopQuestions)+len(d.Unanswered)), "questions")
}
