package search_test

import (
	"context"
	"strings"
	"testing"

	"sitrep/search"
	"sitrep/seeds"
)

// The seed question set: questions as an incident team types them into
// /ask (paraphrased, never copied from the articles; some with typos),
// each with distinctive parts of the sentences that answer it. Several are
// listed when several sources say it. A question is a hit when one of them
// appears in the top three quotes or in the quotes folded into them
// (AlsoReportedBy).
var seedQuestions = []struct {
	q    string
	want []string
}{
	// Who did it.
	{"who's behind the camera hack?", []string{
		"Group of People's Mujahedeen said it had disabled surveillance cameras",
		"claimed that it had hacked into the Tehran municipality's security cameras",
		"An Iranian opposition group says it has hacked more than 5,000",
		"(PMOI/MEK) supporters in Iran, the surveillance cameras",
	}},
	{"which group hacked the agriculture ministry?", []string{"called Uprising To Overthrow claimed responsibility", "50 systems of the Agriculture Ministry"}},
	{"who did the city council blame for the cyberattack?", []string{
		"blamed the Mossad and anti-government groups",
		"detailed planning was carried out by the Mossad",
		"hacking municipal systems were Mossad’s job",
		"was done by the MEK and all anti-Islamic currents",
	}},
	{"who runs tehran's city council", []string{"Mehdi Chamran"}},
	{"who hacked the Ghezel Hesar prison cameras?", []string{"Edalat Ali hacker group"}},
	{"who are the MEK leaders shown in the images?", []string{"Massoud Rajavi", "Massoud and Maryam Rajavi"}},
	{"what kind of group is the MKO", []string{"former armed leftist group regarded by some as a cult"}},
	{"which news agency reported the council head blaming Mossad?", []string{"Mehr News Agency reported"}},

	// What happened.
	{"how many cameras did they get into?", []string{"more than 5,000 surveillance cameras"}},
	{"tehran camras hacked", []string{
		"disabled surveillance cameras in Tehran",
		"5,000 surveillance cameras in Tehran",
		"Tehran municipality's security cameras",
		"network of municipal surveillance cameras",
		"surveillance cameras of the regime’s Ministry of Intelligence",
		"control of the capital's surveillance cameras",
	}},
	{"what picture did the hackers put on the website?", []string{
		`red X on his face`, `red "X" over his face`, "red “X” over his face", "humiliating image", "insulting image",
	}},
	{"what did the municipality say about the disruption?", []string{
		"A deliberate malfunction in tehran's internal systems",
		"Deliberate disruption in the internal page",
		"intentional disruption in the internal page",
		"part of the network of municipal surveillance cameras",
	}},
	{"how long was the system unreachable?", []string{"for a few minutes"}},
	{"did the hackers leak footage from the data centre", []string{"video recordings from the municipal data center"}},
	{"who said the city websites were taken down?", []string{
		"Youth Correspondents Club news agency reported on its Telegram channel",
		"the municipality's website was suspended",
	}},
	{"which systems were disrupted?", []string{
		"part of the network of municipal surveillance cameras",
		"internal page of the internal system of Tehran Municipality",
		"the systems were disrupted, they had been reactivated",
	}},
	{"what slogan did the attackers post?", []string{"words calling for an uprising", "calling for an “uprising until overthrow"}},
	{"were the intelligence ministry's cameras hit too?", []string{"surveillance cameras of the regime’s Ministry of Intelligence"}},
	{"were metro ticket machines hacked?", []string{"metro ticket chargers"}},
	{"why did they choose that day for the attack", []string{
		"anniversary of the death of the founder",
		"coincide with the commemoration of the death",
		"anniversary of Khomeini's death",
	}},
	{"what date were the cameras disabled", []string{"On June 2, during a large-scale operation"}},

	// Recovery and response.
	{"when were the systems back up?", []string{
		"they had been reactivated on Tuesday",
		"no time has been announced for a return to normal conditions",
		"nor have the systems been made available",
		"The process of eliminating this limited disruption was completed quickly",
	}},
	{"a week later were the municipal systems still down?", []string{"One week after the cyber-attack on Tehran’s municipal systems"}},
	{"will the authorities investigate who did it?", []string{"conduct investigations to find out who is behind this"}},
	{"did tehran officials apologise to residents", []string{"need to apologize to the people of Tehran"}},
	{"what did the council member ask the municipality to provide?", []string{
		"equipped with equipment and manpower",
		"provide the necessary tools, the necessary manpower",
	}},
	{"how did iranian state media cover the attack", []string{
		"state media reflecting this news",
		"some of its media wrote about it in a hysterical way",
	}},
	{"what did nameh news write", []string{"Hack after hack and disruption after disruption"}},
	{"how long had the hackers been inside the system according to the expert?", []string{"infiltrated the system for years"}},
	{"what did the young journalists club tweet", []string{"writing on Twitter that"}},

	// The FBI and the hospital.
	{"what did the FBI director say about the hospital?", []string{
		"Iranian government-backed hackers tried to target a children's hospital",
		"tried to target Boston Childers Hospital",
		"endangered the services provided to patients",
	}},
	{"iranian hackers boston hosptial", []string{
		"tried to target Boston Childers Hospital",
		"Iranian government-backed hackers tried to target a children's hospital",
	}},
	{"how did the feds learn the hospital was going to be attacked?", []string{"tip from an intelligence partner"}},
	{"where did wray give the speech", []string{"speech at Boston College"}},
	{"which part of the iranian government went after the hospital?", []string{"which branch of the Iranian government was behind the threat"}},
	{"what did the Boston FBI office do", []string{"CyberSquad from our Boston office was quick to warn the hospital"}},

	// Background.
	{"is the MEK a terrorist group?", []string{
		"considered a terrorist organization by the United States and Britain",
		"removed from the U.S. list of terrorist organizations",
	}},
	{"when did MEK members move to Albania?", []string{"moved from Iraq to Albania in 2013"}},
	{"how many mek members went to albania", []string{"About 2,500 members of the MKO"}},
	{"what happened to the petrol stations", []string{"paralyzed gas stations nationwide"}},
	{"railway cyber attack iran", []string{"cyberattack on Iran’s railway system caused chaos"}},
	{"evin prison footage leak", []string{"leaked footage of abuses at the notorious Evin prison", "cameras of Iran's Evin Prison"}},
	{"what attack did AFTA stop in April?", []string{"thwarted a widespread cyber attack on the country's infrastructure"}},
	{"what weakness did the april attackers plan to use", []string{"exploit a security gap"}},
	{"when did the MKO try to invade iran", []string{"failed invasion of Iran in 1988"}},
	{"when did the MEK start its armed struggle against the regime?", []string{"launched an armed conflict against the Islamic regime in 1981"}},
}

