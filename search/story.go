package search

// How the story moved: the claims of a period's new sources (a figure, a
// claimant, a cause, a date), each set against what the library's other
// sources say of the same thing.

import (
	"context"
	"errors"
	"sort"
	"time"
)

// StoryChange is one way the story moved in a digest's period.
type StoryChange struct {
	// Kind is "new" (no earlier source says it), "revised" (a source of
	// the period, dated later, gives another value for the same thing),
	// "disputed" (sources differ, and neither is the later word:
	// claimants, or sources of the same day) or "updated" (an outlet
	// updated its article: the earlier wording, then the current one, or
	// only the current one for a sentence it added).
	Kind string `json:"kind"`
	// What is "figure", "claimant", "cause" or "date".
	What string `json:"what"`
	// About names the thing: the counted noun of a figure ("cameras"),
	// the words the claims share otherwise.
	About string `json:"about"`
	// Claims hold one claim for a new one, else two, the earlier first:
	// for a revision the last is the latest word.
	Claims []Claim `json:"claims"`
	// Asked is how many of the period's questions (as Counts.Questions
	// counts them, public ones only) these claims answer.
	Asked int `json:"asked"`
}

// Claim is one source's word on what a StoryChange is about.
type Claim struct {
	Side
	// Short is the quote cut to about storyShortRunes around its value,
	// with "…" where it was cut: what a phone screen has room for.
	Short string `json:"short"`
	// Dated is the source's publication date where known, else when it
	// was added (Published says which).
	Dated     time.Time `json:"dated"`
	Published bool      `json:"published"`
	// Updated says Dated is when the outlet updated its article (the
	// claim is from a later version), not when it was published or added.
	Updated bool `json:"updated,omitempty"`
}

// Story limits: a digest names the few changes that matter, not every
// figure of every new article.
const (
	storySources      = 30  // new sources read, newest first
	storyClaimsPer    = 6   // claim sentences of one source compared
	storyNewPer       = 2   // claims of one source named as new unless asked about
	storyCompare      = 10  // quotes of other sources each claim is compared with
	digestStory       = 12  // changes kept
	storyShortRunes   = 100 // a claim's short quote
	storyCauseMaxWord = 6   // words of a cause kept as its value
	// storyDateShare is the share of content words two quotes giving
	// different dates must have in common to be about the same event.
	storyDateShare = 0.5
)

// claimAt is one sentence of one source.
type claimAt struct {
	source   string
	sentence int
}

// questionHits is a group of the period's questions and the sentences
// its answer quotes.
type questionHits struct {
	count int
	at    map[claimAt]bool
}

// storyChange is a StoryChange being built: the sentences its claims come
// from, and its latest date.
type storyChange struct {
	StoryChange
	at     []claimAt
	latest time.Time
	// For a new claim: what it claims, and its sentence.
	claim sentenceClaim
	quote Quote
	facts facts
}

// holds reports whether the storyChange quotes the sentence at.
func (c *storyChange) holds(at claimAt) bool {
	for _, a := range c.at {
		if a == at {
			return true
		}
	}
	return false
}

// storyClaims bounds the claims of one storyChange: a chain of revisions or
// a dispute between a few parties, not every report.
const storyClaims = 4

// merge adds a revision or a dispute to changes: into the storyChange about
// the same thing that already quotes one of its sentences (a third
// source revising the figure again, a third claimant), else as a storyChange
// of its own. A revision anywhere makes the whole storyChange a revision.
func merge(changes []*storyChange, c *storyChange) []*storyChange {
	for _, old := range changes {
		if old.Kind == "new" || old.What != c.What || old.About != c.About || !(old.holds(c.at[0]) || old.holds(c.at[1])) {
			continue
		}
		for k, at := range c.at {
			if !old.holds(at) && len(old.Claims) < storyClaims {
				old.at = append(old.at, at)
				old.Claims = append(old.Claims, c.Claims[k])
			}
		}
		if c.Kind == "revised" {
			old.Kind = "revised"
		}
		old.latest = later(old.latest, c.latest)
		return changes
	}
	return append(changes, c)
}

