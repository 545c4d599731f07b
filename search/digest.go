package search

import (
	"context"
	"sort"
	"strings"
	"time"
)

// Digest is how a scope's story moved in a period and what its team
// asked: the claims of the new sources set against what was said before,
// the new sources themselves, and the questions grouped by meaning.
type Digest struct {
	Scope string    `json:"scope,omitempty"`
	Since time.Time `json:"since"`
	Until time.Time `json:"until"`
	// Story is how the story moved, most asked about first.
	Story      []StoryChange  `json:"story"`
	NewSources []DigestSource `json:"new_sources"`
	// FromFeeds lists every new source a feed brought, by feed (also
	// those past the NewSources detailed).
	FromFeeds []DigestFeed `json:"from_feeds"`
	// TopQuestions are the most asked questions the library answers now,
	// each grouped with its other wordings.
	TopQuestions []DigestQuestion `json:"top_questions"`
	// Unanswered are the questions with only the closest passages: gaps
	// a source could fill. Off-topic ones are only counted.
	Unanswered []DigestQuestion `json:"unanswered"`
	Counts     DigestCounts     `json:"counts"`
}

// DigestSource is a source added since the last digest, with the
// sentences that best summarise it.
type DigestSource struct {
	Source  Source   `json:"source"`
	Summary []string `json:"summary"`
	// Feed is the title of the feed that brought it, if one did.
	Feed string `json:"feed,omitempty"`
}

// DigestQuestion is a question asked since the last digest, with its
// other wordings: how often, and the library's answer to it now.
type DigestQuestion struct {
	// Question is its most asked wording.
	Question string `json:"question"`
	// Variants are other wordings of the same question (a few).
	Variants []string `json:"variants,omitempty"`
	// Count is how many times it was asked, in all its wordings.
	Count     int       `json:"count"`
	LastAsked time.Time `json:"last_asked"`
	// Confidence is the tier of its answer now.
	Confidence Confidence `json:"confidence"`
	// Best is the answer when Confidence is Answered.
	Best *Quote `json:"best,omitempty"`
}

// DigestCounts sums up the library and the period. The questions are
// those asked with /ask on Discord in the scope: the command line's
// questions are not logged. A member asking the same words again is
// counted once.
type DigestCounts struct {
	Sources    int `json:"sources"`         // in the library, visible from the scope
	NewSources int `json:"new_sources"`     // added in the period, all of them
	Updated    int `json:"updated_sources"` // updated by their outlet in the period (a new version)
	Questions  int `json:"questions"`       // asked in the period, private ones included
	Answered   int `json:"answered"`        // of those, answered when asked
	Private    int `json:"private"`         // of those, asked privately (counted, never shown)
	// OffTopic counts the questions the library has nothing near now:
	// not gaps for moderators to fill.
	OffTopic int `json:"off_topic"`
}

// Empty reports whether nothing happened in the period.
func (d Digest) Empty() bool {
	return d.Counts.NewSources == 0 && len(d.NewSources) == 0 && d.Counts.Questions == 0 && d.Counts.Updated == 0
}

// Digest limits: a digest is read in a minute, not studied.
const (
	digestTopQuestions = 10
	digestUnanswered   = 10
	digestNewSources   = 10
	summarySentences   = 2
	// digestReasks bounds the question wordings asked again for one digest.
	digestReasks = 50
)

// Digest composes the digest of scope for the period from since to now
// (see DigestPeriod).
func (l *Library) Digest(ctx context.Context, scope string, since time.Time) (Digest, error) {
	return l.DigestPeriod(ctx, scope, since, l.now())
}

// DigestPeriod composes the digest of scope for the period from since to
// until: the sources added in it and the questions asked in it. Questions
// are asked again, so one that a newer source answers is reported with
// its answer, not as a gap. Errors come from the store or the index.
func (l *Library) DigestPeriod(ctx context.Context, scope string, since, until time.Time) (Digest, error) {
	d := Digest{Scope: scope, Since: since.UTC(), Until: until.UTC(), Story: []StoryChange{},
		NewSources: []DigestSource{}, FromFeeds: []DigestFeed{}, TopQuestions: []DigestQuestion{}, Unanswered: []DigestQuestion{}}
	srcs, err := l.Sources(scope)
	if err != nil {
		return d, err
	}
	var news, updated []Source
	for _, s := range srcs {
		if s.AddedAt.After(until) {
			continue // added after the period: not in the library it speaks of
		}
		d.Counts.Sources++
		if !s.AddedAt.Before(since) && s.AddedBy != "seed" { // seeds are the starting library, not news
			news = append(news, s)
		}
		if s.Version > 1 && !s.UpdatedAt.Before(since) && !s.UpdatedAt.After(until) {
			updated = append(updated, s)
		}
	}
	d.Counts.Updated = len(updated)
	d.Counts.NewSources = len(news)
	if d.FromFeeds, err = l.digestFeeds(scope, news); err != nil {
		return d, err
	}
	feedOf := make(map[string]string)
	for _, f := range d.FromFeeds {
		for _, r := range f.Sources {
			feedOf[r.ID] = f.Title
		}
	}
	for _, s := range news[:min(len(news), digestNewSources)] {
		summary, err := l.summary(s.ID)
		if err != nil {
			return d, err
		}
		d.NewSources = append(d.NewSources, DigestSource{Source: s, Summary: summary, Feed: feedOf[s.ID]})
	}
	qs, err := l.Questions(scope, since)
	if err != nil {
		return d, err
	}
	inPeriod := qs[:0:0]
	for _, q := range qs {
		if !q.At.After(until) {
			inPeriod = append(inPeriod, q)
		}
	}
	hits, err := l.digestQuestions(ctx, scope, inPeriod, &d)
	if err != nil {
		return d, err
	}
	if d.Story, err = l.story(ctx, scope, news, updated, since, hits); err != nil {
		return d, err
	}
	return d, nil
}

// DigestFeed is what one feed brought since the last digest.
type DigestFeed struct {
	FeedID  string `json:"feed_id"`
	Title   string `json:"title"`
	Sources []Ref  `json:"sources"`
}

// digestFeeds groups the sources added since by the feed that brought
// them (all of them, not only those the digest details), by feed title.
func (l *Library) digestFeeds(scope string, news []Source) ([]DigestFeed, error) {
	byID := map[string]*DigestFeed{}
	var order []string
	for _, s := range news {
		id, ok := strings.CutPrefix(s.AddedBy, FeedActorPrefix)
		if !ok || s.Scope != scope {
			continue
		}
		g := byID[id]
		if g == nil {
			g = &DigestFeed{FeedID: id, Title: id}
			byID[id] = g
			order = append(order, id)
		}
		g.Sources = append(g.Sources, s.Ref())
	}
	if len(order) == 0 {
		return []DigestFeed{}, nil
	}
	feeds, err := l.AllFeeds()
	if err != nil {
		return nil, err
	}
	for _, f := range feeds {
		if g := byID[f.ID]; g != nil && f.Title != "" {
			g.Title = f.Title
		}
	}
	out := make([]DigestFeed, 0, len(order))
	for _, id := range order {
		out = append(out, *byID[id])
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Title < out[j].Title })
	return out, nil
}
