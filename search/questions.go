package search

import (
	"context"
	"time"
)

// questionTx is the method set of a store transaction for the question
// log.
type questionTx interface {
	// AddQuestion logs a question of scope asked at at: rec builds the
	// record from the id the store gives it. Then it deletes scope's
	// questions past the retention and beyond limit, oldest first.
	AddQuestion(scope string, at time.Time, rec func(id string) QuestionRecord, limit uint64) (string, error)
	// Questions returns scope's questions at or after since (not before
	// the epoch), oldest first.
	Questions(scope string, since time.Time) ([]QuestionRecord, error)
	Question(scope, id string) (QuestionRecord, bool, error)
	// MarkFollowedUp sets FollowedUp on scope's questions ids; unknown
	// ids are ignored.
	MarkFollowedUp(scope string, ids []string) error
}

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

func (l *Library) logQuestion(q Query, ans Answer) (string, error) {
	var id string
	// Batch coalesces the log writes of concurrent questions into one
	// transaction and one fsync; under load that is most of /ask's tail.
	err := l.st.Batch(context.Background(), func(tx storeTx) error {
		at := l.now().UTC()
		var err error
		id, err = tx.AddQuestion(q.Scope, at, func(id string) QuestionRecord {
			return QuestionRecord{ID: id, Scope: q.Scope, Text: ans.Question, UserID: q.Asker.UserID,
				ChannelID: q.Asker.ChannelID, At: at, Answered: ans.Answered, Private: q.Asker.Private}
		}, l.maxQuestions)
		return err
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
	err := l.st.View(context.Background(), func(tx storeTx) error {
		var err error
		out, err = tx.Questions(scope, since)
		return err
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
	err := l.st.View(context.Background(), func(tx storeTx) error {
		var err error
		rec, found, err = tx.Question(scope, id)
		return err
	})
	if err != nil {
		return rec, errorf("read question: %w", err)
	}
	if !found {
		return rec, ErrNotFound
	}
	return rec, nil
}
