package search

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"sync"
	"sync/atomic"
	"time"
)

// questionLog writes the question log behind the answers. A lone /ask at
// 100k passages spent about half its time waiting for the log's fsync
// before it could answer; now Ask gives the question its id at once (the
// card's buttons carry it) and queues the record, and one goroutine writes
// whatever is queued in one transaction: a question waits for no disk,
// and questions asked together share one fsync. The writer waits a
// moment (questionLinger) before it writes, so that its commit runs
// after the answer has gone rather than beside it, and the questions of
// that moment share it.
//
// Reading the log (Questions, Question) first waits for what is queued,
// so a button pressed on an answer always finds its question. A crash
// loses the questions of the last few milliseconds, never an answer.
type questionLog struct {
	st  store
	log func(msg string, args ...any)
	seq atomic.Uint64 // the last sequence number given out

	mu      sync.Mutex
	cond    *sync.Cond // signalled when written grows or the writer stops
	queue   []queuedQuestion
	queued  uint64 // records ever queued
	written uint64 // records the writer is done with (stored, or failed and logged)
	stopped bool
	wake    chan struct{} // capacity 1: something is queued
	now     chan struct{} // capacity 1: a reader waits, write without lingering
	done    chan struct{} // closed when the writer has finished
	linger  time.Duration
}

// questionLinger is how long the writer lets questions gather before it
// writes them. A lone /ask at 100k passages answers in about 3 ms; a
// commit with its fsync beside the next answers slowed those (the fake
// Discord's p90 from question to reply, 0.8 ms without the log's
// commits, 1.1 ms with one per question).
const questionLinger = 25 * time.Millisecond

type queuedQuestion struct {
	rec   QuestionRecord
	seq   uint64
	limit uint64
}

// newQuestionLog starts the writer of the log in st, lingering for linger
// before each write (questionLinger).
func newQuestionLog(st store, logErr func(msg string, args ...any), linger time.Duration) *questionLog {
	q := &questionLog{st: st, log: logErr, wake: make(chan struct{}, 1), now: make(chan struct{}, 1), done: make(chan struct{}), linger: linger}
	q.cond = sync.NewCond(&q.mu)
	// Sequence numbers only tell apart questions of the same nanosecond
	// and scope; starting from the clock keeps them apart across restarts
	// and across processes sharing a PostgreSQL store.
	q.seq.Store(uint64(time.Now().UnixNano()))
	go q.run()
	return q
}

// questionID is the id of the question asked at at with sequence number
// seq: both, big-endian, in hex (the store's key within the scope).
func questionID(at time.Time, seq uint64) string {
	b := binary.BigEndian.AppendUint64(nil, uint64(at.UnixNano()))
	return hex.EncodeToString(binary.BigEndian.AppendUint64(b, seq))
}

// add queues rec (At set) and returns its id, without waiting for the
// store. limit is the scope's cap (maxQuestionsPerScope).
func (q *questionLog) add(rec QuestionRecord, limit uint64) string {
	seq := q.seq.Add(1)
	rec.ID = questionID(rec.At, seq)
	q.mu.Lock()
	if q.stopped {
		q.mu.Unlock()
		q.log("question not logged: the library is closing", "scope", rec.Scope)
		return rec.ID
	}
	q.queue = append(q.queue, queuedQuestion{rec, seq, limit})
	q.queued++
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
	return rec.ID
}

// flush waits until every question queued before it is written.
func (q *questionLog) flush() {
	q.mu.Lock()
	defer q.mu.Unlock()
	target := q.queued
	for q.written < target && !q.stopped {
		q.hurry()
		q.cond.Wait()
	}
}

// close writes what is queued and stops the writer.
func (q *questionLog) close() {
	q.mu.Lock()
	if q.stopped {
		q.mu.Unlock()
		<-q.done
		return
	}
	q.stopped = true
	q.mu.Unlock()
	q.hurry()
	select {
	case q.wake <- struct{}{}:
	default:
	}
	<-q.done
}

// hurry ends the writer's lingering: somebody waits for what is queued.
func (q *questionLog) hurry() {
	select {
	case q.now <- struct{}{}:
	default:
	}
}

// lingerFor lets questions gather for up to d, unless hurried.
func (q *questionLog) lingerFor(d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-q.now:
	}
}

// run writes the queue until the log is closed and empty.
func (q *questionLog) run() {
	defer close(q.done)
	for range q.wake {
		q.mu.Lock()
		stopping := q.stopped
		q.mu.Unlock()
		if !stopping {
			q.lingerFor(q.linger)
		}
		q.mu.Lock()
		batch, stopped := q.queue, q.stopped
		q.queue = nil
		q.mu.Unlock()
		if len(batch) > 0 {
			if err := q.write(batch); err != nil {
				q.log("questions not logged", "questions", len(batch), "err", err)
			}
		}
		q.mu.Lock()
		q.written += uint64(len(batch))
		q.cond.Broadcast()
		if stopped && len(q.queue) == 0 {
			q.mu.Unlock()
			return
		}
		q.mu.Unlock()
	}
}

// write stores batch in one transaction.
func (q *questionLog) write(batch []queuedQuestion) error {
	return q.st.Update(context.Background(), func(tx storeTx) error {
		for _, b := range batch {
			if err := tx.AddQuestion(b.rec, b.seq, b.limit); err != nil {
				return err
			}
		}
		return nil
	})
}
