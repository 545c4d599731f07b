package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"sitrep/internal/every"
	"sitrep/ops"
	"sitrep/search"
)

// importLine is one line of an import file; only text is required.
type importLine struct {
	ID        string `json:"id"`
	Title     string `json:"title"`
	Outlet    string `json:"outlet"`
	URL       string `json:"url"`
	Published string `json:"published"`
	Text      string `json:"text"`
}

// importProgressEvery is how often import prints a progress line: often
// enough that a long import is seen to move, rarely enough to read.
const importProgressEvery = 3 * time.Second

// maxImportLine bounds one line of an import file. An article's text is at
// most search.MaxTextBytes, and JSON written with every non-ASCII character
// escaped (Python's default) is at most about three times its text; a
// longer line is skipped without being held in memory.
const maxImportLine = 3*search.MaxTextBytes + 64<<10

// readLine reads one line, with its newline, like ReadBytes('\n'), but
// keeps at most limit bytes: a longer line is read to its end and dropped,
// and size says how long it was.
func readLine(r *bufio.Reader, limit int) (line []byte, size int, err error) {
	for {
		frag, err := r.ReadSlice('\n')
		size += len(frag)
		if size <= limit {
			line = append(line, frag...)
		} else {
			line = nil
		}
		if err != bufio.ErrBufferFull {
			return line, size, err
		}
	}
}

