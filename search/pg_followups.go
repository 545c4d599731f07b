package search

import (
	"encoding/binary"
	"encoding/hex"
	"time"

	"github.com/jackc/pgx/v5"
)

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
