package ops_test

import (
	"math"
	"runtime/debug"
	"testing"

	"sitrep/ops"
)

func TestLimitImportMemory(t *testing.T) {
	limit, gc := debug.SetMemoryLimit(-1), debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetMemoryLimit(limit); debug.SetGCPercent(gc) })
	tests := []struct {
		name               string
		limit, gc          int64 // before the import (GOMEMLIMIT, GOGC)
		duringLimit, durGC int64
	}{
		{"neither set", math.MaxInt64, 100, ops.ImportMemoryLimit, ops.ImportGCPercent},
		{"GOGC set", math.MaxInt64, 50, ops.ImportMemoryLimit, 50},
		{"GOMEMLIMIT set", 1 << 30, 100, 1 << 30, 100},
		{"GOMEMLIMIT below ours", 64 << 20, 100, 64 << 20, 100},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			debug.SetMemoryLimit(tc.limit)
			debug.SetGCPercent(int(tc.gc))
			restore := ops.LimitImportMemory()
			if got := debug.SetMemoryLimit(-1); got != tc.duringLimit {
				t.Errorf("memory limit during the import = %d, want %d: a bulk import would hold twice its live heap (100 MB more at the peak at a million passages), or an operator's GOMEMLIMIT would be overridden", got, tc.duringLimit)
			}
			if got := debug.SetGCPercent(int(tc.durGC)); int64(got) != tc.durGC {
				t.Errorf("GOGC during the import = %d, want %d: the collector would run more often than the limit needs (import CPU), or an operator's GOGC would be overridden", got, tc.durGC)
			}
			restore()
			if got := debug.SetMemoryLimit(-1); got != tc.limit {
				t.Errorf("memory limit after the import = %d, want %d: what runs after the import would keep the import's limit", got, tc.limit)
			}
			if got := debug.SetGCPercent(int(tc.gc)); int64(got) != tc.gc {
				t.Errorf("GOGC after the import = %d, want %d: what runs after the import would keep the import's pace", got, tc.gc)
			}
		})
	}
}
