package search

import (
	"context"
	"math"
	"sort"
	"strings"
	"time"
)

// Digest is what is new in a scope's library and what its team asked.
type Digest struct {
	Scope        string           `json:"scope,omitempty"`
	Since        time.Time        `json:"since"`
	Until        time.Time        `json:"until"`
	NewSources   []DigestSource   `json:"new_sources"`
	FromFeeds    []DigestFeed     `json:"from_feeds"` // the new sources feeds brought, by feed
	TopQuestions []DigestQuestion `json:"top_questions"`
	Unanswered   []DigestQuestion `json:"unanswered"`
	Counts       DigestCounts     `json:"counts"`
}

// DigestSource is a source added since the last digest, with the
// sentences that best summarise it.
type DigestSource struct {
	Source  Source   `json:"source"`
	Summary []string `json:"summary"`
}

// DigestQuestion is a question asked since the last digest: how often,
// and the best quote the library has for it now.
type DigestQuestion struct {
	Question  string    `json:"question"`
	Count     int       `json:"count"`
	LastAsked time.Time `json:"last_asked"`
	Best      *Quote    `json:"best,omitempty"`
}

// DigestCounts sums up the library and the period.
type DigestCounts struct {
	Sources   int `json:"sources"`   // in the library, visible from the scope
	Questions int `json:"questions"` // asked in the period
	Answered  int `json:"answered"`  // of those, answered when asked
}

// Empty reports whether nothing happened in the period.
func (d Digest) Empty() bool {
	return len(d.NewSources) == 0 && d.Counts.Questions == 0
}

// Digest limits: a digest is read in a minute, not studied.
const (
	digestTopQuestions = 5
	digestUnanswered   = 10
	digestNewSources   = 10
	summarySentences   = 2
	// digestReasks bounds the questions asked again for one digest.
	digestReasks = 50
)

// Digest composes the digest of scope for the period from since to now.
// Unanswered questions are asked again, so one that a newer source answers
// is reported among the top questions with its quote, not as unanswered.
func (l *Library) Digest(ctx context.Context, scope string, since time.Time) (Digest, error) {
	d := Digest{Scope: scope, Since: since.UTC(), Until: l.now().UTC(),
		NewSources: []DigestSource{}, FromFeeds: []DigestFeed{}, TopQuestions: []DigestQuestion{}, Unanswered: []DigestQuestion{}}
	srcs, err := l.Sources(scope)
	if err != nil {
		return d, err
	}
	d.Counts.Sources = len(srcs)
	if d.FromFeeds, err = l.digestFeeds(scope, srcs, since); err != nil {
		return d, err
	}
	for _, s := range srcs {
		if s.AddedAt.Before(since) || s.AddedBy == "seed" { // seeds are the starting library, not news
			continue
		}
		summary, err := l.summary(s.ID)
		if err != nil {
			return d, err
		}
		d.NewSources = append(d.NewSources, DigestSource{Source: s, Summary: summary})
		if len(d.NewSources) == digestNewSources {
			break
		}
	}
	qs, err := l.Questions(scope, since)
	if err != nil {
		return d, err
	}
	type group struct {
		DigestQuestion
		answered bool
	}
	groups := make(map[string]*group)
	var order []string
	counted := make(map[string]bool) // asker and question
	for _, q := range qs {
		key := questionKeyText(q.Text)
		// A member asking the same question again is counted once: one
		// member in a loop must not make the digest's top question.
		if mine := q.UserID + "\x00" + key; q.UserID != "" {
			if counted[mine] {
				continue
			}
			counted[mine] = true
		}
		d.Counts.Questions++
		if q.Answered {
			d.Counts.Answered++
		}
		if q.Private {
			continue // counted, never shown: its text is the asker's alone
		}
		g, ok := groups[key]
		if !ok {
			g = &group{DigestQuestion: DigestQuestion{Question: q.Text}}
			groups[key] = g
			order = append(order, key)
		}
		g.Count++
		g.LastAsked = q.At
		g.answered = g.answered || q.Answered
	}
	sort.SliceStable(order, func(i, j int) bool {
		a, b := groups[order[i]], groups[order[j]]
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		return a.LastAsked.After(b.LastAsked)
	})
	for n, key := range order {
		if n == digestReasks || (len(d.TopQuestions) == digestTopQuestions && len(d.Unanswered) == digestUnanswered) {
			break
		}
		g := groups[key]
		ans, err := l.ask(ctx, Query{Question: g.Question, Scope: scope, Limit: 1})
		if err != nil {
			return d, err
		}
		if ans.Answered && len(ans.Quotes) > 0 {
			best := ans.Quotes[0]
			g.Best = &best
			if len(d.TopQuestions) < digestTopQuestions {
				d.TopQuestions = append(d.TopQuestions, g.DigestQuestion)
			}
		} else if len(d.Unanswered) < digestUnanswered {
			d.Unanswered = append(d.Unanswered, g.DigestQuestion)
		}
	}
	return d, nil
}

