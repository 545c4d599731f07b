package feeds

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	"sitrep/ingest"
)

// Describe says in a few words what went wrong with a feed, with no
// advice and no front end's wording: it is stored as the feed's last
// error, which the bot and the CLI show as they see fit.
func Describe(err error) string {
	var se *ingest.StatusError
	var dns *net.DNSError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &se):
		return fmt.Sprintf("the server answered %s", se.Status)
	case errors.Is(err, context.DeadlineExceeded):
		return "the site did not answer in time"
	case errors.As(err, &dns):
		return "the site's name could not be found"
	}
	return strings.TrimPrefix(strings.TrimPrefix(err.Error(), "ingest: "), "feeds: ")
}
