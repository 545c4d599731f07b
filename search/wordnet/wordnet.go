// Package wordnet gives the words WordNet 3.0 relates to a word: its
// synonyms in the word's common senses, the words derived from it, and the
// words one step more general or more specific. Sitrep expands questions
// with them ("sacked" also finds "fired", "hacker" also finds "hack"),
// weighted below the words asked.
//
// The data is a pruned extract of Debian's wordnet-base (single words,
// tagged senses, capped lists), written by scripts/wordnet and embedded, so
// nothing needs installing. WordNet's licence is in LICENSE beside this file.
package wordnet

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
)

//go:embed wordnet.txt.gz
var extract []byte

// Relations are the words related to one word, each list best first.
type Relations struct {
	Synonyms []string // same meaning in a common sense: "sack" for "fire"
	Derived  []string // same stem of meaning: "hacker" for "hack"
	Near     []string // one step more general or specific: "day" for "anniversary"
}

func (r Relations) empty() bool { return len(r.Synonyms)+len(r.Derived)+len(r.Near) == 0 }

// dictionary is the decompressed extract: sorted lines, found by binary
// search. Parsing every line into maps took 0.4 s, which each CLI question
// would pay; decompressing and indexing line starts takes a few ms.
type dictionary struct {
	text   string
	lemmas []int32 // start of each lemma line, in sorted order
	forms  []int32 // start of each "=form" line, in sorted order
	// inflected maps a lemma to its irregular forms: "find" → "found".
	inflected map[string][]string
}

var (
	loadOnce sync.Once
	dict     dictionary
	loadErr  error
)

func load() {
	dict, loadErr = parse(extract)
}

func parse(gz []byte) (dictionary, error) {
	var d dictionary
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return d, fmt.Errorf("wordnet: %w", err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return d, fmt.Errorf("wordnet: %w", err)
	}
	d.text = string(raw)
	d.inflected = make(map[string][]string)
	for at := 0; at < len(d.text); {
		end := strings.IndexByte(d.text[at:], '\n')
		if end < 0 {
			end = len(d.text) - at
		}
		switch d.text[at] {
		case '#', '\n':
		case '=':
			d.forms = append(d.forms, int32(at))
			if f := strings.Split(d.text[at+1:at+end], "\t"); len(f) == 2 {
				for _, base := range strings.Fields(f[1]) {
					d.inflected[base] = append(d.inflected[base], f[0])
				}
			}
		default:
			d.lemmas = append(d.lemmas, int32(at))
		}
		at += end + 1
	}
	return d, nil
}

// line returns the fields of the line for key among starts, if any.
func (d dictionary) line(starts []int32, skip int, key string) []string {
	i := sort.Search(len(starts), func(i int) bool { return d.field(starts[i], skip) >= key })
	if i == len(starts) || d.field(starts[i], skip) != key {
		return nil
	}
	at := int(starts[i]) + skip
	end := strings.IndexByte(d.text[at:], '\n')
	if end < 0 {
		end = len(d.text) - at
	}
	return strings.Split(d.text[at:at+end], "\t")
}

// field is the first tab-separated field of the line at start.
func (d dictionary) field(start int32, skip int) string {
	at := int(start) + skip
	end := strings.IndexAny(d.text[at:], "\t\n")
	if end < 0 {
		return d.text[at:]
	}
	return d.text[at : at+end]
}

func (d dictionary) relations(lemma string) (Relations, bool) {
	f := d.line(d.lemmas, 0, lemma)
	if len(f) != 4 {
		return Relations{}, false
	}
	return Relations{Synonyms: strings.Fields(f[1]), Derived: strings.Fields(f[2]), Near: strings.Fields(f[3])}, true
}

func (d dictionary) known(lemma string) bool {
	_, ok := d.relations(lemma)
	return ok
}

func (d dictionary) irregular(form string) []string {
	f := d.line(d.forms, 1, form)
	if len(f) != 2 {
		return nil
	}
	return strings.Fields(f[1])
}

// Lookup returns the words related to word (lower case, as typed: "sacked"
// is looked up as "sack" too), merged over its base forms. The first call
// decompresses the extract (about 20 ms).
func Lookup(word string) (Relations, error) {
	loadOnce.Do(load)
	if loadErr != nil {
		return Relations{}, loadErr
	}
	var out Relations
	for _, base := range baseForms(word) {
		r, ok := dict.relations(base)
		if !ok {
			continue
		}
		out.Synonyms = appendNew(out.Synonyms, r.Synonyms, word)
		out.Derived = appendNew(out.Derived, r.Derived, word)
		out.Near = appendNew(out.Near, r.Near, word)
	}
	return out, nil
}

// Inflections returns the other irregular forms of word's lemmas and the
// lemmas themselves: "found" for "find", "sold" for "sell", "find" for
// "found". News text tells in the past tense ("police found"), questions
// ask in the present ("what did police find"), and the stemmer joins
// only regular endings.
func Inflections(word string) ([]string, error) {
	loadOnce.Do(load)
	if loadErr != nil {
		return nil, loadErr
	}
	var out []string
	for _, base := range baseForms(word) {
		if base != word && !contains(out, base) {
			out = append(out, base)
		}
		for _, f := range dict.inflected[base] {
			if f != word && !contains(out, f) {
				out = append(out, f)
			}
		}
	}
	return out, nil
}

// Known reports whether word, or a base form of it, is a word WordNet
// relates to others: a real word, which a question did not misspell.
func Known(word string) bool {
	loadOnce.Do(load)
	if loadErr != nil {
		return false
	}
	for _, base := range baseForms(word) {
		if dict.known(base) {
			return true
		}
	}
	return false
}

func appendNew(to, from []string, self string) []string {
	for _, w := range from {
		if w != self && !contains(to, w) {
			to = append(to, w)
		}
	}
	return to
}

func contains(list []string, w string) bool {
	for _, x := range list {
		if x == w {
			return true
		}
	}
	return false
}

// detachments are WordNet's morphological rules ("morphy"): an inflected
// ending and what replaces it.
var detachments = [][2]string{
	{"ies", "y"}, {"ses", "s"}, {"xes", "x"}, {"zes", "z"}, {"ches", "ch"}, {"shes", "sh"},
	{"men", "man"}, {"s", ""}, {"es", "e"}, {"es", ""}, {"ed", "e"}, {"ed", ""},
	{"ing", "e"}, {"ing", ""}, {"er", ""}, {"est", ""}, {"er", "e"}, {"est", "e"},
}

// baseForms lists word itself, its irregular base forms, and the forms the
// detachment rules give that WordNet knows.
func baseForms(word string) []string {
	out := []string{word}
	for _, b := range dict.irregular(word) {
		if !contains(out, b) {
			out = append(out, b)
		}
	}
	for _, d := range detachments {
		if len(word) <= len(d[0])+1 || !strings.HasSuffix(word, d[0]) {
			continue
		}
		base := word[:len(word)-len(d[0])] + d[1]
		if dict.known(base) && !contains(out, base) {
			out = append(out, base)
		}
		// "stopped" → "stopp" → "stop": a doubled final consonant.
		if n := len(base); d[1] == "" && n > 2 && base[n-1] == base[n-2] {
			if dict.known(base[:n-1]) && !contains(out, base[:n-1]) {
				out = append(out, base[:n-1])
			}
		}
	}
	return out
}
