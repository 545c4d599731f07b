package search

import (
	"encoding/json"
	"time"
)

func (t boltTx) DigestSettings(scope string) (DigestSettings, bool, error) {
	var s DigestSettings
	raw := t.tx.Bucket(bucketDigest).Get([]byte(scopeKey(scope)))
	if raw == nil {
		return s, false, nil
	}
	err := json.Unmarshal(raw, &s)
	return s, true, err
}

func (t boltTx) PutDigestSettings(scope string, s DigestSettings) error {
	raw, err := json.Marshal(s)
	if err != nil {
		return err
	}
	return t.tx.Bucket(bucketDigest).Put([]byte(scopeKey(scope)), raw)
}

func (t boltTx) AllDigestSettings() ([]DigestSettings, error) {
	return readAll[DigestSettings](t.tx, bucketDigest)
}

func (t boltTx) DigestClaim(scope, day string) (DigestClaim, bool, error) {
	raw := t.tx.Bucket(bucketDigestClaims).Get(scopedKey(scope, day))
	if raw == nil {
		return DigestClaim{}, false, nil
	}
	var c DigestClaim
	if len(raw) > 0 && raw[0] != '{' {
		// A claim from before leases: the time it was made, no lease.
		at, err := time.Parse(time.RFC3339Nano, string(raw))
		return DigestClaim{ClaimedAt: at}, true, err
	}
	err := json.Unmarshal(raw, &c)
	return c, true, err
}

func (t boltTx) PutDigestClaim(scope, day string, c DigestClaim) error {
	raw, err := json.Marshal(c)
	if err != nil {
		return err
	}
	return t.tx.Bucket(bucketDigestClaims).Put(scopedKey(scope, day), raw)
}
