package search

import (
	"math"
	"runtime/debug"
	"testing"
)

func TestLimitImportMemory(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(before) })
	tests := []struct {
		name   string
		preset int64 // the limit before the import (GOMEMLIMIT)
		during int64
	}{
		{"no limit set", math.MaxInt64, importMemoryLimit},
		{"GOMEMLIMIT set", 1 << 30, 1 << 30},
		{"GOMEMLIMIT below ours", 64 << 20, 64 << 20},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			debug.SetMemoryLimit(tc.preset)
			restore := LimitImportMemory()
			if got := debug.SetMemoryLimit(-1); got != tc.during {
				t.Errorf("limit during the import = %d, want %d: a bulk import would hold twice its live heap (100 MB more at the peak at a million passages), or an operator's GOMEMLIMIT would be overridden", got, tc.during)
			}
			restore()
			if got := debug.SetMemoryLimit(-1); got != tc.preset {
				t.Errorf("limit after the import = %d, want %d: what runs after the import would keep the import's limit", got, tc.preset)
			}
		})
	}
}
