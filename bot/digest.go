package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"sitrep/config"
	"sitrep/schedule"
	"sitrep/search"
)

// Digest rendering choices, within Discord's limits.
const (
	// digestColor is the accent of the digest's embeds (a calm green).
	digestColor = 0x3a8a5c
	// firstDigestSpan is what a server's first digest covers.
	firstDigestSpan = 24 * time.Hour
)

func (b *Bot) digestCommand() command {
	return command{
		name:        "digest",
		description: "Schedule the daily digest of new sources and questions",
		moderator:   true,
		options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "set", Description: "Post the digest every day in a channel",
				Options: []*discordgo.ApplicationCommandOption{
					{Type: discordgo.ApplicationCommandOptionChannel, Name: "channel", Description: "Where to post it", Required: true,
						ChannelTypes: []discordgo.ChannelType{discordgo.ChannelTypeGuildText, discordgo.ChannelTypeGuildNews}},
					{Type: discordgo.ApplicationCommandOptionString, Name: "time", Description: "Time of day, 24-hour HH:MM (e.g. 09:00)",
						MinLength: ptr(4), MaxLength: 5},
					{Type: discordgo.ApplicationCommandOptionString, Name: "timezone", Description: "IANA timezone, e.g. Europe/London",
						Autocomplete: true, MaxLength: 64},
				}},
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "off", Description: "Stop the daily digest"},
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "now", Description: "Post the digest now (it still comes at its time too)"},
		},
		handle:       b.handleDigest,
		autocomplete: b.autocompleteTimezone,
		// The digest is posted for everyone in its channel: any member
		// may read the rest of it.
		memberComponents: map[string]handlerFunc{digestMorePrefix: b.handleDigestMore},
	}
}

// handleDigestMore shows the member who pressed a digest's "More" the
// rest of that digest, privately: the same period, this server's library.
func (b *Bot) handleDigestMore(ctx context.Context, i *discordgo.Interaction) error {
	since, until, ok := parseDigestMoreCustomID(i.MessageComponentData().CustomID)
	if !ok || i.GuildID == "" {
		return b.reply(ctx, i, plain("This button no longer works. The next digest will have a fresh one.", true))
	}
	return b.deferPrivately(ctx, i, func(ctx context.Context) (message, error) {
		d, err := b.cur.DigestPeriod(ctx, i.GuildID, since, until)
		if err != nil {
			return plain("Sorry, I couldn't put the rest of the digest together just now. Please try again in a moment.", true),
				fmt.Errorf("bot: digest of %s for More: %w", i.GuildID, err)
		}
		return renderDigestMore(d), nil
	})
}

// handleDigest answers /digest set, off and now.
func (b *Bot) handleDigest(ctx context.Context, i *discordgo.Interaction) error {
	sub, opts := subcommand(i)
	switch sub {
	case "set":
		return b.handleDigestSet(ctx, i, opts)
	case "off":
		return b.handleDigestOff(ctx, i)
	case "now":
		return b.handleDigestNow(ctx, i)
	}
	return b.reply(ctx, i, plain("Use `/digest set`, `/digest off` or `/digest now`.", true))
}

