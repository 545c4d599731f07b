package search

import (
	"context"
	"fmt"
	"math"
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

// VerdictNames names the verdict's features, in order.
var VerdictNames = verdictNames[:]

// VerdictVector returns the verdict's features for a question, and the
// verdict itself.
func VerdictVector(l *Library, question string) ([]float64, bool) {
	ctx := context.Background()
	p, err := l.prepare(ctx, cleanQuestion(question), SharedScope)
	if err != nil || len(p.terms) == 0 {
		return nil, false
	}
	cands, err := l.rank(ctx, p, Query{Question: question, Limit: 3}, 3)
	if err != nil {
		return nil, false
	}
	var art map[string]bool
	if len(cands) > 0 {
		if art, err = l.articleTerms(cands[0].source); err != nil {
			return nil, false
		}
	}
	v := verdictFeatures(p, cands, art)
	answered, err := l.answered(p, cands)
	if err != nil {
		return nil, false
	}
	return v[:], answered
}

// The verdict's features below serve TestFitVerdict only: a logistic
// regression over them did no better than the hand rule (prepared.answers).

// The features the verdict weighs: what the best candidate and the
// question show of whether the library answers it.
const (
	vBias           = iota // 1
	vKnown                 // the IDF-weighted share of the question the library knows
	vContext               // the best candidate's coverage with its neighbours
	vCoverage              // its coverage alone
	vExact                 // its coverage by the words asked alone
	vTermShare             // the share of the known terms it and its neighbours hold
	vMissing               // the heaviest known term they lack, relative to the heaviest
	vKindNear              // it holds the kind asked for near the question's words
	vKindAny               // it holds the kind asked for
	vTyped                 // the question asks for a kind of thing
	vBestOf3               // the best context share among the first three candidates
	vTerms                 // how many terms the question has, log-scaled
	vArticle               // the best candidate's article's coverage as a whole
	vArticleMissing        // the heaviest known term that article lacks, relative to the heaviest
	numVerdict
)

var verdictNames = [numVerdict]string{"bias", "known", "context", "coverage", "exact", "termshare",
	"missing", "kindnear", "kindany", "typed", "bestof3", "terms", "article", "articlemissing"}

// verdictFeatures reads the verdict's features off the candidates, best
// first, and the terms of the best one's article.
func verdictFeatures(p prepared, cands []candidate, article map[string]bool) [numVerdict]float64 {
	var v [numVerdict]float64
	v[vBias] = 1
	if p.total > 0 {
		v[vKnown] = p.known / p.total
	}
	if len(cands) == 0 {
		return v
	}
	c := cands[0]
	v[vContext] = c.context
	v[vCoverage] = c.coverage
	v[vExact] = c.feat[fExact]
	v[vTermShare] = c.termShare
	v[vMissing] = c.feat[fMissing]
	v[vKindNear] = c.feat[fKindNear]
	v[vKindAny] = c.feat[fKindAny]
	if p.kind != 0 {
		v[vTyped] = 1
	}
	for _, o := range cands[:min(3, len(cands))] {
		v[vBestOf3] = max(v[vBestOf3], o.context)
	}
	v[vTerms] = math.Log(float64(len(p.terms))+1) / math.Log(8)
	v[vArticle] = p.coverage(article)
	if p.heaviest > 0 {
		v[vArticleMissing] = p.missing(article) / p.heaviest
	}
	return v
}

// articleTerms is the set of terms of a source's whole text.
func (l *Library) articleTerms(id string) (map[string]bool, error) {
	_, text, err := l.load(id)
	if err != nil {
		return nil, err
	}
	toks := l.an.tokens(text)
	set := make(map[string]bool, len(toks))
	for _, t := range toks {
		set[t.Term] = true
	}
	return set, nil
}
