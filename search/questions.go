package search

import (
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"time"

	bolt "go.etcd.io/bbolt"
)

// QuestionRecord is one logged question.
type QuestionRecord struct {
	ID        string    `json:"id"`
	Scope     string    `json:"scope,omitempty"`
	Text      string    `json:"text"`
	UserID    string    `json:"user_id,omitempty"`
	ChannelID string    `json:"channel_id,omitempty"`
	At        time.Time `json:"at"`
	Answered  bool      `json:"answered"`
	// Private questions were asked with /ask private: their text is never
	// shown to anyone but the asker (no digest, no public follow-up).
	Private bool `json:"private,omitempty"`
	// FollowedUp is set once a later source answered the question and the
	// asker was told.
	FollowedUp bool `json:"followed_up,omitempty"`
}

// followUpWindow is how far back an unanswered question still deserves a
// follow-up when a source that answers it arrives.
const followUpWindow = 14 * 24 * time.Hour

// questionKey orders a scope's questions by time: scope 0 nanos seq.
func questionKey(scope string, at time.Time, seq uint64) []byte {
	k := scopedKey(scope, "")
	k = binary.BigEndian.AppendUint64(k, uint64(at.UnixNano()))
	return binary.BigEndian.AppendUint64(k, seq)
}

func (l *Library) logQuestion(q Query, ans Answer) (string, error) {
	var id string
	// Batch coalesces the log writes of concurrent questions into one
	// transaction and one fsync; under load that is most of /ask's tail.
	err := l.db.Batch(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketQuestions)
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		at := l.now().UTC()
		key := questionKey(q.Scope, at, seq)
		id = hex.EncodeToString(key[len(scopedKey(q.Scope, "")):])
		rec := QuestionRecord{ID: id, Scope: q.Scope, Text: ans.Question, UserID: q.Asker.UserID,
			ChannelID: q.Asker.ChannelID, At: at, Answered: ans.Answered, Private: q.Asker.Private}
		raw, err := json.Marshal(rec)
		if err != nil {
			return err
		}
		if err := b.Put(key, raw); err != nil {
			return err
		}
		return pruneQuestions(tx, q.Scope, at, l.maxQuestions)
	})
	if err != nil {
		return "", errorf("log question: %w", err)
	}
	return id, nil
}

// Questions returns the questions asked in scope at or after since, oldest
// first.
func (l *Library) Questions(scope string, since time.Time) ([]QuestionRecord, error) {
	if err := l.checkOpen(); err != nil {
		return nil, err
	}
	if epoch := time.Unix(0, 0); since.Before(epoch) {
		since = epoch // keys hold unsigned nanoseconds since the epoch
	}
	var out []QuestionRecord
	err := l.db.View(func(tx *bolt.Tx) error {
		prefix := scopedKey(scope, "")
		c := tx.Bucket(bucketQuestions).Cursor()
		for k, v := c.Seek(questionKey(scope, since, 0)); k != nil && hasPrefix(k, prefix); k, v = c.Next() {
			var r QuestionRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return err
			}
			out = append(out, r)
		}
		return nil
	})
	if err != nil {
		return nil, errorf("read questions: %w", err)
	}
	return out, nil
}

// Question returns one logged question of scope by id, or ErrNotFound.
func (l *Library) Question(scope, id string) (QuestionRecord, error) {
	var rec QuestionRecord
	found := false
	err := l.db.View(func(tx *bolt.Tx) error {
		key := questionIDKey(scope, id)
		v := tx.Bucket(bucketQuestions).Get(key)
		if v == nil {
			return nil
		}
		found = true
		return json.Unmarshal(v, &rec)
	})
	if err != nil {
		return rec, errorf("read question: %w", err)
	}
	if !found {
		return rec, ErrNotFound
	}
	return rec, nil
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
