package search

import (
	"os"
	"testing"

	"sitrep/internal/pgtest"
)

// TestMain stops the PostgreSQL server the store tests may have started
// (pgtest.NewDatabase).
func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
