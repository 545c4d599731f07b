package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"sitrep/search"
)

// movingStoryGuild is the server of the two-day story.
const movingStoryGuild = "1000000000000000002"

// The moving story: day 1 brings a figure and a claimant; day 2 the figure
// revised by state media, a second claimant, and an official who
// contradicts the first claim.
var (
	storyDay1 = search.Source{Scope: movingStoryGuild, Title: "Opposition group says it hacked Tehran's cameras", Outlet: "Iran International",
		URL: "https://news.example/opposition-cameras", Published: "2026-06-13", AddedBy: "alice (1000000000000000004)",
		Text: "An Iranian opposition group says it has hacked more than 5,000 surveillance cameras in Tehran.\n" +
			"The Mujahedin-e Khalq claimed responsibility for the attack on the Tehran municipality, the group said in a statement.\n" +
			"The municipality's website was down for several hours on Monday."}
	storyDay2Figure = search.Source{Scope: movingStoryGuild, Title: "State TV: part of Tehran's camera network disrupted", Outlet: "Young Journalists Club",
		URL: "https://news.example/state-tv-cameras", Published: "2026-06-14",
		Text: "The Young Journalists Club, an affiliate of state television, said that part of the network of municipal surveillance cameras in Tehran was disrupted.\n" +
			"Officials said the municipality's services were restored by the evening."}
	storyDay2Claim = search.Source{Scope: movingStoryGuild, Title: "Predatory Sparrow claims Tehran hack", Outlet: "Tasnim",
		URL: "https://news.example/sparrow", Published: "2026-06-14", AddedBy: "alice (1000000000000000004)",
		Text: "Predatory Sparrow, a hacking group, claimed responsibility for the attack on the Tehran municipality in a Telegram post.\n" +
			"Interior ministry spokesman Ali Khosravi said the Mujahedin-e Khalq was not behind the attack on the Tehran municipality."}
)

// asked is a question the team asked, and who asked it.
type asked struct{ user, text string }

// movingStory builds the two days in a real library with a moving clock
// and returns each day's digest, as the scheduler would ask for them.
func movingStory(tb testing.TB) (lib *search.Library, day1, day2 search.Digest) {
	tb.Helper()
	now := time.Date(2026, 6, 13, 7, 0, 0, 0, time.UTC)
	lib, err := search.Open(context.Background(), tb.TempDir(), search.Options{Now: func() time.Time { return now }})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { lib.Close() })
	ctx := context.Background()
	add := func(s search.Source) {
		tb.Helper()
		if _, err := lib.Add(ctx, s); err != nil {
			tb.Fatalf("add %q: %v", s.Title, err)
		}
	}
	ask := func(qs ...asked) {
		tb.Helper()
		for _, q := range qs {
			if _, err := lib.Ask(ctx, search.Query{Question: q.text, Scope: movingStoryGuild, Asker: &search.Asker{UserID: q.user}}); err != nil {
				tb.Fatal(err)
			}
			now = now.Add(time.Minute)
		}
	}
	feed, err := lib.AddFeed(search.Feed{Scope: movingStoryGuild, URL: "https://news.example/feed", Title: "State media wire"})
	if err != nil {
		tb.Fatal(err)
	}
	storyDay2Figure := storyDay2Figure
	storyDay2Figure.AddedBy = search.FeedActorPrefix + feed.ID

	start := now
	now = now.Add(2 * time.Hour)
	add(storyDay1)
	ask(asked{"1000000000000000021", "how many cameras were hacked?"}, asked{"1000000000000000022", "who is behind the attack?"})
	now = start.Add(24 * time.Hour)
	if day1, err = lib.DigestPeriod(ctx, movingStoryGuild, start, now); err != nil {
		tb.Fatal(err)
	}

	start = now
	now = now.Add(2 * time.Hour)
	add(storyDay2Figure)
	add(storyDay2Claim)
	ask(
		asked{"1000000000000000021", "how many cameras were hacked?"},
		asked{"1000000000000000023", "How many cameras were hacked"},
		asked{"1000000000000000024", "how many CCTV cameras got breached?"},
		asked{"1000000000000000025", "number of cameras hacked"},
		asked{"1000000000000000022", "who claimed the Tehran hack?"},
		asked{"1000000000000000026", "who claimed the Tehran hack?"},
		asked{"1000000000000000027", "when will the Tehran cameras be back online?"},
		asked{"1000000000000000028", "who won the football match last night?"},
	)
	now = start.Add(24 * time.Hour)
	if day2, err = lib.DigestPeriod(ctx, movingStoryGuild, start, now); err != nil {
		tb.Fatal(err)
	}
	return lib, day1, day2
}

