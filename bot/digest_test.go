package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"sitrep/config"
	"sitrep/schedule"
	"sitrep/search"
)

// sampleDigest is a day of a server's library: two new sources, questions
// asked, one of them never answered.
func sampleDigest() search.Digest {
	since := time.Date(2026, 6, 9, 7, 0, 0, 0, time.UTC)
	camera := "An Iranian opposition group says it has hacked more than 5,000 surveillance cameras in Tehran."
	return search.Digest{
		Scope: "1000000000000000002", Since: since, Until: since.Add(24 * time.Hour),
		NewSources: []search.DigestSource{
			{Source: search.Source{ID: "a1b2c3d4e5", Title: "Harbour cranes halted after *cyber* attack", Outlet: "Coastal Times",
				URL: "https://coastal.example/cranes", Published: "2026-06-09", AddedBy: "alice (1000000000000000004)"},
				Summary: []string{"Cranes at the harbour stopped for six hours on Tuesday.", "The port authority blamed a ransomware attack."}},
			{Source: search.Source{ID: "f0e1d2c3b4", Title: "Notes from the port meeting"}, Summary: []string{"1. Nobody was hurt."}},
		},
		TopQuestions: []search.DigestQuestion{
			{Question: "how many cameras were hacked?", Count: 3, LastAsked: since.Add(time.Hour),
				Best: &search.Quote{Text: camera, Highlights: highlight(camera, "hacked", "cameras"),
					Source: search.Ref{ID: "85a414cdecb060a4", Title: "Iranian opposition group says it hacked 5,000 Tehran surveillance cameras", Outlet: "Iran International", URL: "https://example.com/cams", Published: "2022-06-01"}}},
			{Question: "why did the cranes stop", Count: 1, LastAsked: since.Add(2 * time.Hour),
				Best: &search.Quote{Text: "The port authority blamed a ransomware attack.", Source: search.Ref{ID: "a1b2c3d4e5", Title: "Harbour cranes halted", Outlet: "Coastal Times"}}},
		},
		Unanswered: []search.DigestQuestion{
			{Question: "what is the weather on mars tomorrow", Count: 2},
			{Question: "who is <@everyone>?", Count: 1},
		},
		Counts: search.DigestCounts{Sources: 62, Questions: 7, Answered: 4},
	}
}

// TestRenderDigestGolden pins the digest users read. Run with -update to
// rewrite testdata/digest*.golden.json after an intended change.
func TestRenderDigestGolden(t *testing.T) {
	empty := search.Digest{Since: time.Date(2026, 6, 9, 7, 0, 0, 0, time.UTC), Counts: search.DigestCounts{Sources: 60}}
	for name, d := range map[string]search.Digest{"digest": sampleDigest(), "digest_nothing_new": empty} {
		t.Run(name, func(t *testing.T) {
			var sends []*discordgo.MessageSend
			for _, m := range renderDigest(d) {
				s := m.messageSend()
				if errs := checkLimits(s.Content, s.Embeds, nil); len(errs) > 0 {
					t.Errorf("message breaks Discord's limits: %v", errs)
				}
				sends = append(sends, s)
			}
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			if err := enc.Encode(sends); err != nil {
				t.Fatal(err)
			}
			got := buf.Bytes()
			if bytes.Contains(got, []byte("not stated")) || bytes.Contains(got, []byte("source a1b2c3d4e5")) {
				t.Error("the digest shows a placeholder or an internal source id")
			}
			checkGolden(t, name, got)
		})
	}
}

