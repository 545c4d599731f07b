package search

import (
	"context"
	"embed"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

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
	opts := pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}
	return pgx.BeginTxFunc(ctx, s.pool, opts, func(tx pgx.Tx) error {
		return fn(pgTx{ctx, tx})
	})
}

func (s *pgStore) Update(ctx context.Context, fn func(storeTx) error) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", lockWrite); err != nil {
			return err
		}
		return fn(pgTx{ctx, tx})
	})
}

func (s *pgStore) Batch(ctx context.Context, fn func(storeTx) error) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error { return fn(pgTx{ctx, tx}) })
}

func (s *pgStore) Close() error {
	s.pool.Close()
	return nil
}

func (s *pgStore) LastChange(ctx context.Context) (int64, error) {
	var n int64
	err := s.pool.QueryRow(ctx, `SELECT GREATEST(
		(SELECT COALESCE(max(change_seq), 0) FROM sources),
		(SELECT COALESCE(max(change_seq), 0) FROM source_removals))`).Scan(&n)
	return n, err
}

func (s *pgStore) ChangeCount(ctx context.Context, seq int64) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM sources WHERE change_seq > $1)
		+ (SELECT count(*) FROM source_removals WHERE change_seq > $1)`, seq).Scan(&n)
	return n, err
}

func (s *pgStore) ChangesSince(ctx context.Context, seq int64, limit int) ([]change, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT change_seq, id, false, stale, record, body FROM sources WHERE change_seq > $1
		UNION ALL
		SELECT change_seq, id, true, stale, NULL, NULL FROM source_removals WHERE change_seq > $1
		ORDER BY 1 LIMIT $2`, seq, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (change, error) {
		var c change
		var raw []byte
		var text *string
		if err := r.Scan(&c.Seq, &c.ID, &c.Removed, &c.Stale, &raw, &text); err != nil {
			return c, err
		}
		if c.Removed {
			return c, nil
		}
		c.Text = *text
		if err := json.Unmarshal(raw, &c.Source); err != nil {
			return c, fmt.Errorf("decode source %s: %w", c.ID, err)
		}
		return c, nil
	})
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

func (t pgTx) Source(id string) (storedSource, bool, error) {
	var raw []byte
	ok, err := t.one("SELECT record FROM sources WHERE id = $1", []any{id}, &raw)
	if !ok {
		return storedSource{}, false, err
	}
	return decodeRecord[storedSource]("source", id, raw)
}

func (t pgTx) Text(id string) (string, error) {
	var text string
	_, err := t.one("SELECT body FROM sources WHERE id = $1", []any{id}, &text)
	return text, err
}

// PutSource sends its statements as one batch: one round trip to the
// server a source, which is most of an import's cost.
func (t pgTx) PutSource(s storedSource, old *storedSource) error {
	stale := 0
	if old != nil {
		stale = len(old.Spans)
	}
	text := s.Text
	s.Text = ""
	raw, err := json.Marshal(s)
	if err != nil {
		return err
	}
	var b pgx.Batch
	// A source removed earlier and now back owes its index the removed
	// version's sentences too.
	b.Queue(`
		INSERT INTO sources (id, scope, hash, url, added_ns, record, body, stale)
		VALUES ($1, $2, $3, $4, $5, $6, $7,
			GREATEST($8, (SELECT COALESCE(max(stale), 0) FROM source_removals WHERE id = $1)))
		ON CONFLICT (id) DO UPDATE SET scope = excluded.scope, hash = excluded.hash, url = excluded.url,
			added_ns = excluded.added_ns, record = excluded.record, body = excluded.body,
			stale = GREATEST(sources.stale, excluded.stale),
			change_seq = nextval(pg_get_serial_sequence('sources', 'change_seq'))`,
		s.ID, s.Scope, s.Hash, s.URL, s.AddedAt.UnixNano(), raw, text, stale)
	b.Queue("DELETE FROM source_removals WHERE id = $1", s.ID)
	if old != nil {
		b.Queue("DELETE FROM source_names WHERE id = $1", s.ID)
	}
	names := catalogNames(s.Source)
	list, kinds := make([]string, 0, len(names)), make([]int16, 0, len(names))
	for name, kind := range names {
		list, kinds = append(list, name), append(kinds, int16(kind))
	}
	b.Queue(`INSERT INTO source_names (scope, name, id, kind)
		SELECT $1, n, $2, k FROM unnest($3::text[], $4::smallint[]) AS x(n, k)`, s.Scope, s.ID, list, kinds)
	queuePending(&b, s.ID, pendingOp{Stale: stale})
	return t.tx.SendBatch(t.ctx, &b).Close()
}

