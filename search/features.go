package search

import (
	"math"

	"sitrep/attrib"
)

// The features the ranking weighs for each candidate sentence. Each is
// about 0..1; the score is their weighted sum (rankWeights).
const (
	fSentence    = iota // the sentence's own match: Bleve's score, normalised to the best
	fArticle            // its article's match, normalised to the best article
	fCoverage           // the IDF-weighted share of the question's known terms it holds
	fContext            // what its neighbours add to that share
	fKind               // it holds the kind of thing asked for, scaled by the context share
	fAdjacency          // the question's consecutive terms side by side in it
	fSpeaker            // its speaker answers "who said/claimed" (attribution)
	fLead               // it is its article's first sentence
	fTermShare          // the share of the known terms it and its neighbours hold, by count
	fMissing            // the heaviest known term it and its neighbours lack, relative to the heaviest
	fExact              // the coverage by the words asked alone, no alternatives
	fTopArticle         // its article is the best match
	fLength             // its length in terms, log-scaled (0 at 1 term, 1 at 64)
	fKindAny            // it holds the kind of thing asked for, whatever its coverage
	fKindNear           // it holds it within a few words of a question's word
	fArticleRank        // its article's place among the articles found, 1/(1+place)
	numFeatures
)

// featureNames name the features for the fitting harness and for reading.
var featureNames = [numFeatures]string{"sentence", "article", "coverage", "context", "kind", "adjacency",
	"speaker", "lead", "termshare", "missing", "exact", "toparticle", "length",
	"kindany", "kindnear", "articlerank"}

// rankWeights weigh the features for a question put as one ("who…",
// "how many…", "what colour…?"). They were fitted on the dev halves of the
// question sets (TestFitRanker in fit_test.go: a listwise softmax over each
// question's candidates, L2 0.003, chosen by five-fold cross-validation;
// refitting on the questions put as questions alone, or adding a feature
// for question words the article's other candidates lack, moved the
// cross-validated hit@1 by no more than one question either way).
var rankWeights = [numFeatures]float64{
	fSentence: 2.316, fArticle: 2.603, fCoverage: 1.233, fContext: 1.285, fKind: 1.825,
	fAdjacency: -0.406, fSpeaker: -0.482, fLead: -1.667, fTermShare: 0.525, fMissing: -0.141,
	fExact: 0.420, fTopArticle: -0.278, fLength: -0.014, fKindAny: 1.174, fKindNear: 1.220,
	fArticleRank: 0.885,
}

// topicWeights weigh them for a topic or a headline ("tehran cameras
// hacked"): the article's match counts most. On TIME's topics and BBC's
// headlines the fitted weights cost 0.04 MRR@10 (tune_test.go).
var topicWeights = [numFeatures]float64{
	fSentence: 0.30, fArticle: 0.45, fCoverage: 0.35, fContext: 0.15, fKind: 0.60,
	fAdjacency: 0.10, fSpeaker: 0.30,
}

func rankScore(p prepared, f *[numFeatures]float64) float64 {
	w := &topicWeights
	if p.asks {
		w = &rankWeights
	}
	s := 0.0
	for i := range w {
		s += w[i] * f[i]
	}
	return s
}

// features fills c.feat from what rank read of the candidate: its terms,
// coverage and kinds are set; toks are its analysed tokens, at the speakers
// its sentence names, rank its article's place among the articles found.
func (c *candidate) features(p prepared, toks []token, at attrib.Attribution, rank int) {
	f := &c.feat
	*f = [numFeatures]float64{}
	f[fSentence] = c.sscore
	f[fArticle] = c.ascore
	f[fCoverage] = c.coverage
	f[fContext] = c.context - c.coverage
	if p.kind&c.kind != 0 {
		// What kind of thing a sentence holds matters as far as the
		// sentence is about the question.
		f[fKind] = min(c.context, 1)
	}
	f[fAdjacency] = adjacency(toks, p)
	if p.aboutSpeaker {
		// "Who said…", "who claimed…": a quote whose speaker the text
		// names, or names as the one asked about, above one that only
		// mentions the words (the attribution was computed at import).
		f[fSpeaker] = attrib.SpeakerMatch(p.question, at)
	}
	if c.sentence == 0 {
		f[fLead] = 1
	}
	f[fTermShare] = c.termShare
	if p.heaviest > 0 {
		f[fMissing] = c.missing / p.heaviest
	}
	f[fExact] = p.exactCoverage(c.terms)
	if rank == 0 {
		f[fTopArticle] = 1
	}
	f[fArticleRank] = 1 / float64(1+rank)
	if p.kind&c.kind != 0 {
		f[fKindAny] = 1
	}
	if p.kind&c.near != 0 {
		f[fKindNear] = 1
	}
	f[fLength] = math.Log(float64(max(len(toks), 1))) / math.Log(64)
}

// exactCoverage is coverage counting only the words asked, not their
// alternatives.
func (p prepared) exactCoverage(set map[string]bool) float64 {
	if p.known <= 0 {
		return 0
	}
	covered := 0.0
	for _, t := range p.terms {
		if set[t.Term] {
			covered += p.weight[t.Term]
		}
	}
	return covered / p.known
}

// adjacency is the share of the question's consecutive term pairs that
// stand side by side in text: phrase and proximity evidence.
func adjacency(toks []token, p prepared) float64 {
	if len(p.terms) < 2 {
		return 0
	}
	next := make(map[string]bool, len(toks))
	for i := 1; i < len(toks); i++ {
		next[toks[i-1].Term+" "+toks[i].Term] = true
	}
	hits := 0
	for i := 1; i < len(p.terms); i++ {
		if next[p.terms[i-1].Term+" "+p.terms[i].Term] {
			hits++
		}
	}
	return float64(hits) / float64(len(p.terms)-1)
}
