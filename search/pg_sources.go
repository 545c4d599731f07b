package search

import (
	"encoding/json"
	"strings"

	"github.com/jackc/pgx/v5"
)

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
	current := ""
	if s.Superseded != nil {
		current = s.Superseded.Current
	}
	b.Queue(`
		INSERT INTO sources (id, scope, hash, url, added_ns, record, body, stale, current_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7,
			GREATEST($8, (SELECT COALESCE(max(stale), 0) FROM source_removals WHERE id = $1)), $9)
		ON CONFLICT (id) DO UPDATE SET scope = excluded.scope, hash = excluded.hash, url = excluded.url,
			added_ns = excluded.added_ns, record = excluded.record, body = excluded.body,
			stale = GREATEST(sources.stale, excluded.stale), current_id = excluded.current_id,
			change_seq = nextval(pg_get_serial_sequence('sources', 'change_seq'))`,
		s.ID, s.Scope, s.Hash, s.URL, s.AddedAt.UnixNano(), raw, text, stale, current)
	b.Queue("DELETE FROM source_removals WHERE id = $1", s.ID)
	if old != nil {
		b.Queue("DELETE FROM source_names WHERE id = $1", s.ID)
	}
	if s.Superseded != nil {
		queuePending(&b, s.ID, pendingOp{Stale: stale})
		return t.tx.SendBatch(t.ctx, &b).Close()
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
	_, err := t.one("SELECT id FROM sources WHERE scope = $1 AND hash = $2 AND current_id = '' ORDER BY change_seq DESC LIMIT 1", []any{scope, hash}, &id)
	return id, err
}

func (t pgTx) SourceIDByURL(scope, url string) (string, error) {
	var id string
	_, err := t.one("SELECT id FROM sources WHERE scope = $1 AND url = $2 AND url <> '' AND current_id = '' ORDER BY change_seq DESC LIMIT 1", []any{scope, url}, &id)
	return id, err
}

func (t pgTx) VersionIDs(id string) ([]string, error) {
	return t.strings("SELECT id FROM sources WHERE current_id = $1 ORDER BY id", id)
}

func (t pgTx) ScopeSourceIDs(scope string) ([]string, error) {
	return t.strings("SELECT id FROM sources WHERE scope = $1 AND current_id = '' ORDER BY id", scope)
}

func (t pgTx) AllSourceIDs() ([]string, error) {
	return t.strings("SELECT id FROM sources ORDER BY id")
}

func (t pgTx) CountSources() (total, guild int64, err error) {
	_, err = t.one("SELECT count(*), count(*) FILTER (WHERE scope <> $1 AND current_id = '') FROM sources", []any{SharedScope}, &total, &guild)
	return total, guild, err
}

func (t pgTx) SourceCount(scope string) (int, error) {
	var n int
	_, err := t.one("SELECT count(*) FROM sources WHERE scope = $1 AND current_id = ''", []any{scope}, &n)
	return n, err
}

func (t pgTx) NewestIDs(scopes []string, n int) ([]string, error) {
	return t.strings("SELECT id FROM sources WHERE scope = ANY($1) AND current_id = '' ORDER BY added_ns DESC, id LIMIT $2", scopes, n)
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
