package search

import (
	"context"
	"encoding/json"
	"time"

	"sitrep/schedule"
)

// digestTx is the method set of a store transaction for digests: each
// guild's settings, and the claims that post a day's digest once.
type digestTx interface {
	DigestSettings(scope string) (DigestSettings, bool, error)
	PutDigestSettings(scope string, s DigestSettings) error
	AllDigestSettings() ([]DigestSettings, error)
	digestClaimTx // digestclaim.go
}

// DigestSettings is a guild's digest schedule and the last day posted.
type DigestSettings struct {
	Scope     string `json:"scope"`
	ChannelID string `json:"channel_id"`
	// Time is the local time of day the digest is due; nil when none was
	// chosen (a record MarkDigestPosted made alone), which is not midnight.
	// It is stored as "HH:MM", or "" for nil.
	Time *schedule.TimeOfDay `json:"-"`
	// Timezone is the guild's zone, stored as its IANA name; the zero Zone
	// when none was chosen. A stored name this host does not know reads
	// as a Zone with a nil Location (see schedule.Zone).
	Timezone schedule.Zone `json:"timezone"`
	Enabled  bool          `json:"enabled"`
	// LastDay is the local day (YYYY-MM-DD) of the last digest posted;
	// LastPostedAt is when, and the next digest covers what came after.
	LastDay      string    `json:"last_day,omitempty"`
	LastPostedAt time.Time `json:"last_posted_at,omitempty"`
	UpdatedBy    string    `json:"updated_by,omitempty"`
}

// digestRecord is DigestSettings as stored: the time as a string, "" for
// none, the form records have always had.
type digestRecord struct {
	digestFields
	Time string `json:"time"`
}

// digestFields is DigestSettings without its methods, so that
// digestRecord's encoding does not call them again.
type digestFields DigestSettings

// MarshalJSON stores the settings with the time as "HH:MM", or "" when
// none was chosen. It fails for a time that is not a real minute of a day.
func (s DigestSettings) MarshalJSON() ([]byte, error) {
	r := digestRecord{digestFields: digestFields(s)}
	if s.Time != nil {
		text, err := s.Time.MarshalText()
		if err != nil {
			return nil, err
		}
		r.Time = string(text)
	}
	return json.Marshal(r)
}

// UnmarshalJSON reads stored settings. A time of "" reads as nil (none
// chosen). So that one damaged record cannot stop every server's digest, a
// time that does not parse reads as nil too: the bot then posts no digest
// for that server until a moderator sets the time again.
func (s *DigestSettings) UnmarshalJSON(raw []byte) error {
	var r digestRecord
	if err := json.Unmarshal(raw, &r); err != nil {
		return err
	}
	*s = DigestSettings(r.digestFields)
	s.Time = nil
	if r.Time != "" {
		if c, err := schedule.ParseTimeOfDay(r.Time); err == nil {
			s.Time = &c
		}
	}
	return nil
}

// DigestSettings returns a guild's settings and whether it has any.
func (l *Library) DigestSettings(scope string) (DigestSettings, bool, error) {
	var s DigestSettings
	found := false
	err := l.st.View(context.Background(), func(tx storeTx) error {
		var err error
		s, found, err = tx.DigestSettings(scope)
		return err
	})
	if err != nil {
		return s, false, errorf("read digest settings: %w", err)
	}
	return s, found, nil
}

// SetDigestSettings stores a guild's schedule, keeping its last posted day
// (changing the time must not post a second digest the same day).
func (l *Library) SetDigestSettings(s DigestSettings) error {
	return l.updateDigest(s.Scope, func(old *DigestSettings) {
		s.LastDay, s.LastPostedAt = old.LastDay, old.LastPostedAt
		*old = s
	})
}

// MarkDigestPosted durably records that scope's digest for the local day
// was posted at at.
func (l *Library) MarkDigestPosted(scope, day string, at time.Time) error {
	return l.updateDigest(scope, func(s *DigestSettings) {
		s.Scope, s.LastDay, s.LastPostedAt = scope, day, at.UTC()
	})
}

func (l *Library) updateDigest(scope string, change func(*DigestSettings)) error {
	if err := l.checkOpen(); err != nil {
		return err
	}
	err := l.st.Update(context.Background(), func(tx storeTx) error {
		s, _, err := tx.DigestSettings(scope)
		if err != nil {
			return err
		}
		change(&s)
		return tx.PutDigestSettings(scope, s)
	})
	if err != nil {
		return errorf("store digest settings: %w", err)
	}
	return nil
}

// AllDigestSettings returns every guild's digest settings.
func (l *Library) AllDigestSettings() ([]DigestSettings, error) {
	if err := l.checkOpen(); err != nil {
		return nil, err
	}
	var out []DigestSettings
	err := l.st.View(context.Background(), func(tx storeTx) error {
		var err error
		out, err = tx.AllDigestSettings()
		return err
	})
	if err != nil {
		return nil, errorf("read digest settings: %w", err)
	}
	return out, nil
}