// story compares the claims of the new sources with what the library's
// other sources visible from scope say of the same things (found by
// asking the library with the claim's sentence), and returns the
// changes, most asked about first. hits are the period's question groups.
//
// updated are the sources updated in the period: what each update changed
// is named too (storyUpdates).
func (l *Library) story(ctx context.Context, scope string, news, updated []Source, since time.Time, hits []questionHits) ([]StoryChange, error) {
	var changes, fresh []*storyChange
	isNew := make(map[string]bool, len(news))
	for _, s := range news {
		isNew[s.ID] = true
	}
	for _, s := range news[:min(len(news), storySources)] {
		st, text, err := l.load(s.ID)
		if errors.Is(err, ErrNotFound) {
			continue // removed since it was listed
		}
		if err != nil {
			return nil, err
		}
		type cand struct {
			i     int
			text  string
			claim sentenceClaim
			facts facts
			asked int
			c     float64
		}
		cent := l.centrality(st, text)
		var cands []cand
		for i, sp := range st.Spans {
			t := text[sp.Start:sp.End]
			f := storyFacts(t)
			cl, ok := claimOf(t, st.attribution(i).SaidBy, f)
			if !ok {
				continue
			}
			cands = append(cands, cand{i: i, text: t, claim: cl, facts: f, asked: askedAbout(hits, claimAt{s.ID, i}), c: cent[i]})
		}
		sort.SliceStable(cands, func(a, b int) bool {
			if cands[a].asked != cands[b].asked {
				return cands[a].asked > cands[b].asked
			}
			return cands[a].c > cands[b].c
		})
		cands = cands[:min(len(cands), storyClaimsPer)]
		dated, published := claimDate(st.Source)
		for rank, c := range cands {
			a := st.attribution(c.i)
			cq := Quote{Text: c.text, Source: s.Ref(), SaidBy: a.SaidBy, AccordingTo: a.AccordingTo, sentence: c.i}
			ans, err := l.ask(ctx, Query{Question: c.text, Scope: scope, Limit: storyCompare})
			if err != nil {
				return nil, err
			}
			differs, known := false, false
			for _, q := range l.withReporters(ans.Quotes) {
				if q.Source.ID == s.ID {
					continue
				}
				other, _, err := l.load(q.Source.ID)
				if errors.Is(err, ErrNotFound) {
					continue
				}
				if err != nil {
					return nil, err
				}
				odated, opublished := claimDate(other.Source)
				fq := storyFacts(q.Text)
				d, ok := differ(cq, q, c.facts, fq)
				// Two events of a place on two days are not one event
				// dated twice: a date differs only between quotes that
				// say most of the same.
				ok = ok && (d.Kind != "date" || overlap(c.facts.words, fq.words) >= storyDateShare)
				if !ok {
					// Known: the library had it before the period, or a new
					// source dated earlier says it (same-day ones are one
					// change, below).
					if sameClaim(c.claim, cq, q, c.facts, fq) && (!isNew[q.Source.ID] || day(odated) < day(dated)) {
						known = true
					}
					continue
				}
				differs = true
				kind := "disputed"
				if d.Kind != "claimant" && day(dated) != day(odated) {
					newer := s.ID
					if odated.After(dated) {
						newer = q.Source.ID
					}
					if isNew[newer] {
						kind = "revised"
					}
				}
				about := d.About
				switch d.Kind {
				case "figure":
					about = c.claim.about
				case "claimant":
					about = "who is behind it"
				}
				nc := &storyChange{StoryChange: StoryChange{Kind: kind, What: d.Kind, About: about, Claims: []Claim{
					{Side: d.A, Dated: dated, Published: published}, {Side: d.B, Dated: odated, Published: opublished}}},
					at: []claimAt{{s.ID, c.i}, {q.Source.ID, q.sentence}}, latest: later(dated, odated)}
				changes = merge(changes, nc)
			}
			if differs || known || (c.asked == 0 && rank >= storyNewPer) {
				continue
			}
			side := Side{Quote: c.text, Source: s.Ref(), Value: c.claim.value, SaidBy: a.SaidBy, AccordingTo: a.AccordingTo}
			nc := &storyChange{
				StoryChange: StoryChange{Kind: "new", What: c.claim.what, About: c.claim.about,
					Claims: []Claim{{Side: side, Dated: dated, Published: published}}},
				at: []claimAt{{s.ID, c.i}}, latest: dated, claim: c.claim, quote: cq, facts: c.facts,
			}
			// The same news from several new sources is one change.
			same := false
			for _, f := range fresh {
				if f.What == nc.What && sameClaim(nc.claim, nc.quote, f.quote, nc.facts, f.facts) {
					f.at, same = append(f.at, nc.at...), true
					break
				}
			}
			if !same {
				fresh = append(fresh, nc)
			}
		}
	}
	// What a later comparison found disputed is not news on its own.
	for _, f := range fresh {
		listed := false
		for _, c := range changes {
			listed = listed || c.holds(f.at[0])
		}
		if !listed {
			changes = append(changes, f)
		}
	}
	ups, err := l.storyUpdates(ctx, updated, hits)
	if err != nil {
		return nil, err
	}
	changes = append(changes, ups...)
	for _, c := range changes {
		c.Asked = askedAboutAny(hits, c.at)
		sort.SliceStable(c.Claims, func(i, j int) bool { return c.Claims[i].Dated.Before(c.Claims[j].Dated) })
		for k := range c.Claims {
			c.Claims[k].Short = shortQuote(c.Claims[k].Quote, c.Claims[k].Value, storyShortRunes)
		}
	}
	sort.SliceStable(changes, func(a, b int) bool {
		x, y := changes[a], changes[b]
		if x.Asked != y.Asked {
			return x.Asked > y.Asked
		}
		if kindRank[x.Kind] != kindRank[y.Kind] {
			return kindRank[x.Kind] < kindRank[y.Kind]
		}
		return x.latest.After(y.latest)
	})
	out := make([]StoryChange, 0, min(len(changes), digestStory))
	for _, c := range changes[:min(len(changes), digestStory)] {
		out = append(out, c.StoryChange)
	}
	return out, nil
}

