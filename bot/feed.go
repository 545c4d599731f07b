package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
	"golang.org/x/text/language"
	numbers "golang.org/x/text/message"

	"sitrep/feeds"
	"sitrep/ingest"
	"sitrep/internal/textclip"
	"sitrep/search"
)

// Rendering limits of /feed: how many feeds one embed lists (one field
// each), the characters the fields of an embed share (Discord allows 6,000
// in all), and the most a field's name takes.
const (
	feedListMax     = 25
	feedEmbedBudget = 5600
	feedNameRunes   = 100
)

func (b *Bot) feedCommand() command {
	return command{
		name:        "feed",
		description: "Follow RSS or Atom feeds: new articles become sources by themselves",
		moderator:   true,
		options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "add",
				Description: "Follow a feed, or the feed a site announces",
				Options: []*discordgo.ApplicationCommandOption{
					{Type: discordgo.ApplicationCommandOptionString, Name: "url", Description: "Link to the feed or to the site",
						Required: true, MaxLength: 2048},
				}},
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "list", Description: "List the feeds this server follows and how they are doing"},
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "remove", Description: "Stop following a feed (its sources stay)",
				Options: []*discordgo.ApplicationCommandOption{
					{Type: discordgo.ApplicationCommandOptionString, Name: "id", Description: "The feed to stop following",
						Required: true, Autocomplete: true},
				}},
		},
		handle:       b.handleFeed,
		autocomplete: b.autocompleteFeed,
	}
}

// handleFeed answers /feed add, list and remove.
func (b *Bot) handleFeed(ctx context.Context, i *discordgo.Interaction) error {
	sub, opts := subcommand(i)
	switch sub {
	case "add":
		return b.handleFeedAdd(ctx, i, strings.TrimSpace(stringOption(opts, "url")))
	case "list":
		return b.handleFeedList(ctx, i)
	case "remove":
		return b.handleFeedRemove(ctx, i, strings.TrimSpace(stringOption(opts, "id")))
	}
	return b.reply(ctx, i, plain("Use `/feed add`, `/feed list` or `/feed remove`.", true))
}

// handleFeedAdd finds and checks the feed (deferred: it fetches), follows
// it, and wakes the schedule so its items arrive at once.
func (b *Bot) handleFeedAdd(ctx context.Context, i *discordgo.Interaction, link string) error {
	if link == "" {
		return b.reply(ctx, i, plain("Give the link of a feed, or of a site that has one.", true))
	}
	return b.deferPrivately(ctx, i, func(ctx context.Context) (message, error) {
		p, err := b.feeds.Add(ctx, i.GuildID, link, actor(i))
		var (
			exists *search.FeedExistsError
			limit  *feeds.LimitError
		)
		switch {
		case errors.Is(err, feeds.ErrCredentials):
			// The link is neither logged nor repeated: it holds a password.
			b.log.Info("feed refused: the link carries credentials", "guild", i.GuildID, "user", userID(i))
			return plain("That link carries a user name or password (`user:password@`). I only follow public feeds: "+
				"a password in the link would be stored and shown in `/feed list`. Nothing was followed. "+
				"If a password was in it, consider it seen by Discord and change it.", true), nil
		case errors.As(err, &limit):
			return plain(fmt.Sprintf("This server already follows %d feeds, the most it may. "+
				"Stop following one with `/feed remove`, then add this one.", limit.Max), true), nil
		case errors.As(err, &exists):
			return plain(fmt.Sprintf("This server already follows that feed: “%s”, feed `%s`.",
				escapeMarkdown(clip(textclip.OneLine(exists.Existing.Title), 150)), exists.Existing.ID), true), nil
		case errors.Is(err, feeds.ErrNotAFeed):
			return plain("I found no RSS, Atom or JSON feed at that link, and the page announces none. "+
				"Try the site's feed link (often ending in /feed, /rss or .xml).", true), nil
		case ingest.Refused(err) && userMessage(err) != "":
			b.log.Info("feed refused", "guild", i.GuildID, "user", userID(i), "reason", err)
			return plain(userMessage(err)+". Nothing was followed.", true), nil
		case errors.Is(err, context.DeadlineExceeded):
			return plain("The site took too long to answer, so nothing was followed. Try again later.", true), nil
		case err != nil:
			return plain("Sorry, I couldn't follow that feed just now. Nothing was followed; please try again in a moment.", true),
				fmt.Errorf("bot: feed add: %w", err)
		}
		b.log.Info("feed followed", "guild", i.GuildID, "feed", p.Feed.ID, "by", actor(i))
		b.feedSched.Wake()
		return renderFeedAdded(p, b.feeds.Interval()), nil
	})
}

