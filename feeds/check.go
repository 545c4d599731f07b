package feeds

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mmcdole/gofeed"

	"sitrep/ingest"
	"sitrep/search"
)

// Hooks are what a check tells its caller besides its result.
type Hooks struct {
	// Added is called once for each source a check stored, after all the
	// items of the check are stored (the bot follows up waiting questions).
	Added func(ctx context.Context, s search.Source)
	// Updated is called likewise for each source a check stored a new
	// version of (its text may answer what was waiting).
	Updated func(ctx context.Context, s search.Source)
	// Notify announces a failing feed or its recovery, and a scope's
	// limit reached. A notice counts as given only when Notify returns
	// nil; without Notify none is given, and the feed's state keeps it
	// owed for a caller that can.
	Notify func(ctx context.Context, n Notice) error
}

// The hooks are called from checks running at once (Options.Concurrency),
// so they must be safe for concurrent use.

// Notice says that a feed keeps failing, or that it works again, or
// (Limit set) that its scope's feeds reached a limit and hold back new
// items: once a UTC day per scope.
type Notice struct {
	Feed      search.Feed
	Recovered bool
	Limit     *LimitError
	// Failures and Since count the failed checks in a row; Err is the
	// last error as Describe words it, and Cause the error itself, for a
	// front end to say what can be done about it.
	Failures int
	Since    time.Time
	Err      string
	Cause    error
}

// Status is the outcome of one check.
type Status int

// Outcomes of a check.
const (
	Unchanged Status = iota // no new item (or 304 Not Modified)
	Fresh                   // at least one new source, or a new version of one
	Failed                  // the feed could not be fetched or read
)

// Result is one check of one feed.
type Result struct {
	Feed   search.Feed // with the state after the check
	Status Status
	Added  []search.Source
	// Updated are the known items whose page changed: each a new
	// version of its source (see search.Library.Update).
	Updated     []search.Revision
	NotModified bool
	// Skipped counts items passed over for good (duplicates, links
	// refused, pages without text); Deferred, items to try again next time
	// (a passing failure, or the check's time budget spent); Held, items
	// left for a later check by MaxNewPerCheck or by Limit.
	Skipped  int
	Deferred int
	Held     int
	Limit    *LimitError // the scope's limit that held items back, if any
	Err      error       // why the check failed (Status Failed)
	Notice   *Notice
}

// Line is the one-line summary of r that `sitrep feed poll` prints.
func (r Result) Line() string {
	name := fmt.Sprintf("%s %q", r.Feed.ID, r.Feed.Title)
	switch r.Status {
	case Failed:
		return fmt.Sprintf("%s: failed: %s", name, Describe(r.Err))
	case Fresh:
		name = fmt.Sprintf("%s: new %d", name, len(r.Added))
		if len(r.Updated) > 0 {
			name += fmt.Sprintf(", updated %d", len(r.Updated))
		}
	default:
		name += ": unchanged"
	}
	switch {
	case r.Limit != nil:
		return fmt.Sprintf("%s, %d held back (%s)", name, r.Held, Describe(r.Limit))
	case r.Held > 0:
		return fmt.Sprintf("%s, %d held for the next check", name, r.Held)
	case r.Status == Fresh:
		return name
	}
	if r.NotModified {
		return name + " (not modified)"
	}
	return name
}

// Poll checks every feed once now, whatever their schedule, one at a
// time in AllFeeds' order (each within CheckBudget), and returns a result
// per feed. The error is for failures of the library itself (a feed that
// fails is a result); ctx ending stops the poll.
func (f *Poller) Poll(ctx context.Context, hooks Hooks) ([]Result, error) {
	all, err := f.lib.AllFeeds()
	if err != nil {
		return nil, err
	}
	return f.checkAll(ctx, all, all, 1, f.opts.Now, hooks)
}

