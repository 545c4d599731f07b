package search

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"sitrep/internal/pgtest"
)

// pgTestURL is a fresh database of the test's own (pgtest.NewDatabase: on
// the server of SITREP_TEST_DATABASE_URL, else a throwaway one; the test
// skips where PostgreSQL cannot be had).
func pgTestURL(tb testing.TB) string { return pgtest.NewDatabase(tb) }

// storeFactories are the implementations the contract runs against.
var storeFactories = map[string]func(tb testing.TB) store{
	"bbolt": func(tb testing.TB) store {
		dir := tb.TempDir()
		s, err := openBolt(filepath.Join(dir, "library.db"), dir)
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { s.Close() })
		return s
	},
	"postgres": func(tb testing.TB) store {
		s, err := openPG(context.Background(), pgTestURL(tb))
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { s.Close() })
		return s
	},
}

// TestStoreContract runs the one contract of the store against bbolt and
// PostgreSQL (the latter skips without SITREP_TEST_DATABASE_URL).
func TestStoreContract(t *testing.T) {
	for name, open := range storeFactories {
		t.Run(name, func(t *testing.T) { testStoreContract(t, open) })
	}
}

func testStoreContract(t *testing.T, open func(testing.TB) store) {
	cases := []struct {
		name string
		fn   func(t *testing.T, st store)
	}{
		{"sources", contractSources},
		{"replace and remove", contractReplaceRemove},
		{"versions", contractVersions},
		{"catalog", contractCatalog},
		{"pending", contractPending},
		{"rollback", contractRollback},
		{"audit and meta", contractAuditMeta},
		{"questions", contractQuestions},
		{"question pruning", contractQuestionPruning},
		{"question retention", contractQuestionRetention},
		{"digest", contractDigest},
		{"digest claimed once", contractDigestClaim},
		{"feeds", contractFeeds},
		{"follow-up queue", contractFollowUps},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { c.fn(t, open(t)) })
	}
}

func update(t *testing.T, st store, fn func(storeTx) error) {
	t.Helper()
	if err := st.Update(context.Background(), fn); err != nil {
		t.Fatalf("Update: %v", err)
	}
}

func view(t *testing.T, st store, fn func(storeTx) error) {
	t.Helper()
	if err := st.View(context.Background(), fn); err != nil {
		t.Fatalf("View: %v", err)
	}
}

// contractSource is a normalised source as Library.write stores it.
func contractSource(t *testing.T, id, scope, title, text, url string, at time.Time) storedSource {
	t.Helper()
	s := Source{ID: id, Scope: scope, Title: title, Text: text, URL: url, AddedBy: "mod"}
	spans, err := s.normalize()
	if err != nil {
		t.Fatal(err)
	}
	s.AddedAt = at
	return storedSource{Source: s, Spans: spans, Attribution: attribute(s.Text, spans), AttributionVersion: attributionVersion}
}

var contractT0 = time.Date(2026, 6, 1, 12, 0, 0, 123456789, time.UTC)

// putAll stores new sources in one transaction.
func putAll(t *testing.T, st store, srcs ...storedSource) {
	t.Helper()
	update(t, st, func(tx storeTx) error {
		for _, s := range srcs {
			if err := tx.PutSource(s, nil); err != nil {
				return err
			}
		}
		return nil
	})
}

