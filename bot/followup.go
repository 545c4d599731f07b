package bot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"sitrep/internal/textclip"
	"sitrep/search"
)

// Follow-ups: when a source is added, whoever asked a question it now
// answers is told. The work is not the moderator's: sourceAdded only
// queues it (in the library's store, so a restart loses nothing) and
// wakes the bot's follow-up worker, which posts one follow-up per question
// at Discord's pace (discordgo waits out each route's rate limit) and
// marks a question only once its asker was told.
const (
	// privateTokenLife is how long after a private /ask its interaction
	// token may still send the asker an ephemeral follow-up: Discord
	// keeps tokens for 15 minutes; the margin covers the work.
	privateTokenLife = 14 * time.Minute
	// followUpRetry is how long the worker waits before trying again
	// after Discord failed (5xx, 429, timeout).
	followUpRetry = time.Minute
	// followUpPostTimeout bounds one post, rate-limit waits included.
	followUpPostTimeout = 30 * time.Second
	// maxFollowUpMentions bounds the askers one public follow-up names.
	maxFollowUpMentions = 20
)

// followUps is the bot's follow-up worker state.
type followUps struct {
	wake  chan struct{} // buffered 1: a wake-up is never lost, never blocks
	retry time.Duration

	mu        sync.Mutex
	tokenLife time.Duration
	private   map[string]privateAsk // question id → the private ask's interaction
}

// privateAsk is a private question's interaction, while its token lives.
type privateAsk struct {
	i       *discordgo.Interaction
	expires time.Time
}

func newFollowUps() *followUps {
	return &followUps{wake: make(chan struct{}, 1), retry: followUpRetry, tokenLife: privateTokenLife,
		private: make(map[string]privateAsk)}
}

// sourceAdded is what the bot does when a source joins a server's library
// (by /source add, or a feed): it queues the follow-ups the source owes
// and returns at once. Errors are logged: the source is added either way.
func (b *Bot) sourceAdded(ctx context.Context, scope string, src search.Source) {
	if b.cur == nil {
		return
	}
	if err := b.cur.QueueFollowUps(scope, src.ID); err != nil {
		b.log.Error("queueing follow-ups failed", "guild", scope, "source", src.ID, "err", err)
		return
	}
	select {
	case b.follow.wake <- struct{}{}:
	default:
	}
}

// rememberPrivate keeps a private question's interaction while its token
// can still send an ephemeral follow-up.
func (b *Bot) rememberPrivate(questionID string, i *discordgo.Interaction) {
	if questionID == "" {
		return
	}
	f := b.follow
	now := time.Now()
	f.mu.Lock()
	defer f.mu.Unlock()
	for id, p := range f.private {
		if now.After(p.expires) {
			delete(f.private, id)
		}
	}
	f.private[questionID] = privateAsk{i: i, expires: now.Add(f.tokenLife)}
}

// livePrivate returns the interaction of one of the questions ids whose
// token still lives, or nil.
func (b *Bot) livePrivate(ids []string) *discordgo.Interaction {
	f := b.follow
	now := time.Now()
	f.mu.Lock()
	defer f.mu.Unlock()
	for k := len(ids) - 1; k >= 0; k-- { // the latest first
		if p, ok := f.private[ids[k]]; ok && now.Before(p.expires) {
			return p.i
		}
	}
	return nil
}

// runFollowUps is the follow-up worker: it works through the queue at
// start (what a previous run left), whenever woken, and after a failure
// every retry interval, until ctx ends.
func (b *Bot) runFollowUps(ctx context.Context) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-b.follow.wake:
		case <-timer.C:
		}
		if !b.drainFollowUps(ctx) {
			timer.Reset(b.follow.retry)
		}
	}
}

