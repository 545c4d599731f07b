package search

// How the story moved: the claims of a period's new sources (a figure, a
// claimant, a cause, a date), each set against what the library's other
// sources say of the same thing.

import (
	"context"
	"errors"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// StoryChange is one way the story moved in a digest's period.
type StoryChange struct {
	// Kind is "new" (no earlier source says it), "revised" (a source of
	// the period, dated later, gives another value for the same thing)
	// or "disputed" (sources differ, and neither is the later word:
	// claimants, or sources of the same day).
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

// causePattern finds a stated cause: "caused by a ransomware attack".
var causePattern = regexp.MustCompile(`(?i)\b(caused by|due to|because of|blamed (?:it |the \w+ )?on|the result of|triggered by|attributed (?:it |the \w+ )?to)\s+([^.,;:!?"“”]+)`)

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

// sentenceClaim is what one sentence claims.
type sentenceClaim struct {
	what, value, about string
}

// claimOf reads what a sentence claims: the first figure with a counted
// noun, else who claims or is blamed for something, else a cause, else a
// date. ok is false for a sentence that claims none of these.
func claimOf(text, saidBy string, f facts) (sentenceClaim, bool) {
	for _, fg := range f.figures {
		if !monthNames[fg.head] && !dayNames[fg.head] { // "several hours on Monday" is a date
			return sentenceClaim{what: "figure", value: fg.text, about: figureNoun(fg)}, true
		}
	}
	if saidBy != "" && aboutResponsibility(text) {
		return sentenceClaim{what: "claimant", value: saidBy, about: "who is behind it"}, true
	}
	if m := causePattern.FindStringSubmatch(text); m != nil {
		words := strings.Fields(m[2])
		if len(words) > storyCauseMaxWord {
			words = words[:storyCauseMaxWord]
		}
		return sentenceClaim{what: "cause", value: strings.Join(words, " "), about: "why"}, true
	}
	if d := firstDate(text); d != "" {
		return sentenceClaim{what: "date", value: d, about: "when"}, true
	}
	return sentenceClaim{}, false
}

// storyFacts are the facts of a sentence that a story may set against
// another's: its figures only where the number counts the noun after it
// ("12 cranes", "5,000 surveillance cameras"), not where it labels
// something and a noun comes later ("berth 1 after a crane collapsed",
// "berth 2 this week"): two dispatches about two berths do not differ.
func storyFacts(text string) facts {
	f := factsOf(text)
	kept := f.figures[:0]
	for _, fg := range f.figures {
		if fg.value < 0 || countsNext(fg.text) {
			kept = append(kept, fg)
		}
	}
	f.figures = kept
	return f
}

// countsNext reports whether the words between a figure's number and its
// counted noun are all content words.
func countsNext(text string) bool {
	ws := strings.Fields(strings.ToLower(text))
	for i, w := range ws {
		if strings.IndexFunc(w, unicode.IsDigit) < 0 {
			continue
		}
		for _, after := range ws[i+1:] {
			if differWords[after] || countBreaks[after] {
				return false
			}
		}
		return true
	}
	return false
}

// countBreaks are the short words that part a number from a noun it does
// not count.
var countBreaks = set("this", "that", "these", "those", "before", "after", "until", "since", "per", "each", "every", "next", "last")

// figureNoun names what a figure counts, as it writes it: the last word
// before any verb ("12 cranes stopped working": "cranes"; "more than
// 5,000 surveillance cameras": "cameras").
func figureNoun(f figure) string {
	noun := f.head
	for _, w := range strings.Fields(f.text) {
		w = strings.ToLower(strings.Trim(w, ".,;:"))
		if figureVerbs[w] || len(w) > 4 && (strings.HasSuffix(w, "ed") || strings.HasSuffix(w, "ing")) {
			break
		}
		if len(w) > 2 && !differWords[w] && strings.IndexFunc(w, unicode.IsDigit) < 0 {
			noun = w
		}
	}
	return noun
}

// figureVerbs end the words a figure counts.
var figureVerbs = set("were", "was", "are", "is", "have", "had", "has", "will", "would", "could", "remain", "remained")

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
func (l *Library) story(ctx context.Context, scope string, news []Source, since time.Time, hits []questionHits) ([]StoryChange, error) {
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
var kindRank = map[string]int{"revised": 0, "disputed": 1, "new": 2}

// sameClaim says whether quote b makes a's claim cl: the same figure for
// the same counted thing, the same claimant, cause or date for the same
// event.
func sameClaim(cl sentenceClaim, a, b Quote, fa, fb facts) bool {
	switch cl.what {
	case "figure":
		for _, x := range fa.figures {
			for _, y := range fb.figures {
				if countedNoun(x, y) != "" && sameFigure(x, y) {
					return true
				}
			}
		}
		return false
	case "claimant":
		return b.SaidBy != "" && sameSpeaker(a.SaidBy, b.SaidBy) && aboutResponsibility(b.Text) && overlap(fa.words, fb.words) >= sameThingShare
	case "cause":
		return strings.Contains(strings.ToLower(b.Text), strings.ToLower(cl.value))
	case "date":
		return !disjoint(fa.dates, fb.dates) && overlap(fa.words, fb.words) >= sameThingShare
	}
	return false
}

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

// shortQuote cuts text to about n runes around value (or from its start
// when value is not in it), at word boundaries, marking each cut with "…".
func shortQuote(text, value string, n int) string {
	text = strings.Join(strings.Fields(text), " ")
	if utf8.RuneCountInString(text) <= n {
		return text
	}
	at := strings.Index(text, value)
	if at < 0 {
		at = 0
	}
	// Keep a third of the room before the value: the subject of a
	// sentence usually stands before its figure.
	start := runeBack(text, at, n/3)
	end := runeForward(text, start, n)
	if end == len(text) {
		start = runeBack(text, end, n)
	}
	if start > 0 {
		if sp := strings.IndexByte(text[start:], ' '); sp >= 0 && start+sp < at {
			start += sp + 1
		}
	}
	if end < len(text) {
		if sp := strings.LastIndexByte(text[start:end], ' '); sp > 0 && start+sp > at+len(value)-1 {
			end = start + sp
		}
	}
	out := strings.TrimRight(text[start:end], " ,;:")
	if start > 0 {
		out = "…" + out
	}
	if end < len(text) {
		out += "…"
	}
	return out
}

// runeBack returns the byte offset n runes before at in s (or 0).
func runeBack(s string, at, n int) int {
	for ; n > 0 && at > 0; n-- {
		_, size := utf8.DecodeLastRuneInString(s[:at])
		at -= size
	}
	return at
}

// runeForward returns the byte offset n runes after at in s (or len(s)).
func runeForward(s string, at, n int) int {
	for ; n > 0 && at < len(s); n-- {
		_, size := utf8.DecodeRuneInString(s[at:])
		at += size
	}
	return at
}
