package search

// The /ask path from the top; each step has a file: question, candidates, rank, verdict, group.

import "context"

// Ask's weights stand beside what they weigh (question.go, candidates.go,
// features.go, verdict.go, group.go). They were tuned on the dev halves of
// the question sets (testdata/qa) and checked on TIME and BBC through Ask
// (eval_test.go, answer_test.go); see README for the figures. They are
// variables so the tuning test can vary them; nothing else changes them.

// Ask answers a question with the best matching quotes visible from the
// query's scope. An answer with Answered false means no source answers
// well: its quotes, if any, are weak. Errors come from the index or store.
func (l *Library) Ask(ctx context.Context, q Query) (Answer, error) {
	if err := l.checkOpen(); err != nil {
		return Answer{}, err
	}
	ans, err := l.ask(ctx, q)
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
		return ans, nil
	}
	ans.Corrected = p.corrected
	cands, err := l.rank(ctx, p, q, q.Offset+q.Limit)
	if err != nil {
		return ans, err
	}
	// The verdict is separate from the quotes: without an answer they are
	// the closest passages, which callers show as such.
	if ans.Answered, err = l.answered(p, cands); err != nil {
		return ans, err
	}
	quotes := arrange(group(cands), cands)
	ans.Total = len(quotes)
	if q.Offset < len(quotes) {
		quotes = quotes[q.Offset:min(len(quotes), q.Offset+q.Limit)]
	} else {
		quotes = nil
	}
	l.attachAttribution(quotes)
	if ans.Answered {
		ans.Differ = sourcesDiffer(quotes) // closest passages that are not answers disagree about nothing
	}
	ans.Quotes = append(ans.Quotes, quotes...)
	return ans, nil
}
