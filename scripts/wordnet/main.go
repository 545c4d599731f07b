// Command wordnet writes the pruned WordNet 3.0 extract that
// search/wordnet embeds: for each single-word lemma, the single-word lemmas
// that stand for it in its tagged senses (synonyms), that derive from it
// ("hack" / "hacker"), and that sit one step above or below it ("date" /
// "anniversary"). It reads Debian's wordnet-base files:
//
//	apt-get install wordnet-base
//	go run ./scripts/wordnet -dict /usr/share/wordnet -out search/wordnet/wordnet.txt.gz
//
// The extract keeps WordNet's licence (search/wordnet/LICENSE).
package main

import (
	"bufio"
	"compress/gzip"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
)

type synset struct {
	words []string
	ptrs  []pointer
}

type pointer struct {
	symbol string
	offset string
	pos    byte
	source int // word number in this synset (1-based), 0 for the whole synset
	target int
}

var posFiles = map[byte]string{'n': "noun", 'v': "verb", 'a': "adj", 'r': "adv"}

func main() {
	dict := flag.String("dict", "/usr/share/wordnet", "WordNet dictionary directory")
	out := flag.String("out", "search/wordnet/wordnet.txt.gz", "extract to write")
	senses := flag.Int("senses", 0, "senses per lemma (0: the tagged ones, at least one)")
	flag.Parse()

	synsets := make(map[string]*synset) // "pos offset" → synset
	for pos, name := range posFiles {
		if err := readData(filepath.Join(*dict, "data."+name), pos, synsets); err != nil {
			log.Fatal(err)
		}
	}
	rel := make(map[string]*relations)
	for _, pos := range []byte{'n', 'v', 'a'} {
		if err := readIndex(filepath.Join(*dict, "index."+posFiles[pos]), pos, *senses, synsets, rel); err != nil {
			log.Fatal(err)
		}
	}
	symmetric(rel)
	exc := make(map[string][]string)
	for _, pos := range []byte{'n', 'v', 'a'} {
		if err := readExceptions(filepath.Join(*dict, posFiles[pos]+".exc"), rel, exc); err != nil {
			log.Fatal(err)
		}
	}
	if err := write(*out, rel, exc); err != nil {
		log.Fatal(err)
	}
}

// single reports whether a lemma is one plain word worth keeping.
func single(w string) bool {
	if len(w) < 2 || len(w) > 24 {
		return false
	}
	for _, r := range w {
		if (r < 'a' || r > 'z') && r != '-' {
			return false
		}
	}
	return true
}

func readData(path string, pos byte, into map[string]*synset) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "  ") {
			continue // licence header
		}
		if i := strings.Index(line, " | "); i >= 0 {
			line = line[:i]
		}
		f := strings.Fields(line)
		if len(f) < 4 {
			continue
		}
		n, err := strconv.ParseInt(f[3], 16, 32)
		if err != nil {
			return fmt.Errorf("%s: %q: %w", path, f[0], err)
		}
		s := &synset{}
		i := 4
		for range n {
			w := strings.ToLower(f[i])
			if k := strings.IndexByte(w, '('); k > 0 { // adjective markers: "big(a)"
				w = w[:k]
			}
			s.words = append(s.words, w)
			i += 2
		}
		np, _ := strconv.Atoi(f[i])
		i++
		for range np {
			st := f[i+3]
			src, _ := strconv.ParseInt(st[:2], 16, 32)
			dst, _ := strconv.ParseInt(st[2:], 16, 32)
			p := f[i+2][0]
			if p == 's' {
				p = 'a'
			}
			s.ptrs = append(s.ptrs, pointer{symbol: f[i], offset: f[i+1], pos: p, source: int(src), target: int(dst)})
			i += 4
		}
		into[key(pos, f[0])] = s
	}
	return sc.Err()
}

func key(pos byte, offset string) string { return string(pos) + " " + offset }

// relations of one lemma, best first within each kind.
type relations struct {
	syn, der, near []string
}

func (r *relations) add(list *[]string, w, self string) {
	if w == self || !single(w) || slices.Contains(*list, w) {
		return
	}
	*list = append(*list, w)
}

