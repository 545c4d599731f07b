package pgtest

import (
	"context"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { os.Exit(Main(m)) }

// connect opens a connection the test closes at its end.
func connect(tb testing.TB, u string) *pgx.Conn {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		tb.Fatalf("connect: %v", err)
	}
	tb.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// scalar runs a query that returns one text value.
func scalar(tb testing.TB, conn *pgx.Conn, sql string) string {
	tb.Helper()
	var v *string
	if err := conn.QueryRow(context.Background(), sql).Scan(&v); err != nil {
		tb.Fatalf("%s: %v", sql, err)
	}
	if v == nil {
		return "NULL"
	}
	return *v
}

func run(tb testing.TB, conn *pgx.Conn, sql string) {
	tb.Helper()
	if _, err := conn.Exec(context.Background(), sql); err != nil {
		tb.Fatalf("%s: %v", sql, err)
	}
}

func dbName(tb testing.TB, u string) string {
	tb.Helper()
	parsed, err := url.Parse(u)
	if err != nil {
		tb.Fatal(err)
	}
	return strings.TrimPrefix(parsed.Path, "/")
}

// Two databases from one server: each is the one its URL names, empty, and
// what one test writes the other never sees.
func TestNewDatabaseIsolated(t *testing.T) {
	a, b := NewDatabase(t), NewDatabase(t)
	if a == b {
		t.Fatalf("two NewDatabase calls returned the same URL %s", a)
	}
	ua, _ := url.Parse(a)
	ub, _ := url.Parse(b)
	if ua.Host != ub.Host {
		t.Errorf("one test binary reached two servers, %s and %s: the server should start once", ua.Host, ub.Host)
	}
	connA, connB := connect(t, a), connect(t, b)
	for _, c := range []struct {
		conn *pgx.Conn
		u    string
	}{{connA, a}, {connB, b}} {
		if got, want := scalar(t, c.conn, "SELECT current_database()"), dbName(t, c.u); got != want {
			t.Errorf("connected to database %s, want %s", got, want)
		}
		if n := scalar(t, c.conn, "SELECT count(*)::text FROM pg_tables WHERE schemaname = 'public'"); n != "0" {
			t.Errorf("a new database holds %s tables, want none", n)
		}
	}

	run(t, connA, "CREATE TABLE sources (id int PRIMARY KEY, title text)")
	run(t, connA, "INSERT INTO sources VALUES (1, 'Tehran cameras')")
	if got := scalar(t, connA, "SELECT title FROM sources WHERE id = 1"); got != "Tehran cameras" {
		t.Errorf("read back %q from the table just written", got)
	}
	if got := scalar(t, connB, "SELECT to_regclass('sources')::text"); got != "NULL" {
		t.Errorf("database B sees table %s created in database A", got)
	}
	run(t, connB, "CREATE TABLE sources (id int PRIMARY KEY, title text)")
	if n := scalar(t, connB, "SELECT count(*)::text FROM sources"); n != "0" {
		t.Errorf("database B's own table holds %s rows written to A", n)
	}
}

// The database goes when its test ends, even with a connection left open.
func TestNewDatabaseDroppedAfterTest(t *testing.T) {
	var name string
	var leftOpen *pgx.Conn
	t.Run("user", func(t *testing.T) {
		u := NewDatabase(t)
		name = dbName(t, u)
		var err error
		if leftOpen, err = pgx.Connect(context.Background(), u); err != nil {
			t.Fatal(err)
		}
	})
	if leftOpen != nil {
		defer leftOpen.Close(context.Background())
	}
	if t.Failed() || name == "" {
		t.FailNow()
	}
	admin, err := sharedAdminURL()
	if err != nil {
		t.Fatal(err)
	}
	conn := connect(t, admin)
	var n int
	if err := conn.QueryRow(context.Background(), "SELECT count(*) FROM pg_database WHERE datname = $1", name).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("database %s still exists after its test ended", name)
	}
}

