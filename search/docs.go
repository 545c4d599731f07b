package search

// The index documents of a source, analysed before Bleve sees them. Each
// sentence is analysed once: its terms fill the sentence's text field,
// the guild fields of a guild's sentence, and, summed, the article's text
// field. Bleve would otherwise analyse every text twice (four times for a
// guild), in the one goroutine that also builds the segment; here the
// analysis runs on the import's workers, beside the writing.

import (
	"bytes"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/document"
	index "github.com/blevesearch/bleve_index_api"
)

// analysedField is an indexed (not stored) text field whose text was
// analysed already. It holds its terms compactly until Bleve analyses the
// batch, and builds Bleve's term map then, on Bleve's analysis workers: a
// prepared batch waiting for the writer holds a third of the memory it
// would as maps.
type analysedField struct {
	name          string
	length, bytes int // tokens (for the field's norm) and text bytes
	t             *terms
	// sum, when t is nil, are the texts whose terms add up to the field's
	// (an article's sentences).
	sum []*terms
}

func (f *analysedField) Name() string                        { return f.name }
func (f *analysedField) ArrayPositions() []uint64            { return nil }
func (f *analysedField) Options() index.FieldIndexingOptions { return index.IndexField }
func (f *analysedField) Value() []byte                       { return nil }
func (f *analysedField) EncodedFieldType() byte              { return 't' }

// Analyze builds the term map; Bleve calls it once per field, before the
// segment is built. The fields of one document are analysed in turn, so
// the guild copies of a sentence share its map.
func (f *analysedField) Analyze() {
	if f.t == nil {
		f.t = sumTerms(f.sum)
		f.sum = nil
	}
	if f.t.freqs == nil {
		f.t.freqs = f.t.frequencies()
	}
}

func (f *analysedField) NumPlainTextBytes() uint64 { return uint64(f.bytes) }
func (f *analysedField) AnalyzedLength() int       { return f.length }

// AnalyzedTokenFrequencies is the term map; nil before Analyze.
func (f *analysedField) AnalyzedTokenFrequencies() index.TokenFrequencies {
	if f.t == nil {
		return nil
	}
	return f.t.freqs
}

// Size estimates the memory the field holds (Bleve sizes its batches by it).
func (f *analysedField) Size() int {
	n := 64 + len(f.name) + 8*len(f.sum)
	if f.t != nil {
		n += 24*len(f.t.counts) + 48*len(f.t.freqs)
	}
	return n
}

// terms is one analysed text: its token count (for the field's norm) and
// each distinct term with its count, the terms slices of one string.
type terms struct {
	length int
	counts []termCount
	bytes  int
	freqs  index.TokenFrequencies // built by Analyze
}

type termCount struct {
	term string
	n    int
}

func (t *terms) field(name string) *analysedField {
	return &analysedField{name: name, length: t.length, bytes: t.bytes, t: t}
}

// sumField is a field whose terms are those of parts together.
func sumField(name string, parts []*terms) *analysedField {
	f := &analysedField{name: name, sum: parts}
	for _, p := range parts {
		f.length += p.length
		f.bytes += p.bytes
	}
	return f
}

// frequencies is the term map Bleve's segment builder reads. Its entries
// carry no Term bytes: the builder reads the map's keys, and the bytes
// matter only for a field named twice in one document, which these
// documents never have.
func (t *terms) frequencies() index.TokenFrequencies {
	m := make(index.TokenFrequencies, len(t.counts))
	tfs := make([]index.TokenFreq, len(t.counts))
	for i, c := range t.counts {
		tfs[i].SetFrequency(c.n)
		m[c.term] = &tfs[i]
	}
	return m
}

// docBuilder makes a source's index documents; it is safe for concurrent
// use (Bleve's analyzers are).
type docBuilder struct {
	text, keyword analysis.Analyzer
}

func newDocBuilder() docBuilder {
	m := indexMapping()
	return docBuilder{text: m.AnalyzerNamed(textAnalyzer), keyword: m.AnalyzerNamed(keyword.Name)}
}

// sourceDocs are the documents of one source: its article and its
// sentences, in span order.
type sourceDocs struct {
	article   *document.Document
	sentences []*document.Document
}

// analyse counts the terms of text as the index analyses it.
func analyse(a analysis.Analyzer, text string) *terms {
	// The analyzer's filters may rewrite the bytes in place: give it a copy.
	toks := a.Analyze([]byte(text))
	sort.Slice(toks, func(i, j int) bool { return bytes.Compare(toks[i].Term, toks[j].Term) < 0 })
	var buf strings.Builder
	t := &terms{length: len(toks), bytes: len(text)}
	var ends []int
	for i, tok := range toks {
		if i > 0 && bytes.Equal(tok.Term, toks[i-1].Term) {
			t.counts[len(t.counts)-1].n++
			continue
		}
		buf.Write(tok.Term)
		ends = append(ends, buf.Len())
		t.counts = append(t.counts, termCount{n: 1})
	}
	all, start := buf.String(), 0
	for i, end := range ends {
		t.counts[i].term = all[start:end]
		start = end
	}
	return t
}

