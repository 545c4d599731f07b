package search

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

func (s *pgStore) LastChange(ctx context.Context) (int64, error) {
	var n int64
	err := s.readOnce(ctx, func(ctx context.Context) error {
		return s.pool.QueryRow(ctx, `SELECT GREATEST(
			(SELECT COALESCE(max(change_seq), 0) FROM sources),
			(SELECT COALESCE(max(change_seq), 0) FROM source_removals))`).Scan(&n)
	})
	return n, err
}

func (s *pgStore) ChangeCount(ctx context.Context, seq int64) (int, error) {
	var n int
	err := s.readOnce(ctx, func(ctx context.Context) error {
		return s.pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM sources WHERE change_seq > $1)
			+ (SELECT count(*) FROM source_removals WHERE change_seq > $1)`, seq).Scan(&n)
	})
	return n, err
}

func (s *pgStore) ChangesSince(ctx context.Context, seq int64, limit int) ([]change, error) {
	var out []change
	err := s.readOnce(ctx, func(ctx context.Context) error {
		var err error
		out, err = s.changesSince(ctx, seq, limit)
		return err
	})
	return out, err
}

func (s *pgStore) changesSince(ctx context.Context, seq int64, limit int) ([]change, error) {
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
