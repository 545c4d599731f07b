package bot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"sitrep/bot/schedule"
	"sitrep/config"
	"sitrep/search"
)

// Digest rendering choices, within Discord's limits.
const (
	// digestSummaryRunes bounds a new source's summary block.
	digestSummaryRunes = 900
	// digestQuoteRunes bounds a top question's quote.
	digestQuoteRunes = 900
	// digestUnansweredRunes bounds the list of unanswered questions.
	digestUnansweredRunes = 3000
	// digestQuestionRunes bounds one question where it is listed.
	digestQuestionRunes = 200
	// digestColor is the accent of the digest's embeds (a calm green).
	digestColor = 0x3a8a5c
	// firstDigestSpan is what a server's first digest covers.
	firstDigestSpan = 24 * time.Hour
)

// Discord's error codes the digest explains to moderators.
const (
	codeUnknownChannel     = 10003
	codeMissingAccess      = 50001
	codeMissingPermissions = 50013
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
	}
}

func ptr[T any](v T) *T { return &v }

// subcommand returns the subcommand of a command with subcommands and its
// options by name.
func subcommand(i *discordgo.Interaction) (string, map[string]*discordgo.ApplicationCommandInteractionDataOption) {
	out := make(map[string]*discordgo.ApplicationCommandInteractionDataOption)
	data := i.ApplicationCommandData()
	if len(data.Options) == 0 || data.Options[0].Type != discordgo.ApplicationCommandOptionSubCommand {
		return "", out
	}
	for _, o := range data.Options[0].Options {
		out[o.Name] = o
	}
	return data.Options[0].Name, out
}

// actor is how the audit log and the listings name whoever caused i:
// "username (id)".
func actor(i *discordgo.Interaction) string {
	var u *discordgo.User
	switch {
	case i.Member != nil && i.Member.User != nil:
		u = i.Member.User
	case i.User != nil:
		u = i.User
	default:
		return ""
	}
	if u.Username == "" {
		return u.ID
	}
	return u.Username + " (" + u.ID + ")"
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
	if cur.Time != "" {
		if c, err := config.ParseClock(cur.Time); err == nil {
			clock = c
		}
	}
	if v := stringOption(opts, "time"); strings.TrimSpace(v) != "" {
		c, err := config.ParseClock(v)
		if err != nil {
			return b.reply(ctx, i, plain(userMessage(err)+".", true))
		}
		clock = c
	}
	loc := b.opts.Location
	if cur.Timezone != "" {
		if l, err := config.ParseTimezone(cur.Timezone); err == nil {
			loc = l
		}
	}
	if v := stringOption(opts, "timezone"); strings.TrimSpace(v) != "" {
		l, err := config.ParseTimezone(v)
		if err != nil {
			return b.reply(ctx, i, plain(userMessage(err)+".", true))
		}
		loc = l
	}
	set := search.DigestSettings{Scope: guild, ChannelID: channel, Time: clock.String(), Timezone: loc.String(),
		Enabled: true, UpdatedBy: actor(i)}
	if err := b.cur.SetDigestSettings(set); err != nil {
		b.reply(ctx, i, plain("Sorry, I couldn't save the digest settings just now. Nothing changed.", true)) // the write error is the one to log
		return err
	}
	b.sched.Wake()
	text := fmt.Sprintf("The daily digest will be posted in <#%s> at %s (%s).", channel, clock, loc)
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
	if cur.Time == "" {
		cur.Time = b.opts.DigestTime.String()
	}
	if cur.Timezone == "" {
		cur.Timezone = b.opts.Location.String()
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

// deferPrivately acknowledges i at once with a private "thinking…"
// (callback type 5), runs work and edits what it returns in. work returns
// what the user sees and, separately, an error for the log.
func (b *Bot) deferPrivately(ctx context.Context, i *discordgo.Interaction, work func(ctx context.Context) (message, error)) error {
	deferredAt := time.Now()
	err := b.session.InteractionRespond(i, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral},
	}, discordgo.WithContext(ctx))
	if err != nil {
		return fmt.Errorf("bot: defer: %w", err)
	}
	b.opts.Metrics.Deferred()
	m, workErr := work(ctx)
	m.Ephemeral = true
	rctx, cancel := b.replyContext(ctx, deferredAt)
	defer cancel()
	if err := b.deliverDeferred(rctx, i, m); err != nil {
		return errors.Join(workErr, err)
	}
	return workErr
}

