package search

// Question preparation: cleaning, term weights, typo correction and WordNet expansion.

import (
	"context"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"sitrep/search/wordnet"
)

// Question expansion and typo correction (tuned weights; see ask.go).
var (
	synonymKnown    = 0.5 // how far a word the library lacks is known through a synonym it holds
	inflectionBoost = 0.4 // an irregular form of the word asked: "found" for "find"
	synonymBoost    = 0.6 // a WordNet synonym or derived word next to the word asked
	nearBoost       = 0.3 // a WordNet word one step more general or specific
	maxAlts         = 6   // alternatives per question term, best senses first
)

// minCorrectable is the shortest word the typo correction touches:
// shorter ones ("date", "went", "full") are real words far too often.
const minCorrectable = 5

// BlankQuestion reports whether q holds nothing to search: only white
// space and invisible formatting characters (zero-width spaces and
// joiners, bidirectional marks and isolates, fillers), which look empty
// to the asker and would be logged as an empty question.
func BlankQuestion(q string) bool {
	return strings.TrimFunc(q, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) || r == 0 ||
			r == '\u2800' || r == '\u3164' || r == '\u115f' || r == '\u1160' || r == '\uffa0' // blank-looking fillers
	}) == ""
}

// cleanQuestion makes a question fit to analyse: valid UTF-8 without NULs,
// at most MaxQuestionBytes (cut between words), spaces folded; "" when
// it is blank.
func cleanQuestion(s string) string {
	s = strings.ToValidUTF8(s, " ")
	s = strings.ReplaceAll(s, "\x00", " ")
	if len(s) > MaxQuestionBytes {
		cut := MaxQuestionBytes
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		// Cut at a word boundary: half a word would be "corrected" into
		// another word.
		if sp := strings.LastIndexAny(s[:cut], " \t\n"); sp > 0 {
			cut = sp
		}
		s = s[:cut]
	}
	if BlankQuestion(s) {
		return ""
	}
	return strings.Join(strings.Fields(s), " ")
}

// prepared is a question analysed against the index.
type prepared struct {
	terms     []queryTerm
	weight    map[string]float64 // IDF weight per term
	total     float64            // weight of all terms
	known     float64            // weight of the terms the library holds
	corrected string
	question  string
	// aboutSpeaker: the question asks who said or claimed something.
	aboutSpeaker bool
	kind         kind // what kind of answer the question asks for
	// asks: it is put as a question ("what colour…?", "who…"), not named
	// as a topic or a headline.
	asks     bool
	asked    map[string]bool // the question's words, lower case
	years    []string        // the years the question names that the library holds ("2006")
	held     map[string]bool // the terms the library holds
	heaviest float64         // the highest weight of a term the library holds
}

// prepare analyses question with the term statistics scope may see (see
// vocab.go): another guild's words are neither suggested, counted nor
// used to expand the question.
func (l *Library) prepare(ctx context.Context, question, scope string) (prepared, error) {
	p := prepared{terms: l.an.questionTerms(question), weight: make(map[string]float64), question: question,
		kind: askedKind(question), asked: make(map[string]bool), held: make(map[string]bool)}
	words := lowerWords(question)
	for _, w := range words {
		p.asked[w] = true
		p.aboutSpeaker = p.aboutSpeaker || speechWords[w] || w == "claim" || w == "blamed" || w == "blame"
	}
	p.aboutSpeaker = p.aboutSpeaker && p.kind&(kindEntity|kindSpeech) != 0
	p.asks = p.kind != 0 || len(words) > 0 && questionOpeners[words[0]] || strings.HasSuffix(question, "?")
	if len(p.terms) == 0 {
		return p, nil
	}
	v, err := l.vocab(scope)
	if err != nil {
		return p, err
	}
	defer v.Close()
	n, err := v.docCount(ctx)
	if err != nil {
		return p, err
	}
	changed := false
	for i := range p.terms {
		t := &p.terms[i]
		df, err := v.docFreq(ctx, t.Term)
		if err != nil {
			return p, err
		}
		if df == 0 && len(t.Alts) == 0 && correctable(*t) {
			// A word the library has never seen: most likely a typo.
			if fix, err := v.correction(ctx, t.Term); err == nil && fix != "" {
				t.Term, t.Word = fix, fix
				changed = true
				if df, err = v.docFreq(ctx, fix); err != nil {
					return p, err
				}
			}
		}
		if err := l.expand(ctx, v, t); err != nil {
			return p, err
		}
		// A term the library holds is known; one it lacks is known only as
		// far as a synonym stands for it ("sacked" for "fired"), not through
		// a broader word: "Australia" is not known because the library says
		// "country". An unknown term weighs as the rarest, so a question
		// about something the library lacks is mostly unknown.
		known := 0.0
		if df > 0 {
			known = 1
			p.held[t.Term] = true
			// A year counts against an article that never says it only
			// where the library names it elsewhere: news rarely names its
			// own year ("on Thursday"), so a library that never says
			// "2022" may well be about 2022.
			if isYear(t.Term) {
				p.years = append(p.years, t.Term)
			}
		}
		for _, alt := range t.Alts {
			n, err := v.docFreq(ctx, alt.Term)
			if err != nil {
				return p, err
			}
			if df > 0 {
				df += n // the word's own rarity, widened by its alternatives
			}
			if n > 0 && alt.Boost >= synonymBoost {
				known = max(known, synonymKnown)
			}
		}
		w := math.Log((float64(n) + 1) / (float64(df) + 0.5))
		if w < 0.1 {
			w = 0.1
		}
		if p.asks && lightWords[t.Word] {
			w *= lightWeight
		}
		p.weight[t.Term] = w
		p.total += w
		p.known += known * w
		if p.held[t.Term] {
			p.heaviest = max(p.heaviest, w)
		}
	}
	if changed {
		words := make([]string, len(p.terms))
		for i, t := range p.terms {
			words[i] = t.Term
		}
		p.corrected = strings.Join(words, " ")
	}
	return p, nil
}

