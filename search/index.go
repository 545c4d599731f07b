package search

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
	bolterrors "go.etcd.io/bbolt/errors"
)

// Field names in both Bleve indexes.
const (
	fieldText   = "text"
	fieldTitle  = "title"
	fieldScope  = "scope"
	fieldSource = "source"
)

// indexes holds the two derived Bleve indexes: one document per article
// (the evidence that a source is on topic) and one per sentence (the
// quotable passages).
type indexes struct {
	articles  bleve.Index
	sentences bleve.Index
	docs      docBuilder
}

func indexMapping() *mapping.IndexMappingImpl {
	m := bleve.NewIndexMapping()
	m.DefaultAnalyzer = textAnalyzer
	m.DefaultMapping.Dynamic = false
	m.StoreDynamic = false
	m.IndexDynamic = false
	m.DocValuesDynamic = false
	return m
}

// errIndexLocked: another process has the index open. With bbolt the
// store's lock comes first; with a shared PostgreSQL store, two processes
// given the same --data meet here.
var errIndexLocked = errors.New("search: index held by another process")

// openIndex opens the Bleve index at path, creating it when missing. A
// corrupt index is moved aside and created anew: it is derived data, and the
// caller reindexes from the store. An index another process holds is
// errIndexLocked after LockTimeout, and left alone.
func openIndex(path string) (idx bleve.Index, created bool, err error) {
	idx, err = bleve.OpenUsing(path, map[string]interface{}{"bolt_timeout": LockTimeout.String()})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, false, errIndexLocked
	}
	if err == nil {
		// A process killed between creating the index and the chmod below
		// left the metadata world-readable: settle it on every open.
		if err := privateMeta(path); err != nil {
			idx.Close()
			return nil, false, fmt.Errorf("open index %s: %w", path, err)
		}
		return idx, false, nil
	}
	if !errors.Is(err, bleve.ErrorIndexPathDoesNotExist) {
		if rmErr := os.RemoveAll(path); rmErr != nil {
			return nil, false, fmt.Errorf("open index %s: %w (and could not remove it: %v)", path, err, rmErr)
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, false, err
	}
	idx, err = bleve.New(path, indexMapping())
	if err != nil {
		return nil, false, fmt.Errorf("create index %s: %w", path, err)
	}
	if err := privateMeta(path); err != nil {
		idx.Close()
		return nil, false, fmt.Errorf("create index %s: %w", path, err)
	}
	return idx, true, nil
}

// privateMeta makes the index's metadata file private. Bleve writes it
// world-readable; the library's data is private to its user like
// everything else in the data directory.
func privateMeta(path string) error {
	err := os.Chmod(filepath.Join(path, "index_meta.json"), 0o600)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}

func openIndexes(dir string) (*indexes, bool, error) {
	ix := &indexes{docs: newDocBuilder()}
	var createdA, createdS bool
	var err error
	if ix.articles, createdA, err = openIndex(filepath.Join(dir, "articles.bleve")); err != nil {
		return nil, false, err
	}
	if ix.sentences, createdS, err = openIndex(filepath.Join(dir, "sentences.bleve")); err != nil {
		ix.articles.Close()
		return nil, false, err
	}
	return ix, createdA || createdS, nil
}

// compact merges each index into one segment (see Library.Compact); with
// onlyIfPays, only an index where mergePays. It reports whether it merged
// any.
func (ix *indexes) compact(ctx context.Context, onlyIfPays bool) (bool, error) {
	merged := false
	for _, bi := range []bleve.Index{ix.articles, ix.sentences} {
		adv, err := bi.Advanced()
		if err != nil {
			return merged, err
		}
		s, ok := adv.(*scorch.Scorch)
		if !ok {
			continue
		}
		if onlyIfPays {
			pays, err := mergePays(s)
			if err != nil || !pays {
				if err != nil {
					return merged, err
				}
				continue
			}
		}
		if err := s.ForceMerge(ctx, nil); err != nil {
			return merged, err
		}
		merged = true
	}
	return merged, ctx.Err()
}

// mergePays reports whether merging an index into one segment is worth
// rewriting it: when its segments besides the largest hold a tenth of its
// documents or more (a bulk import's), or there are more than
// maxCheapSegments of them. A few sources added to a large library leave
// one small segment beside a large one: a question costs about the same
// with it, and merging would rewrite the whole index.
func mergePays(s *scorch.Scorch) (bool, error) {
	r, err := s.Reader()
	if err != nil {
		return false, err
	}
	defer r.Close()
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return true, nil
	}
	segs := snap.Segments()
	if len(segs) <= 1 {
		return false, nil
	}
	var total, largest uint64
	for _, seg := range segs {
		n := seg.Count()
		total += n
		largest = max(largest, n)
	}
	return len(segs) > maxCheapSegments || (total-largest)*10 >= total, nil
}

