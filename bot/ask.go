package bot

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"sitrep/internal/textclip"
	"sitrep/search"
)

// askPagePrefix starts the custom_id of /ask's paging buttons:
// "ask:page:<questionID>:<offset>[:<source token>]". The question itself
// may be too long for a custom id (100 characters): the id of its log
// entry stands for it, and the quotes are computed again.
const askPagePrefix = "ask:page:"

// askClosestPrefix started the custom_id of the "Show closest passages"
// button cards once had: "ask:near:<questionID>[:<source token>]". Cards
// now show those passages themselves; the button is still answered on
// the cards already posted.
const askClosestPrefix = "ask:near:"

// errUnknownSource: the source option names no source in the scope.
var errUnknownSource = errors.New("bot: no such source")

func (b *Bot) askCommand() command {
	return command{
		name:        "ask",
		description: "Answer a question with exact quotes from the library's sources",
		options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionString, Name: "question", Description: "What do you want to know?",
				Required: true, MaxLength: search.MaxQuestionBytes},
			{Type: discordgo.ApplicationCommandOptionString, Name: "source", Description: "Answer from this source only",
				Autocomplete: true},
			{Type: discordgo.ApplicationCommandOptionBoolean, Name: "private", Description: "Show the answer only to you"},
		},
		limited:      true,
		handle:       b.handleAsk,
		autocomplete: b.autocompleteAsk,
		components:   map[string]handlerFunc{askPagePrefix: b.handleAskPage, askClosestPrefix: b.handleAskClosest},
	}
}

// handleAsk answers /ask: the first page of quotes, or a no-answer card.
// The question is logged with the asker (Query.Asker), for the digest and
// for follow-ups.
func (b *Bot) handleAsk(ctx context.Context, i *discordgo.Interaction) error {
	opts := options(i)
	question := stringOption(opts, "question")
	private := boolOption(opts, "private")
	if search.BlankQuestion(question) {
		return b.reply(ctx, i, plain("Please type a question, for example `/ask question: how many cameras were hacked?`", true))
	}
	scope := scopeOf(i)
	var sourceID string
	if v := strings.TrimSpace(stringOption(opts, "source")); v != "" {
		id, err := b.resolveSource(scope, v)
		if errors.Is(err, errUnknownSource) {
			return b.reply(ctx, i, plain(fmt.Sprintf("I don't know a source called “%s”. Pick one from the list as you type.", escapeMarkdown(clip(textclip.OneLine(v), 100))), true))
		}
		if err != nil {
			b.reply(ctx, i, plain("Sorry, I couldn't read the library just now. Please try again in a moment.", true)) // the lookup error is the one to log
			return err
		}
		sourceID = id
	}
	q := search.Query{
		Question: question,
		Scope:    scope,
		SourceID: sourceID,
		Asker:    &search.Asker{UserID: userID(i), ChannelID: i.ChannelID, Private: private},
	}
	p := page{Source: sourceToken(sourceID), Size: b.opts.PageSize}
	q.Limit = p.want()
	return b.answer(ctx, i, false, private, func(ctx context.Context) (message, error) {
		ans, err := b.lib.Ask(ctx, q)
		if err != nil {
			return message{}, err
		}
		if private {
			b.rememberPrivate(ans.QuestionID, i) // its follow-up goes to the asker only
		}
		p.QuestionID = ans.QuestionID
		return renderAnswer(ans, p), nil
	})
}

