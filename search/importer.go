package search

import (
	"context"
	"sort"
	"sync/atomic"
)

// Importer adds a stream of sources in batches, as a pipeline: while one
// batch is written (the store transaction, then Bleve building its
// segments, one goroutine per index), the next is prepared on every core
// (validation, sentence splitting, attribution, analysis). Written one
// after the other, the two halves left a core idle most of the time.
// Memory stays bounded: at most a few batches are in flight, and Add
// waits while they are.
//
// An id that comes again later in the same import: the later one wins.
// The earlier is reported in Superseded and counted once; if it was
// already written, the later replaces it.
//
// Add and Close are for one goroutine; Close must be called, once.
type Importer struct {
	l    *Library
	ctx  context.Context
	opts ImportOptions

	fill        []importItem      // the batch being filled
	next        int               // position of the next source
	raw         chan []importItem // to the preparer
	ready       chan []importItem // to the writer
	done        chan struct{}     // closed when the writer has finished
	total       int               // for Progress: len of Import's slice, or 0
	stopRelease func()            // ends the release of mapped pages (mapped.go)

	handled  atomic.Int64 // sources written or failed so far
	passages atomic.Int64 // res.Passages, for Passages
	failed   atomic.Bool  // the writer stopped on an error
	// Written by the writer goroutine, read after done.
	res ImportResult
	err error
}

// importItem is one source on its way through the pipeline.
type importItem struct {
	pos  int // position in the import
	s    Source
	st   storedSource
	docs *sourceDocs
	err  error // validation
}

// NewImporter starts an import into l. Sources given to Add are stored
// and indexed in batches; Close finishes the last batch and reports.
func (l *Library) NewImporter(ctx context.Context, opts ImportOptions) *Importer {
	imp := &Importer{l: l, ctx: ctx, opts: opts, raw: make(chan []importItem), ready: make(chan []importItem), done: make(chan struct{})}
	imp.stopRelease = l.releasing() // Bleve's merges read whole segments meanwhile
	go imp.prepareLoop()
	go imp.writeLoop()
	return imp
}

// Add queues s. It returns the error that stopped the import, if one has;
// then the sources not yet written are not stored.
func (imp *Importer) Add(s Source) error {
	imp.fill = append(imp.fill, importItem{pos: imp.next, s: s})
	imp.next++
	if len(imp.fill) < importBatch {
		return imp.stopped()
	}
	return imp.send()
}

// Handled is how many of the sources added so far were written or failed.
func (imp *Importer) Handled() int { return int(imp.handled.Load()) }

// Passages is how many passages the sources written so far hold.
func (imp *Importer) Passages() int { return int(imp.passages.Load()) }

func (imp *Importer) send() error {
	if err := imp.stopped(); err != nil {
		return err
	}
	select {
	case imp.raw <- imp.fill:
	case <-imp.done:
	}
	imp.fill = make([]importItem, 0, importBatch)
	return imp.stopped()
}

// stopped is the writer's error once it has stopped (failed is stored
// after err is set, so err is safe to read).
func (imp *Importer) stopped() error {
	if imp.failed.Load() {
		return imp.err
	}
	return nil
}

// Close writes what is left and returns what the import did. Its error is
// the failure of the store or index that stopped the import (sources of
// earlier batches stay stored).
func (imp *Importer) Close() (ImportResult, error) {
	if len(imp.fill) > 0 {
		imp.send()
	}
	close(imp.raw)
	<-imp.done
	imp.stopRelease()
	sort.Slice(imp.res.Failed, func(i, j int) bool { return imp.res.Failed[i].Index < imp.res.Failed[j].Index })
	return imp.res, imp.err
}

// prepareLoop readies each batch on every core and hands it on in order.
func (imp *Importer) prepareLoop() {
	defer close(imp.ready)
	index := imp.l.changes == nil // with a change log, the index follows it instead
	for batch := range imp.raw {
		if imp.failed.Load() {
			continue
		}
		prepare(batch, imp.opts.Actor, imp.l.docs, index)
		select {
		case imp.ready <- batch:
		case <-imp.done:
		}
	}
}

