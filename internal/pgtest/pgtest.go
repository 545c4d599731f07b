// Package pgtest gives tests a PostgreSQL server and a fresh, empty
// database in it.
//
// NewDatabase returns the URL of a database of the test's own, dropped when
// the test ends. The server behind it is, in this order:
//
//   - the one SITREP_TEST_DATABASE_URL names (.ci/run starts one with
//     scripts/pgserver.sh); its role must be allowed to create databases, and
//     it must be on 127.0.0.1, ::1, localhost or a unix socket;
//   - else a throwaway server started once per test binary, when
//     PostgreSQL's binaries are installed (/usr/lib/postgresql/*/bin, or
//     initdb on PATH): initdb in a temporary directory, trust
//     authentication, listening on 127.0.0.1 only, at a free port, its unix
//     socket in that directory. PostgreSQL refuses to run as root, so as
//     root it runs as the postgres user (runuser -u postgres). Main stops it
//     (pg_ctl stop -m immediate) and removes the directory;
//   - else the test is skipped with a message saying what is missing.
//
// A server that should start but does not fails the test: a skip means
// PostgreSQL truly cannot be had here.
//
// A package using NewDatabase calls Main from its TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
//
//	func TestStoreContract(t *testing.T) {
//		url := pgtest.NewDatabase(t) // postgres://postgres@127.0.0.1:PORT/sitrep_test_…
//		store, err := pgstore.Open(ctx, url)
//		…
//	}
//
// A test that stops and restarts the server (a health check, say) takes a
// private one with NewServer instead.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvURL names the environment variable that points tests at an existing
// server: a postgres:// URL of a role that may create databases.
const EnvURL = "SITREP_TEST_DATABASE_URL"

// The server shared by one test binary. Package state, because its life is
// the test binary's: NewDatabase starts it on first use, Main stops it.
var shared struct {
	mu     sync.Mutex
	inMain bool
	tried  bool
	server *Server
	skip   string // why no server can be had here
	err    error  // why the server that should have started did not
}

// Main runs the tests of m and then stops the server NewDatabase started,
// if it started one. It returns m.Run's exit code, for os.Exit.
func Main(m *testing.M) int {
	shared.mu.Lock()
	shared.inMain = true
	shared.mu.Unlock()

	code := m.Run()

	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.server != nil {
		if err := shared.server.close(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			if code == 0 {
				code = 1
			}
		}
		shared.server = nil
	}
	return code
}

// NewDatabase creates an empty database for the test and returns its URL
// (postgres://…/sitrep_test_<random>). The database is dropped, with any
// connection still open to it, when the test and its cleanups end. It skips
// the test when no PostgreSQL server can be had, and fails it when
// SITREP_TEST_DATABASE_URL is unusable or a server that should start does
// not. The package's TestMain must call Main.
func NewDatabase(tb testing.TB) string {
	tb.Helper()
	admin, err := sharedAdminURL()
	skipOrFail(tb, err)
	return createDatabase(tb, admin, nil)
}

func sharedAdminURL() (string, error) {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if !shared.inMain {
		return "", errors.New("pgtest: NewDatabase needs pgtest.Main in this package's TestMain " +
			"(func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }), which stops the server it starts")
	}
	if u := os.Getenv(EnvURL); u != "" {
		if err := checkAdminURL(u); err != nil {
			return "", err
		}
		return u, nil
	}
	if !shared.tried {
		shared.tried = true
		ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
		defer cancel()
		shared.server, shared.err = startServer(ctx)
		var skip skipError
		if errors.As(shared.err, &skip) {
			shared.skip, shared.err = skip.Error(), nil
		}
	}
	if shared.skip != "" {
		return "", skipError(shared.skip)
	}
	if shared.err != nil {
		return "", shared.err
	}
	return shared.server.URL(), nil
}

// skipOrFail skips the test when err says PostgreSQL cannot be had here,
// and fails it on any other error.
func skipOrFail(tb testing.TB, err error) {
	tb.Helper()
	var skip skipError
	switch {
	case errors.As(err, &skip):
		tb.Skip(skip.Error())
	case err != nil:
		tb.Fatal(err)
	}
}

// skipError says why PostgreSQL cannot be had on this machine: the tests
// that need it skip rather than fail.
type skipError string

func (e skipError) Error() string { return string(e) }

// checkAdminURL refuses a SITREP_TEST_DATABASE_URL that is not a URL (the
// database name is replaced in it) or that points beyond this machine (no
// test reaches beyond 127.0.0.1).
func checkAdminURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return fmt.Errorf("pgtest: %s must be a postgres:// URL", EnvURL)
	}
	cfg, err := pgx.ParseConfig(s)
	if err != nil {
		return fmt.Errorf("pgtest: %s (%s): %w", EnvURL, u.Redacted(), err)
	}
	hosts := []string{cfg.Host}
	for _, fb := range cfg.Fallbacks {
		hosts = append(hosts, fb.Host)
	}
	for _, h := range hosts {
		if !isLocalHost(h) {
			return fmt.Errorf("pgtest: %s points at %s: tests reach only 127.0.0.1, ::1, localhost or a unix socket", EnvURL, h)
		}
	}
	return nil
}

func isLocalHost(host string) bool {
	if strings.HasPrefix(host, "/") || host == "localhost" {
		return true
	}
	addr, err := netip.ParseAddr(host)
	return err == nil && addr.IsLoopback()
}

// createDatabase creates a database with a random name on the server admin
// reaches and returns the URL of it; a cleanup drops it, unless running
// is set and says the server is stopped (it is thrown away whole).
func createDatabase(tb testing.TB, admin string, running func() bool) string {
	tb.Helper()
	var b [8]byte
	_, _ = rand.Read(b[:]) // never fails, as documented
	name := "sitrep_test_" + hex.EncodeToString(b[:])
	u, err := url.Parse(admin)
	if err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
	ident := pgx.Identifier{name}.Sanitize()
	if err := execAdmin(admin, "CREATE DATABASE "+ident); err != nil {
		tb.Fatalf("pgtest: create database %s on %s: %v", name, u.Redacted(), err)
	}
	tb.Cleanup(func() {
		if running != nil && !running() {
			return
		}
		// FORCE: a connection a test left open must not keep its database.
		if err := execAdmin(admin, "DROP DATABASE IF EXISTS "+ident+" WITH (FORCE)"); err != nil {
			tb.Errorf("pgtest: drop database %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	u.RawPath = ""
	return u.String()
}

// execAdmin runs one statement on its own connection: CREATE and DROP
// DATABASE cannot run inside a transaction block.
func execAdmin(admin, sql string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, sql)
	return err
}