// parseImportLine decodes one JSON Lines record into a source.
func parseImportLine(line []byte) (search.Source, error) {
	var rec importLine
	if !utf8.Valid(line) {
		// encoding/json would quietly turn the bad bytes into U+FFFD,
		// and the quotes would no longer be the article's words.
		return search.Source{}, errors.New("the line is not valid UTF-8; save the file as UTF-8")
	}
	if trimmed := bytes.TrimSpace(line); len(trimmed) == 0 || trimmed[0] != '{' {
		return search.Source{}, errors.New("not a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(line))
	if err := dec.Decode(&rec); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field != "" {
			return search.Source{}, fmt.Errorf("%q is a JSON %s; want a string", typeErr.Field, typeErr.Value)
		}
		return search.Source{}, fmt.Errorf("not a JSON object: %w", err)
	}
	// Decoder.More does not see a stray '}' or ']' after the object, so
	// look at what is left of the line.
	if rest := bytes.TrimSpace(line[dec.InputOffset():]); len(rest) > 0 {
		return search.Source{}, errors.New("more than one JSON value on the line")
	}
	if rec.Text == "" {
		return search.Source{}, errors.New(`"text" is missing or empty`)
	}
	return search.Source{ID: rec.ID, Title: rec.Title, Outlet: rec.Outlet, URL: rec.URL, Published: rec.Published, Text: rec.Text}, nil
}

func runImport(ctx context.Context, e env) error {
	return importWithProgress(ctx, e, importProgressEvery)
}

// importWithProgress is the import command, with a progress line on
// stderr every interval (tests shorten it).
func importWithProgress(ctx context.Context, e env, interval time.Duration) error {
	f := newFlags(e, "import", "import [--data DIR] FILE.jsonl\n\nOne article a line: {\"id\",\"title\",\"outlet\",\"url\",\"published\",\"text\"}; only text is required.\nA given id is kept; an existing id is replaced; a bad line is reported and the rest imported.\nFILE may be - for standard input.\nA progress line goes to standard error every few seconds; the last line says what was imported.")
	arg, err := f.parseOne(e, "FILE.jsonl")
	if err != nil {
		return err
	}
	start := time.Now()
	in := e.stdin
	if arg != "-" {
		file, err := os.Open(arg)
		if err != nil {
			return fmt.Errorf("import: %w", err)
		}
		defer file.Close()
		in = file
	}
	cfg, err := f.config(e)
	if err != nil {
		return err
	}
	dir := cfg.DataDir
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	// The progress lines, the bad lines and the library's log share stderr.
	e.stderr = &lockedWriter{w: e.stderr}
	lib, err := f.open(ctx, e)
	if err != nil {
		return err
	}
	defer lib.Close()
	defer ops.LimitImportMemory()()
	r := bufio.NewReaderSize(in, 1<<20)
	// The library takes the lines as they are read: while one batch is
	// written, the next is prepared, and at most a few are held.
	imp := lib.NewImporter(ctx, search.ImportOptions{Actor: "cli"})
	var lineNo atomic.Int64
	var merging atomic.Bool
	stopProgress := every.Tick(interval, func() {
		took := formatDuration(time.Since(start).Round(time.Second))
		if merging.Load() {
			fmt.Fprintf(e.stderr, "import: %s articles stored (%s passages); merging the index, %s\n",
				thousands(imp.Handled()), thousands(imp.Passages()), took)
			return
		}
		fmt.Fprintf(e.stderr, "import: %s lines read, %s articles stored (%s passages), %s\n",
			thousands(int(lineNo.Load())), thousands(imp.Handled()), thousands(imp.Passages()), took)
	})
	defer stopProgress()
	bad := 0
	var lines []int  // line number of each source given to the importer
	var ids []string // and its id as written in the file
	var importErr error
	for importErr == nil {
		line, size, readErr := readLine(r, maxImportLine)
		if size > maxImportLine {
			n := lineNo.Add(1)
			bad++
			fmt.Fprintf(e.stderr, "line %d: %d bytes, over the %d a line may have (an article's text is at most %d bytes)\n", n, size, maxImportLine, search.MaxTextBytes)
		} else if len(bytes.TrimSpace(line)) > 0 {
			n := int(lineNo.Add(1))
			src, err := parseImportLine(line)
			if err != nil {
				bad++
				fmt.Fprintf(e.stderr, "line %d: %s\n", n, errorLine(err))
			} else {
				lines, ids = append(lines, n), append(ids, src.ID)
				importErr = imp.Add(src)
			}
		} else if readErr == nil {
			lineNo.Add(1)
		}
		if readErr == io.EOF {
			break
		}
		if readErr != nil {
			imp.Close()
			return fmt.Errorf("import: reading line %d: %w", lineNo.Load()+1, readErr)
		}
	}
	total, err := imp.Close()
	for _, fe := range total.Failed {
		bad++
		fmt.Fprintf(e.stderr, "line %d: %s\n", lines[fe.Index], errorLine(fe.Err))
	}
	for _, i := range total.Superseded {
		fmt.Fprintf(e.stderr, "line %d: id %q comes again later; the later line wins\n", lines[i], ids[i])
	}
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	if total.Added+total.Replaced > 0 {
		// One index segment instead of several: questions run faster
		// (skipped where a few sources joined a large library).
		merging.Store(true)
		if _, err := lib.CompactIfItPays(ctx); err != nil {
			return fmt.Errorf("import: %w", err)
		}
	}
	stopProgress()
	fmt.Fprintf(e.stdout, "imported %s new and %s replaced articles (%s passages)",
		thousands(total.Added), thousands(total.Replaced), thousands(total.Passages))
	if bad > 0 {
		fmt.Fprintf(e.stdout, "; %s lines skipped (see above)", thousands(bad))
	}
	fmt.Fprintf(e.stdout, " in %s, into %s\n", formatDuration(time.Since(start)), dir)
	if bad > 0 && total.Added+total.Replaced == 0 {
		return errors.New("import: no line could be imported")
	}
	return nil
}

// lockedWriter serialises writes from several goroutines, so lines do not
// interleave.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.w.Write(p)
}

// thousands writes n with commas between groups of three digits.
func thousands(n int) string { return english.Sprint(n) }

// english formats numbers as a person reads them: 236078 as "236,078".
var english = message.NewPrinter(language.English)

// formatDuration is d as a person reads it: "0.4 s", "12 s", "3 min 5 s".
func formatDuration(d time.Duration) string {
	switch {
	case d < 10*time.Second:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(d.Round(time.Second).Seconds()))
	}
	d = d.Round(time.Second)
	return fmt.Sprintf("%d min %d s", int(d/time.Minute), int(d%time.Minute/time.Second))
}