func queuePending(b *pgx.Batch, id string, op pendingOp) {
	b.Queue(`INSERT INTO pending (id, remove, stale) VALUES ($1, $2, $3)
		ON CONFLICT (id) DO UPDATE SET remove = excluded.remove, stale = GREATEST(pending.stale, excluded.stale)`,
		id, op.Remove, op.Stale)
}

func (t pgTx) DeleteSource(s storedSource) error {
	var stale int
	ok, err := t.one("DELETE FROM sources WHERE id = $1 RETURNING stale", []any{s.ID}, &stale)
	if err != nil || !ok {
		return err
	}
	stale = max(stale, len(s.Spans))
	_, err = t.tx.Exec(t.ctx, `INSERT INTO source_removals (id, stale, change_seq)
		VALUES ($1, $2, nextval(pg_get_serial_sequence('sources', 'change_seq')))
		ON CONFLICT (id) DO UPDATE SET stale = GREATEST(source_removals.stale, excluded.stale), change_seq = excluded.change_seq`,
		s.ID, stale)
	if err != nil {
		return err
	}
	var b pgx.Batch
	queuePending(&b, s.ID, pendingOp{Remove: true, Stale: len(s.Spans)})
	return t.tx.SendBatch(t.ctx, &b).Close()
}

func (t pgTx) SourceIDByHash(scope, hash string) (string, error) {
	var id string
	_, err := t.one("SELECT id FROM sources WHERE scope = $1 AND hash = $2 ORDER BY change_seq DESC LIMIT 1", []any{scope, hash}, &id)
	return id, err
}

func (t pgTx) SourceIDByURL(scope, url string) (string, error) {
	var id string
	_, err := t.one("SELECT id FROM sources WHERE scope = $1 AND url = $2 AND url <> '' ORDER BY change_seq DESC LIMIT 1", []any{scope, url}, &id)
	return id, err
}

func (t pgTx) ScopeSourceIDs(scope string) ([]string, error) {
	return t.strings("SELECT id FROM sources WHERE scope = $1 ORDER BY id", scope)
}

func (t pgTx) AllSourceIDs() ([]string, error) {
	return t.strings("SELECT id FROM sources ORDER BY id")
}

func (t pgTx) CountSources() (total, guild int64, err error) {
	_, err = t.one("SELECT count(*), count(*) FILTER (WHERE scope <> $1) FROM sources", []any{SharedScope}, &total, &guild)
	return total, guild, err
}

func (t pgTx) SourceCount(scope string) (int, error) {
	var n int
	_, err := t.one("SELECT count(*) FROM sources WHERE scope = $1", []any{scope}, &n)
	return n, err
}

func (t pgTx) NewestIDs(scopes []string, n int) ([]string, error) {
	return t.strings("SELECT id FROM sources WHERE scope = ANY($1) ORDER BY added_ns DESC, id LIMIT $2", scopes, n)
}

func (t pgTx) names(sql string, args ...any) ([]catalogName, error) {
	rows, err := t.tx.Query(t.ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (catalogName, error) {
		var n catalogName
		var kind int16
		err := r.Scan(&n.Name, &n.ID, &kind)
		n.Kind = byte(kind)
		return n, err
	})
}

// likeEscaper makes a string match itself in a LIKE pattern.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

func (t pgTx) Names(scope, prefix string, limit int) ([]catalogName, error) {
	return t.names(`SELECT name, id, kind FROM source_names WHERE scope = $1 AND name LIKE $2
		ORDER BY name, id LIMIT $3`, scope, likeEscaper.Replace(prefix)+"%", limit)
}

func (t pgTx) ExactNames(scope, name string) ([]catalogName, error) {
	return t.names("SELECT name, id, kind FROM source_names WHERE scope = $1 AND name = $2 ORDER BY id", scope, name)
}

func (t pgTx) Pending() ([]pendingJob, error) {
	rows, err := t.tx.Query(t.ctx, "SELECT id, remove, stale FROM pending ORDER BY id")
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (pendingJob, error) {
		var j pendingJob
		err := r.Scan(&j.ID, &j.Op.Remove, &j.Op.Stale)
		return j, err
	})
}

