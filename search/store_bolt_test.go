package search

import bolt "go.etcd.io/bbolt"

// boltDB is the bbolt file under a library opened on a data directory, for
// tests that write what a crash or an older version would have left.
func boltDB(l *Library) *bolt.DB { return l.st.(*boltStore).db }

// putSource writes a source as Library.write does, without its audit
// entry or index work.
func putSource(tx *bolt.Tx, s storedSource, old *storedSource) error {
	return boltTx{tx}.PutSource(s, old)
}