// prepare validates, splits, attributes and analyses the sources of a
// batch on every core.
func prepare(batch []importItem, actor string, docs docBuilder, index bool) {
	onEveryCore(len(batch), 16, func(i int) {
		it := &batch[i]
		if it.s.AddedBy == "" {
			it.s.AddedBy = actor
		}
		spans, err := it.s.normalize()
		if err != nil {
			it.err = err
			return
		}
		it.st = storedSource{Source: it.s, Spans: spans, Attribution: attribute(it.s.Text, spans), AttributionVersion: attributionVersion}
		it.s = Source{}
		if index {
			d := docs.build(it.st, it.st.Text)
			it.docs = &d
		}
	})
}

// writeLoop writes each prepared batch; after an error it only drains.
func (imp *Importer) writeLoop() {
	defer close(imp.done)
	written := make(map[string]writtenItem) // id → where this import wrote it
	for batch := range imp.ready {
		if imp.err != nil {
			continue
		}
		if imp.err = imp.write(batch, written); imp.err != nil {
			imp.failed.Store(true)
		}
	}
}

// write stores and indexes one batch, after leaving out its invalid
// sources and all but the last of each id.
// writtenItem is a source this import wrote: its position, scope and
// passages.
type writtenItem struct {
	pos, passages int
	scope         string
}

func (imp *Importer) write(batch []importItem, written map[string]writtenItem) error {
	last := make(map[string]int, len(batch))
	keep := make([]bool, len(batch))
	for i, it := range batch {
		if it.err != nil {
			imp.res.Failed = append(imp.res.Failed, ItemError{Index: it.pos, ID: it.s.ID, Err: it.err})
			continue
		}
		id := it.st.ID
		if j, ok := last[id]; ok {
			imp.res.Superseded = append(imp.res.Superseded, batch[j].pos)
			keep[j] = false
		}
		last[id] = i
		keep[i] = true
	}
	var items []importItem
	var again int // ids this import wrote before, in the same scope: replaced, but not counted as such
	for i, it := range batch {
		if !keep[i] {
			continue
		}
		if prev, ok := written[it.st.ID]; ok && prev.scope == it.st.Scope {
			imp.res.Superseded = append(imp.res.Superseded, prev.pos)
			imp.res.Passages -= prev.passages // replaced below, or kept if this one fails
			again++
		}
		items = append(items, it)
	}
	srcs := make([]storedSource, len(items))
	docs := make([]*sourceDocs, len(items))
	for k, it := range items {
		srcs[k], docs[k] = it.st, it.docs
	}
	added, replaced, failed, err := imp.l.write(imp.ctx, srcs, docs, false)
	if err != nil {
		return err
	}
	failedAt := make(map[int]bool, len(failed))
	for _, f := range failed {
		failedAt[f.Index] = true
		f.Index = items[f.Index].pos
		imp.res.Failed = append(imp.res.Failed, f)
	}
	for k, it := range items {
		if failedAt[k] {
			if prev, ok := written[it.st.ID]; ok && prev.scope == it.st.Scope {
				imp.res.Passages += prev.passages // still stored
			}
			continue
		}
		written[it.st.ID] = writtenItem{pos: it.pos, passages: len(it.st.Spans), scope: it.st.Scope}
		imp.res.Passages += len(it.st.Spans)
	}
	imp.passages.Store(int64(imp.res.Passages))
	imp.res.Added += added
	imp.res.Replaced += replaced - again
	imp.handled.Add(int64(len(batch)))
	if imp.opts.Progress != nil {
		imp.opts.Progress(int(imp.handled.Load()), imp.total)
	}
	return nil
}

// Import stores many sources at once, in batches (see Importer): a given
// id is kept, an existing id is replaced (within the same scope), and a
// source that fails validation is reported in the result while the rest
// are stored. The returned error is for failures of the store or index,
// which stop the import; sources of earlier batches stay stored.
func (l *Library) Import(ctx context.Context, srcs []Source, opts ImportOptions) (ImportResult, error) {
	if err := l.checkOpen(); err != nil {
		return ImportResult{}, err
	}
	imp := l.NewImporter(ctx, opts)
	imp.total = len(srcs)
	for _, s := range srcs {
		if imp.Add(s) != nil {
			break
		}
	}
	return imp.Close()
}