func readIndex(path string, pos byte, senses int, synsets map[string]*synset, rel map[string]*relations) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "  ") {
			continue
		}
		fs := strings.Fields(line)
		lemma := fs[0]
		if !single(lemma) {
			continue
		}
		nsyn, _ := strconv.Atoi(fs[2])
		np, _ := strconv.Atoi(fs[3])
		tagged, _ := strconv.Atoi(fs[5+np])
		offsets := fs[6+np:]
		if len(offsets) != nsyn {
			return fmt.Errorf("%s: %s: %d offsets, want %d", path, lemma, len(offsets), nsyn)
		}
		keep := senses
		if keep == 0 {
			keep = max(tagged, 1)
		}
		r := rel[lemma]
		if r == nil {
			r = &relations{}
			rel[lemma] = r
		}
		for _, off := range offsets[:min(keep, len(offsets))] {
			s := synsets[key(pos, off)]
			if s == nil {
				return fmt.Errorf("%s: %s: no synset %s", path, lemma, off)
			}
			self := slices.Index(s.words, lemma) + 1
			for _, w := range s.words {
				r.add(&r.syn, w, lemma)
			}
			for _, p := range s.ptrs {
				t := synsets[key(p.pos, p.offset)]
				if t == nil {
					continue
				}
				switch {
				case p.symbol == "+" && (p.source == 0 || p.source == self):
					// Derivationally related form of this very word.
					if p.target > 0 && p.target <= len(t.words) {
						r.add(&r.der, t.words[p.target-1], lemma)
					}
				case (p.symbol == "@" || p.symbol == "@i" || p.symbol == "~" || p.symbol == "~i") && p.source == 0:
					for _, w := range t.words {
						r.add(&r.near, w, lemma)
					}
				}
			}
		}
	}
	return sc.Err()
}

// symmetric makes synonymy go both ways: "fire" lists "sack" in one of its
// common senses, so "sack" lists "fire" even where that sense of "sack" is
// rare. Then it caps each list, best senses first.
func symmetric(rel map[string]*relations) {
	lemmas := make([]string, 0, len(rel))
	for l := range rel {
		lemmas = append(lemmas, l)
	}
	sort.Strings(lemmas)
	for _, l := range lemmas {
		for _, w := range rel[l].syn {
			r := rel[w]
			if r == nil {
				r = &relations{}
				rel[w] = r
			}
			r.add(&r.syn, l, w)
		}
	}
	for _, r := range rel {
		r.syn = r.syn[:min(len(r.syn), maxSynonyms)]
		r.der = r.der[:min(len(r.der), maxDerived)]
		r.near = r.near[:min(len(r.near), maxNear)]
	}
}

// Caps per lemma: the query side keeps only words the library holds, and
// fewer still.
const (
	maxSynonyms = 24
	maxDerived  = 8
	maxNear     = 16
)

// readExceptions keeps the irregular forms ("fired" is regular, "sold" is
// not) whose base form has relations.
func readExceptions(path string, rel map[string]*relations, exc map[string][]string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) < 2 || !single(fs[0]) {
			continue
		}
		for _, base := range fs[1:] {
			if r := rel[base]; r != nil && !slices.Contains(exc[fs[0]], base) {
				exc[fs[0]] = append(exc[fs[0]], base)
			}
		}
	}
	return sc.Err()
}

func write(path string, rel map[string]*relations, exc map[string][]string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	zw, _ := gzip.NewWriterLevel(f, gzip.BestCompression)
	w := bufio.NewWriter(zw)
	fmt.Fprintln(w, "# Pruned from WordNet 3.0, Copyright 2006 by Princeton University; see LICENSE.")
	fmt.Fprintln(w, "# lemma<TAB>synonyms<TAB>derived<TAB>one step up or down; =form<TAB>base forms")
	lemmas := make([]string, 0, len(rel))
	for l, r := range rel {
		if len(r.syn)+len(r.der)+len(r.near) > 0 {
			lemmas = append(lemmas, l)
		}
	}
	sort.Strings(lemmas)
	for _, l := range lemmas {
		r := rel[l]
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", l, strings.Join(r.syn, " "), strings.Join(r.der, " "), strings.Join(r.near, " "))
	}
	forms := make([]string, 0, len(exc))
	for form := range exc {
		forms = append(forms, form)
	}
	sort.Strings(forms)
	for _, form := range forms {
		fmt.Fprintf(w, "=%s\t%s\n", form, strings.Join(exc[form], " "))
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return f.Close()
}
