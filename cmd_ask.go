package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"sitrep/internal/textclip"
	"sitrep/search"
)

func runAsk(ctx context.Context, e env) error {
	f := newFlags(e, "ask", "ask [--data DIR] [--scope SERVER_ID] [--source ID] [--json] [--limit N] [QUESTION]\n\nWith QUESTION, answers it; without, answers each line of standard input in one process.\nQuestions asked here are not logged: the digest counts only /ask on Discord.")
	asJSON := f.Bool("json", false, "print one JSON object per question")
	limit := f.Int("limit", search.DefaultLimit, "quotes per answer")
	source := f.String("source", "", "answer from this source only (an ID from 'sitrep sources')")
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
	if *source != "" {
		if _, err := lib.Source(*f.scope, *source); errors.Is(err, search.ErrNotFound) {
			return fmt.Errorf("ask: %s has no source %q; 'sitrep sources' lists their IDs", libraryName(*f.scope), search.Clip(*source, 40))
		} else if err != nil {
			return err
		}
	}
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

// cliEntryRunes bounds a compact entry's sentence in the text output.
const cliEntryRunes = 110

// Texts of the three tiers, as the Discord card words them.
const (
	noAnswerLine = "No source in the library answers this."
	closestLabel = "Not a confirmed answer — the closest passages:"
	// closestShown is how many closest passages are shown, whole.
	closestShown = 3
)

// printAnswer writes an answer for a person in its tier, shaped like the
// Discord card. Answered: the best quote first, with where it comes from
// and who else reported it, then the next quotes indented and compact.
// Closest: up to three passages, whole, under a label saying they are
// not a confirmed answer. None: a plain line. The words that answer
// (Quote.Answer) are bold on a terminal. Unknown outlets and dates are
// left out.
func printAnswer(w io.Writer, ans search.Answer, color bool) {
	fmt.Fprintf(w, "Q: %s\n", ans.Question)
	if ans.Corrected != "" {
		fmt.Fprintf(w, "(searched for: %s)\n", ans.Corrected)
	}
	defer fmt.Fprintln(w)
	switch {
	case len(ans.Quotes) == 0 || ans.Confidence == search.None:
		fmt.Fprintln(w, noAnswerLine)
		return
	case ans.Confidence == search.Closest:
		fmt.Fprintln(w, closestLabel)
		for _, q := range ans.Quotes[:min(len(ans.Quotes), closestShown)] {
			printWhole(w, q, color)
		}
		printDiffer(w, ans.Differ)
		return
	}
	best := ans.Quotes[0]
	printWhole(w, best, color)
	if len(best.AlsoReportedBy) > 0 {
		names := make([]string, 0, len(best.AlsoReportedBy))
		seen := map[string]bool{}
		for _, r := range best.AlsoReportedBy {
			if name := shortSource(r.Ref); name != "" && !seen[name] {
				seen[name] = true
				names = append(names, name)
			}
		}
		fmt.Fprintf(w, "  also reported by %s\n", strings.Join(names, "; "))
	}
	if len(ans.Quotes) > 1 {
		fmt.Fprintln(w, "\nMore quotes:")
		printEntries(w, ans.Quotes[1:], 2)
	}
	if ans.Total > len(ans.Quotes) {
		fmt.Fprintf(w, "\n%d of %d quotes shown; --limit N shows more.\n", len(ans.Quotes), ans.Total)
	}
	printDiffer(w, ans.Differ)
}

// printWhole writes a quote whole, after a blank line, then the line
// saying who said it and where it was published.
func printWhole(w io.Writer, q search.Quote, color bool) {
	text := q.Text
	if color {
		text = emphasize(q.Text, q.Answer, ansiBold, ansiReset)
	}
	fmt.Fprintf(w, "\n%s\n", quoted(text))
	if line := attributed(q.Attribution(), citation(q.Source, false)); line != "" {
		fmt.Fprintf(w, "  — %s\n", line)
	}
	if q.Superseded != nil {
		fmt.Fprintf(w, "  (superseded: the outlet updated this article on %s)\n", q.Superseded.At.Local().Format("2 Jan 2006"))
	}
}

// quoted wraps a quote in quotation marks, unless it begins or ends with
// one of its own: “…enemies.”” reads as a mistake.
func quoted(s string) string {
	const marks = "\"“”„«»"
	if s == "" {
		return "“”"
	}
	first, _ := utf8.DecodeRuneInString(s)
	last, _ := utf8.DecodeLastRuneInString(s)
	if strings.ContainsRune(marks, first) || strings.ContainsRune(marks, last) {
		return s
	}
	return "“" + s + "”"
}

// attributed is a quote's source line: who said it and through whom,
// then where it was published ("Mehdi Chamran (…), via Mehr News Agency
// · in: …"); where alone when the text names no one.
func attributed(attribution, where string) string {
	switch {
	case attribution == "":
		return where
	case where == "":
		return attribution
	}
	return attribution + " · in: " + where
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
			fmt.Fprintf(w, "    %s\n      — %s\n", quoted(s.Quote), attributed(s.Attribution(), citation(s.Source, false)))
		}
	}
}

// printEntries lists quotes compactly, indented and numbered from first:
// the sentence trimmed at a word, and its source in a few words.
func printEntries(w io.Writer, qs []search.Quote, first int) {
	for k, q := range qs {
		line := fmt.Sprintf("  %d. %s", first+k, quoted(shorten(textclip.OneLine(q.Text), cliEntryRunes)))
		if src := attributed(q.Attribution(), shortSource(q.Source)); src != "" {
			line += " — " + src
		}
		fmt.Fprintln(w, line)
	}
}

// shortSource names a source in a few words: its outlet (else the start
// of its headline) and its date, the ones known.
func shortSource(r search.Ref) string {
	name := r.Outlet
	if name == "" && r.Title != "" {
		name = "“" + shorten(r.Title, 40) + "”"
	}
	if r.Published != "" {
		if name == "" {
			return r.Published
		}
		return name + ", " + r.Published
	}
	return name
}

// shorten cuts s to at most n characters at a word boundary, marking the
// cut with an ellipsis.
func shorten(s string, n int) string {
	rs := []rune(s)
	if len(rs) <= n {
		return s
	}
	cut := string(rs[:n-1])
	if i := strings.LastIndexByte(cut, ' '); i > len(cut)/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:") + "…"
}

// citation formats a source reference on one line from what is known of
// it: outlet, date, headline, link, and (withID) the source id.
func citation(r search.Ref, withID bool) string {
	var parts []string
	if when := strings.Trim(r.Outlet+", "+r.Published, ", "); when != "" {
		parts = append(parts, when)
	}
	if r.Title != "" {
		parts = append(parts, "“"+r.Title+"”")
	}
	if r.URL != "" {
		parts = append(parts, r.URL)
	}
	if withID {
		parts = append(parts, "["+r.ID+"]")
	}
	return strings.Join(parts, " · ")
}

// outletName is an outlet for a table column: "-" when unknown.
func outletName(o string) string {
	if o == "" {
		return "-"
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
