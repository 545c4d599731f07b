package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"sitrep/internal/pgtest"
)

// TestCLIThroughPostgreSQL: `sitrep import` with one --data and `sitrep
// ask` with another, fresh --data, on the same PostgreSQL database, give
// the same answers: the second index is built from the store. With
// PostgreSQL the data directory holds the index only.
func TestCLIThroughPostgreSQL(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	importer, asker := newCLI(t), newCLI(t)
	importer.env["SITREP_DATABASE_URL"] = dsn
	asker.env["SITREP_DATABASE_URL"] = dsn
	file := filepath.Join(t.TempDir(), "in.jsonl")
	lines := []string{
		`{"id":"bridge-1","title":"Bridge","outlet":"Wire","url":"https://example.com/b","published":"2024-05-01","text":"The old bridge collapsed at dawn on Friday, the mayor said. Nobody was hurt."}`,
		`{"id":"flood-1","title":"Flood","text":"Flood waters rose in the northern districts overnight. Two schools were closed."}`,
	}
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := importer.run("", "import", file); code != 0 || !strings.Contains(out, "imported 2 new") {
		t.Fatalf("import: exit %d, %s %s", code, out, errOut)
	}
	questions := []string{"when did the bridge collapse", "how many cameras were hacked", "which schools closed", "who won the football match"}
	for _, q := range questions {
		_, want, _ := importer.run("", "ask", "--json", q)
		code, got, errOut := asker.run("", "ask", "--json", q)
		if code != 0 {
			t.Fatalf("ask on the fresh data directory: exit %d: %s", code, errOut)
		}
		if !reflect.DeepEqual(decodeLines(t, got), decodeLines(t, want)) || got != want {
			t.Errorf("%q: the fresh data directory answers\n%s\nthe importer's\n%s", q, got, want)
		}
	}
	if _, out, _ := asker.run("", "ask", "--json", questions[0]); !strings.Contains(out, "bridge-1") {
		t.Errorf("the imported source is not found from the other data directory: %s", out)
	}
	// The seeds were added once, by whichever process came first.
	_, out, _ := asker.run("", "sources")
	_, out1, _ := importer.run("", "sources")
	if out != out1 {
		t.Errorf("the two data directories list different sources:\n%s\n%s", out, out1)
	}
	if _, err := os.Stat(filepath.Join(asker.data, "library.db")); !os.IsNotExist(err) {
		t.Errorf("with PostgreSQL the data directory still has a bbolt store (%v)", err)
	}
}
