package attrib_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sitrep/attrib"
	"sitrep/internal/searchbench"
	"sitrep/search"
	"sitrep/seeds"
)

// labelled is one hand-labelled sentence of testdata/labelled.json: the
// document it comes from ("seed:ID" or "bbc:ID"), a piece of its text that
// picks the sentence, and its speaker and reporting chain as written in
// the text. No said_by and no according_to: the sentence names no one.
type labelled struct {
	Doc         string   `json:"doc"`
	Has         string   `json:"has"`
	SaidBy      string   `json:"said_by"`
	AccordingTo []string `json:"according_to"`
	Note        string   `json:"note"`

	got attrib.Attribution
}

// docs returns the texts the labelled set draws on: the seeds always, the
// BBC collection when ../shared is present.
func docs(tb testing.TB) (map[string]string, bool) {
	tb.Helper()
	out := make(map[string]string)
	srcs, err := seeds.Sources()
	if err != nil {
		tb.Fatal(err)
	}
	for _, s := range srcs {
		out["seed:"+s.ID] = s.Text
	}
	shared, err := searchbench.SharedDir()
	if err != nil {
		return out, false
	}
	arts, err := searchbench.LoadBBC(filepath.Join(shared, "eval", "bbc"))
	if err != nil {
		return out, false
	}
	for _, a := range arts {
		out["bbc:"+a.ID] = a.Text
	}
	return out, true
}

func toAttrib(spans []search.Span) []attrib.Span {
	out := make([]attrib.Span, len(spans))
	for i, s := range spans {
		out[i] = attrib.Span{Start: s.Start, End: s.End}
	}
	return out
}

// loadLabelled reads the labelled set and attributes every sentence with
// the library's own sentence splitter, as Library.Add does.
func loadLabelled(tb testing.TB) []labelled {
	tb.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "labelled.json"))
	if err != nil {
		tb.Fatal(err)
	}
	var items []labelled
	if err := json.Unmarshal(raw, &items); err != nil {
		tb.Fatal(err)
	}
	texts, haveBBC := docs(tb)
	if !haveBBC {
		tb.Skip("../shared/eval/bbc is absent: the labelled set draws on it; put the shared data next to the module")
	}
	cache := make(map[string][]attrib.Attribution)
	spansOf := make(map[string][]search.Span)
	for i := range items {
		it := &items[i]
		text, ok := texts[it.Doc]
		if !ok {
			tb.Fatalf("labelled %d: no document %s", i, it.Doc)
		}
		if _, ok := cache[it.Doc]; !ok {
			spans := search.Split(text)
			spansOf[it.Doc] = spans
			cache[it.Doc] = attrib.Attribute(text, toAttrib(spans))
		}
		at := strings.Index(text, it.Has)
		if at < 0 || strings.Contains(text[at+1:], it.Has) {
			tb.Fatalf("labelled %d: %q is not found once in %s", i, it.Has, it.Doc)
		}
		found := false
		for k, sp := range spansOf[it.Doc] {
			if sp.Start <= at && at < sp.End {
				it.got = cache[it.Doc][k]
				found = true
				break
			}
		}
		if !found {
			tb.Fatalf("labelled %d: %q is in no sentence", i, it.Has)
		}
	}
	return items
}

// baseName is a name without its role: "Mehdi Chamran (head of …)".
func baseName(s string) string {
	if i := strings.Index(s, " ("); i > 0 {
		return s[:i]
	}
	return s
}

// sameName: the prediction holds the gold name, or is part of it
// ("Chamran" for "Mehdi Chamran", "Tehran City Council head" for "head of
// the Tehran City Council" does not count).
func sameName(pred, gold string) bool {
	p, g := attrib.Fold(pred), attrib.Fold(baseName(gold))
	pn := attrib.Fold(baseName(pred))
	if p == "" || g == "" {
		return false
	}
	return strings.Contains(p, g) || len(pn) >= 3 && strings.Contains(g, pn)
}

type score struct{ tp, fp, fn int }

func (s score) precision() float64 {
	if s.tp+s.fp == 0 {
		return 1
	}
	return float64(s.tp) / float64(s.tp+s.fp)
}

func (s score) recall() float64 {
	if s.tp+s.fn == 0 {
		return 1
	}
	return float64(s.tp) / float64(s.tp+s.fn)
}

// evaluate scores said_by (one name a sentence) and according_to (each
// entry matched to at most one gold entry).
func evaluate(items []labelled) (said, chain score) {
	for _, it := range items {
		switch {
		case it.got.SaidBy != "" && it.SaidBy != "" && sameName(it.got.SaidBy, it.SaidBy):
			said.tp++
		default:
			if it.got.SaidBy != "" {
				said.fp++
			}
			if it.SaidBy != "" {
				said.fn++
			}
		}
		used := make([]bool, len(it.AccordingTo))
		for _, p := range it.got.AccordingTo {
			hit := false
			for k, g := range it.AccordingTo {
				if !used[k] && sameName(p, g) {
					used[k], hit = true, true
					break
				}
			}
			if hit {
				chain.tp++
			} else {
				chain.fp++
			}
		}
		for _, u := range used {
			if !u {
				chain.fn++
			}
		}
	}
	return said, chain
}

// TestLabelledSet measures attribution on the hand-labelled sentences,
// split before any tuning into dev (even positions) and test (odd). The
// rules were tuned on dev only; the test half must reach 0.8 precision and
// 0.6 recall on both fields.
func TestLabelledSet(t *testing.T) {
	items := loadLabelled(t)
	var dev, test []labelled
	for i, it := range items {
		if i%2 == 0 {
			dev = append(dev, it)
		} else {
			test = append(test, it)
		}
	}
	for _, half := range []struct {
		name  string
		items []labelled
	}{{"dev", dev}, {"test", test}} {
		said, chain := evaluate(half.items)
		t.Logf("%-4s %3d sentences: said_by P %.2f R %.2f (tp %d fp %d fn %d); according_to P %.2f R %.2f (tp %d fp %d fn %d)",
			half.name, len(half.items), said.precision(), said.recall(), said.tp, said.fp, said.fn,
			chain.precision(), chain.recall(), chain.tp, chain.fp, chain.fn)
		// Misses are listed for dev only: the rules are tuned on dev.
		if testing.Verbose() && half.name == "dev" {
			for _, it := range half.items {
				if !agrees(it) {
					t.Logf("  miss %s %q: got %+v, want said_by %q according_to %q", it.Doc, it.Has, it.got, it.SaidBy, it.AccordingTo)
				}
			}
		}
		if half.name != "test" {
			continue
		}
		for _, f := range []struct {
			name string
			s    score
		}{{"said_by", said}, {"according_to", chain}} {
			if f.s.precision() < 0.8 || f.s.recall() < 0.6 {
				t.Errorf("test half %s: precision %.2f recall %.2f, want at least 0.80 and 0.60", f.name, f.s.precision(), f.s.recall())
			}
		}
	}
}

func agrees(it labelled) bool {
	said, chain := evaluate([]labelled{it})
	return said.fp == 0 && said.fn == 0 && chain.fp == 0 && chain.fn == 0
}