// handleAskPage answers a paging button: the question asked again,
// without logging it again, for the quotes after the best one at another
// offset. The asker's card is replaced; anyone else gets the page as a
// private message, so one reader cannot page the card away from the
// others (and pages their private copy in place).
func (b *Bot) handleAskPage(ctx context.Context, i *discordgo.Interaction) error {
	qid, offset, token, ok := parsePageCustomID(i.MessageComponentData().CustomID)
	if !ok {
		return b.reply(ctx, i, plain("This button no longer works. Ask again to get a fresh answer.", true))
	}
	q, rec, err := b.recallQuestion(ctx, i, qid, token)
	if err != nil || rec == nil {
		return err
	}
	p := page{QuestionID: qid, Source: token, Offset: offset, Size: b.opts.PageSize}
	q.Limit = p.want()
	update := rec.UserID == "" || rec.UserID == userID(i) ||
		(i.Message != nil && i.Message.Flags&discordgo.MessageFlagsEphemeral != 0)
	return b.answer(ctx, i, update, !update, func(ctx context.Context) (message, error) {
		ans, err := b.lib.Ask(ctx, q)
		if err != nil {
			return message{}, err
		}
		return renderAnswer(ans, p), nil
	})
}

// handleAskClosest answers "Show closest passages" on a card posted
// before cards showed them, privately to whoever pressed it: the card as
// it reads now, in its tier.
func (b *Bot) handleAskClosest(ctx context.Context, i *discordgo.Interaction) error {
	qid, token, ok := parseClosestCustomID(i.MessageComponentData().CustomID)
	if !ok {
		return b.reply(ctx, i, plain("This button no longer works. Ask again to get a fresh answer.", true))
	}
	q, rec, err := b.recallQuestion(ctx, i, qid, token)
	if err != nil || rec == nil {
		return err
	}
	p := page{QuestionID: qid, Source: token, Size: b.opts.PageSize}
	q.Limit = p.want()
	return b.answer(ctx, i, false, true, func(ctx context.Context) (message, error) {
		ans, err := b.lib.Ask(ctx, q)
		if err != nil {
			return message{}, err
		}
		return renderAnswer(ans, p), nil
	})
}

// recallQuestion finds the logged question a button refers to and the
// source its answer was restricted to, as a query to ask again. When it
// cannot, it tells the user why and returns a nil record (and the error
// to log, if any).
func (b *Bot) recallQuestion(ctx context.Context, i *discordgo.Interaction, qid, token string) (search.Query, *search.QuestionRecord, error) {
	scope := scopeOf(i)
	sorry := plain("Sorry, I couldn't read the library just now. Please try again in a moment.", true)
	rec, err := b.lib.Question(scope, qid)
	if errors.Is(err, search.ErrNotFound) {
		return search.Query{}, nil, b.reply(ctx, i, plain("I no longer have this question. Ask it again to get a fresh answer.", true))
	}
	if err != nil {
		b.reply(ctx, i, sorry) // the read error is the one to log
		return search.Query{}, nil, err
	}
	var sourceID string
	if token != "" {
		if sourceID, err = b.resolveSource(scope, token); err != nil {
			if errors.Is(err, errUnknownSource) {
				return search.Query{}, nil, b.reply(ctx, i, plain("The source of this answer was removed from the library.", true))
			}
			b.reply(ctx, i, sorry) // the lookup error is the one to log
			return search.Query{}, nil, err
		}
	}
	return search.Query{Question: rec.Text, Scope: scope, SourceID: sourceID}, &rec, nil
}

// autocompleteAsk suggests sources for the source option: those whose
// title, outlet or id contain what was typed (titles starting with it
// first), at most 25.
func (b *Bot) autocompleteAsk(ctx context.Context, i *discordgo.Interaction) error {
	typed := focusedValue(i)
	srcs, err := b.lib.FindSources(search.SourceSearch{Scope: scopeOf(i), Prefix: typed, Limit: maxChoices})
	if err != nil {
		b.respondChoices(ctx, i, nil) // the listing error is the one to log
		return err
	}
	return b.respondChoices(ctx, i, sourceChoices(srcs, typed))
}