func contractSources(t *testing.T, st store) {
	a := contractSource(t, "a", SharedScope, "Cameras hacked", articleCameras, "https://example.com/a", contractT0)
	b := contractSource(t, "b", "1", "Council", articleCouncil, "", contractT0.Add(time.Second))
	c := contractSource(t, "c", "2", "Weather", articleWeather, "https://example.com/c", contractT0.Add(2*time.Second))
	putAll(t, st, a, b, c)
	view(t, st, func(tx storeTx) error {
		got, ok, err := tx.Source("b")
		if err != nil || !ok {
			t.Fatalf("Source(b) = %v, %v", ok, err)
		}
		want := b
		want.Text = ""
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Source(b) =\n%+v\nwant\n%+v", got, want)
		}
		if len(got.Attribution) == 0 {
			t.Error("attribution lost")
		}
		if text, err := tx.Text("b"); err != nil || text != articleCouncil {
			t.Errorf("Text(b) = %q, %v", text, err)
		}
		if _, ok, err := tx.Source("nope"); ok || err != nil {
			t.Errorf("Source(nope) = %v, %v; want absent, no error", ok, err)
		}
		if text, err := tx.Text("nope"); text != "" || err != nil {
			t.Errorf("Text(nope) = %q, %v", text, err)
		}
		if id, err := tx.SourceIDByHash("1", b.Hash); id != "b" || err != nil {
			t.Errorf("SourceIDByHash(1) = %q, %v", id, err)
		}
		if id, _ := tx.SourceIDByHash("2", b.Hash); id != "" {
			t.Errorf("another scope's hash found: %q", id)
		}
		if id, err := tx.SourceIDByURL(SharedScope, a.URL); id != "a" || err != nil {
			t.Errorf("SourceIDByURL = %q, %v", id, err)
		}
		if id, _ := tx.SourceIDByURL("1", ""); id != "" {
			t.Errorf("the empty URL names a source: %q", id)
		}
		if ids, err := tx.ScopeSourceIDs("1"); err != nil || !reflect.DeepEqual(ids, []string{"b"}) {
			t.Errorf("ScopeSourceIDs(1) = %v, %v", ids, err)
		}
		if ids, err := tx.AllSourceIDs(); err != nil || !reflect.DeepEqual(ids, []string{"a", "b", "c"}) {
			t.Errorf("AllSourceIDs = %v, %v", ids, err)
		}
		if total, guild, err := tx.CountSources(); total != 3 || guild != 2 || err != nil {
			t.Errorf("CountSources = %d, %d, %v; want 3, 2", total, guild, err)
		}
		if n, err := tx.SourceCount("2"); n != 1 || err != nil {
			t.Errorf("SourceCount(2) = %d, %v", n, err)
		}
		if ids, err := tx.NewestIDs([]string{SharedScope, "2"}, 5); err != nil || !reflect.DeepEqual(ids, []string{"c", "a"}) {
			t.Errorf("NewestIDs = %v, %v; want [c a]", ids, err)
		}
		if ids, _ := tx.NewestIDs([]string{SharedScope, "1", "2"}, 2); !reflect.DeepEqual(ids, []string{"c", "b"}) {
			t.Errorf("NewestIDs limit 2 = %v; want [c b]", ids)
		}
		return nil
	})
}

func contractReplaceRemove(t *testing.T, st store) {
	a := contractSource(t, "a", "1", "Cameras hacked", articleCameras, "https://example.com/a", contractT0)
	update(t, st, func(tx storeTx) error { return tx.PutSource(a, nil) })
	a2 := contractSource(t, "a", "1", "Weather now", articleWeather, "https://example.com/a2", contractT0.Add(time.Hour))
	update(t, st, func(tx storeTx) error { return tx.PutSource(a2, &a) })
	view(t, st, func(tx storeTx) error {
		got, _, _ := tx.Source("a")
		if got.Title != "Weather now" || !got.AddedAt.Equal(a2.AddedAt) {
			t.Errorf("replaced source = %q at %v", got.Title, got.AddedAt)
		}
		if id, _ := tx.SourceIDByHash("1", a.Hash); id != "" {
			t.Errorf("the old text still finds the source")
		}
		if id, _ := tx.SourceIDByURL("1", "https://example.com/a"); id != "" {
			t.Errorf("the old URL still finds the source")
		}
		if id, _ := tx.SourceIDByURL("1", "https://example.com/a2"); id != "a" {
			t.Errorf("the new URL does not find the source: %q", id)
		}
		if n, _ := tx.SourceCount("1"); n != 1 {
			t.Errorf("SourceCount after a replace = %d; want 1", n)
		}
		if names, _ := tx.Names("1", "cameras", 10); len(names) != 0 {
			t.Errorf("the old title is still in the catalog: %+v", names)
		}
		return nil
	})
	update(t, st, func(tx storeTx) error { return tx.DeleteSource(a2) })
	view(t, st, func(tx storeTx) error {
		if _, ok, _ := tx.Source("a"); ok {
			t.Error("removed source still there")
		}
		if id, _ := tx.SourceIDByURL("1", a2.URL); id != "" {
			t.Error("removed source found by URL")
		}
		if n, _ := tx.SourceCount("1"); n != 0 {
			t.Errorf("SourceCount after removal = %d", n)
		}
		if names, _ := tx.Names("1", "", 10); len(names) != 0 {
			t.Errorf("catalog keeps a removed source: %+v", names)
		}
		if ids, _ := tx.NewestIDs([]string{"1"}, 10); len(ids) != 0 {
			t.Errorf("NewestIDs keeps a removed source: %v", ids)
		}
		jobs, err := tx.Pending()
		if err != nil || len(jobs) != 1 || jobs[0].ID != "a" || !jobs[0].Op.Remove || jobs[0].Op.Stale != len(a.Spans) {
			t.Errorf("Pending after add, replace, remove = %+v, %v; want one removal of a owing %d sentences", jobs, err, len(a.Spans))
		}
		return nil
	})
}