func (t pgTx) PendingCount() (int, error) {
	var n int
	_, err := t.one("SELECT count(*) FROM pending", nil, &n)
	return n, err
}

func (t pgTx) ClearPending(ids []string) error {
	_, err := t.tx.Exec(t.ctx, "DELETE FROM pending WHERE id = ANY($1)", ids)
	return err
}

func (t pgTx) ClearAllPending() error {
	_, err := t.tx.Exec(t.ctx, "DELETE FROM pending")
	return err
}

func (t pgTx) AddAudit(e AuditEntry) error {
	raw, err := json.Marshal(e)
	if err != nil {
		return err
	}
	_, err = t.tx.Exec(t.ctx, "INSERT INTO audit (scope, entry) VALUES ($1, $2)", e.Scope, raw)
	return err
}

func (t pgTx) Audit() ([]AuditEntry, error) {
	return jsonRows[AuditEntry](t, "SELECT entry FROM audit ORDER BY seq")
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

func (t pgTx) AddQuestion(scope string, at time.Time, rec func(id string) QuestionRecord, limit uint64) (string, error) {
	var seq int64
	if _, err := t.one("SELECT nextval('question_seq')", nil, &seq); err != nil {
		return "", err
	}
	key := binary.BigEndian.AppendUint64(nil, uint64(at.UnixNano()))
	id := hex.EncodeToString(binary.BigEndian.AppendUint64(key, uint64(seq)))
	raw, err := json.Marshal(rec(id))
	if err != nil {
		return "", err
	}
	_, err = t.tx.Exec(t.ctx, "INSERT INTO questions (scope, id, at_ns, seq, record) VALUES ($1, $2, $3, $4, $5)",
		scope, id, at.UnixNano(), seq, raw)
	if err != nil {
		return "", err
	}
	return id, t.pruneQuestions(scope, at, limit)
}

// pruneQuestions deletes scope's questions as the bbolt store's
// pruneQuestions does: past the retention or beyond limit, oldest first,
// at most pruneStep at a time.
func (t pgTx) pruneQuestions(scope string, now time.Time, limit uint64) error {
	var n uint64
	if _, err := t.one("SELECT count(*) FROM questions WHERE scope = $1", []any{scope}, &n); err != nil {
		return err
	}
	cutoff := now.Add(-questionRetention).UnixNano()
	rows, err := t.tx.Query(t.ctx, "SELECT id, at_ns FROM questions WHERE scope = $1 ORDER BY at_ns, seq LIMIT $2", scope, pruneStep)
	if err != nil {
		return err
	}
	type old struct {
		id string
		at int64
	}
	olds, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (old, error) {
		var o old
		err := r.Scan(&o.id, &o.at)
		return o, err
	})
	if err != nil {
		return err
	}
	var gone []string
	for _, o := range olds {
		if o.at >= cutoff && n <= limit {
			break
		}
		gone = append(gone, o.id)
		n--
	}
	if len(gone) == 0 {
		return nil
	}
	_, err = t.tx.Exec(t.ctx, "DELETE FROM questions WHERE scope = $1 AND id = ANY($2)", scope, gone)
	return err
}

func (t pgTx) Questions(scope string, since time.Time) ([]QuestionRecord, error) {
	return jsonRows[QuestionRecord](t, "SELECT record FROM questions WHERE scope = $1 AND at_ns >= $2 ORDER BY at_ns, seq",
		scope, since.UnixNano())
}

func (t pgTx) Question(scope, id string) (QuestionRecord, bool, error) {
	var rec QuestionRecord
	var raw []byte
	ok, err := t.one("SELECT record FROM questions WHERE scope = $1 AND id = $2", []any{scope, id}, &raw)
	if !ok {
		return rec, false, err
	}
	err = json.Unmarshal(raw, &rec)
	return rec, true, err
}

func (t pgTx) MarkFollowedUp(scope string, ids []string) error {
	_, err := t.tx.Exec(t.ctx, `UPDATE questions SET record = jsonb_set(record, '{followed_up}', 'true')
		WHERE scope = $1 AND id = ANY($2)`, scope, ids)
	return err
}

func (t pgTx) DigestSettings(scope string) (DigestSettings, bool, error) {
	var s DigestSettings
	var raw []byte
	ok, err := t.one("SELECT record FROM digest_settings WHERE scope = $1", []any{scope}, &raw)
	if !ok {
		return s, false, err
	}
	err = json.Unmarshal(raw, &s)
	return s, true, err
}

