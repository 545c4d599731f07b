package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"

	"sitrep/config"
	"sitrep/search"
	"sitrep/seeds"
)

// usageError marks a mistake in how sitrep was called (exit status 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// packagePrefixes are what Sitrep's packages put before their errors so a
// log line says where it came from ("search: ", "ingest: "); a person at a
// terminal needs none of them.
var packagePrefixes = []string{"search", "ingest", "feeds", "config", "seeds", "ops", "wordnet", "bot"}

// errorLine is err as the CLI prints it: the wrapped chain with the
// package prefixes left out, so "add: ingest: too large" reads "add: too
// large". Errors keep their prefixes for the log; only this print site
// words them for the terminal.
func errorLine(err error) string {
	parts := strings.Split(err.Error(), ": ")
	kept := parts[:0]
	for k, p := range parts {
		if k < len(parts)-1 && slices.Contains(packagePrefixes, p) {
			continue
		}
		kept = append(kept, p)
	}
	return strings.Join(kept, ": ")
}

// errHelp is returned after printing help that was asked for.
var errHelp = errors.New("help shown")

// env is what a command gets: its arguments and the process's streams.
type env struct {
	args   []string
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// command is one entry of the CLI's command table.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, e env) error
}

func commands() []command {
	return []command{
		{"ask", "answer questions with quotes from the library", runAsk},
		{"import", "import articles from a JSON Lines file", runImport},
		{"add", "add one article from a file or a URL", runAdd},
		{"sources", "list the sources in the library", runSources},
		{"remove", "remove a source and its passages", runRemove},
		{"digest", "print what is new and what was asked", runDigest},
		{"reindex", "rebuild the search index from the stored sources", runReindex},
		{"feed", "follow RSS/Atom feeds: add, list, remove, poll", runFeed},
		{"serve", "run the Discord bot", runServe},
	}
}

// run is the whole CLI: main only adds the process around it.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printUsage(stdout)
		if len(args) == 0 {
			return usagef("no command given")
		}
		return errHelp
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, env{args: args[1:], getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr})
		}
	}
	return usagef("unknown command %q (run 'sitrep --help' for the list)", args[0])
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "Sitrep answers questions about an incident with exact quotes from its sources.")
	fmt.Fprintln(w, "\nUsage: sitrep <command> [flags] [arguments]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'sitrep <command> --help' for a command's flags.")
	fmt.Fprintln(w, "The data directory is --data, else $SITREP_DATA, else ./data; a new one starts with the seed articles.")
	fmt.Fprintln(w, "--scope SERVER_ID works on one Discord server's library instead of the shared one.")
}

// flags builds a command's flag set with the flags every command shares.
type flags struct {
	*flag.FlagSet
	data  *string
	scope *string
	usage string
	// indexScope limits the scopes the library indexes (a shard's); nil
	// for all.
	indexScope     func(scope string) bool
	indexScopeName string
}

func newFlags(e env, name, usage string) *flags {
	f := newLibraryFlags(e, name, usage)
	f.scope = f.String("scope", "", "Discord server id whose library to use (default: the shared library)")
	return f
}

// newLibraryFlags builds the flag set of a command that works on the
// whole data directory (serve, reindex, feed poll): --scope would change
// nothing, so it is not offered.
func newLibraryFlags(e env, name, usage string) *flags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	f := &flags{FlagSet: fs, usage: usage, scope: new(string)}
	f.data = fs.String("data", "", "data directory (default $SITREP_DATA, else ./data)")
	return f
}

// libraryName is how the CLI names a scope's library: "the shared
// library" or "server 123's library" (Discord's "guild" is a server to
// the person at the terminal).
func libraryName(scope string) string {
	if scope == search.SharedScope {
		return "the shared library"
	}
	return "server " + scope + "'s library"
}

// plural is "1 sentence", "2 sentences".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// parseOne parses the flags and the one positional argument a command
// takes, what it is named in the usage error ("feed add: want one URL, got
// 2 arguments").
func (f *flags) parseOne(e env, what string) (string, error) {
	args, err := f.parse(e)
	if err != nil {
		return "", err
	}
	if len(args) != 1 {
		return "", usagef("%s: want one %s, got %d arguments (see 'sitrep %s --help')", f.Name(), what, len(args), f.Name())
	}
	return args[0], nil
}

// parse parses flags anywhere among the arguments ("ask 'q' --json" works)
// and returns the positional ones.
func (f *flags) parse(e env) ([]string, error) {
	var positional []string
	args := e.args
	for {
		if err := f.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				f.printHelp(e.stdout)
				return nil, errHelp
			}
			return nil, usagef("%s: %v (see 'sitrep %s --help')", f.Name(), err, f.Name())
		}
		args = f.Args()
		if len(args) == 0 {
			return positional, nil
		}
		if args[0] == "--" {
			return append(positional, args[1:]...), nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

func (f *flags) printHelp(w io.Writer) {
	fmt.Fprintf(w, "Usage: sitrep %s\n\nFlags:\n", f.usage)
	f.SetOutput(w)
	f.PrintDefaults()
	f.SetOutput(io.Discard)
}

// config loads the environment; a bad variable is an error naming it.
func (f *flags) config(e env) (config.Config, error) {
	cfg, err := config.Load(e.getenv)
	if err != nil {
		return cfg, err
	}
	if *f.data != "" {
		cfg.DataDir = *f.data
	}
	return cfg, nil
}

// open opens the library of the command's data directory, seeding it with
// the embedded articles when it is new.
func (f *flags) open(ctx context.Context, e env) (*search.Library, error) {
	cfg, err := f.config(e)
	if err != nil {
		return nil, err
	}
	srcs, err := seeds.Sources()
	if err != nil {
		return nil, err
	}
	// Quiet by default: the library's progress notes are for whoever asks
	// for them with SITREP_LOG_LEVEL (what Open repaired, for instance).
	level := slog.LevelWarn
	if e.getenv(config.EnvLogLevel) != "" {
		level = cfg.LogLevel
	}
	logger := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: level}))
	return search.Open(ctx, cfg.DataDir, search.Options{Seeds: srcs, Logger: logger,
		DatabaseURL: cfg.DatabaseURL.Reveal(), IndexScope: f.indexScope, IndexScopeName: f.indexScopeName})
}

// isTerminal reports whether w is a terminal, for colour and progress.
func isTerminal(w io.Writer, getenv func(string) string) bool {
	f, ok := w.(*os.File)
	if !ok || getenv("NO_COLOR") != "" || getenv("TERM") == "dumb" {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