// handleDigestSet stores the server's schedule (keeping the time or
// timezone not given) and wakes the scheduler.
func (b *Bot) handleDigestSet(ctx context.Context, i *discordgo.Interaction, opts map[string]*discordgo.ApplicationCommandInteractionDataOption) error {
	guild := i.GuildID
	channel := stringOption(opts, "channel")
	if _, err := config.ParseSnowflake(channel); err != nil {
		return b.reply(ctx, i, plain("Pick a text channel for the digest.", true))
	}
	// Discord's picker offers this server's channels, but the id comes
	// from the client: a channel of another server is refused.
	ch, err := b.session.Channel(channel, discordgo.WithContext(ctx))
	var rest *discordgo.RESTError
	switch {
	case errors.As(err, &rest) && rest.Response != nil && rest.Response.StatusCode < 500:
		return b.reply(ctx, i, plain("I can't see that channel. Pick a text channel of this server that I can read.", true))
	case err != nil:
		b.reply(ctx, i, plain("Sorry, I couldn't check that channel just now. Nothing changed; please try again.", true)) // the lookup error is the one to log
		return fmt.Errorf("bot: digest channel %s: %w", channel, err)
	case ch.GuildID != guild:
		return b.reply(ctx, i, plain("That channel is not in this server. Pick one of this server's text channels.", true))
	}
	cur, _, err := b.settingsInForce(guild)
	if err != nil {
		b.reply(ctx, i, plain("Sorry, I couldn't read the digest settings just now. Please try again in a moment.", true)) // the read error is the one to log
		return err
	}
	clock := b.opts.DigestTime
	if cur.Time != nil {
		clock = *cur.Time
	}
	if v := stringOption(opts, "time"); strings.TrimSpace(v) != "" {
		c, err := schedule.ParseTimeOfDay(v)
		if err != nil {
			return b.reply(ctx, i, plain(userMessage(err)+".", true))
		}
		clock = c
	}
	zone := schedule.ZoneOf(b.opts.Location)
	if cur.Timezone.Location() != nil {
		zone = cur.Timezone
	}
	if v := stringOption(opts, "timezone"); strings.TrimSpace(v) != "" {
		z, err := schedule.ParseZone(v)
		if err != nil {
			return b.reply(ctx, i, plain(userMessage(err)+".", true))
		}
		zone = z
	}
	set := search.DigestSettings{Scope: guild, ChannelID: channel, Time: &clock, Timezone: zone,
		Enabled: true, UpdatedBy: actor(i)}
	if err := b.cur.SetDigestSettings(set); err != nil {
		b.reply(ctx, i, plain("Sorry, I couldn't save the digest settings just now. Nothing changed.", true)) // the write error is the one to log
		return err
	}
	b.sched.Wake()
	text := fmt.Sprintf("The daily digest will be posted in <#%s> at %s (%s).", channel, clock, zone)
	st, _ := toSchedule(set)
	st.LastDay = cur.LastDay
	if next := schedule.Next(st, b.opts.Clock.Now()); !next.IsZero() {
		text += fmt.Sprintf(" Next one: <t:%d:F>.", next.Unix())
	}
	return b.reply(ctx, i, plain(text, true))
}

// handleDigestOff turns the server's digest off, keeping its channel and
// time for a later /digest set.
func (b *Bot) handleDigestOff(ctx context.Context, i *discordgo.Interaction) error {
	cur, _, err := b.settingsInForce(i.GuildID)
	if err != nil {
		b.reply(ctx, i, plain("Sorry, I couldn't read the digest settings just now. Please try again in a moment.", true)) // the read error is the one to log
		return err
	}
	cur.Scope = i.GuildID
	if cur.Time == nil {
		t := b.opts.DigestTime
		cur.Time = &t
	}
	if cur.Timezone.IsZero() {
		cur.Timezone = schedule.ZoneOf(b.opts.Location)
	}
	wasOn := cur.Enabled && cur.ChannelID != ""
	cur.Enabled = false
	cur.UpdatedBy = actor(i)
	if err := b.cur.SetDigestSettings(cur); err != nil {
		b.reply(ctx, i, plain("Sorry, I couldn't save the digest settings just now. Nothing changed.", true)) // the write error is the one to log
		return err
	}
	b.sched.Wake()
	if !wasOn {
		return b.reply(ctx, i, plain("The daily digest is off (it was not on).", true))
	}
	return b.reply(ctx, i, plain("The daily digest is off. `/digest set` turns it back on.", true))
}

