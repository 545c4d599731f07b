package search

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestShortQuote(t *testing.T) {
	long := "Officials in the capital said on Tuesday, after a long night of meetings with the police, that more than 5,000 surveillance cameras were hacked across the city and its suburbs."
	tests := []struct {
		name, text, value string
		want              []string // substrings the short quote must hold
		prefix, suffix    bool     // cut at the start, at the end
	}{
		{"short stays whole", "Cameras were hacked.", "Cameras", []string{"Cameras were hacked."}, false, false},
		{"value in the middle", long, "more than 5,000 surveillance cameras", []string{"more than 5,000 surveillance cameras"}, true, true},
		{"value at the end", long, "its suburbs", []string{"its suburbs."}, true, false},
		{"value absent", long, "nothing", []string{"Officials in the capital"}, false, true},
		{"runes, not bytes", strings.Repeat("Städte und Dörfer ", 12) + "meldeten 300 Kameras.", "300 Kameras", []string{"300 Kameras"}, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := shortQuote(tt.text, tt.value, 100)
			if n := utf8.RuneCountInString(got); n > 102 || !utf8.ValidString(got) {
				t.Errorf("%q: %d runes (valid %v), want at most 100 and the cut marks", got, n, utf8.ValidString(got))
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("%q lacks %q: the reader would not see the claim", got, w)
				}
			}
			if strings.HasPrefix(got, "…") != tt.prefix || strings.HasSuffix(got, "…") != tt.suffix {
				t.Errorf("%q: cut at the start %v, at the end %v; want %v, %v", got, strings.HasPrefix(got, "…"), strings.HasSuffix(got, "…"), tt.prefix, tt.suffix)
			}
			if core := strings.Trim(got, "…"); !strings.Contains(strings.Join(strings.Fields(tt.text), " "), core) {
				t.Errorf("%q is not verbatim text of the source", got)
			}
		})
	}
}

