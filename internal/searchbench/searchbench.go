// Package searchbench builds the corpora of Sitrep's scale benchmark and
// measures Sitrep against SQLite FTS5 on them.
//
// The corpus generator scales the BBC collection of ../shared/eval/bbc
// (2,223 news articles, about 41k sentences) to any number of sentence
// passages: it takes the articles in an order fixed by the seed and, once
// they are used up, takes them again as replicas under new ids ("<id>.r<N>")
// with light perturbation, so the index is not full of exact duplicates:
// in every sentence of a replica one word (and, half the time, a second)
// is replaced by a word drawn from the collection's own running text (so
// the vocabulary keeps its frequency profile), and the replica's numbers
// are shifted. The same base, size and seed always give the same corpus.
// The queries are the headlines of the original articles the corpus holds.
//
// The benchmark itself is in the package's tests (see RESULTS.md for the
// command and the latest figures); Synthetic makes a small corpus that
// needs no shared data, for the quick Ask benchmark.
package searchbench

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"

	"sitrep/search"
)

// Article is one article of the base collection.
type Article struct {
	ID       string `json:"id"`
	Outlet   string `json:"outlet"`
	Text     string `json:"text"`
	Headline string `json:"-"` // from queries.tsv; the benchmark's query
}

// LoadBBC reads the BBC collection in dir (docs.jsonl and queries.tsv,
// whose query ids are the article ids).
func LoadBBC(dir string) ([]Article, error) {
	heads := make(map[string]string)
	if err := eachLine(filepath.Join(dir, "queries.tsv"), func(line string) error {
		id, text, ok := strings.Cut(line, "\t")
		if !ok {
			return fmt.Errorf("no tab in %q", line)
		}
		heads[id] = text
		return nil
	}); err != nil {
		return nil, fmt.Errorf("searchbench: read headlines: %w", err)
	}
	var out []Article
	if err := eachLine(filepath.Join(dir, "docs.jsonl"), func(line string) error {
		var a Article
		if err := json.Unmarshal([]byte(line), &a); err != nil {
			return err
		}
		a.Headline = heads[a.ID]
		out = append(out, a)
		return nil
	}); err != nil {
		return nil, fmt.Errorf("searchbench: read articles: %w", err)
	}
	return out, nil
}

func eachLine(path string, fn func(string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		if err := fn(sc.Text()); err != nil {
			return err
		}
	}
	return sc.Err()
}

// Corpus is a generated corpus, described by its plan and materialised
// source by source, so a caller can stream it in chunks.
type Corpus struct {
	base    []Article
	spans   [][]search.Span // base articles' sentences
	vocab   []string        // running text of the base, for replacements
	seed    uint64
	plan    []entry
	nominal int
}

type entry struct {
	base  int // index into base
	round int // 0: the original; N: the Nth replica
}

// Generate plans a corpus of at least passages sentence passages (the
// last article may overshoot by a few) from base, deterministic in seed.
func Generate(base []Article, passages int, seed uint64) *Corpus {
	c := &Corpus{base: base, seed: seed, spans: make([][]search.Span, len(base))}
	for i, a := range base {
		c.spans[i] = search.Split(a.Text)
		for _, sp := range c.spans[i] {
			for _, w := range strings.Fields(a.Text[sp.Start:sp.End]) {
				if isPlainWord(w) {
					c.vocab = append(c.vocab, w)
				}
			}
		}
	}
	order := rand.New(rand.NewPCG(seed, 1)).Perm(len(base))
	for round := 0; c.nominal < passages && len(base) > 0; round++ {
		for _, i := range order {
			if c.nominal >= passages {
				break
			}
			if len(c.spans[i]) == 0 {
				continue
			}
			c.plan = append(c.plan, entry{base: i, round: round})
			c.nominal += len(c.spans[i])
		}
	}
	return c
}

// Len is the number of sources in the corpus.
func (c *Corpus) Len() int { return len(c.plan) }

// Passages is the number of sentence passages of the corpus, as Split
// counts them in the original articles (a replica's perturbation keeps
// sentence boundaries, so the count holds for it too, within a handful).
func (c *Corpus) Passages() int { return c.nominal }

// Queries returns the headlines of the original articles in the corpus,
// in corpus order.
func (c *Corpus) Queries() []string {
	var out []string
	for _, e := range c.plan {
		if e.round == 0 && c.base[e.base].Headline != "" {
			out = append(out, c.base[e.base].Headline)
		}
	}
	return out
}

// Sources materialises sources [from, to) of the corpus.
func (c *Corpus) Sources(from, to int) []search.Source {
	out := make([]search.Source, 0, to-from)
	for _, e := range c.plan[from:to] {
		out = append(out, c.source(e))
	}
	return out
}

func (c *Corpus) source(e entry) search.Source {
	a := c.base[e.base]
	s := search.Source{ID: a.ID, Title: a.Headline, Outlet: a.Outlet, Text: a.Text}
	if e.round == 0 {
		return s
	}
	s.ID = a.ID + ".r" + strconv.Itoa(e.round)
	rng := rand.New(rand.NewPCG(c.seed, uint64(e.base)<<20|uint64(e.round)))
	s.Text = c.perturb(a.Text, c.spans[e.base], rng)
	return s
}

