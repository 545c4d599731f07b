package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"sitrep/search"
)

func runSources(ctx context.Context, e env) error {
	f := newFlags(e, "sources", "sources [--data DIR] [--json]")
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
	f := newFlags(e, "remove", "remove [--data DIR] ID")
	args, err := f.parse(e)
	if err != nil {
		return err
	}
	if len(args) != 1 {
		return usagef("remove: want one source ID, got %d arguments", len(args))
	}
	lib, err := f.open(ctx, e)
	if err != nil {
		return err
	}
	defer lib.Close()
	s, err := lib.Remove(ctx, *f.scope, args[0], "cli")
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "removed %s (%q) and its %d passages\n", s.ID, s.Title, s.Sentences)
	return nil
}

func runAdd(ctx context.Context, e env) error {
	f := newFlags(e, "add", "add [--data DIR] FILE [--title T] [--outlet O] [--published YYYY-MM-DD] [--url U]")
	title := f.String("title", "", "headline (default: from the file)")
	outlet := f.String("outlet", "", "who published it")
	published := f.String("published", "", "publication date, YYYY-MM-DD")
	link := f.String("url", "", "where it was published")
	args, err := f.parse(e)
	if err != nil {
		return err
	}
	if len(args) != 1 {
		return usagef("add: want one FILE, got %d arguments", len(args))
	}
	raw, err := os.ReadFile(args[0])
	if err != nil {
		return fmt.Errorf("add: %w", err)
	}
	src := search.Source{Title: *title, Outlet: *outlet, Published: *published, URL: *link, Text: string(raw), AddedBy: "cli"}
	if src.Title == "" {
		src.Title = strings.TrimSuffix(filepath.Base(args[0]), filepath.Ext(args[0]))
	}
	lib, err := f.open(ctx, e)
	if err != nil {
		return err
	}
	defer lib.Close()
	src.Scope = *f.scope
	stored, err := lib.Add(ctx, src)
	if err != nil {
		return fmt.Errorf("add: %w", err)
	}
	fmt.Fprintf(e.stdout, "added %s (%q): %d sentences\n", stored.ID, stored.Title, stored.Sentences)
	return nil
}

func runReindex(ctx context.Context, e env) error {
	f := newFlags(e, "reindex", "reindex [--data DIR]")
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
	fmt.Fprintf(e.stdout, "reindexed; the shared library has %d sources, %d sentences\n", st.Sources, st.Sentences)
	return nil
}
