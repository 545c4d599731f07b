package search

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// DigestLease is how long a claim on a day's digest is its holder's alone.
// It outlasts a post (the scheduler gives one two minutes), and each
// recorded step renews it; a holder that died loses it when it runs out.
const DigestLease = 5 * time.Minute

// ErrDigestClaimLost: the claim was taken over by another process (the
// lease ran out), so the caller must stop posting.
var ErrDigestClaimLost = errors.New("search: the digest claim was taken over by another process")

// DigestClaim is a claim on posting one scope's digest of one day.
type DigestClaim struct {
	// Holder is the process holding it: the instance id of its data
	// directory, "/", and an id of the open Library.
	Holder     string    `json:"holder"`
	ClaimedAt  time.Time `json:"claimed_at"`
	LeaseUntil time.Time `json:"lease_until,omitzero"`
	// Progress is what the holders recorded of the post (the bot's
	// record of the messages rendered and posted), for whoever takes the
	// claim over; opaque here.
	Progress []byte `json:"progress,omitempty"`
}

// digestClaimTx is the method set of a store transaction for claims.
type digestClaimTx interface {
	// DigestClaim returns the claim on scope's digest of day, if any.
	DigestClaim(scope, day string) (DigestClaim, bool, error)
	// PutDigestClaim stores it, replacing any.
	PutDigestClaim(scope, day string, c DigestClaim) error
}

// ClaimDigest claims the posting of scope's digest for the local day at
// at, across every process sharing the store. It returns the claim and
// true when the caller now holds it: the day was unclaimed, or its lease
// ran out or was released, or its holder was an earlier process on this
// data directory (which is dead: only one process opens a data directory).
// The claim then keeps the Progress its earlier holders recorded, so the
// caller finishes their post rather than start another. Otherwise it
// returns the claim (Progress included) and false.
func (l *Library) ClaimDigest(scope, day string, at time.Time) (DigestClaim, bool, error) {
	if err := l.checkOpen(); err != nil {
		return DigestClaim{}, false, err
	}
	var c DigestClaim
	var granted bool
	err := l.st.Update(context.Background(), func(tx storeTx) error {
		var found bool
		var err error
		if c, found, err = tx.DigestClaim(scope, day); err != nil {
			return err
		}
		instance, _, _ := strings.Cut(c.Holder, "/")
		switch {
		case !found:
			c = DigestClaim{ClaimedAt: at.UTC()}
		case !at.Before(c.LeaseUntil):
		case instance == l.instance && c.Holder != l.holder:
		default:
			return nil
		}
		granted = true
		c.Holder, c.LeaseUntil = l.holder, at.Add(DigestLease).UTC()
		return tx.PutDigestClaim(scope, day, c)
	})
	if err != nil {
		return DigestClaim{}, false, errorf("claim digest: %w", err)
	}
	return c, granted, nil
}

// SaveDigestProgress records the holder's progress on scope's digest of
// day and renews its lease from at. It returns ErrDigestClaimLost when the
// caller no longer holds the claim.
func (l *Library) SaveDigestProgress(scope, day string, at time.Time, progress []byte) error {
	return l.changeClaim(scope, day, "save digest progress", func(c *DigestClaim) {
		c.Progress, c.LeaseUntil = progress, at.Add(DigestLease).UTC()
	})
}

// ReleaseDigest ends the caller's lease on scope's digest of day (its post
// failed), keeping the progress, so that the next attempt, here or in
// another process, claims it at once and finishes the post. A claim the
// caller does not hold is left alone.
func (l *Library) ReleaseDigest(scope, day string) error {
	err := l.changeClaim(scope, day, "release digest claim", func(c *DigestClaim) { c.LeaseUntil = time.Time{} })
	if errors.Is(err, ErrDigestClaimLost) {
		return nil
	}
	return err
}

// changeClaim applies change to the claim the caller holds.
func (l *Library) changeClaim(scope, day, what string, change func(*DigestClaim)) error {
	if err := l.checkOpen(); err != nil {
		return err
	}
	err := l.st.Update(context.Background(), func(tx storeTx) error {
		c, found, err := tx.DigestClaim(scope, day)
		if err != nil {
			return err
		}
		if !found || c.Holder != l.holder {
			return ErrDigestClaimLost
		}
		change(&c)
		return tx.PutDigestClaim(scope, day, c)
	})
	if errors.Is(err, ErrDigestClaimLost) {
		return fmt.Errorf("%w (%s %s)", ErrDigestClaimLost, scope, day)
	}
	if err != nil {
		return errorf("%s: %w", what, err)
	}
	return nil
}

// instanceFile holds the data directory's instance id.
const instanceFile = "instance-id"

// instanceID returns the id of the data directory dir, creating it the
// first time. The caller holds dir (its index lock).
func instanceID(dir string) (string, error) {
	path := filepath.Join(dir, instanceFile)
	raw, err := os.ReadFile(path)
	if err == nil && len(strings.TrimSpace(string(raw))) > 0 {
		return strings.TrimSpace(string(raw)), nil
	}
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	id := randomID()
	if err := os.WriteFile(path, []byte(id+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	return id, nil
}

func randomID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}
