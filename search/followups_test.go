package search

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestFollowUpOncePerQuestion: a question asked many times (by one member
// in a loop, by others, with other spellings) is asked again once and
// comes back as one follow-up holding every waiting asking.
func TestFollowUpOncePerQuestion(t *testing.T) {
	clock := &testClock{t: time.Date(2026, 6, 3, 9, 0, 0, 0, time.UTC)}
	lib := openTest(t, t.TempDir(), clock)
	for k := 0; k < 30; k++ {
		ask(t, lib, Query{Question: "Which hospital did the hackers target?", Scope: "1", Asker: &Asker{UserID: "42", ChannelID: "7"}})
	}
	ask(t, lib, Query{Question: "which hospital did the hackers target", Scope: "1", Asker: &Asker{UserID: "43", ChannelID: "7", Private: true}})
	ask(t, lib, Query{Question: "Who wrote Hamlet?", Scope: "1", Asker: &Asker{UserID: "44", ChannelID: "7"}})
	src := mustAdd(t, lib, Source{Scope: "1", Text: articleHospital})
	fus, err := lib.FollowUps(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	if len(fus) != 1 || len(fus[0].Asked) != 31 {
		t.Fatalf("%d follow-ups (first with %d askings), want 1 with 31", len(fus), len(fus[0].Asked))
	}
	if last := fus[0].Question; !last.Private || last.UserID != "43" {
		t.Errorf("the follow-up's question is %+v, want the latest asking (private, by 43)", last)
	}
}

// TestPrivateQuestionsStayOutOfTheDigest: a private question is logged as
// such, counted, and its text never listed.
func TestPrivateQuestionsStayOutOfTheDigest(t *testing.T) {
	clock := &testClock{t: time.Date(2026, 6, 3, 9, 0, 0, 0, time.UTC)}
	lib := openTest(t, t.TempDir(), clock)
	mustAdd(t, lib, Source{Scope: "1", Title: "Cameras", Text: articleCameras})
	since := clock.t
	clock.t = clock.t.Add(time.Hour)
	a := ask(t, lib, Query{Question: "How many cameras were hacked by my secret contact?", Scope: "1", Asker: &Asker{UserID: "a", Private: true}})
	ask(t, lib, Query{Question: "Is my secret contact safe?", Scope: "1", Asker: &Asker{UserID: "a", Private: true}})
	ask(t, lib, Query{Question: "How many cameras were hacked?", Scope: "1", Asker: &Asker{UserID: "b"}})
	rec, err := lib.Question("1", a.QuestionID)
	if err != nil || !rec.Private {
		t.Fatalf("logged %+v, %v: want it marked private", rec, err)
	}
	d, err := lib.Digest(context.Background(), "1", since)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range append(d.TopQuestions, d.Unanswered...) {
		if strings.Contains(q.Question, "secret") {
			t.Errorf("the digest lists a private question: %+v", q)
		}
	}
	if len(d.TopQuestions) != 1 || d.Counts.Questions != 3 {
		t.Errorf("top %+v, counts %+v: want the public question listed and all three counted", d.TopQuestions, d.Counts)
	}
}

// TestQuestionLogIsBounded: old questions are pruned, and a scope keeps at
// most maxQuestionsPerScope whatever the rate.
func TestQuestionLogIsBounded(t *testing.T) {
	clock := &testClock{t: time.Date(2026, 6, 3, 9, 0, 0, 0, time.UTC)}
	lib := openTest(t, t.TempDir(), clock)
	ask(t, lib, Query{Question: "old question", Scope: "1", Asker: &Asker{UserID: "a"}})
	ask(t, lib, Query{Question: "other guild", Scope: "2", Asker: &Asker{UserID: "a"}})
	clock.t = clock.t.Add(questionRetention + time.Hour)
	ask(t, lib, Query{Question: "new question", Scope: "1", Asker: &Asker{UserID: "a"}})
	qs, err := lib.Questions("1", time.Unix(0, 0))
	if err != nil || len(qs) != 1 || qs[0].Text != "new question" {
		t.Fatalf("questions after the retention: %+v, %v", qs, err)
	}
	if qs, _ := lib.Questions("2", time.Unix(0, 0)); len(qs) != 1 {
		t.Errorf("pruning guild 1 touched guild 2: %+v", qs)
	}

	// The cap (lowered: each logged question is a write).
	lib.maxQuestions = 50
	for k := 0; k < 60; k++ {
		clock.t = clock.t.Add(time.Millisecond)
		if _, err := lib.logQuestion(Query{Scope: "3", Asker: &Asker{UserID: "spam"}}, Answer{Question: "again"}); err != nil {
			t.Fatal(err)
		}
	}
	qs, err = lib.Questions("3", time.Unix(0, 0))
	if err != nil || len(qs) != 50 || qs[0].At.Before(clock.t.Add(-50*time.Millisecond)) {
		t.Errorf("%d questions kept (%v), want the latest 50", len(qs), err)
	}
}

// TestFollowUpQueueSurvivesReopening: queued checks are in the store, one
// per source, until finished.
func TestFollowUpQueueSurvivesReopening(t *testing.T) {
	dir := t.TempDir()
	lib := openTest(t, dir, nil)
	for _, id := range []string{"a", "b", "a"} {
		if err := lib.QueueFollowUps("1", id); err != nil {
			t.Fatal(err)
		}
	}
	lib.Close()
	lib = openTest(t, dir, nil)
	jobs, err := lib.FollowUpJobs()
	if err != nil || len(jobs) != 2 || jobs[0].SourceID != "a" || jobs[1].SourceID != "b" || jobs[0].Scope != "1" {
		t.Fatalf("jobs after reopening: %+v, %v", jobs, err)
	}
	if err := lib.FinishFollowUpJob(jobs[0].ID); err != nil {
		t.Fatal(err)
	}
	if jobs, _ := lib.FollowUpJobs(); len(jobs) != 1 || jobs[0].SourceID != "b" {
		t.Errorf("after finishing one: %+v", jobs)
	}
}