// expand adds to a question term the words WordNet relates to it that the
// library holds: a question says "sacked" where the text says "fired". They
// count less than the word asked, and only the first few (best senses
// first) are kept.
func (l *Library) expand(ctx context.Context, v *vocab, t *queryTerm) error {
	if !useWordNet {
		return nil
	}
	// add adds the words the library holds, up to limit, at boost.
	add := func(words []string, boost float64, limit int) (int, error) {
		added := 0
		for _, w := range words {
			if added >= limit {
				break
			}
			term := l.wordTerm(w)
			if term == "" || term == t.Term || t.altBoost(term) > 0 {
				continue
			}
			df, err := v.docFreq(ctx, term)
			if err != nil {
				return added, err
			}
			if df > 0 {
				t.addAlt(term, boost)
				added++
			}
		}
		return added, nil
	}
	// The word's irregular forms count as the word itself, light or not:
	// "what did the police find" is told as "police found".
	if inflectionBoost > 0 && (inflectLight || !lightWords[t.Word]) {
		forms, err := wordnet.Inflections(t.Word)
		if err != nil {
			return err
		}
		if _, err := add(forms, inflectionBoost, len(forms)); err != nil {
			return err
		}
	}
	if lightWords[t.Word] {
		return nil
	}
	rel, err := wordnet.Lookup(t.Word)
	if err != nil {
		return err
	}
	left := maxAlts
	for _, group := range []struct {
		words []string
		boost float64
	}{{rel.Synonyms, synonymBoost}, {rel.Derived, synonymBoost}, {rel.Near, nearBoost}} {
		n, err := add(group.words, group.boost, left)
		if err != nil {
			return err
		}
		left -= n
	}
	return nil
}

// wordTerm is the index term a WordNet word analyses to, or "" when it is
// not one term ("put up"); remembered, since the same relatives come up
// question after question.
func (l *Library) wordTerm(w string) string {
	if t, ok := l.wordTerms.Load(w); ok {
		return t.(string)
	}
	term := ""
	if toks := l.an.tokens(w); len(toks) == 1 {
		term = toks[0].Term
	}
	l.wordTerms.Store(w, term)
	return term
}

// lightWords are words so general that their WordNet relatives are noise:
// "come" brings "follow", "put" brings "set".
var lightWords = set("come", "came", "comes", "go", "went", "goes", "gone", "get", "got", "gets",
	"make", "made", "makes", "take", "took", "taken", "takes", "put", "puts", "do", "did", "does", "done",
	"have", "had", "has", "give", "gave", "given", "say", "said", "says", "tell", "told", "see", "saw",
	"seen", "know", "knew", "known", "think", "thought", "want", "wanted", "use", "used", "find",
	"found", "show", "showed", "call", "called", "keep", "kept", "let", "seem", "leave", "left",
	"look", "run", "set", "turn", "work", "hold", "held", "bring", "brought", "mean", "meant", "way",
	"thing", "things", "time", "day", "year", "people", "new", "big", "last", "first", "pick", "picked")

// useWordNet turns question expansion with WordNet on.
var useWordNet = true

// inflectLight adds the irregular forms of light words too ("found" for
// "find"): +1 hit@1 and +2 hit@3 on the seeds' dev half, none lost on BBC's.
var inflectLight = true

// lightWeight scales a light word's weight in a question: "get" in "how
// many cameras did they get into" says little of what is asked, yet in a
// small library it is rarer than "cameras" (+1 hit@1 on the seeds' dev
// half, +1 unanswerable declined on each).
var lightWeight = 0.3

// correctable reports whether a term unknown to the library may be a typo
// worth correcting: a word long enough, and not a number (a year the
// library lacks is not a typo of one it has).
func correctable(t queryTerm) bool {
	if wordnet.Known(t.Word) {
		return false // a real word ("Paris") is not a misspelt one ("part")
	}
	if utf8.RuneCountInString(t.Word) < minCorrectable || utf8.RuneCountInString(t.Term) < minCorrectable-1 {
		return false
	}
	return strings.ContainsFunc(t.Term, func(r rune) bool { return r < '0' || r > '9' })
}