// perturb replaces one or two plain words in every sentence of text and
// shifts its numbers by a constant, leaving sentence boundaries alone.
func (c *Corpus) perturb(text string, spans []search.Span, rng *rand.Rand) string {
	var b strings.Builder
	b.Grow(len(text) + len(text)/16)
	shift := 1 + rng.IntN(9)
	last := 0
	for _, sp := range spans {
		b.WriteString(shiftNumbers(text[last:sp.Start], shift))
		words := strings.SplitAfter(text[sp.Start:sp.End], " ")
		var plain []int
		for i, w := range words[1:] { // never the sentence's first word
			if isPlainWord(strings.TrimSpace(w)) {
				plain = append(plain, i+1)
			}
		}
		n := 1 + rng.IntN(2)
		for k := 0; k < n && len(plain) > 0 && len(c.vocab) > 0; k++ {
			i := plain[rng.IntN(len(plain))]
			w := words[i]
			trail := w[len(strings.TrimRight(w, " ")):]
			words[i] = c.vocab[rng.IntN(len(c.vocab))] + trail
		}
		b.WriteString(shiftNumbers(strings.Join(words, ""), shift))
		last = sp.End
	}
	b.WriteString(shiftNumbers(text[last:], shift))
	return b.String()
}

// isPlainWord reports whether w is a lower-case word of 4+ letters: safe to
// replace without moving a sentence boundary or a proper name.
func isPlainWord(w string) bool {
	if len(w) < 4 {
		return false
	}
	for _, r := range w {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return true
}

// shiftNumbers adds shift to the last digit of each run of digits (mod 10),
// so figures differ between replicas while keeping their shape.
func shiftNumbers(s string, shift int) string {
	if strings.IndexFunc(s, unicode.IsDigit) < 0 {
		return s
	}
	b := []byte(s)
	for i := range b {
		if b[i] >= '0' && b[i] <= '9' && (i+1 == len(b) || b[i+1] < '0' || b[i+1] > '9') {
			b[i] = '0' + (b[i]-'0'+byte(shift))%10
		}
	}
	return string(b)
}

// syntheticWords is the vocabulary of Synthetic: incident-news words, drawn
// with a Zipf-like skew so some are common and most are rare.
var syntheticWords = strings.Fields(`
attack hackers cameras city municipality websites claimed responsibility group
officials said police power outage network servers data leak ransom ministry
government statement investigation report security breach systems traffic
water supply hospital emergency services disrupted restored hours morning
evening residents warned experts analysts company spokesman minister capital
northern southern province border military strike protest election vote
court ruling judge charges arrested suspects released prisoners bank market
shares prices fuel shortage flights cancelled airport station train railway
bridge collapsed storm flood earthquake fire damaged buildings killed injured
rescue teams volunteers agency international council sanctions talks deal
`)

// Synthetic returns n sources of word-salad sentences from a fixed
// vocabulary, deterministic in seed, and questions drawn from the same
// words: a corpus for benchmarks that must not depend on shared data.
func Synthetic(n int, seed uint64) (srcs []search.Source, questions []string) {
	rng := rand.New(rand.NewPCG(seed, 2))
	zipf := func() string {
		// Squaring a uniform number skews the draw toward the first words.
		u := rng.Float64()
		return syntheticWords[int(u*u*float64(len(syntheticWords)))]
	}
	sentence := func(words int) string {
		ws := make([]string, words)
		for i := range ws {
			ws[i] = zipf()
		}
		s := strings.Join(ws, " ")
		return strings.ToUpper(s[:1]) + s[1:] + "."
	}
	for i := range n {
		var text strings.Builder
		for k := range 8 + rng.IntN(12) {
			if k > 0 {
				text.WriteString(" ")
			}
			text.WriteString(sentence(8 + rng.IntN(14)))
		}
		srcs = append(srcs, search.Source{
			ID:     fmt.Sprintf("syn-%05d", i),
			Title:  sentence(5),
			Outlet: "Synthetic News",
			Text:   text.String(),
		})
	}
	// Questions are word windows of the corpus's own sentences, so each has
	// an answer, as the BBC headlines do.
	for range 64 {
		words := strings.Fields(strings.TrimSuffix(srcs[rng.IntN(n)].Text, "."))
		k := 3 + rng.IntN(4)
		i := rng.IntN(len(words) - k)
		questions = append(questions, strings.Join(words[i:i+k], " ")+"?")
	}
	return srcs, questions
}

// englishStopWords is Bleve's English stop list, the one Sitrep's analyzer
// drops; the FTS5 baseline drops the same words from its queries.
var englishStopWords = sync.OnceValue(func() analysis.TokenMap {
	m := analysis.NewTokenMap()
	if err := m.LoadBytes(en.EnglishStopWords); err != nil {
		panic(fmt.Sprintf("searchbench: Bleve's embedded stop list: %v", err))
	}
	return m
})

// FTS5Query turns a question into the SQLite FTS5 baseline's MATCH
// expression, `"w1" OR "w2" …`, over its words (split as unicode61 does)
// without stop words and possessive endings. The retrieval evaluation and
// the scale benchmark both use it, so their baselines are the same. An
// empty result means the question has no searchable word.
func FTS5Query(text string) string {
	stop := englishStopWords()
	text = strings.NewReplacer("'s ", " ", "’s ", " ").Replace(strings.ToLower(text) + " ")
	words := strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	seen := make(map[string]bool)
	var terms []string
	for _, w := range words {
		if stop[w] || seen[w] {
			continue
		}
		seen[w] = true
		terms = append(terms, `"`+strings.ReplaceAll(w, `"`, `""`)+`"`)
	}
	return strings.Join(terms, " OR ")
}

// SharedDir returns the shared data folder that stands beside the module
// (../shared from the directory holding go.mod, found by walking up from
// the working directory), or an error saying why there is none. Tests and
// benchmarks that read its collections skip on the error.
func SharedDir() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			shared := filepath.Join(dir, "..", "shared")
			if _, err := os.Stat(shared); err != nil {
				return "", fmt.Errorf("../shared is absent beside the module: %w", err)
			}
			return shared, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above %s, so no ../shared", dir)
		}
		dir = parent
	}
}