// contractVersions: a superseded version is stored and indexed like a
// source but never listed, counted as a source, named in the catalog, or
// found by its text or link (that would send a re-added link to the old
// text); it is counted among the texts the index holds.
func contractVersions(t *testing.T, st store) {
	a := contractSource(t, "a", "1", "Cameras hacked", articleCameras, "https://example.com/a", contractT0)
	update(t, st, func(tx storeTx) error { return tx.PutSource(a, nil) })
	prev := a
	prev.ID, prev.Version, prev.Text = versionID("a", 1), 1, articleCameras
	prev.Superseded = &Superseded{At: contractT0.Add(time.Hour), By: 2, Current: "a"}
	prev.Kept = []int{1}
	cur := contractSource(t, "a", "1", "Cameras hacked, updated", articleCouncil, "https://example.com/a", contractT0)
	cur.Version, cur.UpdatedAt = 2, contractT0.Add(time.Hour)
	update(t, st, func(tx storeTx) error {
		if err := tx.PutSource(prev, nil); err != nil {
			return err
		}
		return tx.PutSource(cur, &a)
	})
	view(t, st, func(tx storeTx) error {
		got, ok, err := tx.Source(prev.ID)
		if err != nil || !ok || got.Superseded == nil || *got.Superseded != *prev.Superseded || len(got.Kept) != 1 || got.Version != 1 {
			t.Errorf("Source(%s) = %+v, %v, %v; want the superseded version as stored", prev.ID, got, ok, err)
		}
		if text, _ := tx.Text(prev.ID); text != articleCameras {
			t.Errorf("the superseded version's text = %q", text)
		}
		if now, _, _ := tx.Source("a"); now.Version != 2 || !now.UpdatedAt.Equal(cur.UpdatedAt) {
			t.Errorf("current version = %d updated %v; want 2 at %v", now.Version, now.UpdatedAt, cur.UpdatedAt)
		}
		if ids, err := tx.VersionIDs("a"); err != nil || !reflect.DeepEqual(ids, []string{prev.ID}) {
			t.Errorf("VersionIDs(a) = %v, %v", ids, err)
		}
		if ids, _ := tx.ScopeSourceIDs("1"); !reflect.DeepEqual(ids, []string{"a"}) {
			t.Errorf("ScopeSourceIDs lists a superseded version: %v", ids)
		}
		if ids, _ := tx.NewestIDs([]string{"1"}, 5); !reflect.DeepEqual(ids, []string{"a"}) {
			t.Errorf("NewestIDs lists a superseded version: %v", ids)
		}
		if ids, _ := tx.AllSourceIDs(); !reflect.DeepEqual(ids, []string{"a", prev.ID}) {
			t.Errorf("AllSourceIDs = %v; the index needs the superseded version too", ids)
		}
		if n, _ := tx.SourceCount("1"); n != 1 {
			t.Errorf("SourceCount counts a superseded version: %d", n)
		}
		if total, guild, _ := tx.CountSources(); total != 2 || guild != 1 {
			t.Errorf("CountSources = %d, %d; want 2 texts, 1 guild source", total, guild)
		}
		if id, _ := tx.SourceIDByHash("1", a.Hash); id != "" {
			t.Errorf("the old text finds %q", id)
		}
		if id, _ := tx.SourceIDByURL("1", a.URL); id != "a" {
			t.Errorf("the link finds %q; want the current source", id)
		}
		if names, _ := tx.Names("1", "", 20); len(names) == 0 || names[0].ID != "a" {
			t.Errorf("catalog = %+v", names)
		} else {
			for _, n := range names {
				if n.ID != "a" {
					t.Errorf("the catalog names a superseded version: %+v", n)
				}
			}
		}
		return nil
	})
	update(t, st, func(tx storeTx) error { return tx.ClearAllPending() })
	update(t, st, func(tx storeTx) error { return tx.DeleteSource(prev) })
	view(t, st, func(tx storeTx) error {
		if _, ok, _ := tx.Source(prev.ID); ok {
			t.Error("deleted version still there")
		}
		if n, _ := tx.SourceCount("1"); n != 1 {
			t.Errorf("deleting a version changed the source count to %d", n)
		}
		jobs, _ := tx.Pending()
		if len(jobs) != 1 || jobs[0].ID != prev.ID || !jobs[0].Op.Remove {
			t.Errorf("Pending after deleting a version = %+v; want its removal from the index owed", jobs)
		}
		return nil
	})
}