// renderFeedAdded confirms a follow: the feed, and the latest items that
// the first check will take.
func renderFeedAdded(p feeds.Preview, every time.Duration) message {
	f := p.Feed
	e := &discordgo.MessageEmbed{
		Title:  clip(escapeMarkdown(textclip.OneLine(orDefault(f.Title, feeds.ShownURL(f.URL)))), maxEmbedTitle),
		URL:    linkURL(orDefault(f.Site, feeds.ShownURL(f.URL))),
		Footer: &discordgo.MessageEmbedFooter{Text: "feed " + f.ID + " · " + clip(feeds.ShownURL(f.URL), 200)},
	}
	var lines []string
	for _, it := range p.Latest {
		title := escapeMarkdown(clip(textclip.OneLine(orDefault(it.Title, it.Link)), 120))
		if u := linkURL(it.Link); u != "" {
			title = fmt.Sprintf("[%s](%s)", title, u)
		}
		lines = append(lines, "• "+title)
	}
	if len(lines) == 0 {
		e.Description = "*The feed has no items yet.*"
	} else {
		e.Description = "Latest items, which arrive as sources shortly:\n" + strings.Join(lines, "\n")
	}
	return message{
		Content: fmt.Sprintf("Following feed `%s`. I check it every %s; new articles become sources of this server, "+
			"and waiting questions they answer get a follow-up.", f.ID, humanDuration(every)),
		Embeds:    []*discordgo.MessageEmbed{e},
		Ephemeral: true,
	}
}

// handleFeedList shows the server's feeds: checked, last new, errors.
func (b *Bot) handleFeedList(ctx context.Context, i *discordgo.Interaction) error {
	list, err := b.feeds.List(i.GuildID)
	if err != nil {
		b.reply(ctx, i, plain("Sorry, I couldn't read the feeds just now. Please try again in a moment.", true)) // the read error is the one to log
		return err
	}
	return b.reply(ctx, i, renderFeedList(list))
}

// renderFeedList is /feed list: one field per feed. It is pure.
func renderFeedList(list []search.Feed) message {
	if len(list) == 0 {
		return plain("This server follows no feed. Add one with `/feed add`.", true)
	}
	e := &discordgo.MessageEmbed{Title: "Feeds followed by this server"}
	// Discord caps an embed at 6,000 characters: share them out.
	per := min(1024, feedEmbedBudget/min(len(list), feedListMax)-feedNameRunes)
	for k, f := range list {
		if k == feedListMax {
			e.Footer = &discordgo.MessageEmbedFooter{Text: fmt.Sprintf("and %d more", len(list)-feedListMax)}
			break
		}
		st := f.State
		var parts []string
		switch {
		case st.CheckedAt.IsZero():
			parts = append(parts, "not checked yet")
		default:
			parts = append(parts, fmt.Sprintf("checked <t:%d:R>", st.CheckedAt.Unix()))
		}
		if !st.NewAt.IsZero() {
			parts = append(parts, fmt.Sprintf("last new <t:%d:R>", st.NewAt.Unix()))
		}
		parts = append(parts, plural(st.Items, "source", "sources")+" so far")
		value := strings.Join(parts, " · ")
		if st.Failures > 0 {
			value += fmt.Sprintf("\n⚠️ failing since <t:%d:R> (%s): %s", st.FailingSince.Unix(),
				plural(st.Failures, "check", "checks"), escapeMarkdown(clip(textclip.OneLine(st.LastError), 200)))
		}
		link := feeds.ShownURL(f.URL)
		if len([]rune(value))+len([]rune(link))+1 <= per {
			value += "\n" + link
		}
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{
			Name:  clip(escapeMarkdown(clip(textclip.OneLine(orDefault(f.Title, link)), feedNameRunes-20))+" · `"+f.ID+"`", feedNameRunes),
			Value: clip(value, per),
		})
	}
	return message{Embeds: []*discordgo.MessageEmbed{e}, Ephemeral: true}
}

