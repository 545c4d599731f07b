package search

import (
	"context"
	"fmt"
	"math/rand"
	"strings"
	"testing"
)

// BenchmarkNearDuplicate is the cost a feed item pays for the near-copy
// check before it is added, in a library of 2,000 news-sized articles.
func BenchmarkNearDuplicate(b *testing.B) {
	lib := openTest(b, b.TempDir(), nil)
	rng := rand.New(rand.NewSource(1))
	vocab := make([]string, 5000)
	for i := range vocab {
		vocab[i] = fmt.Sprintf("w%x", rng.Int63()%(1<<24))
	}
	article := func() string {
		var sb strings.Builder
		for range 20 { // 20 sentences of 15 words: about 300 words
			for w := range 15 {
				if w > 0 {
					sb.WriteByte(' ')
				}
				sb.WriteString(vocab[rng.Intn(len(vocab))])
			}
			sb.WriteString(".\n")
		}
		return sb.String()
	}
	srcs := make([]Source, 2000)
	for i := range srcs {
		srcs[i] = Source{Scope: "g1", Title: fmt.Sprint("article ", i), Text: article()}
	}
	if _, err := lib.Import(context.Background(), srcs, ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	probe := article()
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		if _, dup, err := lib.NearDuplicate(ctx, "g1", probe); err != nil || dup {
			b.Fatal(dup, err)
		}
	}
}