// Check checks one feed now. Its error is for failures of the library or
// of ctx; a feed that fails is a Result with Status Failed.
func (f *Poller) Check(ctx context.Context, feed search.Feed, hooks Hooks) (Result, error) {
	all, err := f.lib.Feeds(feed.Scope)
	if err != nil {
		return Result{Feed: feed}, err
	}
	now := f.opts.Now()
	return f.check(ctx, feed, now, hooks, f.newBudgets(all, now))
}

// checkAll checks feeds, workers at a time, so that a slow feed holds up
// one worker and not the others; all is the round's view of every feed,
// for the scopes' budgets. Results are in feeds' order; after a
// failure of the library no new check starts, and the first such error
// is returned with the results of the checks that ran.
func (f *Poller) checkAll(ctx context.Context, feeds, all []search.Feed, workers int, now func() time.Time, hooks Hooks) ([]Result, error) {
	b := f.newBudgets(all, now())
	results := make([]Result, len(feeds))
	errs := make([]error, len(feeds))
	ran := make([]bool, len(feeds))
	var (
		wg     sync.WaitGroup
		failed atomic.Bool
		slots  = make(chan struct{}, max(workers, 1))
	)
	for k, feed := range feeds {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil || failed.Load() {
			break
		}
		ran[k] = true
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			results[k], errs[k] = f.check(ctx, feed, now(), hooks, b)
			if errs[k] != nil {
				failed.Store(true)
			}
		}()
	}
	wg.Wait()
	out := make([]Result, 0, len(feeds))
	for k := range feeds {
		if errs[k] != nil {
			return out, errs[k]
		}
		if ran[k] {
			out = append(out, results[k])
		}
	}
	return out, ctx.Err()
}

// check fetches feed and takes its new items within CheckBudget: a feed
// or a page that is slow costs this check, no other. Store calls run
// on ctx, so a budget spent mid-write does not fail the round.
func (f *Poller) check(ctx context.Context, feed search.Feed, now time.Time, hooks Hooks, b *budgets) (Result, error) {
	log := f.opts.Logger.With("feed", feed.ID, "scope", feed.Scope)
	st := feed.State
	st.CheckedAt = now.UTC()
	fetchCtx, cancel := context.WithTimeout(ctx, f.opts.CheckBudget)
	defer cancel()
	resp, err := f.fetch.Get(fetchCtx, feed.URL, f.request(st))
	if err == nil && !resp.NotModified {
		var parsed *gofeed.Feed
		if parsed, err = parse(resp.Body, f.opts.MaxParsedItems); err == nil {
			return f.take(ctx, fetchCtx, feed, st, resp, parsed, now, hooks, b, log)
		}
		err = fmt.Errorf("%w: %v", ErrNotAFeed, err)
	}
	if ctx.Err() != nil {
		return Result{Feed: feed}, ctx.Err() // shutting down: not the feed's fault
	}
	if err != nil {
		return f.failed(ctx, feed, st, err, now, hooks, log)
	}
	r := Result{Status: Unchanged, NotModified: true}
	return f.succeeded(ctx, feed, st, r, now, hooks, log)
}