// postFailure says in a sentence why a post to channel failed.
func postFailure(err error, channel string) string {
	var rest *discordgo.RESTError
	if errors.As(err, &rest) {
		code := 0
		if rest.Message != nil {
			code = rest.Message.Code
		}
		switch {
		case code == codeMissingPermissions || (code == 0 && rest.Response != nil && rest.Response.StatusCode == http.StatusForbidden):
			return fmt.Sprintf("I can't post in <#%s>: missing permission. I need View Channel, Send Messages and Embed Links there.", channel)
		case code == codeMissingAccess:
			return fmt.Sprintf("I can't post in <#%s>: missing access, I can't see that channel.", channel)
		case code == codeUnknownChannel:
			return fmt.Sprintf("I can't post in <#%s>: the channel no longer exists. Choose another with `/digest set`.", channel)
		case rest.Message != nil && rest.Message.Message != "":
			return fmt.Sprintf("I couldn't post in <#%s>: Discord said “%s”.", channel, clip(oneLine(rest.Message.Message), 200))
		}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Sprintf("I couldn't post in <#%s> in time. Please try again in a moment.", channel)
	}
	return fmt.Sprintf("I couldn't post the digest in <#%s> just now. Please try again in a moment.", channel)
}

// postDigest renders guild's digest since its last post (or of the last
// 24 hours) and posts it in channel, in as many messages as Discord's
// limits need. It returns how many were posted; on an error, the ones
// before it were.
func (b *Bot) postDigest(ctx context.Context, guild, channel string) (int, error) {
	stored, _, err := b.cur.DigestSettings(guild)
	if err != nil {
		return 0, fmt.Errorf("bot: digest settings of %s: %w", guild, err)
	}
	since := stored.LastPostedAt
	if since.IsZero() {
		since = b.opts.Clock.Now().Add(-firstDigestSpan)
	}
	d, err := b.cur.Digest(ctx, guild, since)
	if err != nil {
		return 0, fmt.Errorf("bot: digest of %s: %w", guild, err)
	}
	msgs := renderDigest(d)
	for n, m := range msgs {
		if _, err := b.session.ChannelMessageSendComplex(channel, m.messageSend(), discordgo.WithContext(ctx)); err != nil {
			return n, fmt.Errorf("bot: post digest part %d/%d in %s: %w", n+1, len(msgs), channel, err)
		}
	}
	b.opts.Metrics.DigestPosted()
	return len(msgs), nil
}

// messageSend converts m for a channel message, enforcing Discord's
// limits. Mentions are disabled: quotes may contain "@everyone".
func (m message) messageSend() *discordgo.MessageSend {
	fitLimits(&m)
	return &discordgo.MessageSend{
		Content:         m.Content,
		Embeds:          m.Embeds,
		Components:      m.Components,
		AllowedMentions: &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}},
	}
}

// settingsInForce returns guild's digest settings: the stored ones once
// its moderators set any, else the Options defaults for Options.GuildID's
// server, else ok false. LastDay and LastPostedAt are always the stored
// ones.
func (b *Bot) settingsInForce(guild string) (s search.DigestSettings, ok bool, err error) {
	stored, found, err := b.cur.DigestSettings(guild)
	if err != nil {
		return search.DigestSettings{}, false, fmt.Errorf("bot: digest settings of %s: %w", guild, err)
	}
	s, ok = b.inForce(guild, stored, found)
	return s, ok, nil
}

func (b *Bot) inForce(guild string, stored search.DigestSettings, found bool) (search.DigestSettings, bool) {
	// MarkDigestPosted alone leaves a record without channel or time: the
	// moderators chose nothing yet.
	if found && (stored.ChannelID != "" || stored.Time != "" || stored.Timezone != "" || stored.UpdatedBy != "") {
		return stored, true
	}
	if guild == "" || guild != b.opts.GuildID || b.opts.DigestChannel == "" {
		return stored, false
	}
	return search.DigestSettings{
		Scope: guild, ChannelID: b.opts.DigestChannel, Time: b.opts.DigestTime.String(),
		Timezone: b.opts.Location.String(), Enabled: true,
		LastDay: stored.LastDay, LastPostedAt: stored.LastPostedAt,
	}, true
}