// handleFeedRemove stops following a feed of this server.
func (b *Bot) handleFeedRemove(ctx context.Context, i *discordgo.Interaction, id string) error {
	f, err := b.feeds.Remove(i.GuildID, id)
	if errors.Is(err, search.ErrFeedNotFound) {
		return b.reply(ctx, i, plain(fmt.Sprintf("This server follows no feed “%s”. Pick one from the list as you type.",
			escapeMarkdown(clip(textclip.OneLine(id), 100))), true))
	}
	if err != nil {
		b.reply(ctx, i, plain("Sorry, I couldn't remove the feed just now. Please try again in a moment.", true)) // the store error is the one to log
		return err
	}
	b.log.Info("feed removed", "guild", i.GuildID, "feed", f.ID, "by", actor(i))
	return b.reply(ctx, i, plain(fmt.Sprintf("Stopped following “%s” (`%s`). The %s it brought stay; remove any with `/source remove`.",
		escapeMarkdown(clip(textclip.OneLine(f.Title), 150)), f.ID, plural(f.State.Items, "source", "sources")), true))
}

// autocompleteFeed offers the server's feeds whose title, URL or id
// contains what was typed.
func (b *Bot) autocompleteFeed(ctx context.Context, i *discordgo.Interaction) error {
	typed := focusedValue(i)
	list, err := b.feeds.List(i.GuildID)
	if err != nil {
		b.respondChoices(ctx, i, nil) // the listing error is the one to log
		return err
	}
	needle := strings.ToLower(strings.TrimSpace(typed))
	var choices []*discordgo.ApplicationCommandOptionChoice
	for _, f := range list {
		link := feeds.ShownURL(f.URL)
		hay := strings.ToLower(f.Title + " " + link + " " + f.ID)
		if needle != "" && !strings.Contains(hay, needle) {
			continue
		}
		choices = append(choices, &discordgo.ApplicationCommandOptionChoice{
			Name:  clip(textclip.OneLine(orDefault(f.Title, link))+" ("+f.ID+")", 100),
			Value: f.ID,
		})
	}
	return b.respondChoices(ctx, i, choices)
}

// feedSourceAdded is what the feed schedule calls for each new source: the
// same as after /source add.
func (b *Bot) feedSourceAdded(ctx context.Context, s search.Source) {
	b.sourceAdded(ctx, s.Scope, s)
}

// postFeedNotice tells a server, in its digest channel, that one of its
// feeds keeps failing or works again. Without a digest channel the notice
// stays owed (the error says why) and /feed list shows the failure.
func (b *Bot) postFeedNotice(ctx context.Context, n feeds.Notice) error {
	s, ok, err := b.settingsInForce(n.Feed.Scope)
	if err != nil {
		return err
	}
	if !ok || s.ChannelID == "" {
		return fmt.Errorf("bot: no digest channel in %s for the notice about feed %s", n.Feed.Scope, n.Feed.ID)
	}
	if _, err := b.session.ChannelMessageSendComplex(s.ChannelID, renderFeedNotice(n).messageSend(), discordgo.WithContext(ctx)); err != nil {
		return fmt.Errorf("bot: post feed notice in %s: %w", s.ChannelID, err)
	}
	b.log.Info("feed notice posted", "guild", n.Feed.Scope, "feed", n.Feed.ID, "recovered", n.Recovered)
	return nil
}

