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

// compact merges each index into one segment (see Library.Compact).
func (ix *indexes) compact(ctx context.Context) error {
	for _, bi := range []bleve.Index{ix.articles, ix.sentences} {
		adv, err := bi.Advanced()
		if err != nil {
			return err
		}
		if s, ok := adv.(*scorch.Scorch); ok {
			if err := s.ForceMerge(ctx, nil); err != nil {
				return err
			}
		}
	}
	return ctx.Err()
}

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

// batches holds one batch per index, filled together and applied together.
type batches struct {
	articles, sentences *bleve.Batch
}

func (ix *indexes) newBatches() batches {
	return batches{articles: ix.articles.NewBatch(), sentences: ix.sentences.NewBatch()}
}

// add queues the documents of s, analysed now.
func (ix *indexes) add(b batches, s storedSource, text string, stale int) error {
	return ix.addDocs(b, s.ID, ix.docs.build(s, text), stale)
}

// addDocs queues a source's documents (see docBuilder): its article and
// one per span. Sentence documents of an older version beyond the new
// count (stale of them) go.
func (ix *indexes) addDocs(b batches, id string, docs sourceDocs, stale int) error {
	if err := b.articles.IndexAdvanced(docs.article); err != nil {
		return err
	}
	for _, doc := range docs.sentences {
		if err := b.sentences.IndexAdvanced(doc); err != nil {
			return err
		}
	}
	for n := len(docs.sentences); n < stale; n++ {
		b.sentences.Delete(sentenceID(id, n))
	}
	return nil
}

// remove queues the deletion of a source's documents.
func (ix *indexes) remove(b batches, id string, sentences int) {
	b.articles.Delete(id)
	for n := 0; n < sentences; n++ {
		b.sentences.Delete(sentenceID(id, n))
	}
}

// apply writes both batches, each in a goroutine of its own: Bleve builds
// a batch's segment on one core, and the sentence and article segments
// are independent. Bleve's default (safe) batches return once the segment
// is persisted, so after apply the change survives a crash.
func (ix *indexes) apply(b batches) error {
	var serr error
	var wg sync.WaitGroup
	if b.sentences.Size() > 0 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := ix.sentences.Batch(b.sentences); err != nil {
				serr = fmt.Errorf("index sentences: %w", err)
			}
		}()
	}
	var aerr error
	if b.articles.Size() > 0 {
		if err := ix.articles.Batch(b.articles); err != nil {
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