// drainFollowUps runs every queued job of the servers this shard owns; it
// reports false when one must be tried again later.
func (b *Bot) drainFollowUps(ctx context.Context) bool {
	jobs, err := b.cur.FollowUpJobs()
	if err != nil {
		b.log.Error("reading the follow-up queue failed", "err", err)
		return false
	}
	ok := true
	others := 0
	for _, j := range jobs {
		if ctx.Err() != nil {
			return false
		}
		if !b.opts.Shard.Owns(j.Scope) {
			// Another shard's server (the shared library's are shard
			// 0's): only its owner's index holds the sources that
			// answer, so only its owner may run the job and finish it.
			others++
			continue
		}
		if !b.runFollowUpJob(ctx, j) {
			ok = false
			continue
		}
		if err := b.cur.FinishFollowUpJob(j.ID); err != nil {
			b.log.Error("finishing a follow-up job failed", "job", j.ID, "err", err)
			ok = false
		}
	}
	if others > 0 {
		b.log.Debug("follow-up jobs left to the shards that own their servers", "jobs", others, "shard", b.opts.Shard)
	}
	return ok
}

// runFollowUpJob tells the askers of every question the job's source
// answers. It reports false when Discord failed in a way worth retrying.
func (b *Bot) runFollowUpJob(ctx context.Context, j search.FollowUpJob) bool {
	log := b.log.With("guild", j.Scope, "source", j.SourceID)
	fus, err := b.cur.FollowUps(ctx, search.Source{ID: j.SourceID, Scope: j.Scope})
	if err != nil {
		log.Error("finding follow-ups failed", "err", err)
		return false
	}
	for _, fu := range fus {
		told, err := b.deliverFollowUp(ctx, fu)
		if len(told) > 0 {
			if err := b.cur.MarkFollowedUp(j.Scope, told); err != nil {
				log.Error("marking follow-ups failed", "err", err)
				return false
			}
		}
		if err != nil {
			log.Warn("follow-up not delivered; will retry", "question", fu.Question.ID, "err", err)
			return false
		}
	}
	return true
}

// deliverFollowUp tells everyone who asked fu's question: the public
// askers together in the channel where it was last asked publicly, each
// private asker privately. It returns the ids of the question records
// whose askers were told, and an error only when Discord failed in a way
// worth retrying (a refusal is logged and skipped).
func (b *Bot) deliverFollowUp(ctx context.Context, fu search.FollowUp) ([]string, error) {
	var told []string
	var public []search.QuestionRecord
	private := map[string][]search.QuestionRecord{} // by user
	var users []string
	for _, rec := range fu.Asked {
		if rec.Private {
			if _, ok := private[rec.UserID]; !ok {
				users = append(users, rec.UserID)
			}
			private[rec.UserID] = append(private[rec.UserID], rec)
		} else if rec.ChannelID != "" {
			public = append(public, rec)
		}
	}
	if len(public) > 0 {
		latest := public[len(public)-1]
		pctx, cancel := context.WithTimeout(ctx, followUpPostTimeout)
		_, err := b.session.ChannelMessageSendComplex(latest.ChannelID, renderFollowUp(latest, askers(public), fu.Quote), discordgo.WithContext(pctx))
		cancel()
		switch {
		case err == nil:
			for _, r := range public {
				told = append(told, r.ID)
			}
			b.log.Info("followed up a question", "guild", latest.Scope, "channel", latest.ChannelID, "question", latest.ID, "askers", len(public))
		case retryable(err):
			return told, err
		default:
			b.log.Warn("follow-up refused by Discord", "guild", latest.Scope, "channel", latest.ChannelID, "question", latest.ID, "err", err)
		}
	}
	for _, user := range users {
		recs := private[user]
		ok, err := b.tellPrivately(ctx, user, recs, fu.Quote)
		if err != nil && retryable(err) {
			return told, err
		}
		if ok {
			for _, r := range recs {
				told = append(told, r.ID)
			}
		}
	}
	return told, nil
}