func TestRenderDigestContent(t *testing.T) {
	t.Run("counts and sections", func(t *testing.T) {
		msgs := renderDigest(sampleDigest())
		if len(msgs) != 1 {
			t.Fatalf("%d messages, want 1", len(msgs))
		}
		m := msgs[0]
		for _, want := range []string{"<t:1780988400:f>", "2 new sources added", "62 sources in the library", "7 questions asked", "57% answered"} {
			if !strings.Contains(m.Content, want) {
				t.Errorf("header %q lacks %q", m.Content, want)
			}
		}
		if len(m.Embeds) != 5 {
			t.Fatalf("%d embeds, want 2 sources + 2 questions + 1 unanswered", len(m.Embeds))
		}
		if e := m.Embeds[0]; e.URL != "https://coastal.example/cranes" || !strings.Contains(e.Description, "ransomware") || !strings.Contains(e.Title, `\*cyber\*`) {
			t.Errorf("source embed %+v", e)
		}
		if e := m.Embeds[2]; e.Author.Name != "Asked 3 times" || !strings.Contains(e.Description, "**hacked**") || !strings.Contains(e.Footer.Text, "Iran International") {
			t.Errorf("question embed %+v", e)
		}
		if e := m.Embeds[4]; !strings.Contains(e.Description, "weather on mars tomorrow (twice)") || !strings.Contains(e.Description, `\<@everyone>`) {
			t.Errorf("unanswered embed %q", e.Description)
		}
	})
	t.Run("nothing new is one line", func(t *testing.T) {
		msgs := renderDigest(search.Digest{Since: time.Unix(1780988400, 0), Counts: search.DigestCounts{Sources: 1}})
		if len(msgs) != 1 || len(msgs[0].Embeds) != 0 || !strings.Contains(msgs[0].Content, "Nothing new since <t:1780988400:f>") ||
			!strings.Contains(msgs[0].Content, "1 source.") {
			t.Errorf("nothing-new digest %+v", msgs)
		}
	})
}

// TestRenderDigestOversized: the most a digest can hold, every text at
// its longest, is split over messages that each fit Discord's limits,
// and nothing is lost on the way.
func TestRenderDigestOversized(t *testing.T) {
	long := strings.Repeat("Wörter und 🚨 emoji in a very long sentence. ", 60) // 2,700 characters
	d := search.Digest{Since: time.Unix(1780988400, 0), Counts: search.DigestCounts{Sources: 500, Questions: 99, Answered: 1}}
	for i := range 10 {
		d.NewSources = append(d.NewSources, search.DigestSource{
			Source:  search.Source{ID: fmt.Sprintf("s%d", i), Title: strings.Repeat("Title ", 80), Outlet: strings.Repeat("O", 300), URL: "https://example.com/" + strings.Repeat("p", 3000)},
			Summary: []string{long, long}})
	}
	for i := range 5 {
		d.TopQuestions = append(d.TopQuestions, search.DigestQuestion{Question: strings.Repeat("why ", 200), Count: 10 + i,
			Best: &search.Quote{Text: long, Source: search.Ref{ID: fmt.Sprintf("s%d", i), Title: strings.Repeat("T", 400), Outlet: strings.Repeat("O", 300)}}})
	}
	for i := range 10 {
		d.Unanswered = append(d.Unanswered, search.DigestQuestion{Question: fmt.Sprintf("%d %s", i, strings.Repeat("ask ", 500)), Count: 1})
	}
	msgs := renderDigest(d)
	if len(msgs) < 2 {
		t.Fatalf("%d message(s) for an oversized digest", len(msgs))
	}
	embeds := 0
	for k, m := range msgs {
		s := m.messageSend()
		if errs := checkLimits(s.Content, s.Embeds, nil); len(errs) > 0 {
			t.Errorf("message %d breaks Discord's limits: %v", k, errs)
		}
		if len(s.Embeds) != len(m.Embeds) {
			t.Errorf("message %d: fitLimits dropped %d embeds; packing should have made room", k, len(m.Embeds)-len(s.Embeds))
		}
		if k > 0 && !strings.Contains(s.Content, fmt.Sprintf("continued, %d/%d", k+1, len(msgs))) {
			t.Errorf("message %d content %q", k, s.Content)
		}
		embeds += len(s.Embeds)
	}
	if embeds != 10+5+1 {
		t.Errorf("%d embeds posted, want 16", embeds)
	}
}

