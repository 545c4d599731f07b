package main

import (
	"os"
	"testing"

	"sitrep/internal/pgtest"
)

// TestMain stops the PostgreSQL server the PostgreSQL CLI tests may have
// started (pgtest.NewDatabase).
func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
