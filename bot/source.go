package bot

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"sitrep/ingest"
	"sitrep/internal/fromarticle"
	"sitrep/internal/textclip"
	"sitrep/search"
)

// Custom ids of /source's components.
const (
	// sourceListPrefix starts a listing's paging buttons: "source:list:<offset>".
	sourceListPrefix = "source:list:"
	// sourceRemovePrefix starts the confirm button: "source:rm:<source token>".
	sourceRemovePrefix = "source:rm:"
	// sourceKeepID is the cancel button of a removal.
	sourceKeepID = "source:keep"
	// sourceModalID is the modal for pasting a source.
	sourceModalID = "source:modal"
)

// Text inputs of the paste modal.
const (
	modalTitle     = "title"
	modalOutlet    = "outlet"
	modalURL       = "url"
	modalPublished = "published"
	modalText      = "text"
	// maxModalText is Discord's limit on a text input.
	maxModalText = 4000
)

// Rendering choices of /source.
const (
	// sourceListPage is how many sources a listing page shows.
	sourceListPage = 10
	// sourcePreviewRunes bounds the first sentences shown after an add.
	sourcePreviewRunes = 700
)

func (b *Bot) sourceCommand() command {
	return command{
		name:        "source",
		description: "Add, list or remove this server's sources",
		moderator:   true,
		options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "add",
				Description: "Add an article by link or file; with neither, paste it",
				Options: []*discordgo.ApplicationCommandOption{
					{Type: discordgo.ApplicationCommandOptionString, Name: "url", Description: "Link to the article", MaxLength: 2048},
					{Type: discordgo.ApplicationCommandOptionAttachment, Name: "file", Description: "A .txt, .md or .html file"},
					{Type: discordgo.ApplicationCommandOptionString, Name: "title", Description: "Use this title instead of the page's", MaxLength: 250},
					{Type: discordgo.ApplicationCommandOptionString, Name: "outlet", Description: "Use this outlet instead of the page's", MaxLength: 120},
				}},
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "list", Description: "List the sources this server can quote"},
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "remove", Description: "Remove a source and all its passages",
				Options: []*discordgo.ApplicationCommandOption{
					{Type: discordgo.ApplicationCommandOptionString, Name: "id", Description: "The source to remove",
						Required: true, Autocomplete: true},
				}},
		},
		handle:       b.handleSource,
		autocomplete: b.autocompleteOwnSource,
		components: map[string]handlerFunc{
			sourceListPrefix:   b.handleSourceListPage,
			sourceRemovePrefix: b.handleSourceRemoveConfirm,
			sourceKeepID:       b.handleSourceKeep,
			sourceModalID:      b.handleSourceModal,
		},
	}
}

// handleSource answers /source add, list and remove.
func (b *Bot) handleSource(ctx context.Context, i *discordgo.Interaction) error {
	sub, opts := subcommand(i)
	switch sub {
	case "add":
		return b.handleSourceAdd(ctx, i, opts)
	case "list":
		return b.reply(ctx, i, b.sourceList(i.GuildID, 0))
	case "remove":
		return b.handleSourceRemove(ctx, i, stringOption(opts, "id"))
	}
	return b.reply(ctx, i, plain("Use `/source add`, `/source list` or `/source remove`.", true))
}