// take stores the new items of a fresh copy of feed, then its state.
// Each check adds at most MaxNewPerCheck sources, and no more than the
// scope's budget allows; items held back stay unseen for a later check.
func (f *Poller) take(ctx, fetchCtx context.Context, feed search.Feed, st search.FeedState, resp ingest.Response,
	parsed *gofeed.Feed, now time.Time, hooks Hooks, b *budgets, log *slog.Logger) (Result, error) {
	seen := make(map[string]bool, len(st.Seen))
	for _, k := range st.Seen {
		seen[k] = true
	}
	items := newestFirst(parsed.Items)
	var keep []string
	r := Result{Status: Unchanged}
	// The newest MaxItems are candidates, taken newest first: when a check
	// may add only MaxNewPerCheck, members get the latest news now and the
	// rest next check. Older unseen items are passed over.
	var todo, changed []*gofeed.Item
	// revs are the item revisions this check leaves behind: a changed
	// item keeps its old one until its update is handled.
	revs := make(map[string]string)
	for n, it := range items {
		keys := itemKeys(it, resp.URL)
		known := false
		for _, k := range keys {
			known = known || seen[k]
		}
		switch {
		case known:
			if n < f.opts.MaxItems {
				rev, prev := itemRevision(it), st.Revisions[keys[0]]
				if prev != "" && prev != rev {
					changed = append(changed, it)
					rev = prev
				}
				revs[keys[0]] = rev
			}
		case n < f.opts.MaxItems:
			todo = append(todo, it)
			continue
		}
		if len(keep) < maxSeen {
			keep = append(keep, keys...)
		}
	}
	if len(todo)+len(changed) > 0 && !f.followed(feed) {
		log.Info("feed removed during its check; its items are not taken")
		return Result{Feed: feed, Status: Unchanged}, nil
	}
	for _, it := range todo {
		if len(r.Added) >= f.opts.MaxNewPerCheck || r.Limit != nil {
			r.Held++
			continue // not seen: a later check takes it
		}
		limit, err := b.reserve(feed.Scope)
		if err != nil {
			return Result{Feed: feed}, err
		}
		if limit != nil {
			r.Limit = limit
			r.Held++
			continue
		}
		src, outcome, err := f.takeItem(ctx, fetchCtx, feed, it, resp.URL)
		if outcome != itemAdded || err != nil {
			b.release(feed.Scope)
		}
		if err != nil {
			return Result{Feed: feed}, err // the library failed: state unchanged, the check repeats
		}
		switch outcome {
		case itemAdded:
			r.Added = append(r.Added, src)
		case itemSkipped:
			r.Skipped++
		case itemDeferred:
			r.Deferred++
			continue // not seen: try again next check
		}
		if len(keep) < maxSeen {
			keep = append(keep, itemKeys(it, resp.URL)...)
		}
		revs[revisionKey(it, resp.URL)] = itemRevision(it)
	}
	if err := f.takeUpdates(ctx, fetchCtx, feed, changed, resp.URL, revs, &r, b); err != nil {
		return Result{Feed: feed}, err // the library failed: state unchanged, the check repeats
	}
	if ctx.Err() != nil {
		return Result{Feed: feed}, ctx.Err()
	}
	st.Seen = keep
	st.Revisions = revs
	st.ETag, st.LastModified = resp.ETag, resp.LastModified
	if r.Deferred > 0 || r.Held > 0 {
		// A 304 next time would hide the items left: fetch in full.
		st.ETag, st.LastModified = "", ""
	}
	if fetchCtx.Err() != nil && r.Deferred > 0 {
		log.Warn("feed check out of time; the items left wait for the next check", "budget", f.opts.CheckBudget, "deferred", r.Deferred)
	}
	if len(r.Added)+len(r.Updated) > 0 {
		r.Status = Fresh
		st.NewAt = now.UTC()
		st.Items += len(r.Added)
		if st.Day != b.today {
			st.Day, st.DayItems = b.today, 0
		}
		// A new version is a text stored too: the day's limit counts it.
		st.DayItems += len(r.Added) + len(r.Updated)
	}
	if hooks.Added != nil {
		for _, s := range r.Added {
			hooks.Added(ctx, s)
		}
	}
	if hooks.Updated != nil {
		for _, u := range r.Updated {
			hooks.Updated(ctx, u.Source)
		}
	}
	if r.Limit != nil {
		log.Info("feed items held back by the scope's limit", "held", r.Held, "limit", r.Limit)
		f.limitNotice(ctx, feed, &st, &r, hooks, b, log)
	}
	return f.succeeded(ctx, feed, st, r, now, hooks, log)
}