// questionKeyText folds the ways of typing the same question together.
func questionKeyText(q string) string {
	q = strings.ToLower(strings.Join(strings.Fields(q), " "))
	return strings.TrimRight(q, "?!. ")
}

// summary picks the sentences of a source that are most central to it:
// each sentence is scored by its TF-IDF cosine similarity to all the
// others (degree centrality, as in LexRank), so the sentences that share
// the most with the rest of the article win, wherever they stand in it.
// They are returned in article order.
func (l *Library) summary(id string) ([]string, error) {
	s, text, err := l.load(id)
	if err != nil {
		return nil, err
	}
	type sent struct {
		i    int
		text string
		vec  map[string]float64
		norm float64
		c    float64
	}
	var sents []sent
	df := make(map[string]int)
	for i, sp := range s.Spans {
		t := text[sp.Start:sp.End]
		tf := make(map[string]float64)
		for _, tok := range l.an.tokens(t) {
			tf[tok.Term]++
		}
		for term := range tf {
			df[term]++
		}
		sents = append(sents, sent{i: i, text: t, vec: tf})
	}
	n := float64(len(sents))
	for k := range sents {
		var norm float64
		for term, f := range sents[k].vec {
			w := f * math.Log(1+n/float64(df[term]))
			sents[k].vec[term] = w
			norm += w * w
		}
		sents[k].norm = math.Sqrt(norm)
	}
	for a := range sents {
		for b := a + 1; b < len(sents); b++ {
			sim := cosine(sents[a].vec, sents[b].vec, sents[a].norm, sents[b].norm)
			sents[a].c += sim
			sents[b].c += sim
		}
	}
	// A quotable summary sentence is a full sentence of readable length;
	// headings and fragments are passed over when there is a choice.
	for k := range sents {
		t := sents[k].text
		if len(t) < 40 || len(t) > 400 || !strings.ContainsAny(t[len(t)-1:], ".!?\"”’") {
			sents[k].c *= 0.3
		}
	}
	sort.SliceStable(sents, func(a, b int) bool { return sents[a].c > sents[b].c })
	if len(sents) > summarySentences {
		sents = sents[:summarySentences]
	}
	sort.Slice(sents, func(a, b int) bool { return sents[a].i < sents[b].i })
	out := make([]string, len(sents))
	for k, st := range sents {
		out[k] = st.text
	}
	return out, nil
}

func cosine(a, b map[string]float64, na, nb float64) float64 {
	if na == 0 || nb == 0 {
		return 0
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	var dot float64
	for t, w := range a {
		dot += w * b[t]
	}
	return dot / (na * nb)
}

// DigestFeed is what one feed brought since the last digest.
type DigestFeed struct {
	FeedID  string `json:"feed_id"`
	Title   string `json:"title"`
	Sources []Ref  `json:"sources"`
}

// digestFeeds groups the sources added since by the feed that brought
// them (all of them, not only those the digest details), by feed title.
func (l *Library) digestFeeds(scope string, srcs []Source, since time.Time) ([]DigestFeed, error) {
	byID := map[string]*DigestFeed{}
	var order []string
	for _, s := range srcs {
		id, ok := strings.CutPrefix(s.AddedBy, FeedActorPrefix)
		if !ok || s.AddedAt.Before(since) || s.Scope != scope {
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