// handleSourceAdd adds a source from a link or an attachment (deferred:
// fetching takes time), or opens the paste modal when given neither.
func (b *Bot) handleSourceAdd(ctx context.Context, i *discordgo.Interaction, opts map[string]*discordgo.ApplicationCommandInteractionDataOption) error {
	link := strings.TrimSpace(stringOption(opts, "url"))
	title := strings.TrimSpace(stringOption(opts, "title"))
	outlet := strings.TrimSpace(stringOption(opts, "outlet"))
	var att *discordgo.MessageAttachment
	if id := stringOption(opts, "file"); id != "" {
		if r := i.ApplicationCommandData().Resolved; r != nil {
			att = r.Attachments[id]
		}
		if att == nil {
			return b.reply(ctx, i, plain("I couldn't find the attached file. Please attach it again.", true))
		}
	}
	switch {
	case link != "" && att != nil:
		return b.reply(ctx, i, plain("Give a link or a file, not both.", true))
	case link == "" && att == nil:
		return b.openSourceModal(ctx, i, title, outlet)
	case att != nil && int64(att.Size) > ingest.DefaultMaxBytes:
		return b.reply(ctx, i, plain(fmt.Sprintf("%s is too large: at most %d MB.", escapeMarkdown(clip(att.Filename, 100)), ingest.DefaultMaxBytes>>20), true))
	}
	return b.deferPrivately(ctx, i, func(ctx context.Context) (message, error) {
		var (
			a   ingest.Article
			err error
		)
		if att != nil {
			a, err = b.fetchAttachment(ctx, att)
		} else {
			a, err = b.fetcher.Fetch(ctx, link)
		}
		if ingest.Refused(err) {
			// The moderator's link was refused by the rules: expected, and
			// explained to them; not a failure of the bot.
			b.log.Info("source refused", "guild", i.GuildID, "user", userID(i), "reason", err)
			return plain(ingestFailure(err), true), nil
		}
		if err != nil {
			return plain(ingestFailure(err), true), fmt.Errorf("bot: source add: %w", err)
		}
		src := fromarticle.Source(a, search.Source{Scope: i.GuildID, Title: title, Outlet: outlet, AddedBy: actor(i)})
		return b.addSource(ctx, i, src)
	})
}

// fetchAttachment downloads an attachment with the Fetcher's rules and
// reads it as a file: the attachment's address is no article link, and
// its host no outlet.
func (b *Bot) fetchAttachment(ctx context.Context, att *discordgo.MessageAttachment) (ingest.Article, error) {
	a, err := b.fetcher.Fetch(ctx, att.URL)
	if err != nil {
		return a, err
	}
	u, _ := url.Parse(att.URL)
	if a.URL == att.URL || (u != nil && a.URL == u.String()) {
		a.URL = ""
	}
	if u != nil && strings.EqualFold(a.Outlet, strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")) {
		a.Outlet = ""
	}
	if a.Title == "" {
		a.Title = strings.TrimSuffix(att.Filename, extOf(att.Filename))
	}
	return a, nil
}

func extOf(name string) string {
	if k := strings.LastIndex(name, "."); k > 0 {
		return name[k:]
	}
	return ""
}

// addSource adds src to the library and says what was stored, or why
// not; the follow-ups on the questions the new source answers are queued
// (sourceAdded), not posted here.
func (b *Bot) addSource(ctx context.Context, i *discordgo.Interaction, src search.Source) (message, error) {
	stored, rev, err := b.cur.AddOrUpdate(ctx, src)
	var dup *search.DuplicateError
	switch {
	case err == nil && rev != nil && !rev.Changed:
		return plain(duplicateText(&search.DuplicateError{Existing: stored, By: "unchanged"}, i.GuildID), true), nil
	case err == nil && rev != nil:
		// An outlet's update: the earlier text stays answerable, marked superseded.
		b.log.Info("source updated", "guild", i.GuildID, "source", stored.ID, "version", stored.Version)
		b.sourceAdded(ctx, stored.Scope, stored) // its new text may answer what was waiting
		return plain(fmt.Sprintf("Updated in this server's library: version %d, %s changed. Quotes from the earlier text stay answerable, marked as superseded.",
			stored.Version, plural(rev.Sentences, "sentence", "sentences")), true), nil
	case errors.As(err, &dup):
		return plain(duplicateText(dup, i.GuildID), true), nil
	case errors.Is(err, search.ErrEmptyText):
		return plain("I found no sentence to quote in it, so nothing was added.", true), nil
	case errors.Is(err, search.ErrTooLarge):
		return plain(fmt.Sprintf("The text is too long (at most %d MB), so nothing was added.", search.MaxTextBytes>>20), true), nil
	case errors.Is(err, search.ErrInvalid):
		return plain("I couldn't add it. "+userMessage(err)+". Nothing was added.", true), nil
	case errors.Is(err, search.ErrStoreBusy):
		// Busy says whether anything may have been stored.
		return plain(userMessage(err)+".", true), err
	case err != nil:
		return plain("Sorry, I couldn't store the source just now. Nothing was added; please try again in a moment.", true), err
	}
	b.log.Info("source added", "guild", i.GuildID, "source", stored.ID, "by", stored.AddedBy)
	m := renderAdded(stored, src.Text)
	// Queued, not posted here: the moderator's reply must not wait for
	// Discord's rate limits on every waiting question.
	b.sourceAdded(ctx, stored.Scope, stored)
	return m, nil
}

