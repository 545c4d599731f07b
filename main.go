// Command sitrep answers questions about an incident with verbatim quotes
// from a curated library of articles, from the command line or as a
// Discord bot (sitrep serve).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/joho/godotenv"
	_ "time/tzdata" // timezones work on hosts without a zoneinfo database
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// .env fills in what the real environment does not set; a missing
	// file is normal.
	if err := godotenv.Load(); err != nil && !errors.Is(err, os.ErrNotExist) {
		fmt.Fprintf(os.Stderr, "sitrep: reading .env: %v\n", err)
		os.Exit(2)
	}
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// exitCode reports err and maps it to the exit status: 2 for usage
// errors, 1 for everything else, 0 for none.
func exitCode(err error, stderr io.Writer) int {
	var uerr usageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errHelp):
		return 0
	case errors.As(err, &uerr):
		fmt.Fprintf(stderr, "sitrep: %s\n", errorLine(err))
		return 2
	default:
		fmt.Fprintf(stderr, "sitrep: %s\n", errorLine(err))
		return 1
	}
}
