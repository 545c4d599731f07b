package search

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// migrations are the PostgreSQL schema's versions, applied in order of
// their number (the name's digits before "_"), each once.
//
//go:embed migrations/*.sql
var migrations embed.FS

// Advisory lock keys (pg_advisory_xact_lock): one for migrations, one for
// writers. Writers take theirs for the length of their transaction, so
// writes are serial across every process sharing the database, as bbolt's
// are in one: read-modify-write steps stay exact, and change sequence
// numbers are committed in the order they were drawn, so an index that
// caught up to N never misses a change numbered below N.
const (
	lockMigrate int64 = 0x53_69_74_72_65_70_01 // "Sitrep" 1
	lockWrite   int64 = 0x53_69_74_72_65_70_02
)

// pgStore is the store in a PostgreSQL database that several processes
// share. Each of them keeps its own index, following the change sequence.
type pgStore struct{ pool *pgxpool.Pool }

// redactURL returns a database URL fit for a log or an error: the password,
// if any, replaced by "xxxxx".
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(a database URL that does not parse)"
	}
	return u.Redacted()
}

// openPG connects to the database at dsn and brings its schema up to date.
// Its errors never hold the password.
func openPG(ctx context.Context, dsn string) (*pgStore, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("database URL %s: does not parse", redactURL(dsn))
	}
	setSessionLimits(cfg)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", redactURL(dsn), err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to %s: %w", redactURL(dsn), err)
	}
	if err := migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, err
	}
	return &pgStore{pool: pool}, nil
}

type migration struct {
	version int
	name    string
	sql     string
}

func loadMigrations() ([]migration, error) {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, path := range names {
		name := strings.TrimPrefix(path, "migrations/")
		digits, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(digits)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: the name must start with its version number and _", name)
		}
		raw, err := migrations.ReadFile(path)
		if err != nil {
			return nil, err
		}
		out = append(out, migration{v, name, string(raw)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i := 1; i < len(out); i++ {
		if out[i].version == out[i-1].version {
			return nil, fmt.Errorf("migrations %s and %s have the same version", out[i-1].name, out[i].name)
		}
	}
	return out, nil
}

// migrate applies the migrations the database lacks, all in one
// transaction: a failed one leaves the schema as it was. Processes
// starting together take turns.
func migrate(ctx context.Context, pool *pgxpool.Pool) error {
	ms, err := loadMigrations()
	if err != nil {
		return fmt.Errorf("store migrations: %w", err)
	}
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		// A migration may rewrite a large table, and a process starting
		// beside another waits for its migrations: longer limits here.
		if _, err := tx.Exec(ctx, "SET LOCAL statement_timeout = 0; SET LOCAL lock_timeout = '5min'"); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", lockMigrate); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
			return err
		}
		applied := map[int]bool{}
		rows, err := tx.Query(ctx, "SELECT version FROM schema_migrations")
		if err != nil {
			return err
		}
		vs, err := pgx.CollectRows(rows, pgx.RowTo[int32])
		if err != nil {
			return err
		}
		for _, v := range vs {
			applied[int(v)] = true
		}
		for _, m := range ms {
			if applied[m.version] {
				continue
			}
			if _, err := tx.Exec(ctx, m.sql); err != nil {
				return fmt.Errorf("%s: %w", m.name, err)
			}
			if _, err := tx.Exec(ctx, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", m.version, m.name); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("migrate the database: %w", err)
	}
	return nil
}

func (s *pgStore) View(ctx context.Context, fn func(storeTx) error) error {
	return s.run(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, false, fn)
}

func (s *pgStore) Update(ctx context.Context, fn func(storeTx) error) error {
	return s.run(ctx, pgx.TxOptions{}, true, fn)
}

func (s *pgStore) Batch(ctx context.Context, fn func(storeTx) error) error {
	return s.run(ctx, pgx.TxOptions{}, false, fn)
}

func (s *pgStore) Close() error {
	s.pool.Close()
	return nil
}

// pgTx is one PostgreSQL transaction seen as a storeTx.
type pgTx struct {
	ctx context.Context
	tx  pgx.Tx
}

// one scans the single row of a query into dest; a query with no row
// reports false.
func (t pgTx) one(sql string, args []any, dest ...any) (bool, error) {
	err := t.tx.QueryRow(t.ctx, sql, args...).Scan(dest...)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

func (t pgTx) strings(sql string, args ...any) ([]string, error) {
	rows, err := t.tx.Query(t.ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// jsonRows decodes the one JSON column of every row.
func jsonRows[T any](t pgTx, sql string, args ...any) ([]T, error) {
	rows, err := t.tx.Query(t.ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (T, error) {
		var raw []byte
		var x T
		if err := r.Scan(&raw); err != nil {
			return x, err
		}
		return x, json.Unmarshal(raw, &x)
	})
}

func (t pgTx) Meta(key string) ([]byte, error) {
	var v []byte
	_, err := t.one("SELECT value FROM meta WHERE key = $1", []any{key}, &v)
	return v, err
}

func (t pgTx) PutMeta(key string, v []byte) error {
	if v == nil {
		v = []byte{}
	}
	_, err := t.tx.Exec(t.ctx, `INSERT INTO meta (key, value) VALUES ($1, $2)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, v)
	return err
}