func contractCatalog(t *testing.T, st store) {
	a := contractSource(t, "a", "1", "Hackers claim camera breach", articleCameras, "", contractT0)
	b := contractSource(t, "b", "1", "Hackers_% and more", articleWeather, "", contractT0)
	c := contractSource(t, "c", "2", "Hackers elsewhere", articleCouncil, "", contractT0)
	putAll(t, st, a, b, c)
	view(t, st, func(tx storeTx) error {
		names, err := tx.Names("1", "hackers", 10)
		if err != nil {
			return err
		}
		var got []string
		for _, n := range names {
			got = append(got, n.Name+"|"+n.ID+"|"+string(n.Kind))
		}
		want := []string{"hackers claim camera breach|a|0", "hackers_% and more|b|0"}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Names(1, hackers) = %q; want %q (another scope's never)", got, want)
		}
		if names, _ := tx.Names("1", "hackers_%", 10); len(names) != 1 || names[0].ID != "b" {
			t.Errorf("Names with LIKE's special characters = %+v; want b only", names)
		}
		if names, _ := tx.Names("1", "ca", 10); len(names) != 1 || names[0].Name != "camera breach" || names[0].Kind != nameWord {
			t.Errorf("Names(1, ca) = %+v; want the word start of a's title", names)
		}
		if names, _ := tx.Names("1", "", 3); len(names) != 3 {
			t.Errorf("Names limit 3 gave %d", len(names))
		}
		handle, err := tx.ExactNames("1", SourceHandle("a"))
		if err != nil || len(handle) != 1 || handle[0].ID != "a" || handle[0].Kind != nameHandle {
			t.Errorf("ExactNames(handle) = %+v, %v", handle, err)
		}
		if n, _ := tx.ExactNames("1", "hackers"); len(n) != 0 {
			t.Errorf("ExactNames matched a prefix: %+v", n)
		}
		return nil
	})
}