// offTopic questions have nothing to do with the seeds: the library must
// say it has no answer instead of offering weak quotes.
var offTopic = []string{
	"Who wrote Hamlet?",
	"what's the weather in Paris",
	"recipe for banana bread",
	"Who won the 2018 World Cup?",
	"how do I reset my password",
	"What is the capital of Australia?",
	"best pizza in new york",
	"how to train a puppy",
	"apple stock price today",
	"when is the next full moon",
	"how tall is mount everest",
	"translate hello into spanish",
}

// openSeedLibrary opens a fresh library holding the embedded seeds.
func openSeedLibrary(tb testing.TB) *search.Library {
	tb.Helper()
	srcs, err := seeds.Sources()
	if err != nil {
		tb.Fatal(err)
	}
	lib, err := search.Open(context.Background(), tb.TempDir(), search.Options{Seeds: srcs})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { lib.Close() })
	return lib
}

// TestSeedQuestions keeps the first session's seed questions (the set its
// ranking was tuned on) as a regression floor for the ranking: hit@3 over
// the quotes whatever the verdict, and how many the verdict answers. The
// verdict itself is calibrated on testdata/qa (answer_test.go), which also
// holds questions the seeds cannot answer.
func TestSeedQuestions(t *testing.T) {
	lib := openSeedLibrary(t)
	ctx := context.Background()
	hits, answered, hidden := 0, 0, 0
	for _, sq := range seedQuestions {
		ans, err := lib.Ask(ctx, search.Query{Question: sq.q, Limit: 3})
		if err != nil {
			t.Fatalf("%q: %v", sq.q, err)
		}
		if ans.Answered {
			answered++
		} else {
			t.Logf("%q: not answered", sq.q)
		}
		if quotesMention(ans.Quotes, sq.want) {
			hits++
			if ans.Confidence == search.None {
				hidden++
				t.Errorf("%q: the top 3 holds the answer but the answer says a plain no: the user never sees it", sq.q)
			}
			continue
		}
		var got strings.Builder
		for i, q := range ans.Quotes {
			got.WriteString("\n    ")
			got.WriteString(string(rune('1' + i)))
			got.WriteString(". ")
			got.WriteString(q.Text)
		}
		t.Logf("miss: %q (searched %q) wants one of %q; top 3:%s", sq.q, ans.Corrected, sq.want, got.String())
	}
	rate := float64(hits) / float64(len(seedQuestions))
	t.Logf("hit@3 = %d/%d = %.3f, answered %d", hits, len(seedQuestions), rate, answered)
	if rate < 0.85 {
		t.Errorf("hit@3 = %.3f, want at least 0.85: the seeds' answers fell out of the top three", rate)
	}
	t.Logf("%d of %d confirmed as answered, %d hidden behind a plain no", answered, len(seedQuestions), hidden)
}

