package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"text/tabwriter"
	"time"

	"sitrep/feeds"
	"sitrep/ingest"
	"sitrep/search"
)

// feedCommands are the subcommands of `sitrep feed`.
var feedCommands = []struct {
	name, summary string
	run           func(ctx context.Context, e env) error
}{
	{"add", "follow a feed (or the feed a site announces)", runFeedAdd},
	{"list", "list the followed feeds and their state", runFeedList},
	{"remove", "stop following a feed (its sources stay)", runFeedRemove},
	{"poll", "check every feed once now and add new items", runFeedPoll},
}

func runFeed(ctx context.Context, e env) error {
	if len(e.args) == 0 || e.args[0] == "-h" || e.args[0] == "--help" || e.args[0] == "help" {
		fmt.Fprintln(e.stdout, "Usage: sitrep feed <add|list|remove|poll> [flags]\n\nSubcommands:")
		for _, c := range feedCommands {
			fmt.Fprintf(e.stdout, "  %-7s %s\n", c.name, c.summary)
		}
		if len(e.args) == 0 {
			return usagef("feed: no subcommand given")
		}
		return errHelp
	}
	for _, c := range feedCommands {
		if c.name == e.args[0] {
			e.args = e.args[1:]
			return c.run(ctx, e)
		}
	}
	return usagef("feed: unknown subcommand %q (use add, list, remove or poll)", e.args[0])
}

// poller opens the library and the feed poller with the fetch rules
// of the environment (SITREP_ALLOW_PRIVATE_URLS, SITREP_FEED_INTERVAL).
// The poller's structured log goes to log (warnings and up), or nowhere
// when it is nil: the commands print their own lines for people.
func (f *flags) poller(ctx context.Context, e env, log io.Writer) (*search.Library, *feeds.Poller, error) {
	cfg, err := f.config(e)
	if err != nil {
		return nil, nil, err
	}
	lib, err := f.open(ctx, e)
	if err != nil {
		return nil, nil, err
	}
	if log == nil {
		log = io.Discard
	}
	logger := slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelWarn}))
	poller := feeds.New(lib, &ingest.Fetcher{AllowPrivate: cfg.AllowPrivateURLs}, feeds.Options{Interval: cfg.FeedInterval, Logger: logger})
	return lib, poller, nil
}

func runFeedAdd(ctx context.Context, e env) error {
	f := newFlags(e, "feed add", "feed add [--data DIR] [--scope SERVER_ID] URL\n\nURL is a feed (RSS, Atom or JSON Feed) or a web page that announces one. Its items\narrive with the next `sitrep feed poll` or check of `sitrep serve`.")
	arg, err := f.parseOne(e, "URL")
	if err != nil {
		return err
	}
	lib, poller, err := f.poller(ctx, e, e.stderr)
	if err != nil {
		return err
	}
	defer lib.Close()
	p, err := poller.Add(ctx, *f.scope, arg, "cli")
	var limit *feeds.LimitError
	var exists *search.FeedExistsError
	switch {
	case errors.Is(err, feeds.ErrCredentials):
		return errors.New("feed add: the link carries a user name or password (user:password@); only public feeds can be followed, so nothing was followed")
	case errors.As(err, &exists):
		return fmt.Errorf("feed add: %s already follows that feed, “%s”; 'sitrep feed list' shows how its checks went", libraryName(*f.scope), exists.Existing.Title)
	case errors.As(err, &limit):
		return fmt.Errorf("feed add: %s already follows %d feeds, the most it may; remove one with 'sitrep feed remove ID' first ('sitrep feed list' lists them)", libraryName(*f.scope), limit.Max)
	case err != nil:
		return fmt.Errorf("feed add: %w", err)
	}
	fmt.Fprintf(e.stdout, "Following “%s” in %s.\n", p.Feed.Title, libraryName(*f.scope))
	fmt.Fprintf(e.stdout, "Its newest items arrive with the next 'sitrep feed poll', or within %s while 'sitrep serve' runs; 'sitrep feed list' shows how its checks went.\n", shortDuration(interval(f, e)))
	return nil
}

// shortDuration writes d without its zero units: 15m, 1h30m, 45s.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// interval is how often 'sitrep serve' checks feeds, as configured.
func interval(f *flags, e env) time.Duration {
	if cfg, err := f.config(e); err == nil && cfg.FeedInterval > 0 {
		return cfg.FeedInterval
	}
	return feeds.DefaultInterval
}

