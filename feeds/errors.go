package feeds

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	"sitrep/ingest"
)

// Describe says in a sentence what went wrong with a feed, for /feed list,
// the failure notice and `sitrep feed poll`.
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

// Fix says what a moderator (or the operator) can do about err.
func Fix(err error) string {
	var se *ingest.StatusError
	switch {
	case errors.As(err, &se) && (se.Code == 404 || se.Code == 410):
		return "The feed may have moved: open the site, find its new feed link, `/feed add` it and `/feed remove` this one."
	case errors.As(err, &se) && (se.Code == 401 || se.Code == 403):
		return "The site refuses the bot. Check that the feed is public; if it is not, remove it with `/feed remove`."
	case errors.As(err, &se) && (se.Code == 429 || se.Code == 503):
		return "The site asks for fewer visits; the bot already waits longer between checks. Nothing to do unless it lasts."
	case errors.As(err, &se):
		return "The site is having trouble. The bot keeps trying, less often; remove the feed if the site is gone."
	case errors.Is(err, ingest.ErrPrivateAddress):
		return "The feed is on a private address. The bot's operator can allow intranet feeds with SITREP_ALLOW_PRIVATE_URLS=1."
	case errors.Is(err, ingest.ErrTooLarge):
		return "The feed is larger than the bot reads. Ask the site for a shorter feed, or follow a section's feed instead."
	case errors.Is(err, ErrNotAFeed), errors.Is(err, ingest.ErrContentType):
		return "The address no longer serves a feed. Check the link in a browser and `/feed add` the right one."
	case errors.Is(err, context.DeadlineExceeded):
		return "The site is slow or down. The bot keeps trying, less often; nothing to do unless it lasts."
	}
	return "Check the feed's link in a browser. The bot keeps trying, less often, and says here when it works again."
}
