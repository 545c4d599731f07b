package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"sitrep/search"
)

func runAsk(ctx context.Context, e env) error {
	f := newFlags(e, "ask", "ask [--data DIR] [--json] [--limit N] [QUESTION]\n\nWith QUESTION, answers it; without, answers each line of standard input.")
	asJSON := f.Bool("json", false, "print one JSON object per question")
	limit := f.Int("limit", search.DefaultLimit, "quotes per answer")
	source := f.String("source", "", "answer from this source id only")
	args, err := f.parse(e)
	if err != nil {
		return err
	}
	if *limit < 1 || *limit > 100 {
		return usagef("ask: --limit must be between 1 and 100")
	}
	lib, err := f.open(ctx, e)
	if err != nil {
		return err
	}
	defer lib.Close()
	color := !*asJSON && isTerminal(e.stdout, e.getenv)
	answer := func(q string) error {
		if len(q) > search.MaxQuestionBytes {
			fmt.Fprintf(e.stderr, "sitrep: ask: the question is %d bytes; only its first %d bytes are searched\n", len(q), search.MaxQuestionBytes)
		}
		ans, err := lib.Ask(ctx, search.Query{Question: q, Scope: *f.scope, SourceID: *source, Limit: *limit})
		if err != nil {
			return err
		}
		if *asJSON {
			return json.NewEncoder(e.stdout).Encode(ans)
		}
		printAnswer(e.stdout, ans, color)
		return nil
	}
	if len(args) > 0 {
		q := strings.Join(args, " ")
		if strings.TrimSpace(q) == "" {
			return usagef("ask: the question is empty")
		}
		return answer(q)
	}
	sc := bufio.NewScanner(e.stdin)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		if err := answer(sc.Text()); err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("ask: reading questions: %w", err)
	}
	return nil
}

const (
	ansiBold  = "\x1b[1m"
	ansiDim   = "\x1b[2m"
	ansiReset = "\x1b[0m"
)

// printAnswer writes an answer for a person: each quote, its source, and
// who else reported it; matched words in bold on a terminal.
func printAnswer(w io.Writer, ans search.Answer, color bool) {
	fmt.Fprintf(w, "Q: %s\n", ans.Question)
	if ans.Corrected != "" {
		fmt.Fprintf(w, "(searched for: %s)\n", ans.Corrected)
	}
	if !ans.Answered {
		fmt.Fprintln(w, "No source in the library answers this.")
	}
	for i, q := range ans.Quotes {
		text := q.Text
		if color {
			text = emphasize(q.Text, q.Highlights, ansiBold, ansiReset)
		}
		fmt.Fprintf(w, "\n%d. “%s”\n", i+1, text)
		fmt.Fprintf(w, "   — %s\n", attributed(q.Attribution(), q.Source))
		for _, r := range q.AlsoReportedBy {
			fmt.Fprintf(w, "   also reported by %s\n", citation(r.Ref))
		}
	}
	printDiffer(w, ans.Differ)
	fmt.Fprintln(w)
}

// attributed is a quote's source line: who said it and through whom,
// then where it was published ("Mehdi Chamran (…), via Mehr News Agency
// · in: …"); the citation alone when the text names no one.
func attributed(attribution string, r search.Ref) string {
	if attribution == "" {
		return citation(r)
	}
	return attribution + " · in: " + citation(r)
}

// printDiffer shows where the quoted sources disagree, both sides with
// their attribution.
func printDiffer(w io.Writer, ds []search.Disagreement) {
	if len(ds) == 0 {
		return
	}
	fmt.Fprintln(w, "\nSources differ:")
	for _, d := range ds {
		fmt.Fprintf(w, "  %s (%s): %s against %s\n", d.Kind, d.About, d.A.Value, d.B.Value)
		for _, s := range []search.Side{d.A, d.B} {
			fmt.Fprintf(w, "    “%s”\n      — %s\n", s.Quote, attributed(s.Attribution(), s.Source))
		}
	}
}

// citation formats a source reference on one line.
func citation(r search.Ref) string {
	parts := []string{outletName(r.Outlet), "“" + r.Title + "”"}
	if r.Published != "" {
		parts = append(parts, r.Published)
	}
	if r.URL != "" {
		parts = append(parts, r.URL)
	}
	parts = append(parts, "["+r.ID+"]")
	return strings.Join(parts, ", ")
}

func outletName(o string) string {
	if o == "" {
		return "outlet not stated"
	}
	return o
}

// emphasize wraps the highlighted byte ranges of text in on/off markers.
func emphasize(text string, hs []search.Highlight, on, off string) string {
	var b strings.Builder
	last := 0
	for _, h := range hs {
		if h.Start < last || h.End > len(text) {
			continue
		}
		b.WriteString(text[last:h.Start])
		b.WriteString(on + text[h.Start:h.End] + off)
		last = h.End
	}
	b.WriteString(text[last:])
	return b.String()
}
