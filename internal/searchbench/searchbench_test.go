package searchbench

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sitrep/search"
)

// BenchmarkAsk times Library.Ask on a small synthetic corpus: quick enough
// for every `go test -bench`, and independent of the shared data.
func BenchmarkAsk(b *testing.B) {
	srcs, questions := Synthetic(300, 1)
	benchAsk(b, srcs, questions, search.SharedScope)
}

// benchAsk times Library.Ask from scope on a library of srcs.
func benchAsk(b *testing.B, srcs []search.Source, questions []string, scope string) {
	ctx := context.Background()
	lib, err := search.Open(ctx, b.TempDir(), search.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer lib.Close()
	if _, err := lib.Import(ctx, srcs, search.ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := lib.Ask(ctx, search.Query{Question: questions[i%len(questions)], Scope: scope, Limit: 5}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkImport times Library.Import of the same synthetic corpus into a
// new library.
func BenchmarkImport(b *testing.B) {
	ctx := context.Background()
	srcs, _ := Synthetic(300, 1)
	passages := 0
	for _, s := range srcs {
		passages += len(search.Split(s.Text))
	}
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		dir, err := os.MkdirTemp(b.TempDir(), "lib")
		if err != nil {
			b.Fatal(err)
		}
		lib, err := search.Open(ctx, dir, search.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := lib.Import(ctx, srcs, search.ImportOptions{}); err != nil {
			b.Fatal(err)
		}
		if err := lib.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(passages)*float64(b.N)/b.Elapsed().Seconds(), "passages/s")
}

func TestGenerateIsDeterministicAndPerturbed(t *testing.T) {
	base := []Article{
		{ID: "a", Headline: "Storm floods the city", Text: "The storm flooded the northern city on Monday. Police said 12 residents were rescued.\n\nThe water receded by evening, officials said."},
		{ID: "b", Headline: "Bank shares fall", Text: "Shares in the bank fell sharply. Analysts blamed the quarterly results for 2004."},
	}
	tests := []struct {
		name          string
		passages      int
		wantSources   int
		wantQueries   int
		wantReplicaOf string
	}{
		{name: "subset", passages: 3, wantSources: 1, wantQueries: 1},
		{name: "exact", passages: 5, wantSources: 2, wantQueries: 2},
		{name: "replicated", passages: 12, wantSources: 5, wantQueries: 2, wantReplicaOf: "a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c1, c2 := Generate(base, tt.passages, 7), Generate(base, tt.passages, 7)
			if c1.Len() != tt.wantSources {
				t.Fatalf("Len = %d, want %d", c1.Len(), tt.wantSources)
			}
			if c1.Passages() < tt.passages {
				t.Errorf("Passages = %d, want at least %d", c1.Passages(), tt.passages)
			}
			if got := len(c1.Queries()); got != tt.wantQueries {
				t.Errorf("%d queries, want %d", got, tt.wantQueries)
			}
			s1, s2 := c1.Sources(0, c1.Len()), c2.Sources(0, c2.Len())
			seen := make(map[string]string)
			for i := range s1 {
				if s1[i] != s2[i] {
					t.Fatalf("source %d differs between two runs with the same seed", i)
				}
				if prev, ok := seen[s1[i].Text]; ok {
					t.Errorf("%s has the same text as %s", s1[i].ID, prev)
				}
				seen[s1[i].Text] = s1[i].ID
				orig := base[0]
				if strings.HasPrefix(s1[i].ID, "b") {
					orig = base[1]
				}
				if got, want := len(search.Split(s1[i].Text)), len(search.Split(orig.Text)); got != want {
					t.Errorf("%s has %d sentences, its original %d", s1[i].ID, got, want)
				}
				if s1[i].Title != orig.Headline {
					t.Errorf("%s title %q, want %q", s1[i].ID, s1[i].Title, orig.Headline)
				}
			}
			if tt.wantReplicaOf != "" {
				if _, ok := seen[base[0].Text]; !ok {
					t.Errorf("the original of %s is missing", tt.wantReplicaOf)
				}
			}
		})
	}
	if a, b := Generate(base, 12, 7).Sources(0, 5), Generate(base, 12, 8).Sources(0, 5); a[4].Text == b[4].Text && a[3].Text == b[3].Text {
		t.Error("different seeds gave the same replicas")
	}
}

func TestBBCScalesToTheRequestedSize(t *testing.T) {
	base, err := LoadBBC(bbcDir(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(base) < 2000 || base[0].Headline == "" {
		t.Fatalf("loaded %d articles, first headline %q", len(base), base[0].Headline)
	}
	c := Generate(base, 100_000, 1)
	if c.Passages() < 100_000 || c.Passages() > 100_200 {
		t.Errorf("Passages = %d, want 100k within an article", c.Passages())
	}
	if got := len(c.Queries()); got != len(base) {
		t.Errorf("%d queries, want every headline (%d)", got, len(base))
	}
	last := c.Sources(c.Len()-1, c.Len())[0]
	if !strings.Contains(last.ID, ".r") {
		t.Errorf("last source %s is not a replica", last.ID)
	}
}

func TestSyntheticImports(t *testing.T) {
	ctx := context.Background()
	srcs, questions := Synthetic(20, 1)
	lib, err := search.Open(ctx, filepath.Join(t.TempDir(), "lib"), search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer lib.Close()
	res, err := lib.Import(ctx, srcs, search.ImportOptions{})
	if err != nil || len(res.Failed) > 0 || res.Added != 20 {
		t.Fatalf("Import = %+v, %v", res, err)
	}
	ans, err := lib.Ask(ctx, search.Query{Question: questions[0]})
	if err != nil || len(ans.Quotes) == 0 {
		t.Fatalf("Ask(%q) = %d quotes, %v", questions[0], len(ans.Quotes), err)
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int{"10k": 10_000, "100K": 100_000, "1m": 1_000_000, "2500": 2500} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	if _, err := parseSize("lots"); err == nil {
		t.Error("parseSize(lots) accepted")
	}
}

func TestFTS5Query(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Who is behind the hack?", `"behind" OR "hack"`},
		{`Viet Nam's "coup" of the year`, `"viet" OR "nam" OR "coup" OR "year"`},
		{"the of and", ""},
		{"hack hack HACK", `"hack"`},
	}
	for _, tt := range tests {
		if got := FTS5Query(tt.in); got != tt.want {
			t.Errorf("FTS5Query(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}