// digestJSON is the messages as sent to Discord, for golden files and
// for discord_render.py.
func digestJSON(tb testing.TB, msgs []message) []byte {
	tb.Helper()
	var sends []*discordgo.MessageSend
	for _, m := range msgs {
		s := m.messageSend()
		if errs := checkLimits(s.Content, s.Embeds, s.Components); len(errs) > 0 {
			tb.Errorf("message breaks Discord's limits: %v", errs)
		}
		sends = append(sends, s)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(sends); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// shownText is every text of a message a reader sees, markdown included.
func shownText(m message) string {
	parts := []string{m.Content}
	for _, e := range m.Embeds {
		parts = append(parts, e.Title, e.Description)
		if e.Footer != nil {
			parts = append(parts, e.Footer.Text)
		}
		if e.Author != nil {
			parts = append(parts, e.Author.Name)
		}
		for _, f := range e.Fields {
			parts = append(parts, f.Name, f.Value)
		}
	}
	return strings.Join(parts, "\n")
}

func TestDigestTwoDays(t *testing.T) {
	_, day1, day2 := movingStory(t)
	for name, d := range map[string]search.Digest{"digest_day1": day1, "digest_day2": day2} {
		t.Run(name, func(t *testing.T) {
			msgs := renderDigest(d)
			if len(msgs) != 1 {
				t.Fatalf("%d messages: the digest must be one message, the rest behind More", len(msgs))
			}
			text := shownText(msgs[0])
			// screenRunes is measured: 1,005 characters render 770 px high at
			// phone width.
			if n := visibleRunes(text); n > screenRunes {
				t.Errorf("the digest shows %d characters, more than a phone screen (%d):\n%s", n, screenRunes, text)
			}
			for _, s := range []search.Source{storyDay1, storyDay2Figure, storyDay2Claim} {
				if id := sourceID(t, d, s.Title); id != "" && strings.Contains(text, id) {
					t.Errorf("the digest shows the internal source id %s", id)
				}
			}
			if strings.Contains(text, "football") {
				t.Error("an off-topic question is listed: moderators would look for a source for it")
			}
			checkGolden(t, name, digestJSON(t, msgs))
			checkGolden(t, name+"_more", digestJSON(t, []message{renderDigestMore(d)}))
		})
	}

	t.Run("day 1 names the figure and the claimant as new", func(t *testing.T) {
		text := shownText(renderDigest(day1)[0])
		for _, want := range []string{"New · cameras", "more than 5,000 surveillance cameras", "New · who is behind it", "Mujahedin-e Khalq", "Iran International"} {
			if !strings.Contains(text, want) {
				t.Errorf("day 1's digest lacks %q: the team would not learn what the story says:\n%s", want, text)
			}
		}
	})

	t.Run("day 2 names the revision and the dispute with both quotes and their sources", func(t *testing.T) {
		revised := findChange(day2.Story, "revised", "figure")
		disputed := findChange(day2.Story, "disputed", "claimant")
		if revised == nil || disputed == nil {
			t.Fatalf("story %+v: want a revised figure and a disputed claimant", day2.Story)
		}
		if len(revised.Claims) != 2 || !strings.Contains(revised.Claims[0].Quote, "more than 5,000") || revised.Claims[0].Source.Outlet != "Iran International" ||
			!strings.Contains(revised.Claims[1].Quote, "part of the network") || revised.Claims[1].Source.Outlet != "Young Journalists Club" {
			t.Errorf("revision %+v: want 5,000 (Iran International, 13 June) then 'part of the network' (Young Journalists Club, 14 June)", revised.Claims)
		}
		var claimants []string
		for _, c := range disputed.Claims {
			claimants = append(claimants, c.SaidBy+" in "+c.Source.Outlet)
		}
		if all := strings.Join(claimants, "; "); !strings.Contains(all, "Mujahedin-e Khalq in Iran International") || !strings.Contains(all, "Predatory Sparrow") ||
			!strings.Contains(all, "in Tasnim") {
			t.Errorf("dispute between %s: want the Mujahedin-e Khalq (Iran International) and Predatory Sparrow (Tasnim)", all)
		}
		if day2.Story[0].Kind != "revised" || revised.Asked < 4 {
			t.Errorf("first change %s, the figure asked about %d times: the cameras were asked about most (4 times) and must lead", day2.Story[0].Kind, revised.Asked)
		}
		text := shownText(renderDigest(day2)[0])
		for _, want := range []string{"Revised · cameras", "more than 5,000 surveillance cameras", "→ ", "part of the network of municipal surveillance cameras",
			"[Iran International](https://news.example/opposition-cameras)", "13 Jun", "14 Jun",
			"Disputed · who is behind it", "**Mujahedin-e Khalq** claimed responsibility", "Predatory Sparrow, a hacking group, claimed", "[Tasnim](https://news.example/sparrow)"} {
			if !strings.Contains(text, want) {
				t.Errorf("day 2's digest lacks %q:\n%s", want, text)
			}
		}
	})

	t.Run("day 2 groups the questions and counts the off-topic one", func(t *testing.T) {
		if len(day2.TopQuestions) == 0 || day2.TopQuestions[0].Count != 4 || len(day2.TopQuestions[0].Variants) != 2 {
			t.Fatalf("top questions %+v: want the camera question counted 4 times in 3 wordings", day2.TopQuestions)
		}
		if day2.Counts.OffTopic != 1 || day2.Counts.Questions != 8 {
			t.Errorf("counts %+v: want 8 questions, 1 off topic", day2.Counts)
		}
		for _, q := range day2.Unanswered {
			if strings.Contains(q.Question, "football") {
				t.Errorf("the off-topic question is listed as a gap: %+v", q)
			}
		}
		text := shownText(renderDigest(day2)[0])
		if !strings.Contains(text, "8 questions asked with /ask here, 1 off topic") {
			t.Errorf("the counts do not say which questions they include:\n%s", text)
		}
	})

	t.Run("More lists each new source once, without ids", func(t *testing.T) {
		more := shownText(renderDigestMore(day2))
		for _, s := range []search.Source{storyDay2Figure, storyDay2Claim} {
			if n := strings.Count(more, s.Title); n != 1 {
				t.Errorf("More names %q %d times, want once:\n%s", s.Title, n, more)
			}
			if id := sourceID(t, day2, s.Title); strings.Contains(more, id) {
				t.Errorf("More shows the internal source id %s", id)
			}
		}
		if !strings.Contains(more, "from the feed State media wire") {
			t.Errorf("More does not say which feed brought a source:\n%s", more)
		}
	})
}

// findChange returns the first change of kind about what, or nil.
func findChange(cs []search.StoryChange, kind, what string) *search.StoryChange {
	for k := range cs {
		if cs[k].Kind == kind && cs[k].What == what {
			return &cs[k]
		}
	}
	return nil
}

// sourceID is the id of the digest's new source titled title.
func sourceID(tb testing.TB, d search.Digest, title string) string {
	tb.Helper()
	for _, s := range d.NewSources {
		if s.Source.Title == title {
			return s.Source.ID
		}
	}
	return ""
}
