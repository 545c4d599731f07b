package search

// AsksForSpan reports whether a question asks for a kind of answer that
// an answer span can hold (a figure, name, date, place, cause or speech),
// for the span measurement in span_eval_test.go.
func AsksForSpan(question string) bool { return spanKind(question) != 0 }

// SentenceQuotes returns every sentence of source id as a quote carrying
// the attribution Ask attaches to quotes for scope, so a test can read
// what a reader would see under each sentence.
func (l *Library) SentenceQuotes(scope, id string) ([]Quote, error) {
	s, text, err := l.load(id)
	if err != nil {
		return nil, err
	}
	quotes := make([]Quote, len(s.Spans))
	for i, sp := range s.Spans {
		quotes[i] = Quote{Text: text[sp.Start:sp.End], Source: s.Ref(), sentence: i}
	}
	l.attachAttribution(quotes, scope)
	return quotes, nil
}
