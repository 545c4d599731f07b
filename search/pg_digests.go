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

func (t pgTx) ClaimDigest(scope, day string, at time.Time) (bool, error) {
	tag, err := t.tx.Exec(t.ctx, `INSERT INTO digest_claims (scope, day, claimed_at) VALUES ($1, $2, $3)
		ON CONFLICT DO NOTHING`, scope, day, at)
	return tag.RowsAffected() == 1, err
}

func (t pgTx) ReleaseDigest(scope, day string) error {
	_, err := t.tx.Exec(t.ctx, "DELETE FROM digest_claims WHERE scope = $1 AND day = $2", scope, day)
	return err
}