// sourceChoices filters and ranks srcs for autocomplete.
func sourceChoices(srcs []search.Source, typed string) []*discordgo.ApplicationCommandOptionChoice {
	needle := strings.ToLower(strings.TrimSpace(typed))
	type scored struct {
		s    search.Source
		rank int
	}
	var hits []scored
	for _, s := range srcs {
		title, outlet, id := strings.ToLower(s.Title), strings.ToLower(s.Outlet), strings.ToLower(s.ID)
		rank := -1
		switch {
		case needle == "":
			rank = 2
		case strings.HasPrefix(title, needle) || strings.HasPrefix(outlet, needle) || strings.HasPrefix(id, needle):
			rank = 0
		case strings.Contains(title, needle) || strings.Contains(outlet, needle):
			rank = 1
		}
		if rank >= 0 {
			hits = append(hits, scored{s, rank})
		}
	}
	sort.SliceStable(hits, func(a, b int) bool { return hits[a].rank < hits[b].rank })
	choices := make([]*discordgo.ApplicationCommandOptionChoice, 0, min(len(hits), maxChoices))
	for _, h := range hits {
		if len(choices) == maxChoices {
			break
		}
		name := textclip.OneLine(orDefault(h.s.Title, h.s.ID))
		if o := textclip.OneLine(h.s.Outlet); o != "" {
			name = clip(name, maxChoiceName-3-runes(clip(o, 30))) + " — " + clip(o, 30)
		}
		choices = append(choices, &discordgo.ApplicationCommandOptionChoice{
			Name:  clip(name, maxChoiceName),
			Value: sourceToken(h.s.ID),
		})
	}
	return choices
}

// sourceToken is how a source id travels in custom ids and choice values:
// itself when short enough, else "~" and a hash of it.
func sourceToken(id string) string {
	if id == "" || len(id) <= 40 {
		return id
	}
	return search.SourceHandle(id)
}

// resolveSource turns what the source option (or a custom id) holds into
// a source id visible from scope: a source token, an id, or a title or
// outlet naming exactly one source. It returns errUnknownSource when
// nothing matches.
func (b *Bot) resolveSource(scope, v string) (string, error) {
	s, err := b.lib.SourceByName(scope, v, false)
	if err == nil {
		return s.ID, nil
	}
	if !errors.Is(err, search.ErrNotFound) {
		return "", fmt.Errorf("bot: find source: %w", err)
	}
	// What was typed rather than picked: a source it alone names.
	srcs, err := b.lib.FindSources(search.SourceSearch{Scope: scope, Prefix: v, Limit: 2})
	if err != nil {
		return "", fmt.Errorf("bot: find source: %w", err)
	}
	if len(srcs) == 1 {
		return srcs[0].ID, nil
	}
	return "", errUnknownSource
}

// pageCustomID is the custom_id of a paging button.
func pageCustomID(questionID string, offset int, token string) string {
	id := askPagePrefix + questionID + ":" + strconv.Itoa(offset)
	if token != "" {
		id += ":" + token
	}
	return id
}

// parseClosestCustomID reads the custom_id of a "Show closest passages"
// button; ok is false for anything else.
func parseClosestCustomID(id string) (questionID, token string, ok bool) {
	rest, found := strings.CutPrefix(id, askClosestPrefix)
	if !found {
		return "", "", false
	}
	questionID, token, hasToken := strings.Cut(rest, ":")
	if questionID == "" || (hasToken && token == "") {
		return "", "", false
	}
	return questionID, token, true
}

// parsePageCustomID reverses pageCustomID; ok is false for anything else.
func parsePageCustomID(id string) (questionID string, offset int, token string, ok bool) {
	rest, found := strings.CutPrefix(id, askPagePrefix)
	if !found {
		return "", 0, "", false
	}
	parts := strings.SplitN(rest, ":", 3)
	if len(parts) < 2 || parts[0] == "" {
		return "", 0, "", false
	}
	off, err := strconv.Atoi(parts[1])
	if err != nil || off < 0 || off > 10000 {
		return "", 0, "", false
	}
	if len(parts) == 3 {
		if parts[2] == "" {
			return "", 0, "", false
		}
		token = parts[2]
	}
	return parts[0], off, token, true
}
