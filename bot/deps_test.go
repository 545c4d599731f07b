package bot

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"testing"

	"sitrep/feeds"
	"sitrep/ingest"
	"sitrep/schedule"
)

// TestDepsAreExplicit pins New's contract: a wrapped library keeps the
// moderator features when its curator is passed with it, turns them off
// visibly (commands and log) when none is, and a bot wired inconsistently
// fails loudly instead of quietly losing features.
func TestDepsAreExplicit(t *testing.T) {
	lib := openSeeded(t)
	wrapped := &gatedLibrary{Reader: lib} // not a Curator itself
	if _, ok := Reader(wrapped).(Curator); ok {
		t.Fatal("gatedLibrary became a Curator: the test no longer wraps the library the way a cache or gate would")
	}
	names := func(b *Bot) []string {
		var out []string
		for _, c := range b.Commands() {
			out = append(out, c.Name)
		}
		return out
	}

	t.Run("a wrapped library with its curator keeps /source and /digest", func(t *testing.T) {
		b := New(nil, Deps{Library: wrapped, Curator: lib, Fetcher: &ingest.Fetcher{}}, nil, Options{})
		got := names(b)
		for _, want := range []string{"ask", "source", "digest"} {
			if !slices.Contains(got, want) {
				t.Errorf("commands %v lack /%s", got, want)
			}
		}
		if err := b.Run(context.Background(), Schedulers{}); err == nil {
			t.Error("Run with a curator and no digest scheduler started: servers' daily digests would never post")
		}
	})

	t.Run("no curator: moderator features off, and the log says so", func(t *testing.T) {
		var logs strings.Builder
		b := New(nil, Deps{Library: wrapped}, slog.New(slog.NewTextHandler(&logs, nil)), Options{})
		got := names(b)
		if slices.Contains(got, "source") || slices.Contains(got, "digest") || slices.Contains(got, "feed") || !slices.Contains(got, "ask") {
			t.Errorf("commands %v, want /ask without /source, /digest, /feed", got)
		}
		if err := b.Run(context.Background(), Schedulers{Digests: schedule.New(b.DigestStore(), b.DigestPoster(), schedule.SystemClock{}, nil)}); err == nil {
			t.Error("Run without a curator ran a digest scheduler: digests would post while /digest is off")
		}
		if !strings.Contains(logs.String(), "/source, /digest, follow-ups and the daily digest are off") {
			t.Errorf("the log does not say what is off:\n%s", logs.String())
		}
	})

	t.Run("inconsistent wiring panics", func(t *testing.T) {
		poller := feeds.New(lib, &ingest.Fetcher{}, feeds.Options{})
		for name, deps := range map[string]Deps{
			"no library":              {Curator: lib},
			"feeds with no curator":   {Library: wrapped, Feeds: poller},
			"curator with no fetcher": {Library: wrapped, Curator: lib},
		} {
			func() {
				defer func() {
					if recover() == nil {
						t.Errorf("%s: New did not panic", name)
					}
				}()
				New(nil, deps, nil, Options{})
			}()
		}
	})
}
