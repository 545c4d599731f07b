package search

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"
)

func TestFollowUpsOnce(t *testing.T) {
	clock := &testClock{t: time.Date(2026, 6, 3, 9, 0, 0, 0, time.UTC)}
	lib := openTest(t, t.TempDir(), clock)
	ctx := context.Background()
	mustAdd(t, lib, Source{Scope: "1001", Title: "Weather", Text: articleWeather})
	asked := ask(t, lib, Query{Question: "Which hospital did the hackers target?", Scope: "1001",
		Asker: &Asker{UserID: "42", ChannelID: "77"}})
	if asked.Answered || asked.QuestionID == "" {
		t.Fatalf("want an unanswered, logged question: %+v", asked)
	}
	ask(t, lib, Query{Question: "Which hospital did the hackers target?", Scope: "2002", Asker: &Asker{UserID: "9"}})

	clock.t = clock.t.Add(time.Hour)
	src := mustAdd(t, lib, Source{Scope: "1001", Title: "Hospital", Text: articleHospital})
	fus, err := lib.FollowUps(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	if len(fus) != 1 {
		t.Fatalf("%d follow-ups, want 1 (guild 2002's question is not guild 1001's business)", len(fus))
	}
	fu := fus[0]
	if fu.Question.UserID != "42" || fu.Question.ChannelID != "77" || fu.Quote.Source.ID != src.ID || !strings.Contains(fu.Quote.Text, "hospital") {
		t.Errorf("follow-up %+v", fu)
	}
	// Nothing is marked until the asker was told.
	if again, err := lib.FollowUps(ctx, src); err != nil || len(again) != 1 {
		t.Errorf("second call before marking: %d follow-ups (%v), want the same one", len(again), err)
	}
	if err := lib.MarkFollowedUp("1001", []string{fu.Asked[0].ID}); err != nil {
		t.Fatal(err)
	}
	if again, err := lib.FollowUps(ctx, src); err != nil || len(again) != 0 {
		t.Errorf("call after marking: %d follow-ups (%v), want none", len(again), err)
	}
	rec, err := lib.Question("1001", asked.QuestionID)
	if err != nil || rec.Text != "Which hospital did the hackers target?" || !rec.FollowedUp {
		t.Errorf("Question(%s) = %+v, %v", asked.QuestionID, rec, err)
	}
	if _, err := lib.Question("2002", asked.QuestionID); err == nil {
		t.Error("guild 2002 read guild 1001's question")
	}
}

func TestFollowUpsSkipOldQuestions(t *testing.T) {
	clock := &testClock{t: time.Date(2026, 6, 3, 9, 0, 0, 0, time.UTC)}
	lib := openTest(t, t.TempDir(), clock)
	ask(t, lib, Query{Question: "Which hospital did the hackers target?", Scope: "1", Asker: &Asker{UserID: "42"}})
	clock.t = clock.t.Add(followUpWindow + time.Hour)
	src := mustAdd(t, lib, Source{Scope: "1", Text: articleHospital})
	if fus, err := lib.FollowUps(context.Background(), src); err != nil || len(fus) != 0 {
		t.Errorf("%d follow-ups for a question older than the window (%v)", len(fus), err)
	}
}

func TestDigest(t *testing.T) {
	clock := &testClock{t: time.Date(2026, 6, 3, 9, 0, 0, 0, time.UTC)}
	lib := openTest(t, t.TempDir(), clock)
	ctx := context.Background()
	mustAdd(t, lib, Source{Scope: "1", Title: "Old", Text: articleWeather})
	since := clock.t.Add(time.Minute)

	empty, err := lib.Digest(ctx, "1", since)
	if err != nil {
		t.Fatal(err)
	}
	if !empty.Empty() || empty.Counts.Sources != 1 {
		t.Errorf("digest of a quiet day: %+v", empty)
	}

	clock.t = since.Add(time.Hour)
	long := articleCameras + "\nThe cameras were hacked as the municipality's website went down.\nA group of hackers claimed the surveillance cameras were under its control.\nShort line."
	added := mustAdd(t, lib, Source{Scope: "1", Title: "Cameras", Outlet: "Wire", Text: long})
	for i := 0; i < 3; i++ {
		ask(t, lib, Query{Question: "How many cameras were hacked?", Scope: "1", Asker: &Asker{UserID: "a"}})
	}
	ask(t, lib, Query{Question: "how many cameras were hacked", Scope: "1", Asker: &Asker{UserID: "b"}})
	ask(t, lib, Query{Question: "Who wrote Hamlet?", Scope: "1", Asker: &Asker{UserID: "c"}})
	ask(t, lib, Query{Question: "How many cameras were hacked?", Scope: "2", Asker: &Asker{UserID: "z"}})

	d, err := lib.Digest(ctx, "1", since)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.NewSources) != 1 || d.NewSources[0].Source.ID != added.ID {
		t.Fatalf("new sources %+v", d.NewSources)
	}
	if n := len(d.NewSources[0].Summary); n == 0 || n > summarySentences {
		t.Errorf("summary of %d sentences", n)
	}
	for _, s := range d.NewSources[0].Summary {
		if !strings.Contains(long, s) || s == "Short line." {
			t.Errorf("summary sentence %q is not a full sentence of the article", s)
		}
	}
	if len(d.TopQuestions) != 1 || d.TopQuestions[0].Count != 2 || d.TopQuestions[0].Best == nil {
		t.Errorf("top questions %+v: want the camera question, asked by 2 members (two spellings, one member 3 times), with a quote", d.TopQuestions)
	}
	if len(d.Unanswered) != 0 || d.Counts.OffTopic != 1 {
		t.Errorf("unanswered %+v, %d off topic: the library has nothing near Hamlet, so moderators have no gap to fill; want it counted, not listed", d.Unanswered, d.Counts.OffTopic)
	}
	if d.Counts.Questions != 3 || d.Counts.Answered != 2 || d.Counts.Sources != 2 || d.Counts.NewSources != 1 {
		t.Errorf("counts %+v: guild 2's question must not count", d.Counts)
	}
}

