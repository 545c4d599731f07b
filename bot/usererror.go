package bot

import "errors"

// userMessage returns the words err carries for a user: the UserMessage of
// the first error in its chain that has one (search.UserError, ingest's
// refusals, config's parse errors), clipped to fit a reply, or "" when none
// has. It is the one place the bot turns an error into user text; the whole
// error goes to the log, never to the user.
func userMessage(err error) string {
	var u interface{ UserMessage() string }
	if !errors.As(err, &u) {
		return ""
	}
	return clip(u.UserMessage(), 400)
}