// TestStoryKinds: what the story calls new, revised and disputed, over
// sources dated by publication where known and else when added, within
// the digest's scope.
func TestStoryKinds(t *testing.T) {
	clock := &testClock{t: time.Date(2026, 6, 13, 9, 0, 0, 0, time.UTC)}
	lib := openTest(t, t.TempDir(), clock)
	ctx := context.Background()
	const g, other = "1001", "2002"
	mustAdd(t, lib, Source{Scope: g, Outlet: "Wire A", Published: "2026-06-13",
		Text: "Hackers took control of 40 traffic lights in Harbour City, the transport office said."})
	mustAdd(t, lib, Source{Scope: g, Outlet: "Wire B",
		Text: "The port authority said 12 cranes stopped working in Harbour City after the attack."})
	mustAdd(t, lib, Source{Scope: g, Outlet: "Wire E0", Published: "2026-06-12",
		Text: "The storm closed 3 bridges over the Kestrel river, the council said."})
	since := clock.t.Add(time.Hour)
	clock.t = time.Date(2026, 6, 14, 9, 0, 0, 0, time.UTC)
	// Another server's contradicting figure is not this server's story.
	mustAdd(t, lib, Source{Scope: other, Outlet: "Elsewhere", Published: "2026-06-14",
		Text: "Hackers took control of 900 traffic lights in Harbour City, the transport office said."})
	mustAdd(t, lib, Source{Scope: g, Outlet: "Wire C", Published: "2026-06-14",
		Text: "Hackers took control of 65 traffic lights in Harbour City, the transport office said on Sunday."})
	// Published before what the library holds, added today: sources
	// differ, but the story did not move to it.
	mustAdd(t, lib, Source{Scope: g, Outlet: "Wire D", Published: "2026-06-12",
		Text: "The port authority said 30 cranes stopped working in Harbour City after the attack."})
	// The same figure again is not news.
	mustAdd(t, lib, Source{Scope: g, Outlet: "Wire E", Published: "2026-06-14",
		Text: "Storms closed 3 bridges over the Kestrel river on Saturday, the council said."})
	mustAdd(t, lib, Source{Scope: g, Outlet: "Wire F", Published: "2026-06-14",
		Text: "The council said that 3 bridges over the Kestrel river were closed by the storm."})
	// Two new sources with the same news are one change.
	mustAdd(t, lib, Source{Scope: g, Outlet: "Wire G", Text: "Flooding closed the Kestrel tunnel on Friday, the council said."})
	mustAdd(t, lib, Source{Scope: g, Outlet: "Wire H", Text: "The Kestrel tunnel was closed by flooding on Friday, officials said."})
	d, err := lib.Digest(ctx, g, since)
	if err != nil {
		t.Fatal(err)
	}
	tunnel := 0
	for _, c := range d.Story {
		if c.What == "date" && strings.Contains(c.Claims[0].Quote, "tunnel") {
			tunnel++
		}
	}
	if tunnel != 1 {
		t.Errorf("%d changes for the tunnel's closing on Friday, want 1: two sources with the same news are one change; story %+v", tunnel, d.Story)
	}
	find := func(about, outlet string) *StoryChange {
		for k, c := range d.Story {
			if c.About != about {
				continue
			}
			for _, cl := range c.Claims {
				if cl.Source.Outlet == outlet {
					return &d.Story[k]
				}
			}
		}
		return nil
	}
	lights := find("lights", "Wire C")
	if lights == nil || lights.Kind != "revised" || len(lights.Claims) < 2 || lights.Claims[0].Source.Outlet != "Wire A" ||
		lights.Claims[len(lights.Claims)-1].Source.Outlet != "Wire C" {
		t.Fatalf("traffic lights %+v in story %+v: want 40 (Wire A, 13 June) revised to 65 (Wire C, 14 June)", lights, d.Story)
	}
	cranes := find("cranes", "Wire D")
	if cranes == nil || cranes.Kind != "disputed" {
		t.Errorf("cranes %+v: an older report added late differs from what is known; the story did not move to it", cranes)
	} else {
		for _, cl := range cranes.Claims {
			if cl.Source.Outlet == "Wire B" && (cl.Published || !cl.Dated.Equal(time.Date(2026, 6, 13, 9, 0, 0, 0, time.UTC))) {
				t.Errorf("Wire B has no publication date: dated %v (published %v), want when it was added", cl.Dated, cl.Published)
			}
		}
	}
	for _, c := range d.Story {
		for _, cl := range c.Claims {
			if cl.Source.Outlet == "Elsewhere" {
				t.Errorf("change %+v quotes another server's source", c)
			}
			if cl.Short == "" || !strings.Contains(cl.Quote, strings.Trim(cl.Short, "…")) {
				t.Errorf("claim %+v: its short quote is not cut from its quote", cl)
			}
		}
		if c.Kind == "new" && c.About == "bridges" {
			t.Errorf("Wire E and F repeat the known figure of 3 bridges, yet it is listed as new: %+v", c)
		}
	}
}

