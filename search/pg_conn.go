package search

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// The limits every pooled connection starts with, so that one stuck
// process (a suspended `sitrep import` holding the write lock, a host gone
// with its connection open) costs the others a clear error, not a hang. A
// parameter of the same name in the database URL
// (postgres://…?lock_timeout=30s) wins.
//
// Writers hold the write lock for one transaction: a /source add for a few
// milliseconds, an import batch of importBatch sources for about a second.
var sessionLimits = map[string]string{
	// lock_timeout bounds a wait for the write lock (or any lock).
	"lock_timeout": "10s",
	// statement_timeout bounds one statement.
	"statement_timeout": "60s",
	// idle_in_transaction_session_timeout ends the session of a process
	// that stopped in the middle of a transaction, which frees its locks.
	"idle_in_transaction_session_timeout": "60s",
}

// storeCallTimeout bounds one View, Update or Batch whose context has no
// earlier deadline: the server-side limits cannot see a connection whose
// host vanished, and many callers have no deadline of their own.
const storeCallTimeout = 2 * time.Minute

// rollbackTimeout bounds the rollback of a transaction that failed.
const rollbackTimeout = 5 * time.Second

// ErrStoreBusy: the store did not answer in time. Another process held the
// write lock past lock_timeout, a statement ran past statement_timeout, or
// the call past storeCallTimeout. The error wraps it as a *StoreBusyError.
var ErrStoreBusy = errors.New("search: the library's store is busy")

// StoreBusyError says why the store gave up on a call.
type StoreBusyError struct {
	// Reason is what ran out, in a few words.
	Reason string
	// MayHaveWritten is false when the call certainly wrote nothing (it
	// gave up before its commit), true when it may have.
	MayHaveWritten bool
	Err            error
}

func (e *StoreBusyError) Error() string {
	outcome := "nothing was written"
	if e.MayHaveWritten {
		outcome = "the write may or may not have been saved"
	}
	return fmt.Sprintf("search: the library's store is busy: %s; %s: %v", e.Reason, outcome, e.Err)
}

// Unwrap makes errors.Is(err, ErrStoreBusy) true and keeps the cause.
func (e *StoreBusyError) Unwrap() []error { return []error{ErrStoreBusy, e.Err} }

// UserMessage is what a member or moderator reads.
func (e *StoreBusyError) UserMessage() string {
	if e.MayHaveWritten {
		return "The library did not answer in time; the change may or may not have been saved. Check before trying again"
	}
	return "The library is busy: another Sitrep process is holding it. Nothing was changed; please try again in a minute"
}

// setSessionLimits adds sessionLimits to a connection's startup
// parameters, keeping any the database URL set.
func setSessionLimits(cfg *pgxpool.Config) {
	params := cfg.ConnConfig.RuntimeParams
	for k, v := range sessionLimits {
		if _, set := params[k]; !set {
			params[k] = v
		}
	}
}

// boundCall gives ctx a deadline storeCallTimeout away, unless it has an
// earlier one.
func boundCall(ctx context.Context) (context.Context, context.CancelFunc) {
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) <= storeCallTimeout {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, storeCallTimeout)
}

// run runs fn in one transaction, bounded by a deadline, taking the write
// lock first when lock is set. A transaction that cannot begin because its
// pooled connection is dead (the server restarted: every pooled
// connection is, and pgx finds out one query at a time) is begun again,
// once, on a fresh connection: nothing was sent, so nothing can be done
// twice. Once fn has run, an error is returned as it is: the transaction
// did not commit (or, for an error in the commit itself, may have).
func (s *pgStore) run(ctx context.Context, opts pgx.TxOptions, lock bool, fn func(storeTx) error) error {
	bounded, cancel := boundCall(ctx)
	defer cancel()
	tx, err := s.pool.BeginTx(bounded, opts)
	if err != nil && bounded.Err() == nil && connectionLost(err) {
		s.pool.Reset() // drop the other dead connections too
		tx, err = s.pool.BeginTx(bounded, opts)
	}
	if err != nil {
		return busyOr(ctx, bounded, err, false)
	}
	defer func() {
		// A no-op after Commit; else the transaction ends here, whatever
		// fn did (a panic included), within a bound of its own.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(bounded), rollbackTimeout)
		defer cancel()
		tx.Rollback(rctx)
	}()
	if lock {
		if _, err := tx.Exec(bounded, "SELECT pg_advisory_xact_lock($1)", lockWrite); err != nil {
			return busyOr(ctx, bounded, err, false)
		}
	}
	if err := fn(pgTx{bounded, tx}); err != nil {
		return busyOr(ctx, bounded, err, false)
	}
	if err := tx.Commit(bounded); err != nil {
		return busyOr(ctx, bounded, fmt.Errorf("commit: %w", err), true)
	}
	return nil
}

// readOnce runs one read-only statement outside a transaction, bounded by
// a deadline, and once more on a fresh connection when the first one's
// connection was dead: a read done twice changes nothing.
func (s *pgStore) readOnce(ctx context.Context, fn func(context.Context) error) error {
	bounded, cancel := boundCall(ctx)
	defer cancel()
	err := fn(bounded)
	if err != nil && bounded.Err() == nil && connectionLost(err) {
		s.pool.Reset()
		err = fn(bounded)
	}
	if err != nil {
		return busyOr(ctx, bounded, err, false)
	}
	return nil
}

// connectionLost reports whether err says the connection is gone (closed,
// reset, or ended by the server), as opposed to the server refusing what
// was asked.
func connectionLost(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// Class 08: connection exception; 57P01-57P03: the server shut
		// down, crashed or is starting.
		return strings.HasPrefix(pgErr.Code, "08") || pgErr.Code == "57P01" || pgErr.Code == "57P02" || pgErr.Code == "57P03"
	}
	if pgconn.SafeToRetry(err) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) {
		return true
	}
	var netErr net.Error
	return errors.As(err, &netErr) && !netErr.Timeout()
}

// busyOr returns err as a *StoreBusyError when a limit ran out: the
// server's lock or statement timeout, or the call's deadline (bounded's
// own, not the caller's ctx, which the caller knows about).
// mayHaveWritten is set for an error in the commit.
func busyOr(ctx, bounded context.Context, err error, mayHaveWritten bool) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "55P03": // lock_not_available: lock_timeout
			return &StoreBusyError{Reason: "another process held the write lock too long (a stopped `sitrep import`? a host gone with its connection open?)",
				MayHaveWritten: mayHaveWritten, Err: err}
		case "57014": // query_canceled: statement_timeout
			if bounded.Err() == nil {
				return &StoreBusyError{Reason: "a statement ran past statement_timeout", MayHaveWritten: mayHaveWritten, Err: err}
			}
		}
	}
	if ctx.Err() == nil && errors.Is(bounded.Err(), context.DeadlineExceeded) {
		return &StoreBusyError{Reason: fmt.Sprintf("no answer within %v", storeCallTimeout), MayHaveWritten: mayHaveWritten, Err: err}
	}
	return err
}
