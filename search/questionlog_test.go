package search

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"
)

// countingStore counts the write transactions of the store it wraps.
type countingStore struct {
	store
	updates atomic.Int32
}

func (s *countingStore) Update(ctx context.Context, fn func(storeTx) error) error {
	s.updates.Add(1)
	return s.store.Update(ctx, fn)
}

// TestQuestionsAskedTogetherShareACommit pins the question log's
// lingering writer: questions queued within its linger are written in one
// transaction (one fsync, after the answers have gone rather than beside
// them); a reader who needs them does not wait out the linger; and
// without a reader they are written once it has passed. A log that wrote
// each question alone would slow the answers beside its commits; one that
// waited for its linger before a reader would make a follow-up button
// wait, and one that never wrote without a reader would lose questions.
func TestQuestionsAskedTogetherShareACommit(t *testing.T) {
	lib := openTest(t, t.TempDir(), nil)
	st := &countingStore{store: lib.st}
	q := newQuestionLog(st, func(string, ...any) {}, time.Hour) // only a reader ends its linger
	defer q.close()
	rec := func(i int) QuestionRecord {
		return QuestionRecord{Scope: "7", Text: fmt.Sprintf("question %d", i), At: time.Unix(int64(1000+i), 0)}
	}
	for i := range 5 {
		q.add(rec(i), maxQuestionsPerScope)
	}
	done := make(chan struct{})
	go func() { q.flush(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("a reader waited for the writer's linger: a follow-up button would hang")
	}
	if n := st.updates.Load(); n != 1 {
		t.Fatalf("5 questions queued together took %d transactions, want 1", n)
	}
	// Without a reader, what is queued is written once the linger ends.
	q2 := newQuestionLog(st, func(string, ...any) {}, 10*time.Millisecond)
	defer q2.close()
	q2.add(rec(5), maxQuestionsPerScope)
	deadline := time.Now().Add(30 * time.Second)
	for st.updates.Load() < 2 {
		if time.Now().After(deadline) {
			t.Fatal("a queued question was never written without a reader: a crash later would lose it")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
