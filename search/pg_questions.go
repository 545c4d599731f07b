package search

import (
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"
)

func (t pgTx) AddQuestion(rec QuestionRecord, seq, limit uint64) error {
	raw, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	_, err = t.tx.Exec(t.ctx, "INSERT INTO questions (scope, id, at_ns, seq, record) VALUES ($1, $2, $3, $4, $5)",
		rec.Scope, rec.ID, rec.At.UnixNano(), int64(seq), raw)
	if err != nil {
		return err
	}
	return t.pruneQuestions(rec.Scope, rec.At, limit)
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
