package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"sitrep/search"
)

func runDigest(ctx context.Context, e env) error {
	f := newFlags(e, "digest", "digest [--data DIR] [--scope SERVER_ID] [--since DURATION] [--json]\n\nPrints how the story moved (new, revised and disputed claims), the questions asked with\n/ask on Discord grouped by meaning, and the new sources, as the bot's daily digest does;\n--json prints its data. Question counts are of /ask on Discord in the server --scope names;\nquestions asked with 'sitrep ask' are not logged.")
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
		// The counts' questions are only some of those asked: say which.
		return enc.Encode(struct {
			search.Digest
			QuestionsCounted string `json:"questions_counted"`
		}{d, questionsCounted(d.Scope)})
	}
	printDigest(e.stdout, d)
	return nil
}

// printDigest writes a digest for a person: how the story moved, the
// questions grouped, the new sources (each once), and the counts, saying
// which questions they include.
func printDigest(w io.Writer, d search.Digest) {
	since := d.Since.Local().Format("Mon 2 Jan 2006 15:04 MST")
	if d.Empty() {
		fmt.Fprintf(w, "Nothing new since %s.\n", since)
	} else {
		fmt.Fprintf(w, "Digest since %s\n", since)
	}
	if len(d.Story) > 0 {
		fmt.Fprintln(w, "\nHow the story moved:")
		for _, c := range d.Story {
			fmt.Fprintf(w, "\n• %s · %s", storyLabel(c.Kind), c.About)
			if c.Asked > 0 {
				fmt.Fprintf(w, " (asked %s)", timesWord(c.Asked))
			}
			fmt.Fprintln(w)
			for k, cl := range c.Claims {
				arrow := ""
				if k > 0 && (c.Kind == "revised" || c.Kind == "updated") {
					arrow = "→ "
				}
				fmt.Fprintf(w, "    %s“%s”\n      — %s\n", arrow, cl.Quote, claimSource(cl))
			}
		}
	}
	if len(d.TopQuestions) > 0 {
		fmt.Fprintln(w, "\nMost asked:")
		for _, q := range d.TopQuestions {
			fmt.Fprintf(w, "\n• %s (asked %s", q.Question, timesWord(q.Count))
			if len(q.Variants) > 0 {
				fmt.Fprintf(w, "; also as “%s”", strings.Join(q.Variants, "”, “"))
			}
			fmt.Fprintln(w, ")")
			if q.Best != nil {
				fmt.Fprintf(w, "    “%s”\n    — %s\n", q.Best.Text, citation(q.Best.Source, false))
			}
		}
	}
	if len(d.Unanswered) > 0 {
		fmt.Fprintln(w, "\nNo answer yet (a source that covers them would help):")
		for _, q := range d.Unanswered {
			fmt.Fprintf(w, "• %s (asked %s)\n", q.Question, timesWord(q.Count))
		}
	}
	switch n := d.Counts.OffTopic; {
	case n == 1:
		fmt.Fprintln(w, "\n1 off-topic question (the library has nothing near it) is not listed.")
	case n > 1:
		fmt.Fprintf(w, "\n%d off-topic questions (the library has nothing near them) are not listed.\n", n)
	}
	if d.Counts.NewSources > 0 {
		fmt.Fprintf(w, "\nNew sources (%d):\n", d.Counts.NewSources)
		shown := make(map[string]bool)
		for _, s := range d.NewSources {
			shown[s.Source.ID] = true
			from := ""
			if s.Feed != "" {
				from = " · from the feed " + s.Feed
			}
			fmt.Fprintf(w, "\n• %s%s\n", citation(s.Source.Ref(), false), from)
			for _, line := range s.Summary {
				fmt.Fprintf(w, "    “%s”\n", line)
			}
		}
		rest := d.Counts.NewSources - len(d.NewSources)
		for _, f := range d.FromFeeds {
			var more []search.Ref
			for _, r := range f.Sources {
				if !shown[r.ID] {
					more = append(more, r)
				}
			}
			if len(more) == 0 {
				continue
			}
			rest -= len(more)
			fmt.Fprintf(w, "\nThe feed %s brought %d more:\n", f.Title, len(more))
			for _, r := range more {
				fmt.Fprintf(w, "• %s\n", citation(r, false))
			}
		}
		if rest > 0 {
			fmt.Fprintf(w, "\n…and %d more sources (sitrep sources lists them).\n", rest)
		}
	}
	fmt.Fprintf(w, "\n%s in %s.\n%s\n", plural(d.Counts.Sources, "source", "sources"), libraryName(d.Scope), questionCounts(d))
}

// questionsCounted says which questions a digest's counts include: only
// /ask on Discord is logged, per server; `sitrep ask` is not.
func questionsCounted(scope string) string {
	if scope == search.SharedScope {
		return "none: only /ask on Discord is logged, per server (--scope SERVER_ID); sitrep ask is not logged"
	}
	return "/ask on Discord in server " + scope + ", private ones included; sitrep ask is not logged"
}

// questionCounts is the digest's line of question counts, saying which
// questions they include.
func questionCounts(d search.Digest) string {
	c := d.Counts
	if d.Scope == search.SharedScope && c.Questions == 0 {
		return "Questions: none counted, since only /ask on Discord is logged, per server: add --scope SERVER_ID for a server's. Questions asked with sitrep ask are not logged."
	}
	s := fmt.Sprintf("Questions: %s with /ask on Discord in server %s", plural(c.Questions, "asked", "asked"), d.Scope)
	var parts []string
	if c.Questions > 0 {
		parts = append(parts, fmt.Sprintf("%d answered when asked", c.Answered))
	}
	if c.OffTopic > 0 {
		parts = append(parts, fmt.Sprintf("%d off-topic", c.OffTopic))
	}
	if c.Private > 0 {
		parts = append(parts, fmt.Sprintf("%d private", c.Private))
	}
	if len(parts) > 0 {
		s += " (" + strings.Join(parts, ", ") + ")"
	}
	return s + ". Questions asked with sitrep ask are not logged."
}

func storyLabel(kind string) string {
	switch kind {
	case "revised":
		return "Revised"
	case "disputed":
		return "Disputed"
	case "updated":
		return "Updated by the outlet"
	}
	return "New"
}

// claimSource says who made a claim, where and when.
func claimSource(cl search.Claim) string {
	var parts []string
	who := cl.Attribution()
	if who != "" {
		parts = append(parts, who)
	}
	if o := cl.Source.Outlet; o != "" && !strings.Contains(strings.ToLower(who), strings.ToLower(o)) {
		parts = append(parts, o)
	} else if o == "" && cl.Source.Title != "" {
		parts = append(parts, "“"+cl.Source.Title+"”")
	}
	when := cl.Dated.UTC().Format("2 Jan 2006")
	if !cl.Published {
		when = "added " + when
	}
	parts = append(parts, when)
	if cl.Source.URL != "" {
		parts = append(parts, cl.Source.URL)
	}
	return strings.Join(parts, ", ")
}

func timesWord(n int) string {
	switch n {
	case 1:
		return "once"
	case 2:
		return "twice"
	}
	return fmt.Sprintf("%d times", n)
}