// limitNotice tells the scope, once a UTC day, that its feeds reached
// r.Limit; the day is kept in st, so a restart does not repeat it.
func (f *Poller) limitNotice(ctx context.Context, feed search.Feed, st *search.FeedState, r *Result, hooks Hooks, b *budgets, log *slog.Logger) {
	if hooks.Notify == nil || !b.claimNotice(feed.Scope) {
		return
	}
	n := Notice{Feed: feed, Limit: r.Limit}
	if err := hooks.Notify(ctx, n); err != nil {
		b.unclaimNotice(feed.Scope)
		log.Warn("feed limit notice not posted", "err", err)
		return
	}
	st.LimitNoticed = b.today
	r.Notice = &n
}

// followed reports whether feed is still followed: a moderator may have
// removed it while it was being fetched.
func (f *Poller) followed(feed search.Feed) bool {
	list, err := f.lib.Feeds(feed.Scope)
	if err != nil {
		return true // the store will say so again when the items are added
	}
	for _, x := range list {
		if x.ID == feed.ID {
			return true
		}
	}
	return false
}

// succeeded records a check that read the feed (new items or not) and
// announces a recovery that is owed.
func (f *Poller) succeeded(ctx context.Context, feed search.Feed, st search.FeedState, r Result,
	now time.Time, hooks Hooks, log *slog.Logger) (Result, error) {
	if st.Notified && hooks.Notify != nil {
		n := Notice{Feed: feed, Recovered: true, Failures: st.Failures, Since: st.FailingSince}
		if err := hooks.Notify(ctx, n); err != nil {
			log.Warn("feed recovery notice not posted", "err", err)
		} else {
			st.Notified = false
			r.Notice = &n
		}
	}
	st.Failures, st.FailingSince, st.LastError = 0, time.Time{}, ""
	st.OKAt = now.UTC()
	st.NextAt = now.Add(f.jitter(f.opts.Interval)).UTC()
	if err := f.lib.SaveFeedState(feed.ID, st); err != nil {
		return Result{Feed: feed}, err
	}
	feed.State = st
	r.Feed = feed
	log.Info("feed checked", "new", len(r.Added), "updated", len(r.Updated), "skipped", r.Skipped, "deferred", r.Deferred, "not_modified", r.NotModified)
	return r, nil
}

// failed records a failed check, backs off, and announces the failure
// once it has lasted NoticeFailures checks or NoticeAfter.
func (f *Poller) failed(ctx context.Context, feed search.Feed, st search.FeedState, cause error,
	now time.Time, hooks Hooks, log *slog.Logger) (Result, error) {
	r := Result{Status: Failed, Err: cause}
	st.Failures++
	if st.FailingSince.IsZero() {
		st.FailingSince = now.UTC()
	}
	st.LastError = Describe(cause)
	delay := f.opts.Interval
	for n := 1; n < st.Failures && delay < MaxBackoff; n++ {
		delay *= 2
	}
	delay = min(delay, MaxBackoff)
	var se *ingest.StatusError
	if errors.As(cause, &se) && se.RetryAfter > delay {
		delay = se.RetryAfter
	}
	st.NextAt = now.Add(f.jitter(delay)).UTC()
	if !st.Notified && (st.Failures >= NoticeFailures || now.Sub(st.FailingSince) >= NoticeAfter) && hooks.Notify != nil {
		n := Notice{Feed: feed, Failures: st.Failures, Since: st.FailingSince, Err: st.LastError, Cause: cause}
		if err := hooks.Notify(ctx, n); err != nil {
			log.Warn("feed failure notice not posted", "err", err)
		} else {
			st.Notified = true
			r.Notice = &n
		}
	}
	if err := f.lib.SaveFeedState(feed.ID, st); err != nil {
		return Result{Feed: feed}, err
	}
	feed.State = st
	r.Feed = feed
	log.Warn("feed check failed", "failures", st.Failures, "next", st.NextAt, "err", cause)
	return r, nil
}

// jitter spreads d by ±jitterFraction.
func (f *Poller) jitter(d time.Duration) time.Duration {
	return d + time.Duration((f.opts.Jitter()*2-1)*jitterFraction*float64(d))
}
