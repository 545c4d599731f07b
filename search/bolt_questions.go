package search

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"time"

	bolt "go.etcd.io/bbolt"
)

// questionKey orders a scope's questions by time: scope 0 nanos seq.
func questionKey(scope string, at time.Time, seq uint64) []byte {
	k := scopedKey(scope, "")
	k = binary.BigEndian.AppendUint64(k, uint64(at.UnixNano()))
	return binary.BigEndian.AppendUint64(k, seq)
}

// questionIDKey is the store key of the question id in scope; an id that is
// not hex names no question (the bare scope prefix holds none).
func questionIDKey(scope, id string) []byte {
	suffix, err := hex.DecodeString(id)
	if err != nil {
		suffix = nil
	}
	return append([]byte(string(scopedKey(scope, ""))), suffix...)
}

func (t boltTx) AddQuestion(rec QuestionRecord, seq, limit uint64) error {
	raw, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	if err := t.tx.Bucket(bucketQuestions).Put(questionKey(rec.Scope, rec.At, seq), raw); err != nil {
		return err
	}
	return pruneQuestions(t.tx, rec.Scope, rec.At, limit)
}

// metaQuestionCount prefixes the meta keys holding each scope's number of
// logged questions.
var metaQuestionCount = []byte("qcount\x00")

// pruneQuestions deletes scope's questions older than the retention and
// beyond the cap, oldest first, in the transaction that just logged one
// (which is counted here).
func pruneQuestions(tx *bolt.Tx, scope string, now time.Time, limit uint64) error {
	meta := tx.Bucket(bucketMeta)
	countKey := append(append([]byte(nil), metaQuestionCount...), scopeKey(scope)...)
	prefix := scopedKey(scope, "")
	qb := tx.Bucket(bucketQuestions)
	var n uint64
	if v := meta.Get(countKey); len(v) == 8 {
		n = binary.BigEndian.Uint64(v) + 1
	} else {
		// First write since the count existed: count once.
		c := qb.Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			n++
		}
	}
	cutoff := questionKey(scope, now.Add(-questionRetention), 0)
	c := qb.Cursor()
	for deleted := 0; deleted < pruneStep; deleted++ {
		k, _ := c.Seek(prefix)
		if k == nil || !bytes.HasPrefix(k, prefix) || (bytes.Compare(k, cutoff) >= 0 && n <= limit) {
			break
		}
		if err := qb.Delete(k); err != nil {
			return err
		}
		n--
	}
	return meta.Put(countKey, binary.BigEndian.AppendUint64(nil, n))
}

func (t boltTx) Questions(scope string, since time.Time) ([]QuestionRecord, error) {
	var out []QuestionRecord
	prefix := scopedKey(scope, "")
	c := t.tx.Bucket(bucketQuestions).Cursor()
	for k, v := c.Seek(questionKey(scope, since, 0)); k != nil && hasPrefix(k, prefix); k, v = c.Next() {
		var r QuestionRecord
		if err := json.Unmarshal(v, &r); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

func (t boltTx) Question(scope, id string) (QuestionRecord, bool, error) {
	var rec QuestionRecord
	v := t.tx.Bucket(bucketQuestions).Get(questionIDKey(scope, id))
	if v == nil {
		return rec, false, nil
	}
	err := json.Unmarshal(v, &rec)
	return rec, true, err
}

func (t boltTx) MarkFollowedUp(scope string, ids []string) error {
	b := t.tx.Bucket(bucketQuestions)
	for _, id := range ids {
		key := questionIDKey(scope, id)
		raw := b.Get(key)
		if raw == nil {
			continue
		}
		var rec QuestionRecord
		if err := json.Unmarshal(raw, &rec); err != nil {
			return err
		}
		rec.FollowedUp = true
		out, err := json.Marshal(rec)
		if err != nil {
			return err
		}
		if err := b.Put(key, out); err != nil {
			return err
		}
	}
	return nil
}