// build analyses s (whose text is text) into its documents.
func (d docBuilder) build(s storedSource, text string) sourceDocs {
	// Every sentence document shares these two, and Bleve analyses
	// documents on several workers: their maps are built now.
	scope := analyse(d.keyword, scopeKey(s.Scope))
	source := analyse(d.keyword, s.ID)
	scope.freqs, source.freqs = scope.frequencies(), source.frequencies()
	sent := make([]*terms, len(s.Spans))
	for n, sp := range s.Spans {
		sent[n] = analyse(d.text, text[sp.Start:sp.End])
	}
	out := sourceDocs{article: document.NewDocument(s.ID), sentences: make([]*document.Document, len(s.Spans))}
	var body *terms
	if spansHoldEveryToken(text, s.Spans) {
		body = sumTerms(sent)
	} else {
		body = analyse(d.text, text)
	}
	title := analyse(d.text, s.Title)
	out.article.AddField(body.field(fieldText))
	out.article.AddField(title.field(fieldTitle))
	out.article.AddField(scope.field(fieldScope))
	if s.Scope != SharedScope {
		// The per-scope copies behind scope-true statistics (vocab.go).
		for _, f := range []struct {
			name string
			t    *terms
		}{{fieldText, body}, {fieldTitle, title}} {
			out.article.AddField(f.t.field(guildField(f.name)))
			out.article.AddField(f.t.field(guildFieldOf(f.name, s.Scope)))
		}
	}
	for n, t := range sent {
		doc := document.NewDocument(sentenceID(s.ID, n))
		doc.AddField(t.field(fieldText))
		doc.AddField(scope.field(fieldScope))
		doc.AddField(source.field(fieldSource))
		if s.Scope != SharedScope {
			// The per-scope copies behind scope-true statistics (vocab.go).
			doc.AddField(t.field(guildField(fieldText)))
			doc.AddField(t.field(guildFieldOf(fieldText, s.Scope)))
		}
		out.sentences[n] = doc
	}
	return out
}

// buildAll builds the documents of the additions among ops that have
// none yet, on every core.
func (d docBuilder) buildAll(ops []indexOp) {
	var todo []int
	for i, op := range ops {
		if !op.remove && op.docs == nil {
			todo = append(todo, i)
		}
	}
	onEveryCore(len(todo), 8, func(k int) {
		op := &ops[todo[k]]
		docs := d.build(op.s, op.text)
		op.docs, op.text = &docs, ""
	})
}

// onEveryCore calls do(i) for every i below n, on up to GOMAXPROCS
// goroutines (at least per calls each), and returns when all are done.
func onEveryCore(n, per int, do func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), (n+per-1)/per)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				do(i)
			}
		}()
	}
	wg.Wait()
}

// sumTerms is the analysis of a text made of parts analysed apart.
func sumTerms(parts []*terms) *terms {
	sum := &terms{}
	n := 0
	for _, p := range parts {
		n += len(p.counts)
	}
	at := make(map[string]int, n)
	for _, p := range parts {
		sum.length += p.length
		sum.bytes += p.bytes
		for _, c := range p.counts {
			if i, ok := at[c.term]; ok {
				sum.counts[i].n += c.n
				continue
			}
			at[c.term] = len(sum.counts)
			sum.counts = append(sum.counts, c)
		}
	}
	return sum
}

// spansHoldEveryToken reports whether analysing text whole gives exactly
// the tokens of its spans analysed one by one, so the article's terms are
// the sum of its sentences'. Word boundaries (Unicode UAX #29) fall at an
// ASCII space or line break on either side, whatever is beyond it, unless
// a combining mark or format character follows the space and clings to
// it. So it holds when everything outside the spans is ASCII white space,
// every span is bounded by such white space or the text's ends, and no
// span begins with a clinging character. Anything else (a fragment the
// splitter dropped, a run cut inside a word, a non-ASCII space) and the
// article is analysed whole, as Bleve would.
func spansHoldEveryToken(text string, spans []Span) bool {
	at := 0
	for _, sp := range spans {
		if sp.Start < at || sp.End < sp.Start || sp.End > len(text) {
			return false
		}
		if sp.Start > 0 && sp.Start == at {
			return false // touches the previous span: no space between
		}
		if !asciiSpace(text[at:sp.Start]) {
			return false
		}
		if r, _ := utf8.DecodeRuneInString(text[sp.Start:]); clings(r) {
			return false
		}
		at = sp.End
	}
	return asciiSpace(text[at:])
}

func asciiSpace(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\n', '\r', '\v', '\f':
		default:
			return false
		}
	}
	return true
}

// clings reports whether r joins the character before it into one word
// segment (UAX #29 rule WB4: Extend, Format and ZWJ).
func clings(r rune) bool {
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Mc, unicode.Cf) || r == '\u200d' || unicode.Is(unicode.Other_Grapheme_Extend, r)
}