// A private server: loopback only, never run as root, survives Stop and
// Start with its data, and leaves nothing behind.
func TestServerStopStart(t *testing.T) {
	var dir, dbURL string
	t.Run("server", func(t *testing.T) {
		s := NewServer(t)
		dir = s.dir
		dbURL = s.NewDatabase(t)
		conn := connect(t, dbURL)
		if got := scalar(t, conn, "SHOW listen_addresses"); got != "127.0.0.1" {
			t.Errorf("listen_addresses = %q, want 127.0.0.1 only", got)
		}
		if uid := serverUID(t, conn); os.Geteuid() == 0 && uid == 0 {
			t.Error("the server runs as root")
		}
		run(t, conn, "CREATE TABLE digests (guild text PRIMARY KEY)")
		run(t, conn, "INSERT INTO digests VALUES ('g1')")

		if err := s.Stop(); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := conn.Ping(ctx); err == nil {
			t.Error("a connection still answers after Stop")
		}
		if c, err := pgx.Connect(ctx, dbURL); err == nil {
			c.Close(ctx)
			t.Error("a new connection succeeded after Stop")
		}

		if err := s.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		again := connect(t, dbURL)
		if got := scalar(t, again, "SELECT guild FROM digests"); got != "g1" {
			t.Errorf("after Start the table holds %q, want the row written before Stop", got)
		}
	})
	if dir == "" {
		return // skipped or failed inside
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the server's directory %s is still there after its test (stat: %v)", dir, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if c, err := pgx.Connect(ctx, dbURL); err == nil {
		c.Close(ctx)
		t.Error("the server still answers after its test ended")
	}
}