// renderAdded is the moderator's confirmation: what was stored and the
// first sentences.
func renderAdded(s search.Source, text string) message {
	var preview []string
	used := 0
	for _, sp := range search.Split(text) {
		sent := text[sp.Start:sp.End]
		if used > 0 && used+len(sent) > sourcePreviewRunes {
			break
		}
		preview = append(preview, sent)
		used += len(sent) + 1
		if len(preview) == 3 {
			break
		}
	}
	content := fmt.Sprintf("Added to this server's library: %s.", plural(s.Sentences, "sentence", "sentences"))
	return message{
		Content: content,
		Embeds: []*discordgo.MessageEmbed{{
			Title:       clip(escapeMarkdown(textclip.OneLine(s.Title)), maxEmbedTitle),
			URL:         linkURL(s.URL),
			Description: blockQuote(strings.Join(preview, " "), nil, sourcePreviewRunes+50),
			Color:       embedColor,
			Footer:      footer(citationLine(s.Ref())),
		}},
		Ephemeral: true,
	}
}

// duplicateText points to the source an added one duplicates.
func duplicateText(dup *search.DuplicateError, guild string) string {
	e := dup.Existing
	by := "the same text"
	switch dup.By {
	case "url":
		by = "the same link"
	case "unchanged":
		by = "the same link and text"
	}
	where := "this server's library"
	if e.Scope == search.SharedScope {
		where = "the shared library"
	}
	text := fmt.Sprintf("Already in %s with %s: “%s”", where, by, escapeMarkdown(clip(textclip.OneLine(e.Title), 150)))
	if e.Outlet != "" {
		text += " (" + escapeMarkdown(clip(textclip.OneLine(e.Outlet), 60)) + ")"
	}
	if e.AddedBy != "" && e.Scope == guild {
		text += ", added by " + addedByName(e.AddedBy)
	}
	if !e.AddedAt.IsZero() {
		text += fmt.Sprintf(" on <t:%d:d>", e.AddedAt.Unix())
	}
	return text + ". Nothing was added."
}

// ingestFailure words a fetch or extraction error for the moderator; the
// ingest errors say what was refused and why already.
func ingestFailure(err error) string {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "The page took too long to load, so nothing was added. Try again later, or paste the text with `/source add`."
	case errors.Is(err, context.Canceled):
		return "I stopped before the page was loaded; nothing was added."
	case ingest.Refused(err) && userMessage(err) != "":
		// The message quotes what the site sent (its status line, its
		// content type): text for the moderator, not Markdown.
		return escapeMarkdown(textclip.OneLine(userMessage(err))) + ". Nothing was added."
	}
	return "I couldn't fetch that page, so nothing was added. Check the link, or paste the text with `/source add`."
}

// autocompleteOwnSource suggests the server's own sources for /source
// remove: the shared ones cannot be removed. Members who may not remove
// get no suggestions: the list would show them what the moderators can
// manage, and autocomplete comes without the permission check commands
// get.
func (b *Bot) autocompleteOwnSource(ctx context.Context, i *discordgo.Interaction) error {
	if requireModerator(i, b.opts.ModRole) != nil {
		return b.respondChoices(ctx, i, nil)
	}
	typed := focusedValue(i)
	own, err := b.lib.FindSources(search.SourceSearch{Scope: i.GuildID, Prefix: typed, OwnOnly: true, Limit: maxChoices})
	if err != nil {
		b.respondChoices(ctx, i, nil) // the listing error is the one to log
		return err
	}
	return b.respondChoices(ctx, i, sourceChoices(own, typed))
}