func contractPending(t *testing.T, st store) {
	a := contractSource(t, "a", "1", "Cameras", articleCameras, "", contractT0)
	b := contractSource(t, "b", "1", "Weather", articleWeather, "", contractT0)
	putAll(t, st, a, b)
	short := contractSource(t, "a", "1", "Short", "One sentence only.", "", contractT0)
	update(t, st, func(tx storeTx) error { return tx.PutSource(short, &a) })
	view(t, st, func(tx storeTx) error {
		jobs, err := tx.Pending()
		sort.Slice(jobs, func(i, j int) bool { return jobs[i].ID < jobs[j].ID })
		want := []pendingJob{{"a", pendingOp{Stale: len(a.Spans)}}, {"b", pendingOp{}}}
		if err != nil || !reflect.DeepEqual(jobs, want) {
			t.Errorf("Pending = %+v, %v; want %+v (a replace keeps the larger debt)", jobs, err, want)
		}
		if n, err := tx.PendingCount(); n != 2 || err != nil {
			t.Errorf("PendingCount = %d, %v", n, err)
		}
		return nil
	})
	update(t, st, func(tx storeTx) error { return tx.ClearPending([]string{"a", "unknown"}) })
	view(t, st, func(tx storeTx) error {
		if n, _ := tx.PendingCount(); n != 1 {
			t.Errorf("PendingCount after clearing a = %d; want 1", n)
		}
		return nil
	})
	update(t, st, func(tx storeTx) error { return tx.ClearAllPending() })
	view(t, st, func(tx storeTx) error {
		if n, _ := tx.PendingCount(); n != 0 {
			t.Errorf("PendingCount after clearing all = %d", n)
		}
		return nil
	})
}