func TestDigestSettingsKeepLastDay(t *testing.T) {
	lib := openTest(t, t.TempDir(), nil)
	at := time.Date(2026, 6, 3, 9, 0, 0, 0, time.UTC)
	if err := lib.SetDigestSettings(DigestSettings{Scope: "1", ChannelID: "5", Time: timeOfDay(t, "09:00"), Timezone: zone(t, "UTC"), Enabled: true}); err != nil {
		t.Fatal(err)
	}
	if err := lib.MarkDigestPosted("1", "2026-06-03", at); err != nil {
		t.Fatal(err)
	}
	if err := lib.SetDigestSettings(DigestSettings{Scope: "1", ChannelID: "6", Time: timeOfDay(t, "18:00"), Timezone: zone(t, "Europe/London"), Enabled: true}); err != nil {
		t.Fatal(err)
	}
	s, ok, err := lib.DigestSettings("1")
	if err != nil || !ok || s.LastDay != "2026-06-03" || !s.LastPostedAt.Equal(at) || s.ChannelID != "6" {
		t.Errorf("settings %+v, %v, %v: a new time must keep the last posted day", s, ok, err)
	}
	all, err := lib.AllDigestSettings()
	if err != nil || len(all) != 1 {
		t.Errorf("AllDigestSettings: %+v, %v", all, err)
	}
}

// FuzzAsk: any question is handled without panic; quotes are verbatim,
// highlights in range, and the answer's question valid UTF-8.
func FuzzAsk(f *testing.F) {
	lib := openTest(f, f.TempDir(), nil)
	held := map[string]bool{}
	for _, s := range []Source{{Title: "Cameras", Text: articleCameras}, {Title: "Hospital", Text: articleHospital}} {
		held[mustAdd(f, lib, s).ID] = true
	}
	for _, s := range []string{"how many cameras?", "+-:^*~\"()[]{}\\", "\x00\xff", "کی دوربین\u200cها را هک کرد؟", "🙂 cameras", strings.Repeat("camera ", 900), "who wrote hamlet", "ca*", "\"hacked cameras\"~2"} {
		f.Add(s, 0)
	}
	f.Fuzz(func(t *testing.T, question string, offset int) {
		ans, err := lib.Ask(context.Background(), Query{Question: question, Offset: offset % 50})
		if err != nil {
			t.Fatalf("Ask(%q): %v", question, err)
		}
		if !utf8.ValidString(ans.Question) || len(ans.Question) > MaxQuestionBytes {
			t.Fatalf("question echoed as %q", ans.Question)
		}
		if ans.Answered && ans.Total == 0 {
			t.Fatalf("answered with no quote to show")
		}
		if len(ans.Quotes) > 0 && ans.Total < offset%50+len(ans.Quotes) {
			t.Fatalf("total %d, but offset %d and %d quotes", ans.Total, offset%50, len(ans.Quotes))
		}
		for _, q := range ans.Quotes {
			if !held[q.Source.ID] {
				t.Fatalf("quote %q cites %s, which the library does not hold", q.Text, q.Source.ID)
			}
			// Against the quote's own source, whole sentences: a quote
			// running across the two articles' seam, or one byte off,
			// must not pass.
			if msg := verbatim(lib, q.Source.ID, q.Text); msg != "" {
				t.Fatalf("%q: %s", question, msg)
			}
			for _, h := range q.Highlights {
				if h.Start < 0 || h.End > len(q.Text) || h.Start >= h.End {
					t.Fatalf("highlight %+v out of range", h)
				}
			}
		}
	})
}