// toSchedule converts stored settings for the scheduler.
func toSchedule(s search.DigestSettings) (schedule.Settings, error) {
	out := schedule.Settings{GuildID: s.Scope, ChannelID: s.ChannelID, Enabled: s.Enabled, LastDay: s.LastDay}
	c, err := config.ParseClock(s.Time)
	if err != nil {
		return out, fmt.Errorf("bot: digest time of %s: %w", s.Scope, err)
	}
	loc, err := config.ParseTimezone(s.Timezone)
	if err != nil {
		return out, fmt.Errorf("bot: digest timezone of %s: %w", s.Scope, err)
	}
	out.Time, out.Location = c, loc
	return out, nil
}

// digestStore is the scheduler's view of the library's digest settings.
type digestStore struct{ b *Bot }

// Schedules returns the settings in force of every server with any,
// the Options defaults included.
func (s digestStore) Schedules(_ context.Context) ([]schedule.Settings, error) {
	all, err := s.b.cur.AllDigestSettings()
	if err != nil {
		return nil, fmt.Errorf("bot: digest settings: %w", err)
	}
	stored := make(map[string]search.DigestSettings, len(all))
	for _, d := range all {
		stored[d.Scope] = d
	}
	guilds := make([]string, 0, len(stored)+1)
	for g := range stored {
		guilds = append(guilds, g)
	}
	if g := s.b.opts.GuildID; g != "" {
		if _, ok := stored[g]; !ok {
			guilds = append(guilds, g)
		}
	}
	out := make([]schedule.Settings, 0, len(guilds))
	for _, guild := range guilds {
		if !s.b.opts.Shard.Owns(guild) {
			continue // another shard posts it
		}
		d, found := stored[guild]
		eff, ok := s.b.inForce(guild, d, found)
		if !ok {
			continue
		}
		st, err := toSchedule(eff)
		if err != nil {
			s.b.log.Warn("digest settings unusable; no digest for this server", "guild", guild, "err", err)
			continue
		}
		out = append(out, st)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].GuildID < out[j].GuildID })
	return out, nil
}

// MarkPosted records the posted day in the library.
func (s digestStore) MarkPosted(_ context.Context, guildID, day string, at time.Time) error {
	return s.b.cur.MarkDigestPosted(guildID, day, at)
}

// digestPoster posts a scheduled digest.
type digestPoster struct{ b *Bot }

// PostDigest renders and posts guild's digest.
func (p digestPoster) PostDigest(ctx context.Context, s schedule.Settings, _ string) error {
	_, err := p.b.postDigest(ctx, s.GuildID, s.ChannelID)
	return err
}

// renderDigest turns a digest into the messages posted: a header with the
// counts, then one embed per new source (its summary), one per most-asked
// question (its best quote) and one listing the questions without an
// answer, packed into as few messages as Discord's limits allow. A period
// with nothing new is one short line. It is pure: a golden file pins it.
func renderDigest(d search.Digest) []message {
	since := fmt.Sprintf("<t:%d:f>", d.Since.Unix())
	if d.Empty() {
		return []message{{Content: fmt.Sprintf("**Daily digest** · Nothing new since %s. The library holds %s.",
			since, plural(d.Counts.Sources, "source", "sources"))}}
	}
	var head strings.Builder
	fmt.Fprintf(&head, "**Daily digest** · since %s\n", since)
	fmt.Fprintf(&head, "%s added · %s in the library · %s asked", plural(len(d.NewSources), "new source", "new sources"),
		plural(d.Counts.Sources, "source", "sources"), plural(d.Counts.Questions, "question", "questions"))
	if d.Counts.Questions > 0 {
		fmt.Fprintf(&head, ", %d%% answered", (d.Counts.Answered*100+d.Counts.Questions/2)/d.Counts.Questions)
	}

	var embeds []*discordgo.MessageEmbed
	for _, s := range d.NewSources {
		embeds = append(embeds, digestSourceEmbed(s))
	}
	if len(d.FromFeeds) > 0 {
		embeds = append(embeds, feedsDigestEmbed(d.FromFeeds))
	}
	for _, q := range d.TopQuestions {
		embeds = append(embeds, digestQuestionEmbed(q))
	}
	if len(d.Unanswered) > 0 {
		embeds = append(embeds, unansweredEmbed(d.Unanswered))
	}
	return packEmbeds(head.String(), embeds)
}