// renderFeedNotice is the failure or recovery notice. It is pure.
func renderFeedNotice(n feeds.Notice) message {
	title := escapeMarkdown(clip(textclip.OneLine(orDefault(n.Feed.Title, feeds.ShownURL(n.Feed.URL))), 150))
	if n.Limit != nil {
		return message{Content: feedLimitNotice(n.Limit, title, n.Feed.ID)}
	}
	if n.Recovered {
		return message{Content: fmt.Sprintf("✅ The feed “%s” (`%s`) works again, after %s since <t:%d:f>. New articles will arrive as before.",
			title, n.Feed.ID, plural(n.Failures, "failed check", "failed checks"), n.Since.Unix())}
	}
	return message{Content: fmt.Sprintf("⚠️ The feed “%s” (`%s`) has failed %s since <t:%d:f>: %s.\n**How to fix it:** %s\nI keep trying, less often, and will say here when it works again. `/feed list` shows every feed's state.",
		title, n.Feed.ID, plural(n.Failures, "check in a row", "checks in a row"), n.Since.Unix(),
		escapeMarkdown(clip(textclip.OneLine(n.Err), 300)), feedFix(n.Cause))}
}

// feedLimitNotice tells moderators that the server's feeds reached a
// limit, what waits, and what they can do.
func feedLimitNotice(l *feeds.LimitError, title, id string) string {
	if l.Kind == feeds.LimitSourcesPerDay {
		return fmt.Sprintf("⏸️ This server's feeds brought %s sources today, the most they may in a day, so new articles "+
			"from “%s” (`%s`) and the other feeds wait. They arrive from the next day (UTC) on, if still in their feeds. "+
			"If this happens often, `/feed remove` the busiest feed (`/feed list` shows what each brings).", groupDigits(l.Max), title, id)
	}
	return fmt.Sprintf("⏸️ This server holds %s sources or more, the most feeds may fill it to, so “%s” (`%s`) and the other "+
		"feeds add nothing new. Remove sources you no longer need with `/source remove`, or stop feeds with `/feed remove`.",
		groupDigits(l.Max), title, id)
}

// groupDigits writes n with thousands separators: 20000 as "20,000".
func groupDigits(n int) string { return numbers.NewPrinter(language.English).Sprint(n) }

// feedFix says what a moderator (or the operator) can do about a feed's
// failure; the feeds package gives the cause, the bot words the advice.
func feedFix(err error) string {
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
	case errors.Is(err, feeds.ErrNotAFeed), errors.Is(err, ingest.ErrContentType):
		return "The address no longer serves a feed. Check the link in a browser and `/feed add` the right one."
	case errors.Is(err, context.DeadlineExceeded):
		return "The site is slow or down. The bot keeps trying, less often; nothing to do unless it lasts."
	}
	return "Check the feed's link in a browser. The bot keeps trying, less often, and says here when it works again."
}

// clipLines joins lines with newlines within limit runes, ending with
// "…and N more" when some had to go.
func clipLines(lines []string, limit int) string {
	var b strings.Builder
	for k, l := range lines {
		more := fmt.Sprintf("…and %d more", len(lines)-k)
		if len([]rune(b.String()))+len([]rune(l))+len([]rune(more))+2 > limit {
			b.WriteString(more)
			break
		}
		b.WriteString(l + "\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// humanDuration prints 15m0s as "15 minutes", 1h0m0s as "hour".
func humanDuration(d time.Duration) string {
	switch {
	case d == time.Hour:
		return "hour"
	case d%time.Hour == 0:
		return fmt.Sprintf("%d hours", d/time.Hour)
	case d%time.Minute == 0:
		return plural(int(d/time.Minute), "minute", "minutes")
	}
	return d.String()
}