// findOwnSource resolves a source token, id or exact title among guild's
// own sources; ok is false when none matches.
func (b *Bot) findOwnSource(guild, v string) (search.Source, bool, error) {
	if guild == search.SharedScope {
		return search.Source{}, false, nil
	}
	s, err := b.lib.SourceByName(guild, v, true)
	if errors.Is(err, search.ErrNotFound) {
		return search.Source{}, false, nil
	}
	if err != nil {
		return search.Source{}, false, fmt.Errorf("bot: find source: %w", err)
	}
	return s, true, nil
}

// handleSourceRemove asks to confirm the removal with a button.
func (b *Bot) handleSourceRemove(ctx context.Context, i *discordgo.Interaction, v string) error {
	s, ok, err := b.findOwnSource(i.GuildID, v)
	if err != nil {
		b.reply(ctx, i, plain("Sorry, I couldn't read the library just now. Please try again in a moment.", true)) // the read error is the one to log
		return err
	}
	if !ok {
		return b.reply(ctx, i, plain(fmt.Sprintf("This server has no source “%s”. Pick one from the list as you type; shared sources can't be removed.",
			escapeMarkdown(clip(textclip.OneLine(v), 100))), true))
	}
	return b.reply(ctx, i, message{
		Content: fmt.Sprintf("Remove this source and its %s from this server's library?", plural(s.Sentences, "passage", "passages")),
		Embeds:  []*discordgo.MessageEmbed{sourceEmbed(s)},
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: "Remove", Style: discordgo.DangerButton, CustomID: sourceRemovePrefix + sourceToken(s.ID)},
			discordgo.Button{Label: "Keep it", Style: discordgo.SecondaryButton, CustomID: sourceKeepID},
		}}},
		Ephemeral: true,
	})
}

// sourceEmbed describes one source: title, outlet, date, who added it.
func sourceEmbed(s search.Source) *discordgo.MessageEmbed {
	e := &discordgo.MessageEmbed{
		Title:  clip(escapeMarkdown(textclip.OneLine(orDefault(s.Title, s.ID))), maxEmbedTitle),
		URL:    linkURL(s.URL),
		Color:  embedColor,
		Footer: footer(citationLine(s.Ref())),
	}
	if s.AddedBy != "" {
		e.Description = "Added by " + addedByName(s.AddedBy)
		if !s.AddedAt.IsZero() {
			e.Description += fmt.Sprintf(" on <t:%d:f>", s.AddedAt.Unix())
		}
	}
	return e
}

// handleSourceRemoveConfirm removes the source once confirmed, replacing
// the question with the outcome.
func (b *Bot) handleSourceRemoveConfirm(ctx context.Context, i *discordgo.Interaction) error {
	token := strings.TrimPrefix(i.MessageComponentData().CustomID, sourceRemovePrefix)
	s, ok, err := b.findOwnSource(i.GuildID, token)
	if err != nil {
		b.reply(ctx, i, plain("Sorry, I couldn't read the library just now. Please try again in a moment.", true)) // the read error is the one to log
		return err
	}
	if !ok {
		return b.respond(ctx, i, discordgo.InteractionResponseUpdateMessage, plain("That source is no longer in this server's library; nothing to remove.", true))
	}
	removed, err := b.cur.Remove(ctx, i.GuildID, s.ID, actor(i))
	if errors.Is(err, search.ErrNotFound) {
		return b.respond(ctx, i, discordgo.InteractionResponseUpdateMessage, plain("That source is no longer in this server's library; nothing to remove.", true))
	}
	if err != nil {
		b.reply(ctx, i, plain("Sorry, I couldn't remove the source just now. Nothing changed; please try again.", true)) // the write error is the one to log
		return err
	}
	b.log.Info("source removed", "guild", i.GuildID, "source", removed.ID, "by", actor(i))
	return b.respond(ctx, i, discordgo.InteractionResponseUpdateMessage, plain(fmt.Sprintf("Removed “%s” and its %s.",
		escapeMarkdown(clip(textclip.OneLine(orDefault(removed.Title, "the source")), 150)), plural(removed.Sentences, "passage", "passages")), true))
}

// handleSourceKeep cancels a removal.
func (b *Bot) handleSourceKeep(ctx context.Context, i *discordgo.Interaction) error {
	return b.respond(ctx, i, discordgo.InteractionResponseUpdateMessage, plain("Nothing was removed.", true))
}