func (t pgTx) PutDigestSettings(scope string, s DigestSettings) error {
	raw, err := json.Marshal(s)
	if err != nil {
		return err
	}
	_, err = t.tx.Exec(t.ctx, `INSERT INTO digest_settings (scope, record) VALUES ($1, $2)
		ON CONFLICT (scope) DO UPDATE SET record = excluded.record`, scope, raw)
	return err
}

func (t pgTx) AllDigestSettings() ([]DigestSettings, error) {
	return jsonRows[DigestSettings](t, "SELECT record FROM digest_settings ORDER BY scope")
}

func (t pgTx) ClaimDigest(scope, day string, at time.Time) (bool, error) {
	tag, err := t.tx.Exec(t.ctx, `INSERT INTO digest_claims (scope, day, claimed_at) VALUES ($1, $2, $3)
		ON CONFLICT DO NOTHING`, scope, day, at)
	return tag.RowsAffected() == 1, err
}

func (t pgTx) ReleaseDigest(scope, day string) error {
	_, err := t.tx.Exec(t.ctx, "DELETE FROM digest_claims WHERE scope = $1 AND day = $2", scope, day)
	return err
}

func (t pgTx) Feed(id string) (Feed, bool, error) {
	var raw []byte
	ok, err := t.one("SELECT record FROM feeds WHERE id = $1", []any{id}, &raw)
	if !ok {
		return Feed{}, false, err
	}
	return decodeRecord[Feed]("feed", id, raw)
}

func (t pgTx) PutFeed(f Feed) error {
	raw, err := json.Marshal(f)
	if err != nil {
		return err
	}
	_, err = t.tx.Exec(t.ctx, `INSERT INTO feeds (id, scope, record) VALUES ($1, $2, $3)
		ON CONFLICT (id) DO UPDATE SET scope = excluded.scope, record = excluded.record`, f.ID, f.Scope, raw)
	return err
}

func (t pgTx) DeleteFeed(id string) error {
	_, err := t.tx.Exec(t.ctx, "DELETE FROM feeds WHERE id = $1", id)
	return err
}

func (t pgTx) AllFeeds() ([]Feed, error) {
	return jsonRows[Feed](t, "SELECT record FROM feeds ORDER BY id")
}

func (t pgTx) QueueFollowUp(scope, id string, at time.Time) error {
	_, err := t.tx.Exec(t.ctx, `INSERT INTO followup_queue (scope, source_id, queued_ns) VALUES ($1, $2, $3)
		ON CONFLICT (scope, source_id) DO NOTHING`, scope, id, at.UnixNano())
	return err
}

func (t pgTx) FollowUpJobs() ([]FollowUpJob, error) {
	rows, err := t.tx.Query(t.ctx, "SELECT seq, scope, source_id, queued_ns FROM followup_queue ORDER BY seq")
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (FollowUpJob, error) {
		var j FollowUpJob
		var seq, ns int64
		err := r.Scan(&seq, &j.Scope, &j.SourceID, &ns)
		j.ID = hex.EncodeToString(binary.BigEndian.AppendUint64(nil, uint64(seq)))
		j.QueuedAt = time.Unix(0, ns).UTC()
		return j, err
	})
}

func (t pgTx) DeleteFollowUpJob(id string) error {
	key, err := hex.DecodeString(id)
	if err != nil || len(key) != 8 {
		return nil // not a job id: no job to finish
	}
	_, err = t.tx.Exec(t.ctx, "DELETE FROM followup_queue WHERE seq = $1", int64(binary.BigEndian.Uint64(key)))
	return err
}

// notifyChannel is the channel the migrations' trigger notifies.
const notifyChannel = "sitrep_changes"

// pgListener holds one pooled connection that LISTENs.
type pgListener struct{ conn *pgxpool.Conn }

func (s *pgStore) Listen(ctx context.Context) (changeListener, error) {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := conn.Exec(ctx, "LISTEN "+notifyChannel); err != nil {
		conn.Release()
		return nil, err
	}
	return &pgListener{conn}, nil
}

func (l *pgListener) Wait(ctx context.Context) error {
	_, err := l.conn.Conn().WaitForNotification(ctx)
	return err
}

// Close drops the connection rather than return it to the pool: it is
// still listening, or broken.
func (l *pgListener) Close() {
	l.conn.Conn().Close(context.Background())
	l.conn.Release()
}
