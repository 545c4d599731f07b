package search

// The index documents of a source, analysed before Bleve sees them. Each
// sentence is analysed once: its terms fill the sentence's text field,
// the guild fields of a guild's sentence, and, summed, the article's text
// field. Bleve would otherwise analyse every text twice (four times for a
// guild), in the one goroutine that also builds the segment; here the
// analysis runs on the import's workers, beside the writing.

import (
	"runtime"
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
// analysed already. It holds its terms as one string until Bleve analyses
// the batch, and builds Bleve's term map then, on Bleve's analysis
// workers: a prepared batch waiting for the writer holds a third of the
// memory it would as maps.
type analysedField struct {
	name          string
	length, bytes int // tokens (for the field's norm) and text bytes
	// parts are the analysed texts whose terms are the field's: one
	// sentence, or an article's sentences.
	parts []*terms
	// like, when set, is a field of the same document with the same
	// terms, whose map this one shares (a guild sentence's copies).
	like  *analysedField
	freqs index.TokenFrequencies // built by Analyze, or shared
}

func (f *analysedField) Name() string                        { return f.name }
func (f *analysedField) ArrayPositions() []uint64            { return nil }
func (f *analysedField) Options() index.FieldIndexingOptions { return index.IndexField }
func (f *analysedField) Value() []byte                       { return nil }
func (f *analysedField) EncodedFieldType() byte              { return 't' }
func (f *analysedField) NumPlainTextBytes() uint64           { return uint64(f.bytes) }
func (f *analysedField) AnalyzedLength() int                 { return f.length }

// Analyze builds the term map; Bleve calls it once per field, before the
// segment is built.
func (f *analysedField) Analyze() {
	switch {
	case f.freqs != nil:
	case f.like != nil:
		// One worker analyses a document's fields, so like is not
		// analysed concurrently.
		f.like.Analyze()
		f.freqs = f.like.freqs
	default:
		f.freqs = frequencies(f.parts)
		f.parts = nil
	}
}

// AnalyzedTokenFrequencies is the term map; nil before Analyze.
func (f *analysedField) AnalyzedTokenFrequencies() index.TokenFrequencies {
	return f.freqs
}

// Size estimates the memory the field holds (Bleve sizes its batches by it).
func (f *analysedField) Size() int {
	n := 64 + len(f.name) + 48*len(f.freqs)
	for _, p := range f.parts {
		n += len(p.all) + 4*len(p.ends)
	}
	return n
}

// terms is one analysed text: its terms in order (repeats included), one
// after another in all, each ending where ends says.
type terms struct {
	all   string
	ends  []int32
	bytes int // the text's
}

// field is a field of t's terms.
func (t *terms) field(name string) *analysedField {
	return &analysedField{name: name, length: len(t.ends), bytes: t.bytes, parts: []*terms{t}}
}

// sumField is a field whose terms are those of parts together.
func sumField(name string, parts []*terms) *analysedField {
	f := &analysedField{name: name, parts: parts}
	for _, p := range parts {
		f.length += len(p.ends)
		f.bytes += p.bytes
	}
	return f
}

// sharedField is a field of t's terms whose map is built now, for fields
// that many documents share (Bleve analyses documents on several workers).
func sharedField(name string, t *terms) *analysedField {
	f := t.field(name)
	f.Analyze()
	return f
}

// frequencies is the term map Bleve's segment builder reads, of the terms
// of parts together. Its entries carry no Term bytes: the builder reads
// the map's keys, and the bytes matter only for a field named twice in one
// document, which these documents never have.
func frequencies(parts []*terms) index.TokenFrequencies {
	n := 0
	for _, p := range parts {
		n += len(p.ends)
	}
	m := make(index.TokenFrequencies, n)
	tfs := make([]index.TokenFreq, 0, n)
	for _, p := range parts {
		start := int32(0)
		for _, end := range p.ends {
			term := p.all[start:end]
			start = end
			if tf, ok := m[term]; ok {
				tf.SetFrequency(tf.Frequency() + 1)
				continue
			}
			tfs = append(tfs, index.TokenFreq{})
			tf := &tfs[len(tfs)-1]
			tf.SetFrequency(1)
			m[term] = tf
		}
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

// analyse is text's terms as the index analyses it.
func analyse(a analysis.Analyzer, text string) *terms {
	// The analyzer's filters may rewrite the bytes in place: give it a copy.
	toks := a.Analyze([]byte(text))
	n := 0
	for _, tok := range toks {
		n += len(tok.Term)
	}
	all := make([]byte, 0, n)
	t := &terms{ends: make([]int32, len(toks)), bytes: len(text)}
	for i, tok := range toks {
		all = append(all, tok.Term...)
		t.ends[i] = int32(len(all))
	}
	t.all = string(all)
	return t
}

// build analyses s (whose text is text) into its documents.
func (d docBuilder) build(s storedSource, text string) sourceDocs {
	// Every document of the source shares these two fields.
	scope := sharedField(fieldScope, analyse(d.keyword, scopeKey(s.Scope)))
	source := sharedField(fieldSource, analyse(d.keyword, s.ID))
	sent := make([]*terms, len(s.Spans))
	for n, sp := range s.Spans {
		sent[n] = analyse(d.text, text[sp.Start:sp.End])
	}
	out := sourceDocs{article: document.NewDocument(s.ID), sentences: make([]*document.Document, len(s.Spans))}
	var body *analysedField
	if spansHoldEveryToken(text, s.Spans) {
		body = sumField(fieldText, sent)
	} else {
		body = analyse(d.text, text).field(fieldText)
	}
	title := analyse(d.text, s.Title).field(fieldTitle)
	out.article.AddField(body)
	out.article.AddField(title)
	out.article.AddField(scope)
	if s.Scope != SharedScope {
		addGuildCopies(out.article, s.Scope, fieldText, body)
		addGuildCopies(out.article, s.Scope, fieldTitle, title)
	}
	for n, t := range sent {
		if !s.indexed(n) {
			continue // an earlier version's sentence the current text still says
		}
		doc := document.NewDocument(sentenceID(s.ID, n))
		body := t.field(fieldText)
		doc.AddField(body)
		doc.AddField(scope)
		doc.AddField(source)
		if s.Scope != SharedScope {
			addGuildCopies(doc, s.Scope, fieldText, body)
		}
		out.sentences[n] = doc
	}
	return out
}

// addGuildCopies adds to doc the per-scope copies of its field named
// field, f, behind scope-true statistics (vocab.go): they share f's term
// map.
func addGuildCopies(doc *document.Document, scope, field string, f *analysedField) {
	for _, name := range []string{guildField(field), guildFieldOf(field, scope)} {
		doc.AddField(&analysedField{name: name, length: f.length, bytes: f.bytes, like: f})
	}
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
