package search

import (
	"os"
	"sync"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// boltDB is the bbolt file under a library opened on a data directory, for
// tests that write what a crash or an older version would have left. Run
// on PostgreSQL (SITREP_TEST_STORE), those tests skip.
func boltDB(tb testing.TB, l *Library) *bolt.DB {
	tb.Helper()
	bs, ok := l.st.(*boltStore)
	if !ok {
		tb.Skip("writes the bbolt store directly; the library runs on PostgreSQL here")
	}
	return bs.db
}

// putSource writes a source as Library.write does, without its audit
// entry or index work.
func putSource(tx *bolt.Tx, s storedSource, old *storedSource) error {
	return boltTx{tx}.PutSource(s, old)
}

// testStores remembers the database of each data directory, so a test
// that reopens a directory finds its library again.
var testStores = struct {
	sync.Mutex
	url map[string]string
}{url: map[string]string{}}

// testStoreURL is "" (the library's tests use bbolt), or with
// SITREP_TEST_STORE=postgres a database of dir's own on the server of
// SITREP_TEST_DATABASE_URL: then the whole library suite runs on
// PostgreSQL.
func testStoreURL(tb testing.TB, dir string) string {
	if os.Getenv("SITREP_TEST_STORE") != "postgres" {
		return ""
	}
	testStores.Lock()
	defer testStores.Unlock()
	if testStores.url[dir] == "" {
		testStores.url[dir] = pgTestURL(tb)
	}
	return testStores.url[dir]
}
