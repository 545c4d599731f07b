package bot

import (
	"bytes"
	"context"
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

// sampleDigest is a day of a server's library: the story moved (a figure
// revised, a new claimant), two new sources, one from a feed, questions
// asked, one of them never answered, one off topic.
func sampleDigest() search.Digest {
	since := time.Date(2026, 6, 9, 7, 0, 0, 0, time.UTC)
	camera := "An Iranian opposition group says it has hacked more than 5,000 surveillance cameras in Tehran."
	cams := search.Ref{ID: "85a414cdecb060a4", Title: "Iranian opposition group says it hacked 5,000 Tehran surveillance cameras", Outlet: "Iran International", URL: "https://example.com/cams", Published: "2026-06-08"}
	cranes := search.Source{ID: "a1b2c3d4e5", Title: "Harbour cranes halted after *cyber* attack", Outlet: "Coastal Times",
		URL: "https://coastal.example/cranes", Published: "2026-06-09", AddedBy: "alice (1000000000000000004)"}
	yjc := search.Ref{ID: "b2c3d4e5f6", Title: "Part of Tehran's camera network disrupted", Outlet: "Young Journalists Club", URL: "https://yjc.example/cams", Published: "2026-06-09"}
	return search.Digest{
		Scope: "1000000000000000002", Since: since, Until: since.Add(24 * time.Hour),
		Story: []search.StoryChange{
			{Kind: "revised", What: "figure", About: "cameras", Asked: 3, Claims: []search.Claim{
				{Side: search.Side{Quote: camera, Source: cams, Value: "more than 5,000 surveillance cameras", SaidBy: "Iranian opposition group"},
					Short: camera, Dated: time.Date(2026, 6, 8, 0, 0, 0, 0, time.UTC), Published: true},
				{Side: search.Side{Quote: "The Young Journalists Club, an affiliate of state television, said that part of the network of municipal surveillance cameras in Tehran was disrupted.",
					Source: yjc, Value: "part of the network of municipal surveillance cameras", SaidBy: "Young Journalists Club (affiliate of state television)"},
					Short: "…affiliate of state television, said that part of the network of municipal surveillance cameras in Tehran…",
					Dated: time.Date(2026, 6, 9, 0, 0, 0, 0, time.UTC), Published: true},
			}},
			{Kind: "new", What: "cause", About: "cause", Claims: []search.Claim{
				{Side: search.Side{Quote: "The port authority blamed the stoppage on a ransomware attack.", Source: cranes.Ref(), Value: "a ransomware attack", SaidBy: "The port authority"},
					Short: "The port authority blamed the stoppage on a ransomware attack.", Dated: since.Add(2 * time.Hour)}}},
		},
		NewSources: []search.DigestSource{
			{Source: cranes, Summary: []string{"Cranes at the harbour stopped for six hours on Tuesday.", "The port authority blamed the stoppage on a ransomware attack."}},
			{Source: search.Source{ID: "f0e1d2c3b4", Title: "Notes from the port meeting", AddedBy: "feed:f1"}, Summary: []string{"1. Nobody was hurt."}, Feed: "Harbour Herald"},
		},
		FromFeeds: []search.DigestFeed{{FeedID: "f1", Title: "Harbour Herald", Sources: []search.Ref{
			{ID: "f0e1d2c3b4", Title: "Notes from the port meeting"}, {ID: "c0ffee0001", Title: "Ferry times change", URL: "https://herald.example/ferry"}}}},
		TopQuestions: []search.DigestQuestion{
			{Question: "how many cameras were hacked?", Variants: []string{"number of cameras hacked"}, Count: 3, LastAsked: since.Add(time.Hour), Confidence: search.Answered,
				Best: &search.Quote{Text: camera, Highlights: highlight(camera, "hacked", "cameras"), Source: cams}},
			{Question: "why did the cranes stop", Count: 1, LastAsked: since.Add(2 * time.Hour), Confidence: search.Answered,
				Best: &search.Quote{Text: "Cranes at the harbour stopped for six hours on Tuesday after what the port authority called a ransomware attack on its systems.", Source: cranes.Ref()}},
		},
		Unanswered: []search.DigestQuestion{
			{Question: "when will the cranes work again", Count: 2, Confidence: search.Closest},
			{Question: "who is <@everyone>?", Count: 1, Confidence: search.Closest},
		},
		Counts: search.DigestCounts{Sources: 62, NewSources: 3, Questions: 9, Answered: 4, OffTopic: 2, Private: 1},
	}
}

// TestRenderDigestGolden pins the digest users read. Run with -update to
// rewrite testdata/digest*.golden.json after an intended change.
func TestRenderDigestGolden(t *testing.T) {
	empty := search.Digest{Since: time.Date(2026, 6, 9, 7, 0, 0, 0, time.UTC), Counts: search.DigestCounts{Sources: 60}}
	for name, msgs := range map[string][]message{"digest": renderDigest(sampleDigest()), "digest_more": {renderDigestMore(sampleDigest())},
		"digest_nothing_new": renderDigest(empty)} {
		t.Run(name, func(t *testing.T) {
			got := digestJSON(t, msgs)
			if bytes.Contains(got, []byte("not stated")) || bytes.Contains(got, []byte("a1b2c3d4e5")) || bytes.Contains(got, []byte("f0e1d2c3b4")) {
				t.Error("the digest shows a placeholder or an internal source id")
			}
			checkGolden(t, name, got)
		})
	}
}

func TestRenderDigestContent(t *testing.T) {
	t.Run("one screen: the story, the questions, the counts, and More", func(t *testing.T) {
		msgs := renderDigest(sampleDigest())
		if len(msgs) != 1 {
			t.Fatalf("%d messages, want 1", len(msgs))
		}
		m := msgs[0]
		for _, want := range []string{"<t:1780988400:f>", "3 new sources", "62 in the library", "9 questions asked with /ask here, 2 off topic"} {
			if !strings.Contains(m.Content, want) {
				t.Errorf("header %q lacks %q", m.Content, want)
			}
		}
		if len(m.Embeds) != 2 || m.Embeds[0].Title != "How the story moved" || m.Embeds[1].Title != "Most asked" {
			t.Fatalf("embeds %+v: want the story, then the questions", m.Embeds)
		}
		story := m.Embeds[0].Description
		for _, want := range []string{"**Revised · cameras** · asked 3 times", "**more than 5,000 surveillance cameras**", "> → …affiliate",
			"[Young Journalists Club](https://yjc.example/cams) · 9 Jun", "[Iran International](https://example.com/cams) · 8 Jun",
			"**New · cause**", "added 9 Jun"} {
			if !strings.Contains(story, want) {
				t.Errorf("story lacks %q:\n%s", want, story)
			}
		}
		qs := m.Embeds[1].Description
		for _, want := range []string{"**how many cameras were hacked?** · 3 times (2 wordings) · answered above", "**why did the cranes stop**\n> Cranes at the harbour",
			"— [Coastal Times](https://coastal.example/cranes)", "**No answer yet:** when will the cranes work again (twice) · who is \\<@everyone>?"} {
			if !strings.Contains(qs, want) {
				t.Errorf("questions lack %q:\n%s", want, qs)
			}
		}
		if len(m.Components) != 1 || !strings.HasPrefix(digestButton(t, m).CustomID, digestMorePrefix) {
			t.Errorf("components %+v: want the More button", m.Components)
		}
	})
	t.Run("More lists each source once, the feed's others, the gaps", func(t *testing.T) {
		m := renderDigestMore(sampleDigest())
		text := shownText(m)
		for _, want := range []string{"Harbour cranes halted after \\*cyber\\* attack", "from the feed Harbour Herald", "**Harbour Herald** brought 1 more",
			"[Ferry times change](https://herald.example/ferry)", "Also asked as “number of cameras hacked”", "when will the cranes work again (twice)",
			"2 questions the library has nothing near (off topic) are not listed", "1 question asked privately is counted, never shown"} {
			if !strings.Contains(text, want) {
				t.Errorf("More lacks %q:\n%s", want, text)
			}
		}
		if n := strings.Count(text, "Notes from the port meeting"); n != 1 {
			t.Errorf("the feed's source is listed %d times, want once", n)
		}
		if strings.Contains(text, "How the story moved") {
			t.Error("More repeats the story the digest showed in full")
		}
		if !m.Ephemeral {
			t.Error("More is shown to everyone; it is for the member who pressed it")
		}
	})
	t.Run("nothing new is one line", func(t *testing.T) {
		msgs := renderDigest(search.Digest{Since: time.Unix(1780988400, 0), Counts: search.DigestCounts{Sources: 1}})
		if len(msgs) != 1 || len(msgs[0].Embeds) != 0 || len(msgs[0].Components) != 0 || !strings.Contains(msgs[0].Content, "Nothing new since <t:1780988400:f>") ||
			!strings.Contains(msgs[0].Content, "1 source.") {
			t.Errorf("nothing-new digest %+v", msgs)
		}
	})
	t.Run("the More button's period round-trips", func(t *testing.T) {
		d := sampleDigest()
		since, until, ok := parseDigestMoreCustomID(digestMoreCustomID(d))
		if !ok || !since.Equal(d.Since) || !until.Equal(d.Until) {
			t.Errorf("parsed %v %v %v, want %v %v", since, until, ok, d.Since, d.Until)
		}
		for _, bad := range []string{"digest:more:", "digest:more:5", "digest:more:9:5", "digest:more:-1:5", "digest:more:a:b", "ask:page:1:2"} {
			if _, _, ok := parseDigestMoreCustomID(bad); ok {
				t.Errorf("%q parsed as a digest period", bad)
			}
		}
	})
}

// digestButton returns the More button of a digest message.
func digestButton(tb testing.TB, m message) discordgo.Button {
	tb.Helper()
	row, ok := m.Components[0].(discordgo.ActionsRow)
	if !ok || len(row.Components) != 1 {
		tb.Fatalf("components %+v", m.Components)
	}
	b, ok := row.Components[0].(discordgo.Button)
	if !ok {
		tb.Fatalf("component %+v is not a button", row.Components[0])
	}
	return b
}

// TestRenderDigestOversized: the most a digest can hold, every text at
// its longest, still posts as one phone screen within Discord's limits,
// and its More fits one private message without Discord's limits cutting
// an embed.
func TestRenderDigestOversized(t *testing.T) {
	long := strings.Repeat("Wörter und 🚨 emoji in a very long sentence. ", 60) // 2,700 characters
	d := search.Digest{Since: time.Unix(1780988400, 0), Until: time.Unix(1781074800, 0),
		Counts: search.DigestCounts{Sources: 500, NewSources: 99, Questions: 99, Answered: 1, OffTopic: 7, Private: 3}}
	for i := range 12 {
		c := search.StoryChange{Kind: []string{"revised", "disputed", "new"}[i%3], What: "figure", About: strings.Repeat("things ", 40), Asked: 100 - i}
		for j := range 4 {
			c.Claims = append(c.Claims, search.Claim{Side: search.Side{Quote: long, Value: "emoji", SaidBy: strings.Repeat("Speaker ", 40),
				Source: search.Ref{ID: fmt.Sprintf("s%d", j), Outlet: strings.Repeat("O", 300), URL: "https://example.com/" + strings.Repeat("p", 3000)}},
				Short: long, Dated: time.Unix(1780988400, 0), Published: true})
		}
		d.Story = append(d.Story, c)
	}
	for i := range 10 {
		d.NewSources = append(d.NewSources, search.DigestSource{
			Source:  search.Source{ID: fmt.Sprintf("s%d", i), Title: strings.Repeat("Title ", 80), Outlet: strings.Repeat("O", 300), URL: "https://example.com/" + strings.Repeat("p", 3000)},
			Summary: []string{long, long}, Feed: strings.Repeat("Feed ", 50)})
	}
	for i := range 10 {
		d.TopQuestions = append(d.TopQuestions, search.DigestQuestion{Question: strings.Repeat("why ", 200), Count: 10 + i, Variants: []string{long, long, long},
			Best: &search.Quote{Text: long, Source: search.Ref{ID: fmt.Sprintf("s%d", i), Title: strings.Repeat("T", 400), Outlet: strings.Repeat("O", 300)}}})
	}
	for i := range 10 {
		d.Unanswered = append(d.Unanswered, search.DigestQuestion{Question: fmt.Sprintf("%d %s", i, strings.Repeat("ask ", 500)), Count: 1})
	}
	msgs := renderDigest(d)
	if len(msgs) != 1 {
		t.Fatalf("%d messages: the digest is one message, the rest behind More", len(msgs))
	}
	for name, m := range map[string]message{"digest": msgs[0], "More": renderDigestMore(d)} {
		s := m.messageSend()
		if errs := checkLimits(s.Content, s.Embeds, s.Components); len(errs) > 0 {
			t.Errorf("%s breaks Discord's limits: %v", name, errs)
		}
		if len(s.Embeds) != len(m.Embeds) || embedsTotal(m.Embeds) > maxEmbedTotal {
			t.Errorf("%s: Discord's limits would cut %d embeds; the rendering should have made room", name, len(m.Embeds)-len(s.Embeds))
		}
	}
	if n := visibleRunes(shownText(msgs[0])); n > screenRunes {
		t.Errorf("the longest digest shows %d characters, more than a phone screen (%d)", n, screenRunes)
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
