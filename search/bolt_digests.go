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

func (t boltTx) ClaimDigest(scope, day string, at time.Time) (bool, error) {
	b := t.tx.Bucket(bucketDigestClaims)
	key := scopedKey(scope, day)
	if b.Get(key) != nil {
		return false, nil
	}
	return true, b.Put(key, []byte(at.UTC().Format(time.RFC3339Nano)))
}

func (t boltTx) ReleaseDigest(scope, day string) error {
	return t.tx.Bucket(bucketDigestClaims).Delete(scopedKey(scope, day))
}
