package feeds

// Updated items: outlets update incident stories in place. When a feed
// says a known item changed (its updated date, or the hash of its content
// or summary, differs from the last check's), the item's page is fetched
// again and, if its text changed, stored as a new version of its source.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"

	"github.com/mmcdole/gofeed"

	"sitrep/internal/fromarticle"
	"sitrep/internal/textclip"
	"sitrep/search"
)

// itemRevision is what a feed says of an item's version: a hash of its
// updated date, content and summary. It changes when the outlet changes
// the item, and not otherwise.
func itemRevision(it *gofeed.Item) string {
	h := sha256.New()
	for _, part := range []string{it.Updated, it.Content, it.Description} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}

// revisionKey is the key an item's revision is remembered by: its first
// item key (the guid, else the link).
func revisionKey(it *gofeed.Item, base string) string { return itemKeys(it, base)[0] }

// takeUpdate fetches a known item again and stores its text as a new
// version of the feed scope's source with its link. done is false when
// the item should be tried again next check (a passing failure, the
// check's time spent); the revision is then not remembered. Its error is
// for failures of the library.
func (f *Poller) takeUpdate(ctx, fetchCtx context.Context, feed search.Feed, it *gofeed.Item, base string) (rev search.Revision, done bool, err error) {
	log := f.opts.Logger.With("feed", feed.ID, "scope", feed.Scope, "item", textclip.Runes(it.Title, 80))
	link := itemLink(it, base)
	if link == "" {
		return rev, true, nil // nothing names the source it became
	}
	prior, ok, err := f.lib.SourceByURL(feed.Scope, link)
	if err != nil {
		return rev, false, err
	}
	if !ok || prior.Scope != feed.Scope {
		// Removed by a moderator, or the shared library's: not this
		// feed's to bring back or change.
		return rev, true, nil
	}
	src := search.Source{Scope: feed.Scope, Title: textclip.OneLine(it.Title), Outlet: feed.Title, URL: prior.URL,
		Published: prior.Published, AddedBy: search.FeedActorPrefix + feed.ID}
	if text := fullContent(it, link); text != "" {
		src.Text = text
	} else {
		a, failed, ok := f.fetchItem(fetchCtx, log, "updated feed item", link)
		if !ok {
			return rev, failed == itemSkipped, nil
		}
		src = fromarticle.Source(a, src)
		src.URL = prior.URL
	}
	if src.Title == "" {
		src.Title = prior.Title
	}
	rev, err = f.lib.Update(ctx, prior.ID, src)
	switch {
	case err == nil:
		if rev.Changed {
			log.Info("feed item updated", "source", prior.ID, "version", rev.Source.Version, "sentences_changed", rev.Sentences)
		}
		return rev, true, nil
	case errors.Is(err, search.ErrNotFound), refusedText(err):
		log.Info("updated feed item not stored", "reason", err)
		return search.Revision{}, true, nil
	}
	return search.Revision{}, false, err
}

// takeUpdates handles the known items whose revision changed, newest
// first, within what is left of the check's caps (MaxNewPerCheck, the
// scope's budget): each at most once a check. revs is updated with the
// revisions handled; the others stay as they were, so a later check
// tries them again.
func (f *Poller) takeUpdates(ctx, fetchCtx context.Context, feed search.Feed, items []*gofeed.Item, base string,
	revs map[string]string, r *Result, b *budgets) error {
	for _, it := range items {
		if len(r.Added)+len(r.Updated) >= f.opts.MaxNewPerCheck || r.Limit != nil {
			r.Held++
			continue
		}
		limit, err := b.reserve(feed.Scope)
		if err != nil {
			return err
		}
		if limit != nil {
			r.Limit = limit
			r.Held++
			continue
		}
		rev, done, err := f.takeUpdate(ctx, fetchCtx, feed, it, base)
		if !rev.Changed || err != nil {
			b.release(feed.Scope)
		}
		if err != nil {
			return err
		}
		if !done {
			r.Deferred++
			continue
		}
		revs[revisionKey(it, base)] = itemRevision(it)
		if rev.Changed {
			r.Updated = append(r.Updated, rev)
		}
	}
	return nil
}