// quotesMention reports whether any quote, or any quote folded into one,
// contains one of want.
func quotesMention(quotes []search.Quote, want []string) bool {
	for _, q := range quotes {
		texts := []string{q.Text}
		for _, r := range q.AlsoReportedBy {
			texts = append(texts, r.Quote)
		}
		for _, text := range texts {
			for _, w := range want {
				if strings.Contains(text, w) {
					return true
				}
			}
		}
	}
	return false
}

func TestOffTopicQuestionsAreNotAnswered(t *testing.T) {
	lib := openSeedLibrary(t)
	// Two share one word with the seeds ("capital", "train") and get the
	// closest passages under their label instead of a plain no: a near
	// miss labelled as such, never an answer.
	nearMiss := map[string]bool{"What is the capital of Australia?": true, "how to train a puppy": true}
	for _, q := range offTopic {
		t.Run(q, func(t *testing.T) {
			ans, err := lib.Ask(context.Background(), search.Query{Question: q})
			if err != nil {
				t.Fatal(err)
			}
			var first string
			if len(ans.Quotes) > 0 {
				first = ans.Quotes[0].Text
			}
			if ans.Answered || ans.Confidence == search.Answered {
				t.Errorf("shown as answered (searched %q), first quote %q: users are told an unrelated passage answers them", ans.Corrected, first)
			}
			if !nearMiss[q] && ans.Confidence != search.None {
				t.Errorf("confidence %q, want a plain no: users get unrelated passages, first %q, for a question the seeds know nothing of", ans.Confidence, first)
			}
		})
	}
}

// TestSeedQuotesAreVerbatim checks that every quote, and every other
// source's quote folded into it, is whole sentences of the source it cites,
// byte for byte.
func TestSeedQuotesAreVerbatim(t *testing.T) {
	lib := openSeedLibrary(t)
	ctx := context.Background()
	for _, sq := range seedQuestions {
		ans, err := lib.Ask(ctx, search.Query{Question: sq.q, Limit: 10})
		if err != nil {
			t.Fatalf("%q: %v", sq.q, err)
		}
		for _, q := range ans.Quotes {
			checkVerbatim(t, lib, sq.q, q.Source.ID, q.Text)
			for _, r := range q.AlsoReportedBy {
				checkVerbatim(t, lib, sq.q, r.ID, r.Quote)
			}
		}
	}
}

func checkVerbatim(tb testing.TB, lib *search.Library, question, id, quote string) {
	tb.Helper()
	search.CheckVerbatim(tb, lib, id, quote, question)
}
