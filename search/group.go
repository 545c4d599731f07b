package search

// Grouping: ranked candidates become quotes, one story once, ordered as a reader takes them.

import (
	"math"
	"sort"
)

// Grouping and order of the quotes (tuned weights; see ask.go).
var (
	leadQuotes    = 3.0 // quotes ordered as answers; the rest by source
	leadRelevance = 0.7 // a lead quote's source relevance, relative to the best

	// sourceArticleWeight is the share of a source's relevance that comes
	// from its article as a whole, the rest from its best sentence.
	sourceArticleWeight = 1.0
)

const sameStoryJaccard = 0.55 // term overlap above which two quotes are one story

// stories gives each candidate, best first, the story it tells: the index
// of the first candidate it is a near-copy of (itself when none is).
func stories(cands []candidate) []int {
	story := make([]int, len(cands))
	var firsts []int // the first candidate of each story
	for j, c := range cands {
		story[j] = j
		for _, i := range firsts {
			// Jaccard is at most the smaller set's size over the larger's:
			// most pairs are told apart by their sizes alone.
			if n, m := len(cands[i].sorted), len(c.sorted); float64(min(n, m)) < sameStoryJaccard*float64(max(n, m)) ||
				jaccard(cands[i].sorted, c.sorted) < sameStoryJaccard {
				continue
			}
			story[j] = i
			break
		}
		if story[j] == j {
			firsts = append(firsts, j)
		}
	}
	return story
}

// group turns ranked candidates, and the story each tells, into quotes, folding near-identical
// sentences from other sources into the better one's AlsoReportedBy, and
// dropping repeats within a source.
func group(cands []candidate, story []int) []Quote {
	var quotes []Quote
	quoteOf := make(map[int]int) // a story's first candidate -> its quote
	for j, c := range cands {
		if s := story[j]; s != j {
			q := &quotes[quoteOf[s]]
			if q.Source.ID != c.ref.ID && !q.reportedBy(c.ref.ID) {
				q.AlsoReportedBy = append(q.AlsoReportedBy, Reporter{Ref: c.ref, Quote: c.text})
			}
			continue
		}
		quoteOf[j] = len(quotes)
		quotes = append(quotes, Quote{
			Text: c.text, Source: c.ref, Score: round(c.score), AlsoReportedBy: []Reporter{},
			Highlights: c.hl, sentence: c.sentence, terms: c.sorted, Superseded: c.ref.superseded,
		})
	}
	return quotes
}

// arrange orders the quotes as a reader takes them: the best answers first
// (leadQuotes of them, by their own score), then each other source's best
// quote, most relevant source first, then their further quotes in the same
// order. Past the first answers a reader looks for who else reports it,
// and a source's relevance as a whole (its article's match, and a little its
// best sentence's) orders that better than single sentences do.
func arrange(quotes []Quote, cands []candidate) []Quote {
	rel := make(map[string]float64)
	best := 0.0
	for _, c := range cands {
		r := sourceArticleWeight*c.ascore + (1-sourceArticleWeight)*c.sscore
		rel[c.source] = max(rel[c.source], r)
		best = max(best, r)
	}
	// The lead: the best answers from sources that are about the question
	// as a whole, not a passing sentence in a story about something else.
	var lead, rest []Quote
	for i, q := range quotes {
		// The best answer always leads.
		if i == 0 || len(lead) < int(leadQuotes) && rel[q.Source.ID] >= leadRelevance*best {
			lead = append(lead, q)
		} else {
			rest = append(rest, q)
		}
	}
	// nth is each quote's place among its source's quotes (quotes come in
	// score order), counting the lead's.
	nth := make([]int, len(rest))
	count := make(map[string]int)
	for _, q := range lead {
		count[q.Source.ID]++
	}
	for i, q := range rest {
		nth[i] = count[q.Source.ID]
		count[q.Source.ID]++
	}
	idx := make([]int, len(rest))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		i, j := idx[a], idx[b]
		if nth[i] != nth[j] {
			return nth[i] < nth[j]
		}
		if ri, rj := rel[rest[i].Source.ID], rel[rest[j].Source.ID]; ri != rj {
			return ri > rj
		}
		return rest[i].Score > rest[j].Score
	})
	out := append(make([]Quote, 0, len(quotes)), lead...)
	for _, i := range idx {
		out = append(out, rest[i])
	}
	return out
}

func (q Quote) reportedBy(id string) bool {
	for _, r := range q.AlsoReportedBy {
		if r.ID == id {
			return true
		}
	}
	return false
}

// jaccard is the Jaccard similarity of two sorted sets of distinct terms.
func jaccard(a, b []string) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	inter := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] == b[j]:
			inter++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}

func round(f float64) float64 { return math.Round(f*1000) / 1000 }
