package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"sitrep/search"
)

func runDigest(ctx context.Context, e env) error {
	f := newFlags(e, "digest", "digest [--data DIR] [--since DURATION] [--json]\n\nPrints what is new in the library and what was asked, as the bot's daily digest does.")
	since := f.Duration("since", 24*time.Hour, "how far back the digest looks (e.g. 24h, 168h)")
	asJSON := f.Bool("json", false, "print the digest as JSON")
	if _, err := f.parse(e); err != nil {
		return err
	}
	if *since <= 0 {
		return usagef("digest: --since must be positive, like 24h")
	}
	lib, err := f.open(ctx, e)
	if err != nil {
		return err
	}
	defer lib.Close()
	d, err := lib.Digest(ctx, *f.scope, time.Now().Add(-*since))
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(d)
	}
	printDigest(e.stdout, d)
	return nil
}

// printDigest writes a digest for a person.
func printDigest(w io.Writer, d search.Digest) {
	fmt.Fprintf(w, "Digest since %s\n", d.Since.Local().Format("Mon 2 Jan 2006 15:04 MST"))
	if d.Empty() {
		fmt.Fprintf(w, "\nNothing new since %s.\n", d.Since.Local().Format("Mon 2 Jan 15:04"))
	}
	if len(d.NewSources) > 0 {
		fmt.Fprintf(w, "\nNew sources (%d):\n", len(d.NewSources))
		for _, s := range d.NewSources {
			fmt.Fprintf(w, "\n• %s\n", citation(s.Source.Ref(), true))
			for _, line := range s.Summary {
				fmt.Fprintf(w, "    “%s”\n", line)
			}
		}
	}
	for _, f := range d.FromFeeds {
		fmt.Fprintf(w, "\nFrom the feed %s (%d):\n", f.Title, len(f.Sources))
		for _, r := range f.Sources {
			fmt.Fprintf(w, "• “%s” %s [%s]\n", r.Title, r.URL, r.ID)
		}
	}
	if len(d.TopQuestions) > 0 {
		fmt.Fprintln(w, "\nMost asked:")
		for _, q := range d.TopQuestions {
			fmt.Fprintf(w, "\n• %s (asked %d×)\n", q.Question, q.Count)
			if q.Best != nil {
				fmt.Fprintf(w, "    “%s”\n    — %s\n", q.Best.Text, citation(q.Best.Source, true))
			}
		}
	}
	if len(d.Unanswered) > 0 {
		fmt.Fprintln(w, "\nStill unanswered (sources to look for):")
		for _, q := range d.Unanswered {
			fmt.Fprintf(w, "• %s (asked %d×)\n", q.Question, q.Count)
		}
	}
	share := "-"
	if d.Counts.Questions > 0 {
		share = fmt.Sprintf("%d%%", d.Counts.Answered*100/d.Counts.Questions)
	}
	fmt.Fprintf(w, "\n%d sources in the library · %d questions asked · %s answered\n", d.Counts.Sources, d.Counts.Questions, share)
}
