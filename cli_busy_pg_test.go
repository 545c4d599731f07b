package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"sitrep/internal/pgtest"
)

// TestCLIStoreBusy: while another process holds the library's write lock
// (a `sitrep import` suspended mid-batch), `sitrep ask` answers (opening
// the library needs no write lock), and `sitrep import` gives up with a
// clear error and exit status 1 instead of hanging, saying nothing was
// written; once the lock is free it imports.
func TestCLIStoreBusy(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	c := newCLI(t)
	c.env["SITREP_DATABASE_URL"] = dsn
	if code, _, errOut := c.run("", "sources"); code != 0 { // creates the schema and the seeds
		t.Fatalf("sources: exit %d: %s", code, errOut)
	}
	file := filepath.Join(t.TempDir(), "in.jsonl")
	line := `{"id":"bridge-1","title":"Bridge","text":"The old bridge collapsed at dawn on Friday, the mayor said. Nobody was hurt."}`
	if err := os.WriteFile(file, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}

	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The writers' lock (search.lockWrite), as another process's
	// transaction holds it.
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", int64(0x53_69_74_72_65_70_02)); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := c.run("", "ask", "how many cameras were hacked"); code != 0 || !strings.Contains(out, "cameras") {
		t.Errorf("ask behind a held lock: exit %d, %s %s", code, out, errOut)
	}
	code, _, errOut := c.run("", "import", file)
	if code != 1 || !strings.Contains(errOut, "store sources: the library's store is busy") || !strings.Contains(errOut, "nothing was written") {
		t.Errorf("import behind a held lock: exit %d, %q; want exit 1 saying the store is busy and nothing was written", code, errOut)
	}
	if strings.Contains(errOut, "search:") {
		t.Errorf("the error shows a package prefix: %q", errOut)
	}
	t.Logf("sitrep import behind a held lock: %s", strings.TrimSpace(errOut))
	conn.Close(ctx)

	if code, out, errOut := c.run("", "import", file); code != 0 || !strings.Contains(out, "imported 1 new") {
		t.Errorf("import once the lock is free: exit %d, %s %s", code, out, errOut)
	}
}
