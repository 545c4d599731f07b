package search

import (
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"time"
)

func (t boltTx) QueueFollowUp(scope, id string, at time.Time) error {
	b := t.tx.Bucket(bucketFollowUpQueue)
	var dup bool
	if err := b.ForEach(func(_, v []byte) error {
		var j FollowUpJob
		if json.Unmarshal(v, &j) == nil && j.Scope == scope && j.SourceID == id {
			dup = true
			return errStop
		}
		return nil
	}); err != nil && err != errStop {
		return err
	}
	if dup {
		return nil
	}
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	key := binary.BigEndian.AppendUint64(nil, seq)
	raw, err := json.Marshal(FollowUpJob{ID: hex.EncodeToString(key), Scope: scope, SourceID: id, QueuedAt: at})
	if err != nil {
		return err
	}
	return b.Put(key, raw)
}

// errStop ends a bbolt ForEach early once it found what it looked for.
var errStop = errors.New("search: stop")

func (t boltTx) FollowUpJobs() ([]FollowUpJob, error) {
	return readAll[FollowUpJob](t.tx, bucketFollowUpQueue)
}

func (t boltTx) DeleteFollowUpJob(id string) error {
	key, err := hex.DecodeString(id)
	if err != nil {
		return nil // not a job id: no job to finish
	}
	return t.tx.Bucket(bucketFollowUpQueue).Delete(key)
}
