package searchbench

import (
	"fmt"
	"testing"
)

// BenchmarkAskGuild times Library.Ask from a guild while ten guilds hold a
// third of the library: the path where term statistics must leave out the
// other guilds' sources (BenchmarkAsk has no guild sources at all).
func BenchmarkAskGuild(b *testing.B) {
	srcs, questions := Synthetic(300, 1)
	for i := range srcs {
		if i%3 == 0 {
			srcs[i].Scope = fmt.Sprintf("10000000000000000%02d", i%10)
		}
	}
	benchAsk(b, srcs, questions, "1000000000000000003")
}
