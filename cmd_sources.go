package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"text/tabwriter"

	"sitrep/ingest"
	"sitrep/internal/fromarticle"
	"sitrep/search"
)

func runSources(ctx context.Context, e env) error {
	f := newFlags(e, "sources", "sources [--data DIR] [--scope SERVER_ID] [--json]\n\nLists the sources a question is answered from: the shared library's, and with --scope\nalso that server's. The IDs are what remove and ask --source take.")
	asJSON := f.Bool("json", false, "print the sources and the audit log as JSON")
	if _, err := f.parse(e); err != nil {
		return err
	}
	lib, err := f.open(ctx, e)
	if err != nil {
		return err
	}
	defer lib.Close()
	srcs, err := lib.Sources(*f.scope)
	if err != nil {
		return err
	}
	if *asJSON {
		audit, err := lib.Audit(*f.scope, false)
		if err != nil {
			return err
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Sources []search.Source     `json:"sources"`
			Audit   []search.AuditEntry `json:"audit"`
		}{srcs, audit})
	}
	tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tOUTLET\tPUBLISHED\tSENTENCES\tADDED\tTITLE")
	for _, s := range srcs {
		pub := s.Published
		if pub == "" {
			pub = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s by %s\t%s\n", s.ID, outletName(s.Outlet), pub, s.Sentences,
			s.AddedAt.Format("2006-01-02"), s.AddedBy, s.Title)
	}
	return tw.Flush()
}

func runRemove(ctx context.Context, e env) error {
	f := newFlags(e, "remove", "remove [--data DIR] [--scope SERVER_ID] ID\n\nID is a source's, as 'sitrep sources' lists them.")
	arg, err := f.parseOne(e, "source ID")
	if err != nil {
		return err
	}
	lib, err := f.open(ctx, e)
	if err != nil {
		return err
	}
	defer lib.Close()
	s, err := lib.Remove(ctx, *f.scope, arg, "cli")
	if errors.Is(err, search.ErrNotFound) {
		return fmt.Errorf("remove: %s has no source %q; 'sitrep sources' lists their IDs", libraryName(*f.scope), search.Clip(arg, 40))
	}
	if err != nil {
		return fmt.Errorf("remove: %w", err)
	}
	fmt.Fprintf(e.stdout, "removed %s (%q) and its %s\n", s.ID, s.Title, plural(s.Sentences, "passage", "passages"))
	return nil
}

func runAdd(ctx context.Context, e env) error {
	f := newFlags(e, "add", "add [--data DIR] [--scope SERVER_ID] FILE|URL [--title T] [--outlet O] [--published YYYY-MM-DD] [--url U]\n\nFILE is text, Markdown or HTML; a URL is fetched (http/https, public addresses only unless\nSITREP_ALLOW_PRIVATE_URLS=1) and its article extracted. The flags override what was found.")
	title := f.String("title", "", "headline (default: from the article)")
	outlet := f.String("outlet", "", "who published it")
	published := f.String("published", "", "publication date, YYYY-MM-DD")
	link := f.String("url", "", "where it was published")
	arg, err := f.parseOne(e, "FILE or URL")
	if err != nil {
		return err
	}
	cfg, err := f.config(e)
	if err != nil {
		return err
	}
	art, err := readArticle(ctx, arg, cfg.AllowPrivateURLs)
	if err != nil {
		return fmt.Errorf("add: %w", err)
	}
	src := fromarticle.Source(art, search.Source{Title: *title, Outlet: *outlet, Published: *published, URL: *link,
		AddedBy: "cli", Scope: *f.scope})
	lib, err := f.open(ctx, e)
	if err != nil {
		return err
	}
	defer lib.Close()
	stored, rev, err := lib.AddOrUpdate(ctx, src)
	if err != nil {
		return fmt.Errorf("add: %w", err)
	}
	what := fmt.Sprintf("%q", stored.Title)
	if stored.Outlet != "" {
		what += ", " + stored.Outlet
	}
	switch {
	case rev != nil && rev.Changed:
		fmt.Fprintf(e.stdout, "updated %s (%s): version %d, %s changed; the earlier text stays answerable, marked superseded\n",
			stored.ID, what, stored.Version, plural(rev.Sentences, "sentence", "sentences"))
	case rev != nil:
		fmt.Fprintf(e.stdout, "unchanged: %s (%s) already has this link and text (version %d)\n", stored.ID, what, max(stored.Version, 1))
	default:
		fmt.Fprintf(e.stdout, "added %s (%s): %s\n", stored.ID, what, plural(stored.Sentences, "sentence", "sentences"))
	}
	return nil
}

// readArticle fetches a URL or reads a file into an article.
func readArticle(ctx context.Context, arg string, allowPrivate bool) (ingest.Article, error) {
	if u, err := url.Parse(arg); err == nil && u.Scheme != "" && len(u.Scheme) > 1 {
		fetcher := &ingest.Fetcher{AllowPrivate: allowPrivate}
		return fetcher.Fetch(ctx, arg)
	}
	info, err := os.Stat(arg)
	if errors.Is(err, fs.ErrNotExist) {
		return ingest.Article{}, fmt.Errorf("there is no file %s (a link starts with https:// or http://)", arg)
	}
	if err != nil {
		return ingest.Article{}, err
	}
	if info.Size() > ingest.DefaultMaxBytes {
		return ingest.Article{}, fmt.Errorf("%s is %d bytes; at most %d: %w", arg, info.Size(), ingest.DefaultMaxBytes, ingest.ErrTooLarge)
	}
	raw, err := os.ReadFile(arg)
	if err != nil {
		return ingest.Article{}, err
	}
	return ingest.FromFile(filepath.Base(arg), "", raw)
}

func runReindex(ctx context.Context, e env) error {
	f := newLibraryFlags(e, "reindex", "reindex [--data DIR]\n\nRebuilds the search index (the shared library and every server's) from the stored sources,\nthen merges it.")
	if _, err := f.parse(e); err != nil {
		return err
	}
	lib, err := f.open(ctx, e)
	if err != nil {
		return err
	}
	defer lib.Close()
	if err := lib.Reindex(ctx); err != nil {
		return err
	}
	st, err := lib.Stats(search.SharedScope)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "reindexed; the shared library has %s, %s\n", plural(st.Sources, "source", "sources"), plural(st.Sentences, "sentence", "sentences"))
	return nil
}
