package search

import (
	"context"

	index "github.com/blevesearch/bleve_index_api"
)

// Term statistics per scope. A guild sees the shared scope and its own
// sources, never another guild's: not in its answers, and not in the
// statistics behind them either (the typo correction, the IDF weights, the
// share of the question the library "knows", the scores that rank its
// quotes: scoring.go). Computed over the whole index, those would tell one
// server the words of another's private memos ("Searched for:
// quxtrophane").
//
// The counts come from the term dictionary, not from searches, so they
// cost the same at a million passages as at a hundred: a guild's text
// fields are indexed twice more, under guildField (every guild's
// documents) and under guildFieldOf(scope) (that guild's only), in both
// indexes (the sentences' text; the articles' text and title). Then, for
// a term in field f,
//
//	visible(shared) = f − gf
//	visible(guild)  = f − gf + gf:<guild>
//
// three dictionary lookups where the whole-index count was one. While no
// guild has sources (guildSources is 0) it is one lookup, as before.

// indexLayout names the index's field layout; an index written before it
// is rebuilt on Open.
const indexLayout = "3: guild text and title fields in both indexes"

const metaIndexLayout = "index_layout"

// guildField is the field holding field's text of every guild's documents.
func guildField(field string) string { return "g" + field }

// guildFieldOf is the field holding field's text of scope's documents.
func guildFieldOf(field, scope string) string { return "g" + field + ":" + scopeKey(scope) }

// layoutCurrent reports whether the index was written with indexLayout.
// An index without guild sentences needs no rebuild: it has nothing to
// put in the guild fields.
func layoutCurrent(tx storeTx, guildSources int64) (bool, error) {
	if guildSources == 0 {
		return true, nil
	}
	v, err := tx.Meta(metaIndexLayout)
	return string(v) == indexLayout, err
}

func markLayout(tx storeTx) error {
	return tx.PutMeta(metaIndexLayout, []byte(indexLayout))
}

// vocab answers term statistics of an index as seen from one scope,
// through one index reader. Close the one Library.vocab opens (on the
// sentence index) when done; scopeStats lends a search's reader.
type vocab struct {
	r      index.IndexReader
	scope  string
	guilds bool        // some guild has sources: subtract what scope may not see
	counts *termCounts // nil: counted afresh every time
}

func (l *Library) vocab(scope string) (*vocab, error) {
	r, err := readerOf(l.ix.sentences)
	if err != nil {
		return nil, err
	}
	return &vocab{r: r, scope: scope, guilds: l.guildSources.Load() > 0, counts: l.counts}, nil
}

func (v *vocab) Close() error { return v.r.Close() }

func (v *vocab) count(ctx context.Context, field, term string) (uint64, error) {
	if n, ok := v.counts.get(v.r, field, term); ok {
		return n, nil
	}
	tfr, err := v.r.TermFieldReader(ctx, []byte(term), field, false, false, false)
	if err != nil {
		return 0, err
	}
	defer tfr.Close()
	n := tfr.Count()
	v.counts.put(v.r, field, term, n)
	return n, nil
}

// docCount is how many documents of the index scope sees.
func (v *vocab) docCount(ctx context.Context) (uint64, error) {
	if !v.guilds {
		return v.r.DocCount()
	}
	n, err := v.count(ctx, fieldScope, scopeKey(SharedScope))
	if err != nil || v.scope == SharedScope {
		return n, err
	}
	own, err := v.count(ctx, fieldScope, scopeKey(v.scope))
	return n + own, err
}

// docFreq is how many sentences visible from scope hold term.
func (v *vocab) docFreq(ctx context.Context, term string) (uint64, error) {
	all, err := v.count(ctx, fieldText, term)
	if err != nil {
		return 0, err
	}
	return v.visible(ctx, fieldText, term, all)
}

// visible is how many documents visible from scope hold term in field,
// given all, how many of the whole index do.
func (v *vocab) visible(ctx context.Context, field, term string, all uint64) (uint64, error) {
	if !v.guilds || all == 0 {
		return all, nil
	}
	guild, err := v.count(ctx, guildField(field), term)
	if err != nil {
		return 0, err
	}
	n := all - min(guild, all)
	if v.scope != SharedScope {
		own, err := v.count(ctx, guildFieldOf(field, v.scope), term)
		if err != nil {
			return 0, err
		}
		n += own
	}
	return n, nil
}

// correction finds the term visible from scope, within edit distance of
// term, that the most sentences hold; "" when there is none. The fuzzy
// dictionary walk is over the whole index, so each candidate is counted
// again as scope sees it: a word only another guild holds is no candidate.
func (v *vocab) correction(ctx context.Context, term string) (string, error) {
	fuzziness := 1
	if len(term) >= 8 {
		fuzziness = 2
	}
	fr, ok := v.r.(index.IndexReaderFuzzy)
	if !ok {
		return "", nil
	}
	// The first letter is rarely the typo; requiring it keeps the
	// automaton small and the suggestions plausible.
	dict, err := fr.FieldDictFuzzy(fieldText, term, fuzziness, term[:1])
	if err != nil {
		return "", err
	}
	defer dict.Close()
	type cand struct {
		term  string
		count uint64
	}
	var cands []cand
	for {
		e, err := dict.Next()
		if err != nil {
			return "", err
		}
		if e == nil {
			break
		}
		if e.Term != term {
			cands = append(cands, cand{e.Term, e.Count})
		}
	}
	best, bestCount := "", uint64(0)
	for _, c := range cands {
		n := c.count
		if v.guilds {
			if n, err = v.docFreq(ctx, c.term); err != nil {
				return "", err
			}
		}
		if n > bestCount { // ties: the first in dictionary order
			best, bestCount = c.term, n
		}
	}
	return best, nil
}