// withReporters returns quotes and, after each, the near-identical
// sentences of other sources folded into it (AlsoReportedBy) as quotes
// of their own, with their sentence and attribution: two outlets in the
// same words may still give different figures.
func (l *Library) withReporters(quotes []Quote) []Quote {
	var out []Quote
	for _, q := range quotes {
		out = append(out, q)
		for _, r := range q.AlsoReportedBy {
			st, text, err := l.load(r.ID)
			if err != nil {
				continue
			}
			for i, sp := range st.Spans {
				if text[sp.Start:sp.End] == r.Quote {
					a := st.attribution(i)
					out = append(out, Quote{Text: r.Quote, Source: r.Ref, SaidBy: a.SaidBy, AccordingTo: a.AccordingTo, sentence: i})
					break
				}
			}
		}
	}
	return out
}

// kindRank orders changes asked about as often: a revision first, then a
// dispute, then what is merely new.
var kindRank = map[string]int{"revised": 0, "updated": 0, "disputed": 1, "new": 2}

// claimDate is when a source said what it says: its publication date
// where known, else when it was added.
func claimDate(s Source) (time.Time, bool) {
	if s.Published != "" {
		if t, err := time.Parse(time.DateOnly, s.Published); err == nil {
			return t, true
		}
	}
	return s.AddedAt.UTC(), false
}

func day(t time.Time) string { return t.UTC().Format(time.DateOnly) }

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// askedAbout counts the questions whose answer quotes the sentence at.
func askedAbout(hits []questionHits, at claimAt) int {
	return askedAboutAny(hits, []claimAt{at})
}

// askedAboutAny counts the questions whose answer quotes any of the
// sentences ats, each question once.
func askedAboutAny(hits []questionHits, ats []claimAt) int {
	n := 0
	for _, h := range hits {
		for _, at := range ats {
			if h.at[at] {
				n += h.count
				break
			}
		}
	}
	return n
}