func TestTimezoneChoices(t *testing.T) {
	tests := []struct {
		typed string
		first string
		n     func(int) bool
	}{
		{"", "UTC", func(n int) bool { return n == maxChoices }},
		{"lond", "Europe/London", func(n int) bool { return n == 1 }},
		{"new york", "America/New_York", func(n int) bool { return n == 1 }},
		{"europe", "Europe/London", func(n int) bool { return n > 10 && n <= maxChoices }},
		{"America/Nuuk", "America/Nuuk", func(n int) bool { return n == 1 }}, // valid, not listed
		{"../../etc/passwd", "", func(n int) bool { return n == 0 }},
	}
	for _, tt := range tests {
		t.Run(tt.typed, func(t *testing.T) {
			cs := timezoneChoices(tt.typed)
			if !tt.n(len(cs)) {
				t.Errorf("%d choices", len(cs))
			}
			if len(cs) > 0 && cs[0].Name != tt.first {
				t.Errorf("first choice %q, want %q", cs[0].Name, tt.first)
			}
			for _, c := range cs {
				if _, err := config.ParseTimezone(c.Value.(string)); err != nil {
					t.Errorf("choice %q is not a zone: %v", c.Value, err)
				}
			}
		})
	}
}

func TestPostFailure(t *testing.T) {
	restErr := func(status, code int) error {
		return &discordgo.RESTError{Response: &http.Response{StatusCode: status}, Message: &discordgo.APIErrorMessage{Code: code, Message: "x"}}
	}
	tests := []struct {
		err  error
		want string
	}{
		{fmt.Errorf("post: %w", restErr(403, 50013)), "missing permission"},
		{restErr(403, 50001), "missing access"},
		{restErr(404, 10003), "no longer exists"},
		{&discordgo.RESTError{Response: &http.Response{StatusCode: 403}}, "missing permission"},
		{restErr(500, 0), "Discord said “x”"},
		{errors.New("boom"), "just now"},
	}
	for _, tt := range tests {
		if got := postFailure(tt.err, "42"); !strings.Contains(got, tt.want) || !strings.Contains(got, "<#42>") {
			t.Errorf("postFailure(%v) = %q, want it to say %q about <#42>", tt.err, got, tt.want)
		}
	}
}

// TestDigestSchedules: the scheduler sees every server's stored settings,
// and the environment's defaults for the configured server until its
// moderators store their own, also after a digest was recorded for it.
func TestDigestSchedules(t *testing.T) {
	const home, other = "1000000000000000002", "1000000000000000012"
	lib, err := search.Open(context.Background(), t.TempDir(), search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lib.Close() })
	london, err := config.ParseTimezone("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	b := New(nil, depsFor(lib), nil, Options{GuildID: home, DigestChannel: "1000000000000000007", DigestTime: config.Clock{Hour: 7, Minute: 30}, Location: london})
	schedules := func(t *testing.T) map[string]schedule.Settings {
		t.Helper()
		list, err := digestStore{b}.Schedules(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]schedule.Settings{}
		for _, s := range list {
			out[s.GuildID] = s
		}
		return out
	}
	steps := []struct {
		name   string
		change func() error
		check  func(t *testing.T, got map[string]schedule.Settings)
	}{
		{"defaults before anything is stored", func() error { return nil }, func(t *testing.T, got map[string]schedule.Settings) {
			s, ok := got[home]
			if len(got) != 1 || !ok || s.ChannelID != "1000000000000000007" || s.Time != (config.Clock{Hour: 7, Minute: 30}) || s.Location.String() != "Europe/London" || !s.Enabled {
				t.Errorf("schedules %+v", got)
			}
		}},
		{"defaults kept after a post is recorded", func() error { return lib.MarkDigestPosted(home, "2026-06-10", time.Now()) }, func(t *testing.T, got map[string]schedule.Settings) {
			if s := got[home]; s.ChannelID != "1000000000000000007" || s.LastDay != "2026-06-10" || !s.Enabled {
				t.Errorf("home %+v", s)
			}
		}},
		{"another server's settings", func() error {
			return lib.SetDigestSettings(search.DigestSettings{Scope: other, ChannelID: "1000000000000000009", Time: storedTime(t, "18:00"), Timezone: storedZone(t, "Asia/Tehran"), Enabled: true})
		}, func(t *testing.T, got map[string]schedule.Settings) {
			if s := got[other]; s.ChannelID != "1000000000000000009" || s.Time.Hour != 18 || s.Location.String() != "Asia/Tehran" {
				t.Errorf("other %+v", s)
			}
		}},
		{"stored settings replace the defaults", func() error {
			return lib.SetDigestSettings(search.DigestSettings{Scope: home, ChannelID: "1000000000000000008", Time: storedTime(t, "09:00"), Timezone: storedZone(t, "UTC"), Enabled: false})
		}, func(t *testing.T, got map[string]schedule.Settings) {
			if s := got[home]; s.ChannelID != "1000000000000000008" || s.Enabled || s.LastDay != "2026-06-10" {
				t.Errorf("home %+v", s)
			}
		}},
		{"unusable settings are skipped", func() error {
			return lib.SetDigestSettings(search.DigestSettings{Scope: other, ChannelID: "1000000000000000009", Time: storedTime(t, "18:00"), Timezone: storedZone(t, "Mars/Olympus"), Enabled: true})
		}, func(t *testing.T, got map[string]schedule.Settings) {
			if _, ok := got[other]; ok || len(got) != 1 {
				t.Errorf("schedules %+v", got)
			}
		}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if err := st.change(); err != nil {
				t.Fatal(err)
			}
			st.check(t, schedules(t))
		})
	}
	if def, ok := b.inForce(other, search.DigestSettings{}, false); ok {
		t.Errorf("defaults applied to a server other than GuildID: %+v", def)
	}
}