func runFeedList(ctx context.Context, e env) error {
	f := newFlags(e, "feed list", "feed list [--data DIR] [--scope SERVER_ID] [--json]\n\nWithout --scope, the feeds of the shared library and of every server are listed.")
	asJSON := f.Bool("json", false, "print the feeds and their state as JSON")
	if _, err := f.parse(e); err != nil {
		return err
	}
	lib, err := f.open(ctx, e)
	if err != nil {
		return err
	}
	defer lib.Close()
	all, err := lib.AllFeeds()
	if err != nil {
		return err
	}
	list := []search.Feed{}
	scoped := flagSet(f, "scope")
	for _, fd := range all {
		if !scoped || fd.Scope == *f.scope {
			fd.URL = feeds.ShownURL(fd.URL) // a password never reaches the screen
			list = append(list, fd)
		}
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Feeds []search.Feed `json:"feeds"`
		}{list})
	}
	tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSCOPE\tCHECKED\tLAST NEW\tITEMS\tSTATE\tTITLE\tURL")
	for _, fd := range list {
		st := fd.State
		state := "ok"
		switch {
		case st.Failures > 0:
			state = fmt.Sprintf("failing ×%d: %s", st.Failures, st.LastError)
		case st.CheckedAt.IsZero():
			state = "not checked yet"
		}
		scope := fd.Scope
		if scope == search.SharedScope {
			scope = "shared"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\n", fd.ID, scope, when(st.CheckedAt), when(st.NewAt), st.Items, state, fd.Title, fd.URL)
	}
	return tw.Flush()
}

func when(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04")
}

// flagSet reports whether the flag name was given on the command line.
func flagSet(f *flags, name string) bool {
	set := false
	f.Visit(func(fl *flag.Flag) { set = set || fl.Name == name })
	return set
}

func runFeedRemove(ctx context.Context, e env) error {
	f := newFlags(e, "feed remove", "feed remove [--data DIR] [--scope SERVER_ID] ID\n\nID is the feed's, as 'sitrep feed list' shows it. The sources the feed brought stay in the library.")
	arg, err := f.parseOne(e, "feed ID")
	if err != nil {
		return err
	}
	lib, err := f.open(ctx, e)
	if err != nil {
		return err
	}
	defer lib.Close()
	scope := *f.scope
	if !flagSet(f, "scope") {
		all, err := lib.AllFeeds()
		if err != nil {
			return err
		}
		for _, fd := range all {
			if fd.ID == arg {
				scope = fd.Scope
			}
		}
	}
	fd, err := lib.RemoveFeed(scope, arg)
	if errors.Is(err, search.ErrFeedNotFound) {
		return fmt.Errorf("feed remove: no feed %q is followed; 'sitrep feed list' lists the feeds and their IDs", search.Clip(arg, 40))
	}
	if err != nil {
		return fmt.Errorf("feed remove: %w", err)
	}
	stay := fmt.Sprintf("the %d sources it brought stay", fd.State.Items)
	if fd.State.Items == 1 {
		stay = "the source it brought stays"
	}
	fmt.Fprintf(e.stdout, "removed %s (%q); %s in the library\n", fd.ID, fd.Title, stay)
	return nil
}

func runFeedPoll(ctx context.Context, e env) error {
	f := newLibraryFlags(e, "feed poll", "feed poll [--data DIR] [--log]\n\nChecks every feed once now (with conditional GET) and adds the new items; one line per feed.\nExits 0 when the library worked, even if some feeds failed.")
	withLog := f.Bool("log", false, "also print the poller's structured log (warnings) to standard error")
	if _, err := f.parse(e); err != nil {
		return err
	}
	var log io.Writer
	if *withLog {
		log = e.stderr
	}
	lib, poller, err := f.poller(ctx, e, log)
	if err != nil {
		return err
	}
	defer lib.Close()
	results, err := poller.Poll(ctx, feeds.Hooks{})
	for _, r := range results {
		// The feed's id is for 'feed remove'; a person reads its title.
		fmt.Fprintln(e.stdout, strings.TrimPrefix(r.Line(), r.Feed.ID+" "))
	}
	if err != nil {
		return fmt.Errorf("feed poll: %w", err)
	}
	if len(results) == 0 {
		fmt.Fprintln(e.stdout, "no feeds followed: add one with 'sitrep feed add URL'")
	}
	return nil
}