// handleSourceListPage shows another page of the listing.
func (b *Bot) handleSourceListPage(ctx context.Context, i *discordgo.Interaction) error {
	off, err := strconv.Atoi(strings.TrimPrefix(i.MessageComponentData().CustomID, sourceListPrefix))
	if err != nil || off < 0 {
		return b.reply(ctx, i, plain("This button no longer works. Use `/source list` again.", true))
	}
	return b.respond(ctx, i, discordgo.InteractionResponseUpdateMessage, b.sourceList(i.GuildID, off))
}

// sourceList renders one page of the sources visible in guild.
func (b *Bot) sourceList(guild string, offset int) message {
	p, err := b.lib.ListSources(guild, offset, sourceListPage)
	if err != nil {
		b.log.Error("listing sources failed", "guild", guild, "err", err)
		return plain("Sorry, I couldn't read the library just now. Please try again in a moment.", true)
	}
	return renderSourceList(p, guild, offset)
}

// renderSourceList is one page of a listing: title, outlet, who added
// each source and when, with paging buttons. Source ids are internal:
// /source remove finds a source by its title as the moderator types.
func renderSourceList(p search.SourcePage, guild string, offset int) message {
	if p.Total == 0 || len(p.Sources) == 0 {
		return plain("The library is empty. Add a source with `/source add`.", true)
	}
	if offset >= p.Total {
		offset = (p.Total - 1) / sourceListPage * sourceListPage
	}
	end := min(offset+len(p.Sources), p.Total)
	srcs, own := p.Sources, p.Own
	var lines []string
	for _, s := range srcs {
		line := "**" + escapeMarkdown(clip(textclip.OneLine(orDefault(s.Title, s.ID)), 120)) + "**"
		if s.Outlet != "" {
			line += " — " + escapeMarkdown(clip(textclip.OneLine(s.Outlet), 50))
		}
		by := "unknown"
		if s.AddedBy != "" {
			by = addedByName(s.AddedBy)
		}
		if s.Scope != guild {
			by += ", shared"
		}
		line += "\n  added by " + by
		if !s.AddedAt.IsZero() {
			line += fmt.Sprintf(" <t:%d:d>", s.AddedAt.Unix())
		}
		lines = append(lines, line)
	}
	m := message{
		Content: fmt.Sprintf("Sources %d–%d of %d (%d added in this server, %d shared)", offset+1, end, p.Total, own, p.Total-own),
		Embeds: []*discordgo.MessageEmbed{{
			Title:       "Library",
			Description: strings.Join(lines, "\n"),
			Color:       embedColor,
		}},
		Ephemeral: true,
	}
	if p.Total > sourceListPage {
		var prev, next string
		if offset > 0 {
			prev = sourceListPrefix + strconv.Itoa(max(0, offset-sourceListPage))
		}
		if end < p.Total {
			next = sourceListPrefix + strconv.Itoa(end)
		}
		m.Components = pageButtons(prev, next, "Next ▶")
	}
	return m
}

// addedByName is who added a source as a person reads it, never a raw
// user id: the member's name as their interaction carried it ("alice"
// of "alice (1234…)"), a mention where only the id is known (Discord
// shows it as their name; replies allow no mentions, so it pings no
// one), or what else added it.
func addedByName(addedBy string) string {
	addedBy = textclip.OneLine(addedBy)
	switch {
	case addedBy == "seed":
		return "the seeds"
	case addedBy == "cli":
		return "the command line"
	case strings.HasPrefix(addedBy, search.FeedActorPrefix):
		return "a feed"
	case isSnowflake(addedBy):
		return "<@" + addedBy + ">"
	}
	if i := strings.LastIndex(addedBy, " ("); i > 0 && strings.HasSuffix(addedBy, ")") && isSnowflake(addedBy[i+2:len(addedBy)-1]) {
		addedBy = addedBy[:i]
	}
	return escapeMarkdown(clip(addedBy, 80))
}

// isSnowflake: a Discord id, all digits.
func isSnowflake(s string) bool {
	if len(s) < 5 || len(s) > 20 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