func TestQuestionsSinceZeroTime(t *testing.T) {
	lib := openTest(t, t.TempDir(), nil)
	ask(t, lib, Query{Question: "cameras?", Scope: "1", Asker: &Asker{UserID: "a"}})
	qs, err := lib.Questions("1", time.Time{})
	if err != nil || len(qs) != 1 {
		t.Errorf("Questions since the zero time: %d, %v; want the one asked", len(qs), err)
	}
}

func TestLongQuestionCutAtAWord(t *testing.T) {
	q := strings.Repeat("cameras ", MaxQuestionBytes/8) + "Tehran"
	got := cleanQuestion(q)
	if len(got) > MaxQuestionBytes || strings.HasSuffix(got, "Teh") || !strings.HasSuffix(got, "cameras") {
		t.Errorf("cut to %d bytes ending %q", len(got), got[len(got)-10:])
	}
}

// TestAskDoesNotWaitForTheLog: a question is answered, with the id its
// buttons carry, while the store cannot write (another write transaction
// holds it); once the store is free the log holds the question under that
// id. Before, every /ask waited for the log's fsync.
func TestAskDoesNotWaitForTheLog(t *testing.T) {
	lib := openTest(t, t.TempDir(), nil)
	db := boltDB(t, lib)
	holding, release := make(chan struct{}), make(chan struct{})
	writerDone := make(chan error, 1)
	go func() {
		writerDone <- db.Update(func(*bolt.Tx) error {
			close(holding)
			<-release
			return nil
		})
	}()
	<-holding
	answered := make(chan Answer, 1)
	go func() {
		ans, err := lib.Ask(context.Background(), Query{Question: "how many cameras were hacked?", Scope: "1001", Asker: &Asker{UserID: "42"}})
		if err != nil {
			t.Error(err)
		}
		answered <- ans
	}()
	var ans Answer
	select {
	case ans = <-answered:
	case <-time.After(30 * time.Second):
		close(release)
		t.Fatal("no answer while the store was busy: /ask waits for the question log's disk write again")
	}
	close(release)
	if err := <-writerDone; err != nil {
		t.Fatal(err)
	}
	if ans.QuestionID == "" {
		t.Fatal("the answer carries no question id: its buttons would not work")
	}
	rec, err := lib.Question("1001", ans.QuestionID)
	if err != nil || rec.Text != "how many cameras were hacked?" || rec.UserID != "42" {
		t.Errorf("Question(%s) = %+v, %v: a button pressed on the answer would not find its question", ans.QuestionID, rec, err)
	}
}

// TestQueuedQuestionsSurviveClose: questions answered just before the
// library closes are in the log when it opens again (the digest and the
// follow-ups read them).
func TestQueuedQuestionsSurviveClose(t *testing.T) {
	dir := t.TempDir()
	lib := openTest(t, dir, nil)
	var ids []string
	for _, q := range []string{"how many cameras were hacked?", "who hacked the cameras?", "what did the council say?"} {
		ids = append(ids, ask(t, lib, Query{Question: q, Scope: "7", Asker: &Asker{UserID: "1"}}).QuestionID)
	}
	if err := lib.Close(); err != nil {
		t.Fatal(err)
	}
	lib = openTest(t, dir, nil)
	qs, err := lib.Questions("7", time.Unix(0, 0))
	if err != nil || len(qs) != len(ids) {
		t.Fatalf("after reopening, %d questions (%v), want %d: the digest would miss questions asked before a restart", len(qs), err, len(ids))
	}
	for i, q := range qs {
		if q.ID != ids[i] {
			t.Errorf("question %d has id %s, its answer carried %s", i, q.ID, ids[i])
		}
	}
}
