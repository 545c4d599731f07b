package search

import (
	"encoding/json"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"sitrep/schedule"
)

// timeOfDay parses an "HH:MM" time or fails the test.
func timeOfDay(tb testing.TB, s string) *schedule.TimeOfDay {
	tb.Helper()
	c, err := schedule.ParseTimeOfDay(s)
	if err != nil {
		tb.Fatal(err)
	}
	return &c
}

// zone parses an IANA zone name or fails the test.
func zone(tb testing.TB, name string) schedule.Zone {
	tb.Helper()
	z, err := schedule.ParseZone(name)
	if err != nil {
		tb.Fatal(err)
	}
	return z
}

// TestDigestSettingsTypedRoundTrip: typed settings come back from the store
// as they went in, and are stored as the strings records always held.
func TestDigestSettingsTypedRoundTrip(t *testing.T) {
	lib := openTest(t, t.TempDir(), nil)
	in := DigestSettings{Scope: "1", ChannelID: "5", Time: timeOfDay(t, "17:30"), Timezone: zone(t, "America/New_York"), Enabled: true, UpdatedBy: "mod"}
	if err := lib.SetDigestSettings(in); err != nil {
		t.Fatal(err)
	}
	got, ok, err := lib.DigestSettings("1")
	if err != nil || !ok {
		t.Fatalf("DigestSettings: %v, %v", ok, err)
	}
	if got.Time == nil || *got.Time != *in.Time || got.Timezone.Name() != "America/New_York" || got.Timezone.Location() == nil ||
		got.ChannelID != "5" || !got.Enabled || got.UpdatedBy != "mod" {
		t.Errorf("read back %+v", got)
	}
	var raw map[string]any
	err = boltDB(t, lib).View(func(tx *bolt.Tx) error {
		return json.Unmarshal(tx.Bucket(bucketDigest).Get([]byte(scopeKey("1"))), &raw)
	})
	if err != nil {
		t.Fatal(err)
	}
	if raw["time"] != "17:30" || raw["timezone"] != "America/New_York" {
		t.Errorf("stored as %v: want the strings older versions read", raw)
	}

	// A record MarkDigestPosted makes alone has no time: stored "", read nil.
	if err := lib.MarkDigestPosted("2", "2026-06-03", time.Date(2026, 6, 3, 9, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	got, _, err = lib.DigestSettings("2")
	if err != nil || got.Time != nil || !got.Timezone.IsZero() || got.LastDay != "2026-06-03" {
		t.Errorf("posted-only record %+v, %v: want no time, no zone", got, err)
	}
	if _, err := json.Marshal(DigestSettings{Time: &schedule.TimeOfDay{Hour: 24}}); err == nil {
		t.Error("a time of 24:00 was stored; want an error")
	}
}

// TestDigestSettingsOldRecords: records written by versions that stored
// strings read as typed settings; an empty time is "not chosen" (not
// midnight), and an unknown zone or a damaged time does not fail the read
// of every server's settings.
func TestDigestSettingsOldRecords(t *testing.T) {
	lib := openTest(t, t.TempDir(), nil)
	old := map[string]string{
		"1": `{"scope":"1","channel_id":"5","time":"09:00","timezone":"Europe/London","enabled":true,"last_day":"2026-06-02","updated_by":"mod"}`,
		"2": `{"scope":"2","channel_id":"","time":"","timezone":"","enabled":false,"last_day":"2026-06-03","last_posted_at":"2026-06-03T09:00:00Z"}`,
		"3": `{"scope":"3","channel_id":"7","time":"18:00","timezone":"Mars/Olympus","enabled":true}`,
		"4": `{"scope":"4","channel_id":"8","time":"half past nine","timezone":"UTC","enabled":true}`,
		"5": `{"scope":"5","channel_id":"9","time":"00:00","timezone":"UTC","enabled":true}`,
	}
	err := boltDB(t, lib).Update(func(tx *bolt.Tx) error {
		for scope, rec := range old {
			if err := tx.Bucket(bucketDigest).Put([]byte(scopeKey(scope)), []byte(rec)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	all, err := lib.AllDigestSettings()
	if err != nil || len(all) != len(old) {
		t.Fatalf("AllDigestSettings = %d records, %v; want %d", len(all), err, len(old))
	}
	byScope := map[string]DigestSettings{}
	for _, s := range all {
		byScope[s.Scope] = s
	}
	if s := byScope["1"]; s.Time == nil || *s.Time != (schedule.TimeOfDay{Hour: 9}) || s.Timezone.Location() == nil ||
		s.Timezone.Name() != "Europe/London" || s.LastDay != "2026-06-02" || s.UpdatedBy != "mod" || !s.Enabled {
		t.Errorf("string record read as %+v", s)
	}
	if s := byScope["2"]; s.Time != nil || !s.Timezone.IsZero() || s.LastPostedAt.IsZero() {
		t.Errorf("empty time and zone read as %+v: want not chosen", s)
	}
	if s := byScope["3"]; s.Time == nil || s.Timezone.Name() != "Mars/Olympus" || s.Timezone.Location() != nil {
		t.Errorf("unknown zone read as %+v: want the name kept, no location", s)
	}
	if s := byScope["4"]; s.Time != nil || s.Timezone.Name() != "UTC" || s.ChannelID != "8" {
		t.Errorf("damaged time read as %+v: want no time, the rest kept", s)
	}
	if s := byScope["5"]; s.Time == nil || *s.Time != (schedule.TimeOfDay{}) {
		t.Errorf("midnight read as %+v: want 00:00, distinct from no time", s)
	}
	// Writing an old record back keeps its form.
	if err := lib.SetDigestSettings(byScope["3"]); err != nil {
		t.Fatal(err)
	}
	if s, _, err := lib.DigestSettings("3"); err != nil || s.Timezone.Name() != "Mars/Olympus" || s.Time == nil || s.Time.Hour != 18 {
		t.Errorf("rewritten record %+v, %v", s, err)
	}
}
