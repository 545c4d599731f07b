package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"sitrep/config"
	"sitrep/ingest"
	"sitrep/search"
)

// TestUserMessage pins the one way the bot words errors: the words an error
// carries for a user, found through wrapping, never its log form.
func TestUserMessage(t *testing.T) {
	_, clockErr := config.ParseClock("25:00")
	_, zoneErr := config.ParseTimezone("Mars/Olympus")
	_, linkErr := (&ingest.Fetcher{}).Fetch(context.Background(), "ftp://example.com/a")
	tests := []struct {
		name string
		err  error
		want string // "" when the error carries nothing for a user
	}{
		{"search validation", fmt.Errorf("bot: add: %w", &search.UserError{Message: "The id \"x y\" may hold only letters", Err: search.ErrInvalid}), "The id \"x y\" may hold only letters"},
		{"config clock", clockErr, "Invalid time of day \"25:00\": the hour must be 00-23"},
		{"config timezone", zoneErr, "Invalid timezone \"Mars/Olympus\""},
		{"ingest refusal", fmt.Errorf("feed: %w", linkErr), "Refused: \"ftp://example.com/a\" is not an http or https link"},
		{"store failure", fmt.Errorf("search: store sources: %w", errors.New("disk full")), ""},
		{"store busy", fmt.Errorf("search: store sources: %w", &search.StoreBusyError{Reason: "lock", Err: errors.New("SQLSTATE 55P03")}),
			"The library is busy: another Sitrep process is holding it. Nothing was changed"},
		{"store busy in the commit", &search.StoreBusyError{Reason: "deadline", MayHaveWritten: true, Err: context.DeadlineExceeded},
			"The library did not answer in time; the change may or may not have been saved"},
		{"nil", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := userMessage(tt.err)
			if tt.want == "" && got != "" || !strings.HasPrefix(got, tt.want) {
				t.Errorf("userMessage(%v) = %q, want %q…", tt.err, got, tt.want)
			}
			if strings.Contains(got, "search:") || strings.Contains(got, "ingest:") || strings.Contains(got, "config:") {
				t.Errorf("userMessage(%v) = %q shows a package prefix", tt.err, got)
			}
		})
	}
	if !errors.Is(clockErr, config.ErrInvalidClock) || !errors.Is(linkErr, ingest.ErrScheme) {
		t.Error("the user-facing errors no longer match their sentinels")
	}
}