// maxCheapSegments is how many segments an index may keep without a
// merge after an import, however small they are.
const maxCheapSegments = 4

func (ix *indexes) Close() error {
	return errors.Join(ix.articles.Close(), ix.sentences.Close())
}

func sentenceID(sourceID string, n int) string {
	return sourceID + "#" + strconv.Itoa(n)
}

// parseSentenceID splits a sentence document id into source id and number.
func parseSentenceID(id string) (string, int, bool) {
	i := strings.LastIndexByte(id, '#')
	if i < 0 {
		return "", 0, false
	}
	n, err := strconv.Atoi(id[i+1:])
	return id[:i], n, err == nil
}

func (ix *indexes) keywordField(name, value string) *document.TextField {
	return document.NewTextFieldCustom(name, nil, []byte(value), index.IndexField, ix.docs.keyword)
}

func (ix *indexes) textField(name, value string) *document.TextField {
	return document.NewTextFieldCustom(name, nil, []byte(value), index.IndexField, ix.docs.text)
}

// batches collects the index work of one write, in order; apply does it
// to both indexes together.
type batches struct {
	ops []indexOp
}

// indexOp is one source's index work: adding its documents (built
// already, or built by apply from s and text), or removing them.
type indexOp struct {
	id     string
	remove bool
	// n is, for a removal, how many sentence documents the source has;
	// for an addition, how many an older version may have left.
	n    int
	s    storedSource
	text string
	docs *sourceDocs
}

func (ix *indexes) newBatches() *batches { return &batches{} }

// add queues the documents of s, whose text is text; apply analyses it.
// Sentence documents of an older version beyond the new count (stale of
// them) go.
func (ix *indexes) add(b *batches, s storedSource, text string, stale int) error {
	b.ops = append(b.ops, indexOp{id: s.ID, n: stale, s: s, text: text})
	return nil
}

// addDocs queues a source's documents, built already (see docBuilder).
func (ix *indexes) addDocs(b *batches, id string, docs *sourceDocs, stale int) {
	b.ops = append(b.ops, indexOp{id: id, n: stale, docs: docs})
}

// remove queues the deletion of a source's documents.
func (ix *indexes) remove(b *batches, id string, sentences int) {
	b.ops = append(b.ops, indexOp{id: id, remove: true, n: sentences})
}

// apply writes the queued work: the documents not built yet are analysed
// on every core (a rebuild or a catch-up is an import too), then both
// indexes take their batch, each in a goroutine of its own: Bleve builds
// a batch's segment on one core, and the sentence and article segments
// are independent. Bleve's default (safe) batches return once the segment
// is persisted, so after apply the change survives a crash.
func (ix *indexes) apply(b *batches) error {
	ix.docs.buildAll(b.ops)
	art, sen := ix.articles.NewBatch(), ix.sentences.NewBatch()
	for _, op := range b.ops {
		if op.remove {
			art.Delete(op.id)
			for n := 0; n < op.n; n++ {
				sen.Delete(sentenceID(op.id, n))
			}
			continue
		}
		if err := art.IndexAdvanced(op.docs.article); err != nil {
			return err
		}
		for _, doc := range op.docs.sentences {
			if doc == nil {
				continue // not indexed: see storedSource.indexed
			}
			if err := sen.IndexAdvanced(doc); err != nil {
				return err
			}
		}
		for n := len(op.docs.sentences); n < op.n; n++ {
			sen.Delete(sentenceID(op.id, n))
		}
	}
	b.ops = nil
	var serr error
	var wg sync.WaitGroup
	if sen.Size() > 0 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := ix.sentences.Batch(sen); err != nil {
				serr = fmt.Errorf("index sentences: %w", err)
			}
		}()
	}
	var aerr error
	if art.Size() > 0 {
		if err := ix.articles.Batch(art); err != nil {
			aerr = fmt.Errorf("index articles: %w", err)
		}
	}
	wg.Wait()
	return errors.Join(serr, aerr)
}

// scopeFilter matches documents visible from scope: the shared scope's and,
// for a guild, the guild's own. Its boost is zero so it filters without
// changing scores.
func scopeFilter(scope string) query.Query {
	// Bleve does not pass a disjunction's boost down to its clauses, so
	// each term carries the zero boost itself. The keyword field keeps its
	// norms: without them a zero-boost match scores 0 × ∞ = NaN.
	shared := bleve.NewTermQuery(scopeKey(SharedScope))
	shared.SetField(fieldScope)
	shared.SetBoost(0)
	if scope == SharedScope {
		return shared
	}
	own := bleve.NewTermQuery(scopeKey(scope))
	own.SetField(fieldScope)
	own.SetBoost(0)
	either := bleve.NewDisjunctionQuery(shared, own)
	either.SetBoost(0)
	return either
}