// handleDigestNow posts the digest at once in the configured channel and
// tells the moderator how that went. It does not count as the day's
// digest, so the scheduled one still comes.
func (b *Bot) handleDigestNow(ctx context.Context, i *discordgo.Interaction) error {
	cur, ok, err := b.settingsInForce(i.GuildID)
	if err != nil {
		b.reply(ctx, i, plain("Sorry, I couldn't read the digest settings just now. Please try again in a moment.", true)) // the read error is the one to log
		return err
	}
	if !ok || cur.ChannelID == "" {
		return b.reply(ctx, i, plain("No digest channel is set. Choose one with `/digest set channel:`.", true))
	}
	return b.deferPrivately(ctx, i, func(ctx context.Context) (message, error) {
		n, err := b.postDigest(ctx, i.GuildID, cur.ChannelID)
		if err != nil {
			return plain(postFailure(err, cur.ChannelID), true), err
		}
		parts := ""
		if n > 1 {
			parts = fmt.Sprintf(" (in %d messages)", n)
		}
		return plain(fmt.Sprintf("Posted the digest in <#%s>%s.", cur.ChannelID, parts), true), nil
	})
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func times(n int) string {
	switch n {
	case 1:
		return "once"
	case 2:
		return "twice"
	}
	return fmt.Sprintf("%d times", n)
}

// commonTimezones are offered by /digest set's timezone autocomplete; any
// other IANA name typed in full is accepted too.
var commonTimezones = []string{
	"UTC",
	"Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Paris", "Europe/Berlin", "Europe/Amsterdam",
	"Europe/Brussels", "Europe/Madrid", "Europe/Rome", "Europe/Zurich", "Europe/Vienna", "Europe/Stockholm",
	"Europe/Oslo", "Europe/Copenhagen", "Europe/Helsinki", "Europe/Warsaw", "Europe/Prague", "Europe/Budapest",
	"Europe/Athens", "Europe/Bucharest", "Europe/Kyiv", "Europe/Istanbul", "Europe/Moscow",
	"Asia/Tehran", "Asia/Dubai", "Asia/Jerusalem", "Asia/Beirut", "Asia/Baghdad", "Asia/Riyadh", "Asia/Karachi",
	"Asia/Kolkata", "Asia/Dhaka", "Asia/Bangkok", "Asia/Jakarta", "Asia/Singapore", "Asia/Hong_Kong",
	"Asia/Shanghai", "Asia/Taipei", "Asia/Seoul", "Asia/Tokyo", "Asia/Manila",
	"Africa/Cairo", "Africa/Lagos", "Africa/Nairobi", "Africa/Johannesburg", "Africa/Casablanca",
	"America/New_York", "America/Toronto", "America/Chicago", "America/Mexico_City", "America/Denver",
	"America/Phoenix", "America/Los_Angeles", "America/Vancouver", "America/Anchorage", "America/Halifax",
	"America/Sao_Paulo", "America/Argentina/Buenos_Aires", "America/Bogota", "America/Lima", "America/Santiago",
	"Pacific/Honolulu", "Pacific/Auckland", "Australia/Sydney", "Australia/Melbourne", "Australia/Brisbane",
	"Australia/Adelaide", "Australia/Perth",
}

// autocompleteTimezone suggests timezones for /digest set: names
// containing what was typed (spaces read as underscores), those whose
// city starts with it first, at most 25.
func (b *Bot) autocompleteTimezone(ctx context.Context, i *discordgo.Interaction) error {
	typed := focusedValue(i)
	return b.respondChoices(ctx, i, timezoneChoices(typed))
}

// timezoneChoices filters commonTimezones by typed; a valid IANA name
// typed in full comes first even when it is not in the list.
func timezoneChoices(typed string) []*discordgo.ApplicationCommandOptionChoice {
	needle := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(typed), " ", "_"))
	var first, rest []string
	if _, err := schedule.ParseZone(typed); err == nil && needle != "" {
		first = append(first, strings.TrimSpace(typed))
	}
	for _, tz := range commonTimezones {
		l := strings.ToLower(tz)
		if len(first) > 0 && strings.EqualFold(tz, first[0]) {
			continue
		}
		city := l[strings.LastIndex(l, "/")+1:]
		switch {
		case needle == "" || strings.HasPrefix(city, needle) || strings.HasPrefix(l, needle):
			first = append(first, tz)
		case strings.Contains(l, needle):
			rest = append(rest, tz)
		}
	}
	all := append(first, rest...)
	choices := make([]*discordgo.ApplicationCommandOptionChoice, 0, min(len(all), maxChoices))
	for _, tz := range all {
		if len(choices) == maxChoices {
			break
		}
		choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: tz, Value: tz})
	}
	return choices
}
