package search

import (
	"context"
	"time"
)

// questionTx is the method set of a store transaction for the question
// log.
type questionTx interface {
	// AddQuestion logs rec, whose ID is questionID(rec.At, seq). Then it
	// deletes rec.Scope's questions past the retention and beyond limit,
	// oldest first.
	AddQuestion(rec QuestionRecord, seq, limit uint64) error
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

// logQuestion queues the question for the log (see questionLog) and
// returns its id.
func (l *Library) logQuestion(q Query, ans Answer) (string, error) {
	rec := QuestionRecord{Scope: q.Scope, Text: ans.Question, UserID: q.Asker.UserID,
		ChannelID: q.Asker.ChannelID, At: l.now().UTC(), Answered: ans.Answered, Private: q.Asker.Private}
	return l.qlog.add(rec, l.maxQuestions), nil
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
	l.qlog.flush()
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
	l.qlog.flush()
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