func digestSourceEmbed(s search.DigestSource) *discordgo.MessageEmbed {
	desc := "*No summary.*"
	if len(s.Summary) > 0 {
		desc = blockQuote(strings.Join(s.Summary, " "), nil, digestSummaryRunes)
	}
	return &discordgo.MessageEmbed{
		Author:      &discordgo.MessageEmbedAuthor{Name: "New source"},
		Title:       clip(escapeMarkdown(oneLine(orDefault(s.Source.Title, s.Source.ID))), maxEmbedTitle),
		URL:         linkURL(s.Source.URL),
		Description: desc,
		Color:       digestColor,
		Footer:      footer(citationLine(s.Source.Ref())),
	}
}

func digestQuestionEmbed(q search.DigestQuestion) *discordgo.MessageEmbed {
	e := &discordgo.MessageEmbed{
		Author: &discordgo.MessageEmbedAuthor{Name: "Asked " + times(q.Count)},
		Title:  clip(escapeMarkdown(oneLine(q.Question)), maxEmbedTitle),
		Color:  embedColor,
	}
	if q.Best != nil {
		e.Description = blockQuote(q.Best.Text, q.Best.Highlights, digestQuoteRunes)
		e.URL = linkURL(q.Best.Source.URL)
		e.Footer = footer(citationLine(q.Best.Source))
	}
	return e
}

func unansweredEmbed(qs []search.DigestQuestion) *discordgo.MessageEmbed {
	var lines []string
	used := 0
	for k, q := range qs {
		line := "• " + escapeMarkdown(clip(oneLine(q.Question), digestQuestionRunes))
		if q.Count > 1 {
			line += " (" + times(q.Count) + ")"
		}
		if used+runes(line)+1 > digestUnansweredRunes-20 {
			lines = append(lines, fmt.Sprintf("and %d more", len(qs)-k))
			break
		}
		lines = append(lines, line)
		used += runes(line) + 1
	}
	return &discordgo.MessageEmbed{
		Title:       "No answer yet",
		Description: strings.Join(lines, "\n") + "\n\nA moderator can add a source that covers them with `/source add`.",
		Color:       noAnswerColor,
	}
}

// packEmbeds spreads embeds over messages of at most maxEmbeds embeds and
// maxEmbedTotal characters each, in order; the first carries head.
func packEmbeds(head string, embeds []*discordgo.MessageEmbed) []message {
	msgs := []message{{Content: head}}
	total := 0
	for _, e := range embeds {
		e = fitEmbed(e)
		last := &msgs[len(msgs)-1]
		if n := embedTotal(e); len(last.Embeds) > 0 && (len(last.Embeds) == maxEmbeds || total+n > maxEmbedTotal) {
			msgs = append(msgs, message{})
			last, total = &msgs[len(msgs)-1], 0
		}
		last.Embeds = append(last.Embeds, e)
		total += embedTotal(e)
	}
	if len(msgs) > 1 {
		for k := 1; k < len(msgs); k++ {
			msgs[k].Content = fmt.Sprintf("**Daily digest** (continued, %d/%d)", k+1, len(msgs))
		}
	}
	return msgs
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
	var typed string
	if data := i.ApplicationCommandData(); len(data.Options) > 0 {
		for _, o := range data.Options[0].Options {
			if o.Focused {
				typed, _ = o.Value.(string)
			}
		}
	}
	return b.respondChoices(ctx, i, timezoneChoices(typed))
}

// timezoneChoices filters commonTimezones by typed; a valid IANA name
// typed in full comes first even when it is not in the list.
func timezoneChoices(typed string) []*discordgo.ApplicationCommandOptionChoice {
	needle := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(typed), " ", "_"))
	var first, rest []string
	if _, err := config.ParseTimezone(typed); err == nil && needle != "" {
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
