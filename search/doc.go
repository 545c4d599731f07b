// Package search is Sitrep's question-answering core: the library of
// sources (articles), their sentence passages, the Bleve index over both,
// the ranking that turns a question into verbatim quotes (Library.Ask,
// read from ask.go down), the digest, and the records the front ends keep
// beside the sources (feeds, follow-ups, the question log).
//
// The store is the source of truth: bbolt in the data directory, or a
// PostgreSQL database that several processes share (Options.DatabaseURL).
// The Bleve indexes are derived from it and can always be rebuilt (see
// Library.Reindex). A source is committed to the store before it is
// indexed, and opening a Library finishes whatever a crash interrupted, so
// what the store holds is what search finds. With PostgreSQL each process
// keeps an index of its own and follows the store's changes
// (Library.WatchChanges).
//
// Every read and write is scoped: a source belongs to a guild, or to the
// shared scope (the empty string) that every guild sees. The package knows
// nothing of Discord; the bot and the CLI are two doors into it.
package search
