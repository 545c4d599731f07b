package search

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The question log is bounded: questions older than questionRetention go,
// and a scope keeps at most maxQuestionsPerScope (the oldest go first), so
// one member asking in a loop cannot grow the store without end. The
// digest looks back a day and follow-ups two weeks, well inside both.
const (
	questionRetention    = 30 * 24 * time.Hour
	maxQuestionsPerScope = 20_000
	// pruneStep bounds the records one write deletes, so pruning a
	// backlog never makes one /ask slow.
	pruneStep = 64
)

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

// maxFollowUpChecks bounds the questions one new source is checked
// against (the latest waiting ones).
const maxFollowUpChecks = 500

// FollowUp is an earlier unanswered question that a new source answers.
type FollowUp struct {
	// Question is the latest time it was asked.
	Question QuestionRecord `json:"question"`
	// Asked holds every logged asking of the same question (folded as the
	// digest folds them) that is still waiting: one follow-up tells them
	// all, however often it was asked. Mark them with MarkFollowedUp once
	// told.
	Asked []QuestionRecord `json:"asked"`
	Quote Quote            `json:"quote"`
}

// FollowUps finds the questions of the source's scope, asked within the
// last two weeks, never answered and not yet followed up, that the source
// now answers: one FollowUp per question, however often it was asked
// (each is asked again once). Nothing is marked: the caller marks the
// questions it told with MarkFollowedUp, so a post that fails, or a crash
// before it, leaves the question waiting.
func (l *Library) FollowUps(ctx context.Context, src Source) ([]FollowUp, error) {
	since := l.now().Add(-followUpWindow)
	qs, err := l.Questions(src.Scope, since)
	if err != nil {
		return nil, err
	}
	groups := make(map[string]*FollowUp)
	var order []string
	for _, rec := range qs {
		if rec.Answered || rec.FollowedUp {
			continue
		}
		key := questionKeyText(rec.Text)
		g, ok := groups[key]
		if !ok {
			g = &FollowUp{}
			groups[key] = g
			order = append(order, key)
		}
		g.Question = rec // oldest first: the last one is the latest
		g.Asked = append(g.Asked, rec)
	}
	// Only the latest waiting questions: each is asked again.
	if len(order) > maxFollowUpChecks {
		order = order[len(order)-maxFollowUpChecks:]
	}
	var out []FollowUp
	for _, key := range order {
		g := groups[key]
		ans, err := l.ask(ctx, Query{Question: g.Question.Text, Scope: src.Scope, SourceID: src.ID, Limit: 1})
		if err != nil {
			return nil, err
		}
		if !ans.Answered || len(ans.Quotes) == 0 {
			continue
		}
		g.Quote = ans.Quotes[0]
		out = append(out, *g)
	}
	return out, nil
}

// MarkFollowedUp records that the askers of the questions ids of scope
// were told; FollowUps skips them from then on. Unknown ids (pruned since)
// are ignored.
func (l *Library) MarkFollowedUp(scope string, ids []string) error {
	if err := l.checkOpen(); err != nil {
		return err
	}
	err := l.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketQuestions)
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
	})
	if err != nil {
		return errorf("mark follow-ups: %w", err)
	}
	return nil
}

// bucketFollowUpQueue holds the follow-up checks waiting: seq →
// FollowUpJob. The bot's follow-up queue lives here so that it survives
// a restart.
var bucketFollowUpQueue = []byte("followup_queue")

// FollowUpJob is a waiting check: "source SourceID was added to Scope;
// tell whoever asked what it answers".
type FollowUpJob struct {
	ID       string    `json:"id"`
	Scope    string    `json:"scope,omitempty"`
	SourceID string    `json:"source_id"`
	QueuedAt time.Time `json:"queued_at"`
}

// QueueFollowUps records that the source id of scope was added and its
// follow-ups are owed. A source queued twice is checked once.
func (l *Library) QueueFollowUps(scope, id string) error {
	if err := l.checkOpen(); err != nil {
		return err
	}
	err := l.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketFollowUpQueue)
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
		raw, err := json.Marshal(FollowUpJob{ID: hex.EncodeToString(key), Scope: scope, SourceID: id, QueuedAt: l.now().UTC()})
		if err != nil {
			return err
		}
		return b.Put(key, raw)
	})
	if err != nil {
		return errorf("queue follow-ups: %w", err)
	}
	return nil
}

// FollowUpJobs returns the waiting follow-up checks, oldest first.
func (l *Library) FollowUpJobs() ([]FollowUpJob, error) {
	if err := l.checkOpen(); err != nil {
		return nil, err
	}
	var out []FollowUpJob
	err := l.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketFollowUpQueue).ForEach(func(_, v []byte) error {
			var j FollowUpJob
			if err := json.Unmarshal(v, &j); err != nil {
				return err
			}
			out = append(out, j)
			return nil
		})
	})
	if err != nil {
		return nil, errorf("read follow-up queue: %w", err)
	}
	return out, nil
}

// FinishFollowUpJob removes a check from the queue, once its follow-ups
// were posted (or found undeliverable).
func (l *Library) FinishFollowUpJob(id string) error {
	if err := l.checkOpen(); err != nil {
		return err
	}
	err := l.db.Update(func(tx *bolt.Tx) error {
		key, err := hex.DecodeString(id)
		if err != nil {
			return nil // not a job id: no job to finish
		}
		return tx.Bucket(bucketFollowUpQueue).Delete(key)
	})
	if err != nil {
		return errorf("finish follow-up job: %w", err)
	}
	return nil
}

// errStop ends a bbolt ForEach early once it found what it looked for.
var errStop = errors.New("search: stop")
