package search

// The digest's questions: folded per member, grouped by meaning, asked
// again, and sorted by what the library can say to them now.

import (
	"context"
	"sort"
	"strings"
	"time"
)

// Question grouping thresholds. Two wordings are one question when each
// says most of what the other says (by term weight, a synonym or incident
// word counting for the word), or when they share a good part and the
// library gives both the same best quote.
const (
	paraphraseShare = 0.6
	sameAnswerShare = 0.3
	// digestVariants bounds the other wordings a grouped question lists.
	digestVariants = 3
	// askedQuotes is how many of a question's quotes count as asked
	// about, for the story's order: its best quote, which the card shows
	// first. (More would count every sentence of a small library.)
	askedQuotes = 1
)

// askedQuestion is one wording of a question asked in the period, asked
// again.
type askedQuestion struct {
	text  string
	count int
	last  time.Time
	p     prepared
	ans   Answer
}

// best is the sentence the library answers the question with, if any.
func (a *askedQuestion) best() (claimAt, bool) {
	if a.ans.Confidence == None || len(a.ans.Quotes) == 0 {
		return claimAt{}, false
	}
	q := a.ans.Quotes[0]
	return claimAt{q.Source.ID, q.sentence}, true
}

// digestQuestions fills d's questions from the period's log qs: counts
// first (each member's repeats of a wording counted once, private
// questions counted and never shown), then the public wordings most
// asked, grouped by meaning and asked again: those answered now go to
// TopQuestions with their answer, those with only the closest passages to
// Unanswered, and those the library has nothing near (off topic) are
// counted in Counts.OffTopic. It returns each group with the sentences
// its answers quote, for the story's order.
func (l *Library) digestQuestions(ctx context.Context, scope string, qs []QuestionRecord, d *Digest) ([]questionHits, error) {
	byKey := make(map[string]*askedQuestion)
	var keys []string
	counted := make(map[string]bool) // asker and wording
	for _, q := range qs {
		key := questionKeyText(q.Text)
		// A member asking the same question again is counted once: one
		// member in a loop must not make the digest's top question.
		if mine := q.UserID + "\x00" + key; q.UserID != "" {
			if counted[mine] {
				continue
			}
			counted[mine] = true
		}
		d.Counts.Questions++
		if q.Answered {
			d.Counts.Answered++
		}
		if q.Private {
			d.Counts.Private++
			continue // counted, never shown: its text is the asker's alone
		}
		a, ok := byKey[key]
		if !ok {
			a = &askedQuestion{text: q.Text}
			byKey[key] = a
			keys = append(keys, key)
		}
		a.count++
		a.last = q.At
	}
	sort.SliceStable(keys, func(i, j int) bool {
		a, b := byKey[keys[i]], byKey[keys[j]]
		if a.count != b.count {
			return a.count > b.count
		}
		return a.last.After(b.last)
	})
	keys = keys[:min(len(keys), digestReasks)]

	type group struct {
		members []*askedQuestion // the most asked first
		count   int
		last    time.Time
	}
	var groups []*group
	for _, key := range keys {
		a := byKey[key]
		var err error
		if a.ans, err = l.ask(ctx, Query{Question: a.text, Scope: scope}); err != nil {
			return nil, err
		}
		if a.p, err = l.prepare(ctx, cleanQuestion(a.text), scope); err != nil {
			return nil, errorf("analyse question: %w", err)
		}
		var into *group
		for _, g := range groups {
			if sameQuestion(g.members[0], a) {
				into = g
				break
			}
		}
		if into == nil {
			into = &group{}
			groups = append(groups, into)
		}
		into.members = append(into.members, a)
		into.count += a.count
		if a.last.After(into.last) {
			into.last = a.last
		}
	}
	sort.SliceStable(groups, func(i, j int) bool {
		if groups[i].count != groups[j].count {
			return groups[i].count > groups[j].count
		}
		return groups[i].last.After(groups[j].last)
	})

	var hits []questionHits
	for _, g := range groups {
		dq := DigestQuestion{Question: g.members[0].text, Count: g.count, LastAsked: g.last, Confidence: None}
		h := questionHits{count: g.count, at: make(map[claimAt]bool)}
		for _, m := range g.members {
			if m != g.members[0] && len(dq.Variants) < digestVariants {
				dq.Variants = append(dq.Variants, m.text)
			}
			if m.ans.Confidence == None {
				continue
			}
			for _, q := range m.ans.Quotes[:min(len(m.ans.Quotes), askedQuotes)] {
				h.at[claimAt{q.Source.ID, q.sentence}] = true
			}
			// The group's answer is its most asked wording's, or the
			// first other wording the library answers.
			if m.ans.Confidence == Answered && dq.Confidence != Answered && len(m.ans.Quotes) > 0 {
				best := m.ans.Quotes[0]
				dq.Best, dq.Confidence = &best, Answered
			} else if dq.Confidence == None {
				dq.Confidence = Closest
			}
		}
		hits = append(hits, h)
		switch dq.Confidence {
		case Answered:
			if len(d.TopQuestions) < digestTopQuestions {
				d.TopQuestions = append(d.TopQuestions, dq)
			}
		case Closest:
			if len(d.Unanswered) < digestUnanswered {
				d.Unanswered = append(d.Unanswered, dq)
			}
		default:
			d.Counts.OffTopic += g.count
		}
	}
	return hits, nil
}

// sameQuestion says whether two wordings ask the same thing: they ask for
// the same kind of answer (a number, a name…), or one asks none, and each
// says most of the other, or a good part of it with the same best quote.
func sameQuestion(a, b *askedQuestion) bool {
	share := min(termShare(a.p, b.p), termShare(b.p, a.p))
	if a.p.kind != b.p.kind && a.p.kind&b.p.kind == 0 {
		// "number of cameras hacked" names what "how many cameras were
		// hacked?" asks: a wording that asks no kind may still be it.
		return (a.p.kind == 0 || b.p.kind == 0) && share >= paraphraseShare
	}
	if share >= paraphraseShare {
		return true
	}
	ba, okA := a.best()
	bb, okB := b.best()
	return share >= sameAnswerShare && okA && okB && ba == bb
}

// termShare is the share of a's term weight that b says too: the same
// term, or one standing for it (a synonym or an incident word, either
// way round).
func termShare(a, b prepared) float64 {
	var got, total float64
	for _, t := range a.terms {
		if askingNouns[t.Word] {
			continue
		}
		w := a.weight[t.Term]
		total += w
		for _, u := range b.terms {
			if t.Term == u.Term || t.altBoost(u.Term) >= synonymBoost || u.altBoost(t.Term) >= synonymBoost {
				got += w
				break
			}
		}
	}
	if total == 0 {
		return 0
	}
	return got / total
}

// askingNouns ask for a figure the way "how many" does: "number of
// cameras hacked" asks what "how many cameras were hacked?" asks.
var askingNouns = set("number", "amount", "total", "count", "figure", "figures", "tally")

// questionKeyText folds the ways of typing the same question together.
func questionKeyText(q string) string {
	q = strings.ToLower(strings.Join(strings.Fields(q), " "))
	return strings.TrimRight(q, "?!. ")
}
