package search

// How the story moved, in place: what an outlet's update of an article
// changed, from its earlier version's sentences to its current ones.

import (
	"context"
	"errors"
	"sort"
	"time"
)

// storyUpdates names, for each source updated in the period (newest
// first), what its latest update changed: each reworded sentence from
// the earlier version to the current one, and each new sentence that
// claims something. A source gives at most storyNewPer changes unless the
// period's questions asked about more. Kind is "updated"; the claims are
// the earlier and the current wording, the earlier first.
func (l *Library) storyUpdates(ctx context.Context, updated []Source, hits []questionHits) ([]*storyChange, error) {
	var out []*storyChange
	for _, s := range updated[:min(len(updated), storySources)] {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		cur, text, err := l.load(s.ID)
		if errors.Is(err, ErrNotFound) {
			continue // removed since it was listed
		}
		if err != nil {
			return nil, err
		}
		if cur.Version < 2 {
			continue
		}
		prev, ptext, err := l.load(versionID(s.ID, cur.Version-1))
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, updateChanges(prev, ptext, cur, text, hits)...)
	}
	return out, nil
}

// updateChanges compares two versions of a source.
func updateChanges(prev storedSource, ptext string, cur storedSource, text string, hits []questionHits) []*storyChange {
	type sentence struct {
		i     int
		text  string
		facts facts
		claim sentenceClaim
		ok    bool
	}
	read := func(st storedSource, text string, skip func(string) bool) []sentence {
		var out []sentence
		for i, sp := range st.Spans {
			t := text[sp.Start:sp.End]
			if skip(sentenceKey(t)) {
				continue
			}
			f := storyFacts(t)
			cl, ok := claimOf(t, st.attribution(i).SaidBy, f)
			out = append(out, sentence{i, t, f, cl, ok})
		}
		return out
	}
	oldSet, newSet := make(map[string]bool), make(map[string]bool)
	for _, sp := range prev.Spans {
		oldSet[sentenceKey(ptext[sp.Start:sp.End])] = true
	}
	for _, sp := range cur.Spans {
		newSet[sentenceKey(text[sp.Start:sp.End])] = true
	}
	gone := read(prev, ptext, func(k string) bool { return newSet[k] })
	added := read(cur, text, func(k string) bool { return oldSet[k] })

	oldAt, newAt := versionTime(prev.Source), versionTime(cur.Source)
	claim := func(st storedSource, s sentence, value string, at time.Time) Claim {
		a := st.attribution(s.i)
		return Claim{Side: Side{Quote: s.text, Source: st.Source.Ref(), Value: value, SaidBy: a.SaidBy, AccordingTo: a.AccordingTo}, Dated: at, Updated: !st.UpdatedAt.IsZero()}
	}
	type scored struct {
		c      *storyChange
		claims bool
	}
	var changes []scored
	// Each gone sentence is paired with the added one that shares the
	// most words with it: the same sentence reworded.
	used := make([]bool, len(added))
	for _, g := range gone {
		best, bestShare := -1, 0.0
		for k, a := range added {
			if sh := overlap(g.facts.words, a.facts.words); !used[k] && sh > bestShare {
				best, bestShare = k, sh
			}
		}
		if best < 0 {
			continue
		}
		used[best] = true
		a := added[best]
		what, about, ov, nv := updateValues(g.text, a.text, g.facts, a.facts, g.claim, g.ok, a.claim, a.ok)
		c := &storyChange{StoryChange: StoryChange{Kind: "updated", What: what, About: about,
			Claims: []Claim{claim(prev, g, ov, oldAt), claim(cur, a, nv, newAt)}},
			at: []claimAt{{prev.ID, g.i}, {cur.ID, a.i}}, latest: newAt}
		changes = append(changes, scored{c, g.ok || a.ok})
	}
	for k, a := range added {
		if used[k] || !a.ok {
			continue
		}
		c := &storyChange{StoryChange: StoryChange{Kind: "updated", What: a.claim.what, About: a.claim.about,
			Claims: []Claim{claim(cur, a, a.claim.value, newAt)}},
			at: []claimAt{{cur.ID, a.i}}, latest: newAt}
		changes = append(changes, scored{c, true})
	}
	for _, c := range changes {
		c.c.Asked = askedAboutAny(hits, c.c.at)
	}
	sort.SliceStable(changes, func(i, j int) bool {
		if changes[i].c.Asked != changes[j].c.Asked {
			return changes[i].c.Asked > changes[j].c.Asked
		}
		return changes[i].claims && !changes[j].claims
	})
	var out []*storyChange
	for n, c := range changes {
		if n >= storyNewPer && c.c.Asked == 0 {
			break
		}
		out = append(out, c.c)
	}
	return out
}

// versionTime is when a version of a source was stored: its update's
// time, or for a first version when it was added.
func versionTime(s Source) time.Time {
	if !s.UpdatedAt.IsZero() {
		return s.UpdatedAt.UTC()
	}
	return s.AddedAt.UTC()
}

// updateValues says what a reworded sentence is about and the value each
// wording gives: a figure changed first, else what the earlier wording
// claimed (a figure, a claimant, a cause, a date), else what the current
// one claims, else another date or claimant, else only the words they
// share.
func updateValues(old, cur string, fo, fc facts, co sentenceClaim, okOld bool, cc sentenceClaim, okCur bool) (what, about, ov, nv string) {
	d, differs := differ(Quote{Text: old}, Quote{Text: cur}, fo, fc)
	switch {
	case differs && d.Kind == "figure":
		about = d.About
		if okOld && co.what == "figure" {
			about = co.about // the counted noun: "cameras"
		}
		return d.Kind, about, d.A.Value, d.B.Value
	case okOld:
		if okCur && cc.what == co.what {
			nv = cc.value
		}
		return co.what, co.about, co.value, nv
	case okCur:
		return cc.what, cc.about, "", cc.value
	case differs:
		return d.Kind, d.About, d.A.Value, d.B.Value
	}
	return "text", sharedWords(fo.words, fc.words), "", ""
}