// serverUID is the user id of the backend serving conn.
func serverUID(tb testing.TB, conn *pgx.Conn) int {
	tb.Helper()
	pid := scalar(tb, conn, "SELECT pg_backend_pid()::text")
	status, err := os.ReadFile(filepath.Join("/proc", pid, "status"))
	if err != nil {
		tb.Skipf("cannot read the server's process status: %v", err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if f := strings.Fields(line); len(f) > 1 && f[0] == "Uid:" {
			uid, err := strconv.Atoi(f[1])
			if err != nil {
				tb.Fatal(err)
			}
			return uid
		}
	}
	tb.Fatalf("no Uid line in /proc/%s/status", pid)
	return -1
}

func TestFindBinDir(t *testing.T) {
	// install puts executables named names in root/rel.
	install := func(t *testing.T, root, rel string, names ...string) string {
		dir := filepath.Join(root, rel)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, n := range names {
			if err := os.WriteFile(filepath.Join(dir, n), []byte("#!/bin/sh\n"), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	all := serverBinaries
	noPath := func(string) (string, error) { return "", errors.New("not found") }

	t.Run("newest version", func(t *testing.T) {
		root := t.TempDir()
		install(t, root, "9.6/bin", all...)
		want := install(t, root, "15/bin", all...)
		install(t, root, "13/bin", all...)
		if got, err := findBinDir(root, noPath); err != nil || got != want {
			t.Errorf("findBinDir = %q, %v; want %q", got, err, want)
		}
	})
	t.Run("newest complete version", func(t *testing.T) {
		root := t.TempDir()
		want := install(t, root, "13/bin", all...)
		install(t, root, "16/bin", "initdb", "pg_ctl") // client-only leftovers
		if got, err := findBinDir(root, noPath); err != nil || got != want {
			t.Errorf("findBinDir = %q, %v; want %q", got, err, want)
		}
	})
	t.Run("initdb on PATH, through a link", func(t *testing.T) {
		root, other := t.TempDir(), t.TempDir()
		want := install(t, other, "pg/bin", all...)
		link := filepath.Join(other, "initdb")
		if err := os.Symlink(filepath.Join(want, "initdb"), link); err != nil {
			t.Fatal(err)
		}
		lookPath := func(name string) (string, error) {
			if name != "initdb" {
				t.Errorf("looked up %q on PATH", name)
			}
			return link, nil
		}
		if got, err := findBinDir(root, lookPath); err != nil || got != want {
			t.Errorf("findBinDir = %q, %v; want %q", got, err, want)
		}
	})
	t.Run("nothing installed", func(t *testing.T) {
		_, err := findBinDir(t.TempDir(), noPath)
		var skip skipError
		if !errors.As(err, &skip) {
			t.Fatalf("findBinDir error %v is not a skip", err)
		}
		for _, want := range []string{"initdb", EnvURL, "postgresql"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("skip message %q does not mention %s", err, want)
			}
		}
	})
}

func TestCheckAdminURL(t *testing.T) {
	for _, tc := range []struct {
		url     string
		wantErr string // "" for accepted
	}{
		{"postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", ""},
		{"postgresql://sitrep:secret@localhost/postgres", ""},
		{"postgres://postgres@[::1]:5433/postgres", ""},
		{"postgres:///postgres?host=/tmp/sitrep-pg-1", ""},
		{"host=127.0.0.1 dbname=postgres", "must be a postgres:// URL"},
		{"postgres://sitrep:secret@db.example.com/postgres", "reach only 127.0.0.1"},
		{"postgres://postgres@127.0.0.1,db.example.com/postgres", "reach only 127.0.0.1"},
	} {
		err := checkAdminURL(tc.url)
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("checkAdminURL(%q) = %v, want accepted", tc.url, err)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("checkAdminURL(%q) = %v, want an error saying %q", tc.url, err, tc.wantErr)
		case err != nil && strings.Contains(err.Error(), "secret"):
			t.Errorf("checkAdminURL(%q) error %q shows the password", tc.url, err)
		}
	}
}

// A directory left by a test binary that died is removed by the next
// server's start; a live server's, or one just made, is not.
func TestSweepAbandoned(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("directories are held with flock on Linux only")
	}
	tmp := t.TempDir()
	mk := func(name string, age time.Duration) string {
		dir := filepath.Join(tmp, name)
		if err := os.MkdirAll(filepath.Join(dir, "data"), 0o700); err != nil {
			t.Fatal(err)
		}
		old := time.Now().Add(-age)
		if err := os.Chtimes(dir, old, old); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	left := mk(dirPrefix+"left", time.Hour)
	live := mk(dirPrefix+"live", time.Hour)
	fresh := mk(dirPrefix+"fresh", 0)
	other := mk("someone-else", time.Hour)
	hold, err := holdDir(live)
	if err != nil {
		t.Fatal(err)
	}
	defer hold.Close()

	sweepAbandoned(tmp)
	for dir, wantGone := range map[string]bool{left: true, live: false, fresh: false, other: false} {
		_, err := os.Stat(dir)
		if gone := errors.Is(err, os.ErrNotExist); gone != wantGone {
			t.Errorf("%s: removed = %v, want %v", filepath.Base(dir), gone, wantGone)
		}
	}
}

func TestNewDatabaseNeedsMain(t *testing.T) {
	shared.mu.Lock()
	shared.inMain = false
	shared.mu.Unlock()
	defer func() {
		shared.mu.Lock()
		shared.inMain = true
		shared.mu.Unlock()
	}()
	_, err := sharedAdminURL()
	if err == nil || !strings.Contains(err.Error(), "pgtest.Main") {
		t.Errorf("without Main, sharedAdminURL = %v; want an error saying to call pgtest.Main from TestMain", err)
	}
}

// A test may end with its private server stopped (a failure between Stop
// and Start): the server goes whole, with no error about its databases.
func TestServerStoppedAtEnd(t *testing.T) {
	var dir string
	inner := t.Run("stopped", func(t *testing.T) {
		s := NewServer(t)
		dir = s.dir
		s.NewDatabase(t)
		if err := s.Stop(); err != nil {
			t.Fatal(err)
		}
	})
	if !inner {
		t.Fatal("a test that ends with its server stopped failed")
	}
	if dir == "" {
		return // skipped: no PostgreSQL here
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the stopped server's directory %s is still there (stat: %v)", dir, err)
	}
}
