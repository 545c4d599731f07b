package search

import "encoding/json"

func (t boltTx) Feed(id string) (Feed, bool, error) {
	raw := t.tx.Bucket(bucketFeeds).Get([]byte(id))
	if raw == nil {
		return Feed{}, false, nil
	}
	return decodeRecord[Feed]("feed", id, raw)
}

func (t boltTx) PutFeed(f Feed) error {
	raw, err := json.Marshal(f)
	if err != nil {
		return err
	}
	return t.tx.Bucket(bucketFeeds).Put([]byte(f.ID), raw)
}

func (t boltTx) DeleteFeed(id string) error { return t.tx.Bucket(bucketFeeds).Delete([]byte(id)) }

func (t boltTx) AllFeeds() ([]Feed, error) { return readAll[Feed](t.tx, bucketFeeds) }
