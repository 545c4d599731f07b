package search

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func ids(srcs []Source) []string {
	out := make([]string, len(srcs))
	for i, s := range srcs {
		out[i] = s.ID
	}
	return out
}

func TestCatalog(t *testing.T) {
	clock := &testClock{t: time.Date(2026, 6, 3, 9, 0, 0, 0, time.UTC)}
	dir := t.TempDir()
	lib := openTest(t, dir, clock)
	add := func(id, scope, title, outlet string) {
		clock.t = clock.t.Add(time.Minute)
		mustAdd(t, lib, Source{ID: id, Scope: scope, Title: title, Outlet: outlet, Text: "Text of " + id + " about " + title + "."})
	}
	add("shared-dam", SharedScope, "Dam breach floods valley", "Valley News")
	add("a-cams", "1", "Tehran cameras hacked", "Wire")
	add("a-dam", "1", "Report on the dam", "BBC")
	add("b-dam", "2", "Dam secrets of guild two", "Other")
	long := strings.Repeat("x", 120)
	add(long, "1", "Long id source", "")

	tests := []struct {
		name string
		q    SourceSearch
		want []string
	}{
		{"title start first, then later words", SourceSearch{Scope: "1", Prefix: "DAM", Limit: 10}, []string{"shared-dam", "a-dam"}},
		{"outlet", SourceSearch{Scope: "1", Prefix: "bbc", Limit: 10}, []string{"a-dam"}},
		{"a later word", SourceSearch{Scope: "1", Prefix: "camer", Limit: 10}, []string{"a-cams"}},
		{"id", SourceSearch{Scope: "1", Prefix: "a-ca", Limit: 10}, []string{"a-cams"}},
		{"own only", SourceSearch{Scope: "1", Prefix: "dam", OwnOnly: true, Limit: 10}, []string{"a-dam"}},
		{"another guild's never", SourceSearch{Scope: "1", Prefix: "secrets", Limit: 10}, []string{}},
		{"empty lists the newest", SourceSearch{Scope: "1", Limit: 3}, []string{long, "a-dam", "a-cams"}},
		{"limit", SourceSearch{Scope: "2", Prefix: "dam", Limit: 1}, []string{"shared-dam"}},
		{"the shared scope", SourceSearch{Scope: SharedScope, Prefix: "", Limit: 10}, []string{"shared-dam"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := lib.FindSources(tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if g := ids(got); fmt.Sprint(g) != fmt.Sprint(tt.want) {
				t.Errorf("FindSources(%+v) = %v, want %v", tt.q, g, tt.want)
			}
		})
	}

	for _, tt := range []struct {
		v, scope string
		own      bool
		want     string // "" for ErrNotFound
	}{
		{"a-dam", "1", false, "a-dam"},
		{"b-dam", "1", false, ""},
		{"shared-dam", "1", true, ""},
		{SourceHandle(long), "1", false, long},
		{SourceHandle(long), "2", false, ""},
		{"  report ON the dam ", "1", false, "a-dam"},
		{"Report", "1", false, ""},
	} {
		s, err := lib.SourceByName(tt.scope, tt.v, tt.own)
		switch {
		case tt.want == "" && !errors.Is(err, ErrNotFound):
			t.Errorf("SourceByName(%q, %q) = %s, %v; want ErrNotFound", tt.scope, tt.v, s.ID, err)
		case tt.want != "" && (err != nil || s.ID != tt.want):
			t.Errorf("SourceByName(%q, %q) = %s, %v; want %s", tt.scope, tt.v, s.ID, err, tt.want)
		}
	}

	p, err := lib.ListSources("1", 1, 2)
	if err != nil || p.Total != 4 || p.Own != 3 || fmt.Sprint(ids(p.Sources)) != fmt.Sprint([]string{"a-dam", "a-cams"}) {
		t.Errorf("ListSources page 2 of 2-long pages = %+v, %v", p, err)
	}
	if p, _ := lib.ListSources("1", 99, 2); fmt.Sprint(ids(p.Sources)) != fmt.Sprint([]string{"a-cams", "shared-dam"}) {
		t.Errorf("an offset past the end gives %v, want the last page", ids(p.Sources))
	}

	// Removing and replacing keep the catalog in step.
	if _, err := lib.Remove(context.Background(), "1", "a-dam", "t"); err != nil {
		t.Fatal(err)
	}
	if got, _ := lib.FindSources(SourceSearch{Scope: "1", Prefix: "bbc", Limit: 5}); len(got) != 0 {
		t.Errorf("a removed source is still found: %v", ids(got))
	}
	if p, _ := lib.ListSources("1", 0, 10); p.Total != 3 || p.Own != 2 || len(p.Sources) != 3 {
		t.Errorf("after a removal: %+v", p)
	}

	// A store written before the catalog gets one on Open.
	err = boltDB(t, lib).Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketSourceNames, bucketSourceAdded} {
			if err := tx.DeleteBucket(b); err != nil {
				return err
			}
		}
		m := tx.Bucket(bucketMeta)
		for _, k := range [][]byte{metaCatalog, append(append([]byte(nil), metaSourceCount...), '1'), append(append([]byte(nil), metaSourceCount...), '~')} {
			if err := m.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	lib.Close()
	lib = openTest(t, dir, clock)
	if p, _ := lib.ListSources("1", 0, 10); p.Total != 3 || p.Own != 2 {
		t.Errorf("after rebuilding the catalog: %+v", p)
	}
	if got, _ := lib.FindSources(SourceSearch{Scope: "1", Prefix: "camer", Limit: 5}); len(got) != 1 {
		t.Errorf("after rebuilding the catalog: %v", ids(got))
	}
}

// BenchmarkFindSources compares autocomplete's lookup at 50 and 50,000
// sources in one guild: the catalog (find) against listing every source
// and filtering (scan, what autocomplete did before).
func BenchmarkFindSources(b *testing.B) {
	for _, n := range []int{50, 50_000} {
		lib := openTest(b, b.TempDir(), nil)
		srcs := make([]Source, n)
		for i := range srcs {
			srcs[i] = Source{ID: fmt.Sprintf("s%06d", i), Scope: "1", Title: fmt.Sprintf("Report %d on the harbour %d", i, i%97),
				Outlet: "Outlet " + fmt.Sprint(i%13), Text: fmt.Sprintf("Sentence %d of a report.", i)}
		}
		if _, err := lib.Import(context.Background(), srcs, ImportOptions{}); err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("find/%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := lib.FindSources(SourceSearch{Scope: "1", Prefix: "harb", Limit: 25}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("scan/%d", n), func(b *testing.B) {
			for b.Loop() {
				all, err := lib.Sources("1")
				if err != nil {
					b.Fatal(err)
				}
				hits := 0
				for _, s := range all {
					if strings.Contains(strings.ToLower(s.Title), "harb") {
						hits++
					}
				}
			}
		})
		b.Run(fmt.Sprintf("list/%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := lib.ListSources("1", 20, 10); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestLinksLoseCredentials: a link's user:password@ is not stored.
func TestLinksLoseCredentials(t *testing.T) {
	lib := openTest(t, t.TempDir(), nil)
	s := mustAdd(t, lib, Source{Title: "Memo", URL: "https://bob:hunter2@intranet.example/memo?id=1", Text: "The memo says the pumps failed."})
	got, err := lib.Source(SharedScope, s.ID)
	if err != nil || got.URL != "https://intranet.example/memo?id=1" {
		t.Errorf("stored link %q (%v), want it without credentials", got.URL, err)
	}
}

// TestDeepPagingCostsLikeTheLastPage: an offset past MaxOffset costs what
// MaxOffset does, not ten times the offset in candidates.
func TestDeepPagingCostsLikeTheLastPage(t *testing.T) {
	lib := openTest(t, t.TempDir(), nil)
	var srcs []Source
	for i := range 400 {
		var text strings.Builder
		for k := range 5 {
			fmt.Fprintf(&text, "Camera %d of district %d was hacked on day %d. ", i, k, i*5+k)
		}
		srcs = append(srcs, Source{ID: fmt.Sprintf("cam-%03d", i), Text: text.String()})
	}
	if _, err := lib.Import(context.Background(), srcs, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	allocated := func(offset int) uint64 {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		ask(t, lib, Query{Question: "which camera was hacked?", Offset: offset})
		runtime.ReadMemStats(&after)
		return after.TotalAlloc - before.TotalAlloc
	}
	allocated(MaxOffset) // warm the caches
	base, deep := allocated(MaxOffset), allocated(10_000)
	if deep > 2*base+1<<20 {
		t.Errorf("offset 10,000 allocated %d bytes, offset %d %d: deep paging is not bounded", deep, MaxOffset, base)
	}
}
