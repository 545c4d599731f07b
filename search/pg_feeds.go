package search

import "encoding/json"

func (t pgTx) Feed(id string) (Feed, bool, error) {
	var raw []byte
	ok, err := t.one("SELECT record FROM feeds WHERE id = $1", []any{id}, &raw)
	if !ok {
		return Feed{}, false, err
	}
	return decodeRecord[Feed]("feed", id, raw)
}

func (t pgTx) PutFeed(f Feed) error {
	raw, err := json.Marshal(f)
	if err != nil {
		return err
	}
	_, err = t.tx.Exec(t.ctx, `INSERT INTO feeds (id, scope, record) VALUES ($1, $2, $3)
		ON CONFLICT (id) DO UPDATE SET scope = excluded.scope, record = excluded.record`, f.ID, f.Scope, raw)
	return err
}

func (t pgTx) DeleteFeed(id string) error {
	_, err := t.tx.Exec(t.ctx, "DELETE FROM feeds WHERE id = $1", id)
	return err
}

func (t pgTx) AllFeeds() ([]Feed, error) {
	return jsonRows[Feed](t, "SELECT record FROM feeds ORDER BY id")
}