func contractRollback(t *testing.T, st store) {
	a := contractSource(t, "a", "1", "Cameras", articleCameras, "", contractT0)
	boom := errors.New("disk full")
	err := st.Update(context.Background(), func(tx storeTx) error {
		if err := tx.PutSource(a, nil); err != nil {
			return err
		}
		if err := tx.AddAudit(AuditEntry{Action: "add", SourceID: "a"}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update = %v; want the function's error", err)
	}
	view(t, st, func(tx storeTx) error {
		if _, ok, _ := tx.Source("a"); ok {
			t.Error("a failed transaction stored its source")
		}
		if n, _ := tx.PendingCount(); n != 0 {
			t.Error("a failed transaction left pending work")
		}
		if e, _ := tx.Audit(); len(e) != 0 {
			t.Error("a failed transaction left an audit entry")
		}
		return nil
	})
}

func contractAuditMeta(t *testing.T, st store) {
	entries := []AuditEntry{
		{At: contractT0, Actor: "u1", Action: "add", SourceID: "a", Scope: "1", Title: "A"},
		{At: contractT0.Add(time.Minute), Actor: "u2", Action: "remove", SourceID: "a", Scope: "1", Title: "A"},
		{At: contractT0.Add(time.Hour), Action: "add", SourceID: "s", Title: "Seed"},
	}
	for _, e := range entries {
		update(t, st, func(tx storeTx) error { return tx.AddAudit(e) })
	}
	update(t, st, func(tx storeTx) error { return tx.PutMeta("k", []byte("v1")) })
	update(t, st, func(tx storeTx) error { return tx.PutMeta("k", []byte("v2")) })
	view(t, st, func(tx storeTx) error {
		got, err := tx.Audit()
		if err != nil || !reflect.DeepEqual(got, entries) {
			t.Errorf("Audit = %+v, %v; want %+v", got, err, entries)
		}
		if v, err := tx.Meta("k"); string(v) != "v2" || err != nil {
			t.Errorf("Meta(k) = %q, %v", v, err)
		}
		if v, err := tx.Meta("unset"); v != nil || err != nil {
			t.Errorf("Meta(unset) = %q, %v; want nil", v, err)
		}
		return nil
	})
}

// contractSeq numbers the questions the contract tests log.
var contractSeq uint64

func addQuestion(t *testing.T, st store, scope, text string, at time.Time, limit uint64) string {
	t.Helper()
	contractSeq++
	id := questionID(at, contractSeq)
	err := st.Batch(context.Background(), func(tx storeTx) error {
		return tx.AddQuestion(QuestionRecord{ID: id, Scope: scope, Text: text, At: at}, contractSeq, limit)
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func contractQuestions(t *testing.T, st store) {
	q1 := addQuestion(t, st, "1", "who?", contractT0, 100)
	q2 := addQuestion(t, st, "1", "how many?", contractT0.Add(time.Minute), 100)
	addQuestion(t, st, "2", "elsewhere?", contractT0, 100)
	if q1 == q2 || q1 == "" {
		t.Fatalf("question ids %q, %q", q1, q2)
	}
	update(t, st, func(tx storeTx) error { return tx.MarkFollowedUp("1", []string{q2, "zz", "00"}) })
	view(t, st, func(tx storeTx) error {
		qs, err := tx.Questions("1", contractT0)
		if err != nil || len(qs) != 2 || qs[0].ID != q1 || qs[1].ID != q2 {
			t.Fatalf("Questions(1) = %+v, %v", qs, err)
		}
		if qs[0].FollowedUp || !qs[1].FollowedUp {
			t.Errorf("FollowedUp = %v, %v; want false, true", qs[0].FollowedUp, qs[1].FollowedUp)
		}
		if !qs[0].At.Equal(contractT0) || qs[0].Text != "who?" {
			t.Errorf("record = %+v", qs[0])
		}
		if qs, _ := tx.Questions("1", contractT0.Add(time.Second)); len(qs) != 1 || qs[0].ID != q2 {
			t.Errorf("Questions since a second later = %+v; want q2 only", qs)
		}
		if rec, ok, err := tx.Question("1", q2); !ok || err != nil || rec.Text != "how many?" {
			t.Errorf("Question(1, q2) = %+v, %v, %v", rec, ok, err)
		}
		if _, ok, _ := tx.Question("2", q2); ok {
			t.Error("another scope's question found by id")
		}
		if _, ok, err := tx.Question("1", "not hex"); ok || err != nil {
			t.Errorf("Question(not hex) = %v, %v", ok, err)
		}
		return nil
	})
}

func contractQuestionPruning(t *testing.T, st store) {
	old := addQuestion(t, st, "1", "ancient", contractT0.Add(-40*24*time.Hour), 3)
	for i := range 4 {
		addQuestion(t, st, "1", "q", contractT0.Add(time.Duration(i)*time.Minute), 3)
	}
	addQuestion(t, st, "2", "other", contractT0, 3)
	view(t, st, func(tx storeTx) error {
		qs, err := tx.Questions("1", time.Unix(0, 0))
		if err != nil || len(qs) != 3 {
			t.Fatalf("Questions after pruning = %d, %v; want the cap, 3", len(qs), err)
		}
		for _, q := range qs {
			if q.ID == old {
				t.Error("a question past the retention was kept")
			}
		}
		if !qs[0].At.Equal(contractT0.Add(time.Minute)) {
			t.Errorf("oldest kept asked at %v; want the oldest ones gone first", qs[0].At)
		}
		if qs, _ := tx.Questions("2", time.Unix(0, 0)); len(qs) != 1 {
			t.Errorf("another scope's questions pruned: %d", len(qs))
		}
		return nil
	})
}

// contractQuestionRetention: well under the cap, logging a question
// deletes the scope's questions asked more than questionRetention (30
// days, as README promises) before it, and keeps those asked since.
func contractQuestionRetention(t *testing.T, st store) {
	days := int(questionRetention / (24 * time.Hour))
	old := addQuestion(t, st, "1", "past the retention", contractT0.Add(-questionRetention-time.Hour), 100)
	kept := addQuestion(t, st, "1", "inside the retention", contractT0.Add(-questionRetention+time.Hour), 100)
	addQuestion(t, st, "1", "today", contractT0, 100)
	view(t, st, func(tx storeTx) error {
		if _, ok, err := tx.Question("1", old); err != nil {
			t.Fatal(err)
		} else if ok {
			t.Errorf("a question asked %d days and an hour before the latest is still stored: what members asked is kept past the %d days promised", days, days)
		}
		if _, ok, err := tx.Question("1", kept); err != nil {
			t.Fatal(err)
		} else if !ok {
			t.Errorf("a question asked an hour less than %d days before the latest is gone: the digest and the follow-ups lose questions still within the %d days kept", days, days)
		}
		return nil
	})
}

func contractDigest(t *testing.T, st store) {
	view(t, st, func(tx storeTx) error {
		if _, ok, err := tx.DigestSettings("1"); ok || err != nil {
			t.Errorf("DigestSettings of a new guild = %v, %v", ok, err)
		}
		return nil
	})
	s1 := DigestSettings{Scope: "1", ChannelID: "c1", Enabled: true, LastDay: "2026-06-01", LastPostedAt: contractT0}
	s2 := DigestSettings{Scope: "2", ChannelID: "c2"}
	update(t, st, func(tx storeTx) error {
		if err := tx.PutDigestSettings("1", s1); err != nil {
			return err
		}
		return tx.PutDigestSettings("2", s2)
	})
	s1.ChannelID = "c9"
	update(t, st, func(tx storeTx) error { return tx.PutDigestSettings("1", s1) })
	view(t, st, func(tx storeTx) error {
		got, ok, err := tx.DigestSettings("1")
		if !ok || err != nil || !reflect.DeepEqual(got, s1) {
			t.Errorf("DigestSettings(1) = %+v, %v, %v; want %+v", got, ok, err, s1)
		}
		all, err := tx.AllDigestSettings()
		if err != nil || len(all) != 2 {
			t.Errorf("AllDigestSettings = %+v, %v", all, err)
		}
		return nil
	})
}

// contractDigestClaim: a claim on a day's digest reads back as stored,
// its holder, lease and progress included; an absent one is reported so;
// a claim replaced keeps only the new values; each scope and day is its
// own.
func contractDigestClaim(t *testing.T, st store) {
	t0 := contractT0.Truncate(time.Microsecond) // PostgreSQL's precision
	c := DigestClaim{Holder: "i1/h1", ClaimedAt: t0, LeaseUntil: t0.Add(DigestLease), Progress: []byte(`{"parts":1}`)}
	update(t, st, func(tx storeTx) error { return tx.PutDigestClaim("1", "2026-06-01", c) })
	view(t, st, func(tx storeTx) error {
		got, ok, err := tx.DigestClaim("1", "2026-06-01")
		if !ok || err != nil || !got.ClaimedAt.Equal(c.ClaimedAt) || !got.LeaseUntil.Equal(c.LeaseUntil) ||
			got.Holder != c.Holder || string(got.Progress) != string(c.Progress) {
			t.Errorf("DigestClaim(1, 2026-06-01) = %+v, %v, %v; want %+v", got, ok, err, c)
		}
		for _, k := range [][2]string{{"1", "2026-06-02"}, {"2", "2026-06-01"}} {
			if got, ok, err := tx.DigestClaim(k[0], k[1]); ok || err != nil {
				t.Errorf("DigestClaim(%s, %s) = %+v, %v, %v; want none", k[0], k[1], got, ok, err)
			}
		}
		return nil
	})
	c2 := DigestClaim{Holder: "i2/h2", ClaimedAt: contractT0}
	update(t, st, func(tx storeTx) error { return tx.PutDigestClaim("1", "2026-06-01", c2) })
	view(t, st, func(tx storeTx) error {
		got, ok, err := tx.DigestClaim("1", "2026-06-01")
		if !ok || err != nil || got.Holder != "i2/h2" || !got.LeaseUntil.IsZero() || got.Progress != nil {
			t.Errorf("replaced claim reads %+v, %v, %v; want %+v", got, ok, err, c2)
		}
		return nil
	})
}

func contractFeeds(t *testing.T, st store) {
	f := Feed{ID: "f1", Scope: "1", URL: "https://example.com/feed", Title: "Feed", AddedAt: contractT0,
		State: FeedState{ETag: `"x"`, Seen: []string{"a", "b"}, NextAt: contractT0.Add(time.Hour), Failures: 2}}
	g := Feed{ID: "f2", Scope: "2", URL: "https://example.com/other", AddedAt: contractT0}
	update(t, st, func(tx storeTx) error {
		if err := tx.PutFeed(f); err != nil {
			return err
		}
		return tx.PutFeed(g)
	})
	f.State.Items = 7
	update(t, st, func(tx storeTx) error { return tx.PutFeed(f) })
	view(t, st, func(tx storeTx) error {
		got, ok, err := tx.Feed("f1")
		if !ok || err != nil || !reflect.DeepEqual(got, f) {
			t.Errorf("Feed(f1) = %+v, %v, %v; want %+v", got, ok, err, f)
		}
		if all, err := tx.AllFeeds(); len(all) != 2 || err != nil {
			t.Errorf("AllFeeds = %d, %v", len(all), err)
		}
		return nil
	})
	update(t, st, func(tx storeTx) error { return tx.DeleteFeed("f1") })
	view(t, st, func(tx storeTx) error {
		if _, ok, _ := tx.Feed("f1"); ok {
			t.Error("deleted feed still there")
		}
		if all, _ := tx.AllFeeds(); len(all) != 1 || all[0].ID != "f2" {
			t.Errorf("AllFeeds after delete = %+v", all)
		}
		return nil
	})
}

func contractFollowUps(t *testing.T, st store) {
	update(t, st, func(tx storeTx) error {
		for _, j := range []struct{ scope, id string }{{"1", "a"}, {"1", "b"}, {"1", "a"}, {"2", "a"}} {
			if err := tx.QueueFollowUp(j.scope, j.id, contractT0); err != nil {
				return err
			}
		}
		return nil
	})
	var jobs []FollowUpJob
	view(t, st, func(tx storeTx) error {
		var err error
		jobs, err = tx.FollowUpJobs()
		return err
	})
	var got []string
	for _, j := range jobs {
		got = append(got, j.Scope+"/"+j.SourceID)
		if !j.QueuedAt.Equal(contractT0) || j.ID == "" {
			t.Errorf("job %+v", j)
		}
	}
	if want := []string{"1/a", "1/b", "2/a"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("FollowUpJobs = %v; want %v (oldest first, a source queued twice once)", got, want)
	}
	update(t, st, func(tx storeTx) error {
		if err := tx.DeleteFollowUpJob("not hex"); err != nil {
			return err
		}
		return tx.DeleteFollowUpJob(jobs[0].ID)
	})
	view(t, st, func(tx storeTx) error {
		left, _ := tx.FollowUpJobs()
		if len(left) != 2 || left[0].ID != jobs[1].ID {
			t.Errorf("after finishing the first: %+v", left)
		}
		return nil
	})
}

// TestPGMigrations: opening applies each embedded migration once and
// records it; a second open (another process, a restart) applies none.
func TestPGMigrations(t *testing.T) {
	dsn := pgTestURL(t)
	ctx := context.Background()
	for range 2 {
		st, err := openPG(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		st.Close()
	}
	ms, err := loadMigrations()
	if err != nil || len(ms) == 0 {
		t.Fatalf("loadMigrations = %d, %v", len(ms), err)
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n, last int
	if err := conn.QueryRow(ctx, "SELECT count(*), max(version) FROM schema_migrations").Scan(&n, &last); err != nil {
		t.Fatal(err)
	}
	if n != len(ms) || last != ms[len(ms)-1].version {
		t.Errorf("schema_migrations holds %d rows up to %d; want %d up to %d", n, last, len(ms), ms[len(ms)-1].version)
	}
}

// TestOpenPGErrorsHideThePassword: a server that is not there gives an
// error naming the database, never its password.
func TestOpenPGErrorsHideThePassword(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := openPG(ctx, "postgres://sitrep:hunter2secret@127.0.0.1:1/sitrep?connect_timeout=2")
	if err == nil {
		t.Fatal("open of a closed port succeeded")
	}
	if strings.Contains(err.Error(), "hunter2secret") {
		t.Errorf("the error shows the password: %v", err)
	}
	if !strings.Contains(err.Error(), "127.0.0.1") {
		t.Errorf("the error does not say which server: %v", err)
	}
}
