package search

import (
	"context"
	"fmt"
)

// Tuning exposes the ranking weights to the tuning harness (tune_test.go),
// which varies them on the dev halves of the question sets. Only tests see
// it.
var Tuning = map[string]*float64{
	"firstsentence": &sentenceWeight, "firstarticle": &articleWeight, "lead": &leadQuotes, "leadrel": &leadRelevance, "sourcearticle": &sourceArticleWeight,
	"known": &answeredKnown, "answered": &answeredCoverage, "missing": &answeredMissing, "missingcoverage": &answeredMissingCoverage, "terms": &answeredTerms, "nearrelief": &answeredNearRelief,
	"inflection": &inflectionBoost, "light": &lightWeight, "synonym": &synonymBoost, "synonymknown": &synonymKnown, "near": &nearBoost, "articlealt": &articleAltBoost,
	"sentencearticles": &sentenceArticles,
}

func init() {
	for i, name := range featureNames {
		Tuning["w."+name] = &rankWeights[i]
		Tuning["t."+name] = &topicWeights[i]
	}
}

// FeatureNames names the ranking's features, in order.
var FeatureNames = featureNames[:]

// Candidates returns every candidate the ranking read for a question, best
// first: its features and its text, for the fitting harness, and whether
// the question is put as one.
func Candidates(l *Library, question string) ([][]float64, []string, bool) {
	ctx := context.Background()
	p, err := l.prepare(ctx, cleanQuestion(question), SharedScope)
	if err != nil || len(p.terms) == 0 {
		return nil, nil, false
	}
	cands, err := l.rank(ctx, p, Query{Question: question, Limit: 3}, 3)
	if err != nil {
		return nil, nil, false
	}
	var feats [][]float64
	var texts []string
	for _, c := range cands {
		feats = append(feats, append([]float64(nil), c.feat[:]...))
		texts = append(texts, c.text)
	}
	return feats, texts, p.asks
}

// TuningSwitches are the on/off choices the harness compares.
var TuningSwitches = map[string]*bool{"wordnet": &useWordNet, "incident": &useIncidentWords, "inflectlight": &inflectLight, "aftercause": &useAfterCause, "years": &useYears}

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

// ConfidenceNames names the confidence's features, in order.
var ConfidenceNames = confidenceNames[:]

// ConfidenceVector returns the confidence's features for a question asked
// of scope, for the fitting harness.
func ConfidenceVector(l *Library, question, scope string) ([]float64, error) {
	ctx := context.Background()
	p, err := l.prepare(ctx, cleanQuestion(question), scope)
	if err != nil || len(p.terms) == 0 {
		return nil, err
	}
	cands, err := l.rank(ctx, p, Query{Question: question, Scope: scope, Limit: 3}, 3)
	if err != nil {
		return nil, err
	}
	v, err := l.confidenceFeatures(p, cands, stories(cands))
	return v[:], err
}

// Chances returns the confidence's two chances for a feature vector:
// answered, and nothing near.
func Chances(v []float64) (answered, nothing float64) {
	var a [numConfidence]float64
	copy(a[:], v)
	return chance(&answeredWeights, &a), chance(&nothingWeights, &a)
}
