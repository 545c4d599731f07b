// Package testdb gives tests a PostgreSQL database of their own on the
// server named by SITREP_TEST_DATABASE_URL, or skips them when it is unset.
// It is for tests only; nothing else imports it.
package testdb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
)

// Env names the variable that gives the PostgreSQL tests a server: a URL
// whose user may create databases (postgres://postgres@127.0.0.1:PORT/postgres).
const Env = "SITREP_TEST_DATABASE_URL"

// SkipMessage is what a test that needs PostgreSQL says when it skips.
const SkipMessage = "PostgreSQL not available: set " + Env + " or see .ci/run"

// URL creates an empty database on the server of SITREP_TEST_DATABASE_URL
// and returns its URL; the database is dropped when the test ends. Without
// the variable the test is skipped with SkipMessage.
func URL(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv(Env)
	if base == "" {
		tb.Skip(SkipMessage)
	}
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("%s does not parse as a URL", Env)
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		tb.Fatalf("connect to %s: %v", u.Redacted(), err)
	}
	defer conn.Close(ctx)
	var b [6]byte
	rand.Read(b[:])
	name := "sitrep_test_" + hex.EncodeToString(b[:])
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		tb.Fatalf("create database: %v", err)
	}
	tb.Cleanup(func() {
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			tb.Errorf("drop database %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
			tb.Errorf("drop database %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}
