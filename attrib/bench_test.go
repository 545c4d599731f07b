package attrib_test

import (
	"path/filepath"
	"testing"

	"sitrep/attrib"
	"sitrep/internal/searchbench"
	"sitrep/search"
)

// bbcSplit loads the BBC collection split into sentences, skipping when
// ../shared is absent.
func bbcSplit(b *testing.B) (texts []string, spans [][]attrib.Span, sentences int) {
	b.Helper()
	shared, err := searchbench.SharedDir()
	if err != nil {
		b.Skipf("the BBC collection is absent (%v)", err)
	}
	arts, err := searchbench.LoadBBC(filepath.Join(shared, "eval", "bbc"))
	if err != nil {
		b.Skipf("the BBC collection is absent (%v)", err)
	}
	for _, a := range arts {
		sp := toAttrib(search.Split(a.Text))
		texts = append(texts, a.Text)
		spans = append(spans, sp)
		sentences += len(sp)
	}
	return texts, spans, sentences
}

// BenchmarkAttribute times attribution over the whole BBC collection; the
// µs/sentence metric compares with BenchmarkSplit, the sentence splitting
// Library.Add already pays.
func BenchmarkAttribute(b *testing.B) {
	texts, spans, n := bbcSplit(b)
	b.ResetTimer()
	for range b.N {
		for i, t := range texts {
			attrib.Attribute(t, spans[i])
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n), "µs/sentence")
}

// BenchmarkSplit is the yardstick: sentence splitting of the same texts.
func BenchmarkSplit(b *testing.B) {
	texts, _, n := bbcSplit(b)
	b.ResetTimer()
	for range b.N {
		for _, t := range texts {
			search.Split(t)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n), "µs/sentence")
}
