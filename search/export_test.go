package search

import (
	"context"
	"fmt"
)

// Tuning exposes the ranking weights to the tuning harness (tune_test.go),
// which varies them on the dev halves of the question sets. Only tests see
// it.
var Tuning = map[string]*float64{
	"sentence": &sentenceWeight, "article": &articleWeight, "coverage": &coverageWeight,
	"context": &contextWeight, "kind": &kindWeight, "adjacency": &adjacencyWeight, "speaker": &speakerWeight, "lead": &leadQuotes, "leadrel": &leadRelevance, "sourcearticle": &sourceArticleWeight,
	"known": &answeredKnown, "answered": &answeredCoverage, "missing": &answeredMissing, "missingcoverage": &answeredMissingCoverage, "terms": &answeredTerms,
	"synonym": &synonymBoost, "synonymknown": &synonymKnown, "near": &nearBoost, "articlealt": &articleAltBoost,
}

// TuningSwitches are the on/off choices the harness compares.
var TuningSwitches = map[string]*bool{"wordnet": &useWordNet, "incident": &useIncidentWords}

// VerdictFeatures returns what the verdict sees of a question's best quote,
// for the tuning harness to calibrate it.
func VerdictFeatures(l *Library, question string) map[string]float64 {
	ctx := context.Background()
	p, err := l.prepare(ctx, cleanQuestion(question), SharedScope)
	if err != nil || len(p.terms) == 0 {
		return nil
	}
	cands, err := l.rank(ctx, p, Query{Question: question, Limit: 3}, 3)
	if err != nil || len(cands) == 0 {
		return nil
	}
	c := cands[0]
	f := map[string]float64{"known": p.known / p.total, "context": c.context, "coverage": c.coverage,
		"missing": c.missing / max(p.heaviest, 1e-9), "score": c.score, "article": c.ascore, "typed": 0, "kind": 0}
	if p.kind != 0 {
		f["typed"] = 1
		if p.kind&c.kind != 0 {
			f["kind"] = 1
		}
	}
	if len(cands) > 1 {
		f["margin"] = c.score - cands[1].score
	}
	return f
}

// RankFeatures lists what the ranking saw of a question's best candidates,
// for the tuning harness.
func RankFeatures(l *Library, question string, n int) []string {
	ctx := context.Background()
	p, err := l.prepare(ctx, cleanQuestion(question), SharedScope)
	if err != nil || len(p.terms) == 0 {
		return nil
	}
	cands, err := l.rank(ctx, p, Query{Question: question, Limit: n}, n)
	if err != nil {
		return nil
	}
	var out []string
	for _, c := range cands[:min(n, len(cands))] {
		out = append(out, fmt.Sprintf("%.3f s%.2f a%.2f cov%.2f ctx%.2f kind%v/%v %.60q", c.score, c.sscore, c.ascore, c.coverage, c.context, c.kind, p.kind, c.text))
	}
	return out
}
