package search

import (
	"encoding/json"
	"time"
)

func (t pgTx) DigestSettings(scope string) (DigestSettings, bool, error) {
	var s DigestSettings
	var raw []byte
	ok, err := t.one("SELECT record FROM digest_settings WHERE scope = $1", []any{scope}, &raw)
	if !ok {
		return s, false, err
	}
	err = json.Unmarshal(raw, &s)
	return s, true, err
}

func (t pgTx) PutDigestSettings(scope string, s DigestSettings) error {
	raw, err := json.Marshal(s)
	if err != nil {
		return err
	}
	_, err = t.tx.Exec(t.ctx, `INSERT INTO digest_settings (scope, record) VALUES ($1, $2)
		ON CONFLICT (scope) DO UPDATE SET record = excluded.record`, scope, raw)
	return err
}

func (t pgTx) AllDigestSettings() ([]DigestSettings, error) {
	return jsonRows[DigestSettings](t, "SELECT record FROM digest_settings ORDER BY scope")
}

func (t pgTx) DigestClaim(scope, day string) (DigestClaim, bool, error) {
	var c DigestClaim
	var lease *time.Time
	ok, err := t.one("SELECT holder, claimed_at, lease_until, progress FROM digest_claims WHERE scope = $1 AND day = $2",
		[]any{scope, day}, &c.Holder, &c.ClaimedAt, &lease, &c.Progress)
	if lease != nil {
		c.LeaseUntil = lease.UTC()
	}
	c.ClaimedAt = c.ClaimedAt.UTC()
	return c, ok, err
}

func (t pgTx) PutDigestClaim(scope, day string, c DigestClaim) error {
	var lease *time.Time
	if !c.LeaseUntil.IsZero() {
		lease = &c.LeaseUntil
	}
	_, err := t.tx.Exec(t.ctx, `INSERT INTO digest_claims (scope, day, claimed_at, holder, lease_until, progress)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (scope, day) DO UPDATE SET claimed_at = excluded.claimed_at, holder = excluded.holder,
			lease_until = excluded.lease_until, progress = excluded.progress`,
		scope, day, c.ClaimedAt, c.Holder, lease, c.Progress)
	return err
}
