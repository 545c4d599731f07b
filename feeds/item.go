package feeds

import (
	"context"
	"errors"
	"log/slog"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"

	"sitrep/ingest"
	"sitrep/internal/fromarticle"
	"sitrep/internal/textclip"
	"sitrep/search"
)

// itemOutcome is what became of one feed item.
type itemOutcome int

const (
	itemAdded    itemOutcome = iota
	itemSkipped              // for good: a duplicate, a refused link, no text
	itemDeferred             // a passing failure: next check tries again
)

// takeItem turns one item into a source of feed's scope, unless the
// library already has it (by link, canonical link, text or near-same
// text). The item's page is fetched on fetchCtx (the check's time
// budget), the library used on ctx. Its error is for failures of the
// library.
func (f *Poller) takeItem(ctx, fetchCtx context.Context, feed search.Feed, it *gofeed.Item, base string) (search.Source, itemOutcome, error) {
	log := f.opts.Logger.With("feed", feed.ID, "scope", feed.Scope, "item", textclip.Runes(it.Title, 80))
	link := itemLink(it, base)
	if link != "" {
		if _, dup, err := f.lib.SourceByURL(feed.Scope, link); err != nil || dup {
			return search.Source{}, itemSkipped, err
		}
	}
	src := search.Source{Scope: feed.Scope, Title: textclip.OneLine(it.Title), Outlet: feed.Title, URL: link,
		AddedBy: search.FeedActorPrefix + feed.ID}
	if t := itemTime(it); !t.IsZero() {
		src.Published = t.UTC().Format(time.DateOnly)
	}
	if text := fullContent(it, link); text != "" {
		src.Text = text
	} else if link == "" {
		log.Info("feed item skipped: no link and no full text")
		return search.Source{}, itemSkipped, nil
	} else {
		a, failed, ok := f.fetchItem(fetchCtx, log, "feed item", link)
		if !ok {
			return search.Source{}, failed, nil
		}
		if canon := NormalizeURL(a.URL); canon != "" && canon != link {
			if _, dup, err := f.lib.SourceByURL(feed.Scope, canon); err != nil || dup {
				return search.Source{}, itemSkipped, err
			}
			src.URL = canon
		}
		src = fromarticle.Source(a, src)
	}
	if prior, dup, err := f.lib.NearDuplicate(ctx, feed.Scope, src.Text); err != nil || dup {
		if dup {
			log.Info("feed item is a copy of a source", "source", prior.ID)
		}
		return search.Source{}, itemSkipped, err
	}
	stored, err := f.lib.Add(ctx, src)
	switch {
	case err == nil:
		return stored, itemAdded, nil
	case errors.Is(err, search.ErrDuplicate), refusedText(err):
		log.Info("feed item not added", "reason", err)
		return search.Source{}, itemSkipped, nil
	}
	return search.Source{}, itemDeferred, err
}

// fetchItem fetches an item's page on fetchCtx. When it cannot, ok is
// false and failed says whether a later check should try again
// (itemDeferred: the check's time ran out, or a passing failure) or not
// (itemSkipped: refused for good); what names the item in the log.
func (f *Poller) fetchItem(fetchCtx context.Context, log *slog.Logger, what, link string) (a ingest.Article, failed itemOutcome, ok bool) {
	a, err := f.fetch.Fetch(fetchCtx, link)
	switch {
	case fetchCtx.Err() != nil:
		return a, itemDeferred, false
	case err != nil && permanent(err):
		log.Info(what+" refused", "link", link, "reason", err)
		return a, itemSkipped, false
	case err != nil:
		log.Warn(what+" not fetched; next check tries again", "link", link, "err", err)
		return a, itemDeferred, false
	}
	return a, 0, true
}

// refusedText reports whether the library refused an item's text for
// good (no sentence, too large, invalid): trying again changes nothing.
func refusedText(err error) bool {
	return errors.Is(err, search.ErrEmptyText) || errors.Is(err, search.ErrTooLarge) || errors.Is(err, search.ErrInvalid)
}

// permanent reports whether a fetch error will not change by trying again:
// the link is refused by the rules, or the page is gone or closed to the
// bot. Other statuses (a 500, a 429) may pass.
func permanent(err error) bool {
	var se *ingest.StatusError
	if errors.As(err, &se) {
		return se.Code == 404 || se.Code == 410 || se.Code == 401 || se.Code == 403
	}
	return ingest.Refused(err)
}

// fullContent is the item's own article text when the feed carries the
// whole of it (content:encoded, Atom content), else "".
func fullContent(it *gofeed.Item, link string) string {
	for _, body := range []string{it.Content, it.Description} {
		if len(strings.Fields(body)) < fullContentWords {
			continue
		}
		a, err := ingest.FromHTML([]byte("<html><body><article>"+body+"</article></body></html>"), link)
		if err == nil && len(strings.Fields(a.Text)) >= fullContentWords {
			return a.Text
		}
	}
	return ""
}

// itemKeys are the keys an item is remembered by: its guid and its
// normalised link, so a changed guid or a re-dated item is still known.
// They are cut without a mark (not search.Clip) and must stay what
// earlier polls stored.
func itemKeys(it *gofeed.Item, base string) []string {
	var keys []string
	if g := strings.TrimSpace(it.GUID); g != "" {
		keys = append(keys, "guid:"+textclip.Runes(g, 300))
	}
	if l := itemLink(it, base); l != "" {
		keys = append(keys, "link:"+textclip.Runes(l, 500))
	}
	if len(keys) == 0 {
		keys = append(keys, "title:"+textclip.Runes(textclip.OneLine(it.Title), 200))
	}
	return keys
}

// itemLink is the item's link, absolute and normalised, or "".
func itemLink(it *gofeed.Item, base string) string {
	link := strings.TrimSpace(it.Link)
	if link == "" && len(it.Links) > 0 {
		link = strings.TrimSpace(it.Links[0])
	}
	var b *url.URL
	if base != "" {
		b, _ = url.Parse(base)
	}
	return NormalizeURL(ingest.AbsoluteLink(link, b))
}

func itemTime(it *gofeed.Item) time.Time {
	switch {
	case it.PublishedParsed != nil:
		return *it.PublishedParsed
	case it.UpdatedParsed != nil:
		return *it.UpdatedParsed
	}
	return time.Time{}
}

// newestFirst orders items by date, newest first, when every item has
// one.
func newestFirst(items []*gofeed.Item) []*gofeed.Item {
	out := append([]*gofeed.Item(nil), items...)
	for _, it := range out {
		if itemTime(it).IsZero() {
			return out // undated items: the feed's own order (newest first by custom)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return itemTime(out[i]).After(itemTime(out[j])) })
	return out
}

func siteOf(parsed *gofeed.Feed, feedURL string) string {
	if l := strings.TrimSpace(parsed.Link); l != "" {
		b, _ := url.Parse(feedURL)
		if r := ingest.AbsoluteLink(l, b); r != "" {
			return r
		}
	}
	return ""
}
