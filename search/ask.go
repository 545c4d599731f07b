package search

// The /ask path from the top; each step has a file: question, candidates, rank, verdict, group.

import "context"

// Ask's weights stand beside what they weigh (question.go, candidates.go,
// features.go, verdict.go, group.go). They were tuned on the dev halves of
// the question sets (testdata/qa) and checked on TIME and BBC through Ask
// (eval_test.go, answer_test.go); see README for the figures. They are
// variables so the tuning test can vary them; nothing else changes them.

// Ask answers a question with the best matching quotes visible from the
// query's scope, and says how far they answer it (Answer.Confidence).
// Errors come from the index or store.
func (l *Library) Ask(ctx context.Context, q Query) (Answer, error) {
	if err := l.checkOpen(); err != nil {
		return Answer{}, err
	}
	ans, err := l.ask(ctx, q)
	l.trimMapped()
	if err != nil {
		return Answer{}, err
	}
	if q.Asker != nil {
		id, err := l.logQuestion(q, ans)
		if err != nil {
			return Answer{}, err
		}
		ans.QuestionID = id
	}
	return ans, nil
}

// ask is Ask without the question log.
func (l *Library) ask(ctx context.Context, q Query) (Answer, error) {
	question := cleanQuestion(q.Question)
	ans := Answer{Question: question, Quotes: []Quote{}}
	if q.Limit <= 0 {
		q.Limit = DefaultLimit
	}
	q.Offset, q.Limit = min(max(q.Offset, 0), MaxOffset), min(q.Limit, MaxLimit) // deep paging costs what the last page does
	p, err := l.prepare(ctx, question, q.Scope)
	if err != nil {
		return ans, errorf("analyse question: %w", err)
	}
	if len(p.terms) == 0 {
		ans.Confidence = None
		return ans, nil
	}
	ans.Corrected = p.corrected
	cands, err := l.rank(ctx, p, q, q.Offset+q.Limit)
	if err != nil {
		return ans, err
	}
	// The verdict is separate from the quotes: the ranking's best quotes
	// are returned whatever the tier, and callers show them as the answer,
	// as the closest passages, or not at all (confidence.go).
	story := stories(cands)
	if ans.Confidence, err = l.confidence(p, cands, story); err != nil {
		return ans, err
	}
	ans.Answered = ans.Confidence == Answered
	quotes := arrange(group(cands, story), cands)
	ans.Total = len(quotes)
	if q.Offset < len(quotes) {
		quotes = quotes[q.Offset:min(len(quotes), q.Offset+q.Limit)]
	} else {
		quotes = nil
	}
	l.attachAttribution(quotes, q.Scope)
	p.setAnswerSpans(quotes)
	if ans.Confidence != None {
		// The closest passages are shown too, under their label: that
		// they disagree is worth saying there as well.
		ans.Differ = sourcesDiffer(quotes)
	}
	ans.Quotes = append(ans.Quotes, quotes...)
	return ans, nil
}
