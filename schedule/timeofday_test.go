package schedule_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"sitrep/schedule"
)

func TestTimeOfDayText(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want schedule.TimeOfDay
	}{
		{"09:00", schedule.TimeOfDay{Hour: 9}},
		{"9:05", schedule.TimeOfDay{Hour: 9, Minute: 5}},
		{"00:00", schedule.TimeOfDay{}},
		{"23:59", schedule.TimeOfDay{Hour: 23, Minute: 59}},
	} {
		var got schedule.TimeOfDay
		if err := got.UnmarshalText([]byte(tc.in)); err != nil || got != tc.want {
			t.Fatalf("UnmarshalText(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
		text, err := got.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back schedule.TimeOfDay
		if err := back.UnmarshalText(text); err != nil || back != got {
			t.Errorf("round trip of %q: %q read back as %+v, %v", tc.in, text, back, err)
		}
		if string(text) != got.String() {
			t.Errorf("MarshalText %q, String %q", text, got.String())
		}
	}
	for _, bad := range []string{"", "24:00", "9am", "12:60"} {
		var c schedule.TimeOfDay
		if err := c.UnmarshalText([]byte(bad)); !errors.Is(err, schedule.ErrInvalidTimeOfDay) {
			t.Errorf("UnmarshalText(%q) error = %v, want ErrInvalidTimeOfDay", bad, err)
		}
	}
	if _, err := (schedule.TimeOfDay{Hour: 24}).MarshalText(); !errors.Is(err, schedule.ErrInvalidTimeOfDay) {
		t.Errorf("MarshalText of 24:00 error = %v, want ErrInvalidTimeOfDay", err)
	}
}

func TestZoneText(t *testing.T) {
	london, err := schedule.ParseZone(" Europe/London ")
	if err != nil {
		t.Fatal(err)
	}
	if london.Name() != "Europe/London" || london.Location() == nil || london.Location().String() != "Europe/London" {
		t.Fatalf("ParseZone = %q, %v", london.Name(), london.Location())
	}
	for _, tc := range []struct {
		stored   string
		name     string
		resolves bool
	}{
		{"Europe/London", "Europe/London", true},
		{"UTC", "UTC", true},
		{"", "", false},                         // no zone chosen
		{"Mars/Olympus", "Mars/Olympus", false}, // unknown here: kept, not resolved
		{"../../etc/passwd", "../../etc/passwd", false},
	} {
		var z schedule.Zone
		if err := z.UnmarshalText([]byte(tc.stored)); err != nil {
			t.Fatalf("UnmarshalText(%q): %v", tc.stored, err)
		}
		if z.Name() != tc.name || (z.Location() != nil) != tc.resolves || z.IsZero() != (tc.name == "") {
			t.Errorf("UnmarshalText(%q) = name %q, location %v", tc.stored, z.Name(), z.Location())
		}
		text, err := z.MarshalText()
		if err != nil || string(text) != tc.name {
			t.Errorf("MarshalText of %q = %q, %v", tc.stored, text, err)
		}
	}
	if z := schedule.ZoneOf(nil); !z.IsZero() || z.Location() != nil {
		t.Errorf("ZoneOf(nil) = %+v", z)
	}
	if z := schedule.ZoneOf(london.Location()); z.Name() != "Europe/London" || z.Location() != london.Location() {
		t.Errorf("ZoneOf(London) = %q", z.Name())
	}
	for _, bad := range []string{"", "Local", "Mars/Olympus", "../etc", strings.Repeat("A", 65)} {
		if _, err := schedule.ParseZone(bad); !errors.Is(err, schedule.ErrInvalidTimezone) {
			t.Errorf("ParseZone(%q) error = %v, want ErrInvalidTimezone", bad, err)
		}
	}
}

// TestScheduleTypesJSON pins the stored form: the same strings the store
// held before the types existed, so old records read as they are.
func TestScheduleTypesJSON(t *testing.T) {
	type record struct {
		Time     schedule.TimeOfDay `json:"time"`
		Timezone schedule.Zone      `json:"timezone"`
	}
	ny, err := schedule.ParseZone("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	in := record{Time: schedule.TimeOfDay{Hour: 17, Minute: 30}, Timezone: ny}
	raw, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"time":"17:30","timezone":"America/New_York"}`; string(raw) != want {
		t.Fatalf("JSON %s, want %s", raw, want)
	}
	var out record
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	if out.Time != in.Time || out.Timezone.Name() != "America/New_York" || out.Timezone.Location() == nil {
		t.Errorf("read back %+v", out)
	}
	if err := json.Unmarshal([]byte(`{"time":"9:00","timezone":"Mars/Olympus"}`), &out); err != nil {
		t.Fatalf("old record with an unknown zone: %v", err)
	}
	if out.Time != (schedule.TimeOfDay{Hour: 9}) || out.Timezone.Name() != "Mars/Olympus" || out.Timezone.Location() != nil {
		t.Errorf("old record read as %+v", out)
	}
}