// tellPrivately tells the asker of private questions, and nobody else:
// by an ephemeral follow-up while the interaction token lives, else by a
// direct message; when neither works, nothing is said. It reports whether
// the asker was told.
func (b *Bot) tellPrivately(ctx context.Context, user string, recs []search.QuestionRecord, q search.Quote) (bool, error) {
	latest := recs[len(recs)-1]
	log := b.log.With("guild", latest.Scope, "question", latest.ID)
	m := renderPrivateFollowUp(latest, q)
	ids := make([]string, len(recs))
	for k, r := range recs {
		ids[k] = r.ID
	}
	pctx, cancel := context.WithTimeout(ctx, followUpPostTimeout)
	defer cancel()
	if i := b.livePrivate(ids); i != nil {
		d := m.responseData()
		params := &discordgo.WebhookParams{Content: d.Content, Embeds: d.Embeds, Flags: discordgo.MessageFlagsEphemeral,
			AllowedMentions: &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}}
		_, err := b.session.FollowupMessageCreate(i, false, params, discordgo.WithContext(pctx))
		if err == nil {
			log.Info("followed up a private question in an ephemeral message")
			return true, nil
		}
		log.Info("ephemeral follow-up failed; trying a direct message", "err", err)
	}
	if user == "" {
		return false, nil
	}
	ch, err := b.session.UserChannelCreate(user, discordgo.WithContext(pctx))
	if err == nil {
		_, err = b.session.ChannelMessageSendComplex(ch.ID, m.messageSend(), discordgo.WithContext(pctx))
	}
	if err != nil {
		if !retryable(err) {
			log.Info("could not tell the asker of a private question privately; nothing was posted", "err", err)
		}
		return false, err
	}
	log.Info("followed up a private question in a direct message")
	return true, nil
}

// retryable reports whether a Discord error may go away by itself: a
// server error, a rate limit, a timeout or a lost connection, as opposed
// to Discord refusing the request (missing access, unknown channel, DMs
// closed).
func retryable(err error) bool {
	var rest *discordgo.RESTError
	if errors.As(err, &rest) && rest.Response != nil {
		s := rest.Response.StatusCode
		return s >= 500 || s == http.StatusTooManyRequests
	}
	return err != nil
}

// askers returns the distinct users behind records, in order.
func askers(recs []search.QuestionRecord) []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range recs {
		if r.UserID != "" && !seen[r.UserID] {
			seen[r.UserID] = true
			out = append(out, r.UserID)
		}
	}
	return out
}

// renderFollowUp is the public follow-up: the askers mentioned (and only
// them), the question, and the quote that answers it.
func renderFollowUp(q search.QuestionRecord, users []string, quote search.Quote) *discordgo.MessageSend {
	who := "Earlier"
	mentions := &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}, Users: []string{}}
	if len(users) > maxFollowUpMentions {
		users = users[:maxFollowUpMentions]
	}
	if len(users) > 0 {
		tags := make([]string, len(users))
		for k, u := range users {
			tags[k] = "<@" + u + ">"
		}
		who = strings.Join(tags, ", ") + ", earlier"
		mentions.Users = users
	}
	m := message{
		Content: fmt.Sprintf("%s you asked “%s” (<t:%d:R>) and no source answered it then. One does now:",
			who, escapeMarkdown(clip(textclip.OneLine(q.Text), 300)), q.At.Unix()),
		Embeds: []*discordgo.MessageEmbed{renderQuote(quote, maxEmbedTotal-200)},
	}
	send := m.messageSend()
	send.AllowedMentions = mentions
	return send
}

// renderPrivateFollowUp is the follow-up to a private question, for the
// asker's eyes only.
func renderPrivateFollowUp(q search.QuestionRecord, quote search.Quote) message {
	return message{
		Content: fmt.Sprintf("Earlier you asked privately “%s” (<t:%d:R>) and no source answered it then. One does now:",
			escapeMarkdown(clip(textclip.OneLine(q.Text), 300)), q.At.Unix()),
		Embeds:    []*discordgo.MessageEmbed{renderQuote(quote, maxEmbedTotal-200)},
		Ephemeral: true,
	}
}
