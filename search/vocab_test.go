package search

import (
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/document"
	index "github.com/blevesearch/bleve_index_api"
	bolt "go.etcd.io/bbolt"
)

const (
	guildA = "100000000000000001"
	guildB = "100000000000000002"
	// memoA holds a word no other scope has.
	memoA = "The Quxtrophane plant was breached by intruders on Monday, the operator said.\nEngineers at Quxtrophane restored the pumps by evening."
)

// TestStatisticsStayInTheirScope: what guild B's question is corrected to,
// and the term weights behind its verdict, are the same whether or not
// guild A's private sources hold its words; guild A's own misspelt
// question still finds A's source.
func TestStatisticsStayInTheirScope(t *testing.T) {
	ctx := context.Background()
	lib := openTest(t, t.TempDir(), nil)
	mustAdd(t, lib, Source{Title: "Cameras", Text: articleCameras})
	mustAdd(t, lib, Source{Title: "Weather", Scope: guildB, Text: articleWeather})

	questions := []string{"was quxtrophene breached?", "quxtrophane pumps restored", "how many cameras were hacked?", "rain flooded the district"}
	before := map[string]prepared{}
	for _, q := range questions {
		for _, scope := range []string{guildB, SharedScope} {
			p, err := lib.prepare(ctx, cleanQuestion(q), scope)
			if err != nil {
				t.Fatal(err)
			}
			before[scope+"|"+q] = p
		}
	}
	memo := mustAdd(t, lib, Source{Title: "Plant memo", Scope: guildA, Text: memoA})

	for _, q := range questions {
		for _, scope := range []string{guildB, SharedScope} {
			p, err := lib.prepare(ctx, cleanQuestion(q), scope)
			if err != nil {
				t.Fatal(err)
			}
			if want := before[scope+"|"+q]; !reflect.DeepEqual(p, want) {
				t.Errorf("scope %q, %q: guild A's memo changed the statistics:\n got %+v\nwant %+v", scope, q, p, want)
			}
		}
		ans := ask(t, lib, Query{Question: q, Scope: guildB})
		if strings.Contains(ans.Corrected, "quxtroph") || quotedFrom(ans, memo.ID) {
			t.Errorf("guild B, %q: corrected %q, quotes %+v: guild A's memo leaked", q, ans.Corrected, ans.Quotes)
		}
	}

	// Guild A sees its own words, typo and all.
	ans := ask(t, lib, Query{Question: "was quxtrophene breached?", Scope: guildA})
	if !strings.Contains(ans.Corrected, "quxtrophan") || !quotedFrom(ans, memo.ID) {
		t.Errorf("guild A's own misspelt question: corrected %q, answered %v, quotes %+v", ans.Corrected, ans.Answered, ans.Quotes)
	}
}

// TestOldIndexGetsGuildFields: an index written before the guild fields
// existed (no layout mark) is rebuilt on Open, so statistics stay scoped
// for sources added before the upgrade.
func TestOldIndexGetsGuildFields(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "lib")
	lib := openTest(t, dir, nil)
	mustAdd(t, lib, Source{Title: "Plant memo", Scope: guildA, Text: memoA})
	if err := boltDB(t, lib).Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Delete([]byte(metaIndexLayout)) }); err != nil {
		t.Fatal(err)
	}
	// Index its sentences again as the old layout did: no guild fields.
	s, text, err := lib.load(mustSourceID(t, lib, guildA))
	if err != nil {
		t.Fatal(err)
	}
	batch := lib.ix.sentences.NewBatch()
	for n, sp := range s.Spans {
		doc := document.NewDocument(sentenceID(s.ID, n))
		doc.AddField(lib.ix.textField(fieldText, text[sp.Start:sp.End]))
		doc.AddField(lib.ix.keywordField(fieldScope, scopeKey(s.Scope)))
		doc.AddField(lib.ix.keywordField(fieldSource, s.ID))
		if err := batch.IndexAdvanced(doc); err != nil {
			t.Fatal(err)
		}
	}
	if err := lib.ix.sentences.Batch(batch); err != nil {
		t.Fatal(err)
	}
	if ans := ask(t, lib, Query{Question: "was quxtrophene breached?", Scope: guildB}); !strings.Contains(ans.Corrected, "quxtroph") {
		t.Fatalf("the simulated old index does not leak (corrected %q): the test no longer tests the upgrade", ans.Corrected)
	}
	lib.Close()

	lib = openTest(t, dir, nil)
	ans := ask(t, lib, Query{Question: "was quxtrophene breached?", Scope: guildB})
	if strings.Contains(ans.Corrected, "quxtroph") {
		t.Errorf("after reopening an old index, guild B's question was corrected to %q", ans.Corrected)
	}
	if ans := ask(t, lib, Query{Question: "was quxtrophene breached?", Scope: guildA}); len(ans.Quotes) == 0 {
		t.Errorf("after the rebuild guild A lost its memo: %+v", ans)
	}
	if n := articleTermCount(t, lib, guildField(fieldText), "quxtrophan"); n != 1 {
		t.Errorf("after the rebuild %d article documents hold guild A's word in the guild text field, want 1: other guilds' article scores would count A's memo", n)
	}
}

// TestOldPGIndexGetsGuildFields: with PostgreSQL each process keeps its
// own index, marked with its layout; one built before the article guild
// fields existed is rebuilt on Open, not caught up, so another guild's
// article scores leave out this guild's words from the first question.
func TestOldPGIndexGetsGuildFields(t *testing.T) {
	dsn := pgTestURL(t)
	dir := t.TempDir()
	lib := openPGTest(t, dir, dsn)
	mustAdd(t, lib, Source{Title: "Plant memo", Scope: guildA, Text: memoA})
	if err := lib.ix.articles.SetInternal(indexLayoutKey, []byte("2: guild text fields")); err != nil {
		t.Fatal(err)
	}
	lib.Close()

	lib = openPGTest(t, dir, dsn)
	if !lib.opened.rebuilt {
		t.Error("an index of the old layout was caught up, not rebuilt: its articles lack the guild fields")
	}
	if n := articleTermCount(t, lib, guildField(fieldTitle), "plant"); n != 1 {
		t.Errorf("%d article documents hold guild A's title word in the guild title field, want 1", n)
	}
	lib.Close()
	lib = openPGTest(t, dir, dsn)
	if lib.opened.rebuilt {
		t.Error("an index of the current layout was rebuilt again on Open")
	}
}

// articleTermCount is how many article documents hold term in field.
func articleTermCount(tb testing.TB, lib *Library, field, term string) uint64 {
	tb.Helper()
	n, err := (&vocab{r: indexReader(tb, lib.ix.articles)}).count(context.Background(), field, term)
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

func mustSourceID(tb testing.TB, lib *Library, scope string) string {
	tb.Helper()
	srcs, err := lib.Sources(scope)
	if err != nil {
		tb.Fatal(err)
	}
	for _, s := range srcs {
		if s.Scope == scope {
			return s.ID
		}
	}
	tb.Fatalf("no source in scope %s", scope)
	return ""
}

// indexReader opens a reader of bi's current snapshot, closed when the
// test ends.
func indexReader(tb testing.TB, bi bleve.Index) index.IndexReader {
	tb.Helper()
	adv, err := bi.Advanced()
	if err != nil {
		tb.Fatal(err)
	}
	r, err := adv.Reader()
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { r.Close() })
	return r
}
