package search

// AsksForSpan reports whether a question asks for a kind of answer that
// an answer span can hold (a figure, name, date, place, cause or speech),
// for the span measurement in span_eval_test.go.
func AsksForSpan(question string) bool { return spanKind(question) != 0 }