// storedTime is a digest time as the store holds it, or fails the test.
func storedTime(tb testing.TB, s string) *schedule.TimeOfDay {
	tb.Helper()
	var c schedule.TimeOfDay
	if err := c.UnmarshalText([]byte(s)); err != nil {
		tb.Fatal(err)
	}
	return &c
}

// storedZone is a timezone as the store reads it back: unlike ParseZone it
// accepts a name this host does not know (an old record's), with no location.
func storedZone(tb testing.TB, name string) schedule.Zone {
	tb.Helper()
	var z schedule.Zone
	if err := z.UnmarshalText([]byte(name)); err != nil {
		tb.Fatal(err)
	}
	return z
}

// TestToScheduleTyped: stored settings reach the scheduler as they are,
// with no parsing; no time chosen is not midnight, and a zone this host
// does not know gives no schedule rather than a wrong one.
func TestToScheduleTyped(t *testing.T) {
	base := search.DigestSettings{Scope: "1000000000000000001", ChannelID: "1000000000000000002", Enabled: true, LastDay: "2026-06-09"}
	withTime := func(s search.DigestSettings, tm *schedule.TimeOfDay, z schedule.Zone) search.DigestSettings {
		s.Time, s.Timezone = tm, z
		return s
	}
	st, err := toSchedule(withTime(base, storedTime(t, "00:00"), storedZone(t, "Asia/Tehran")))
	if err != nil || st.Time != (schedule.TimeOfDay{}) || st.Location == nil || st.Location.String() != "Asia/Tehran" ||
		st.GuildID != base.Scope || st.ChannelID != base.ChannelID || !st.Enabled || st.LastDay != "2026-06-09" {
		t.Errorf("midnight in Tehran: %+v, %v", st, err)
	}
	for name, s := range map[string]search.DigestSettings{
		"no time chosen": withTime(base, nil, storedZone(t, "UTC")),
		"unknown zone":   withTime(base, storedTime(t, "09:00"), storedZone(t, "Mars/Olympus")),
		"no zone":        withTime(base, storedTime(t, "09:00"), schedule.Zone{}),
	} {
		if st, err := toSchedule(s); err == nil {
			t.Errorf("%s: scheduled %+v, want an error", name, st)
		}
	}
}