// TestDigestQuestionsGrouped: paraphrases are one question, counted
// together; a question of another kind stays apart; private questions are
// counted and never shown; a question with only the closest passages is
// a gap, one with nothing near is only counted.
func TestDigestQuestionsGrouped(t *testing.T) {
	clock := &testClock{t: time.Date(2026, 6, 3, 9, 0, 0, 0, time.UTC)}
	lib := openTest(t, t.TempDir(), clock)
	ctx := context.Background()
	since := clock.t
	mustAdd(t, lib, Source{Scope: "1", Title: "Cameras", Outlet: "Wire", Text: articleCameras})
	for i, q := range []string{
		"How many cameras were hacked?", "how many cameras were hacked", "number of cameras hacked",
		"how many CCTV cameras got breached?", "who hacked the cameras?",
		"Who wrote Hamlet?", "what is the capital of Peru?",
	} {
		ask(t, lib, Query{Question: q, Scope: "1", Asker: &Asker{UserID: string(rune('a' + i))}})
	}
	ask(t, lib, Query{Question: "how many cameras were hacked? asking for my secret", Scope: "1", Asker: &Asker{UserID: "p", Private: true}})
	d, err := lib.Digest(ctx, "1", since)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.TopQuestions) == 0 || d.TopQuestions[0].Count != 4 || len(d.TopQuestions[0].Variants) != 2 || d.TopQuestions[0].Best == nil ||
		d.TopQuestions[0].Confidence != Answered {
		t.Fatalf("top questions %+v: want the camera question asked 4 times in 3 wordings, answered", d.TopQuestions)
	}
	for _, q := range append(append([]DigestQuestion{}, d.TopQuestions...), d.Unanswered...) {
		if strings.Contains(q.Question, "secret") || strings.Contains(strings.Join(q.Variants, " "), "secret") {
			t.Errorf("a private question is shown: %+v", q)
		}
		if strings.Contains(q.Question, "Hamlet") || strings.Contains(q.Question, "Peru") {
			t.Errorf("an off-topic question is listed: %+v", q)
		}
	}
	if d.Counts.Questions != 8 || d.Counts.Private != 1 || d.Counts.OffTopic != 2 {
		t.Errorf("counts %+v: want 8 questions, 1 private, 2 off topic", d.Counts)
	}
	for _, q := range d.TopQuestions[1:] {
		if q.Question == "who hacked the cameras?" {
			return // asked for a name, not a number: its own question
		}
	}
	for _, q := range d.Unanswered {
		if q.Question == "who hacked the cameras?" {
			return
		}
	}
	t.Errorf("top %+v, unanswered %+v: 'who hacked the cameras?' asks for someone, not a number, and must stay its own question", d.TopQuestions, d.Unanswered)
}

// TestDigestPeriod: a digest of a past period holds what was added and
// asked in it, not what came after (the "More" button asks for it later).
func TestDigestPeriod(t *testing.T) {
	clock := &testClock{t: time.Date(2026, 6, 3, 9, 0, 0, 0, time.UTC)}
	lib := openTest(t, t.TempDir(), clock)
	since := clock.t
	mustAdd(t, lib, Source{Scope: "1", Title: "Cameras", Text: articleCameras})
	ask(t, lib, Query{Question: "How many cameras were hacked?", Scope: "1", Asker: &Asker{UserID: "a"}})
	until := clock.t.Add(time.Hour)
	clock.t = until.Add(time.Hour)
	mustAdd(t, lib, Source{Scope: "1", Title: "Weather", Text: articleWeather})
	ask(t, lib, Query{Question: "Will it rain?", Scope: "1", Asker: &Asker{UserID: "b"}})
	d, err := lib.DigestPeriod(context.Background(), "1", since, until)
	if err != nil {
		t.Fatal(err)
	}
	if d.Counts.NewSources != 1 || len(d.NewSources) != 1 || d.NewSources[0].Source.Title != "Cameras" || d.Counts.Questions != 1 || d.Counts.Sources != 1 {
		t.Errorf("digest of the first hour: %d new sources %+v, counts %+v; want only the cameras and their question", d.Counts.NewSources, d.NewSources, d.Counts)
	}
}

// TestStoryFigures: a number the story sets against another must count
// the noun after it; a number that labels something (a berth, a
// dispatch) is no figure, or two dispatches about two berths would read
// as a dispute.
func TestStoryFigures(t *testing.T) {
	tests := []struct {
		text string
		want []string // the figures kept
	}{
		{"An opposition group says it hacked more than 5,000 surveillance cameras in Tehran.", []string{"more than 5,000 surveillance cameras"}},
		{"The port authority said 12 cranes stopped working.", []string{"12 cranes stopped working"}},
		{"Dispatch 1: the harbour authority closed berth 1 after a crane collapsed onto the quay.", nil},
		{"Ships due at berth 2 this week will be sent north.", nil},
		{"Part of the network of municipal surveillance cameras was disrupted.", []string{"Part of the network of municipal surveillance cameras"}},
	}
	for _, tt := range tests {
		var got []string
		for _, f := range storyFacts(tt.text).figures {
			got = append(got, f.text)
		}
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("%q: figures %q, want %q", tt.text, got, tt.want)
		}
	}
}
