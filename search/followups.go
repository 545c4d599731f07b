package search

import (
	"context"
	"time"
)

// followUpWindow is how far back an unanswered question still deserves a
// follow-up when a source that answers it arrives.
const followUpWindow = 14 * 24 * time.Hour

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
	err := l.st.Update(context.Background(), func(tx storeTx) error {
		return tx.MarkFollowedUp(scope, ids)
	})
	if err != nil {
		return errorf("mark follow-ups: %w", err)
	}
	return nil
}

// FollowUpJob is a waiting check: "source SourceID was added to Scope;
// tell whoever asked what it answers".
type FollowUpJob struct {
	ID       string    `json:"id"`
	Scope    string    `json:"scope,omitempty"`
	SourceID string    `json:"source_id"`
	QueuedAt time.Time `json:"queued_at"`
}

// followUpTx is the method set of a store transaction for the follow-up
// queue: the checks owed for sources added, kept so a restart resumes
// them.
type followUpTx interface {
	// QueueFollowUp queues the follow-up check of source id of scope,
	// unless it is queued already.
	QueueFollowUp(scope, id string, at time.Time) error
	// FollowUpJobs returns the queued checks, oldest first.
	FollowUpJobs() ([]FollowUpJob, error)
	// DeleteFollowUpJob removes a queued check; an unknown id is no error.
	DeleteFollowUpJob(id string) error
}

// QueueFollowUps records that the source id of scope was added and its
// follow-ups are owed. A source queued twice is checked once.
func (l *Library) QueueFollowUps(scope, id string) error {
	if err := l.checkOpen(); err != nil {
		return err
	}
	err := l.st.Update(context.Background(), func(tx storeTx) error {
		return tx.QueueFollowUp(scope, id, l.now().UTC())
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
	err := l.st.View(context.Background(), func(tx storeTx) error {
		var err error
		out, err = tx.FollowUpJobs()
		return err
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
	err := l.st.Update(context.Background(), func(tx storeTx) error {
		return tx.DeleteFollowUpJob(id)
	})
	if err != nil {
		return errorf("finish follow-up job: %w", err)
	}
	return nil
}
