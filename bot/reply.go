package bot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/bwmarrin/discordgo"
)

// A deferred reply is the user's only answer: one Discord 500 on the edit
// used to leave "thinking…" for good. The edit is retried with backoff
// while the interaction token lives, then the reply goes out as a
// follow-up message instead.
const (
	// interactionTokenLife is how long Discord accepts edits and
	// follow-ups with an interaction's token.
	interactionTokenLife = 15 * time.Minute
	// editRetryFirst and editRetryMax bound the backoff between edits.
	editRetryFirst = 200 * time.Millisecond
	editRetryMax   = 20 * time.Second
	// DefaultReplyRetry is how long a reply keeps retrying its edit
	// before it falls back to a follow-up (well inside the token's life).
	DefaultReplyRetry = 2 * time.Minute
)

// replyContext is the context for delivering a reply whose work is done:
// not ended by the handler's deadline (the work may have used it up), but
// by the token's life, Options.ReplyRetry and the bot's shutdown.
func (b *Bot) replyContext(ctx context.Context, deferredAt time.Time) (context.Context, context.CancelFunc) {
	deadline := deferredAt.Add(interactionTokenLife - 30*time.Second)
	if budget := time.Now().Add(b.opts.ReplyRetry); budget.Before(deadline) {
		deadline = budget
	}
	rctx, cancel := context.WithDeadline(context.WithoutCancel(ctx), deadline)
	b.mu.Lock()
	base := b.base
	b.mu.Unlock()
	stop := context.AfterFunc(base, cancel)
	return rctx, func() { stop(); cancel() }
}

// waitRateLimit runs call without discordgo's own 429 handling (an
// uninterruptible sleep) and waits out a rate limit itself, as long as ctx
// allows. Other errors come back as they are.
func waitRateLimit(ctx context.Context, call func(opts ...discordgo.RequestOption) error) error {
	for {
		err := call(discordgo.WithContext(ctx), discordgo.WithRetryOnRatelimit(false))
		var rl *discordgo.RateLimitError
		if !errors.As(err, &rl) {
			return err
		}
		t := time.NewTimer(max(rl.RetryAfter, 10*time.Millisecond))
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("%w (while rate limited for %v)", ctx.Err(), rl.RetryAfter)
		case <-t.C:
		}
	}
}

// deliverDeferred puts m in the deferred reply to i: it edits the original
// response, retrying with backoff on errors that may pass (5xx, a lost
// connection; a 429 is waited out) until ctx ends, then posts m as a
// follow-up message instead. It returns nil once either reached Discord.
func (b *Bot) deliverDeferred(ctx context.Context, i *discordgo.Interaction, m message) error {
	edit := m.webhookEdit()
	backoff := editRetryFirst
	var editErr error
	for {
		editErr = waitRateLimit(ctx, func(opts ...discordgo.RequestOption) error {
			return b.editOriginal(i, edit, opts...)
		})
		if editErr == nil {
			return nil
		}
		if !retryable(editErr) || ctx.Err() != nil {
			break
		}
		if d, ok := ctx.Deadline(); ok && time.Until(d) < backoff {
			break
		}
		b.log.Warn("editing a deferred reply failed; retrying", "interaction", i.ID, "in", backoff, "err", editErr)
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
		case <-t.C:
		}
		t.Stop()
		backoff = min(2*backoff, editRetryMax)
	}
	// The edit will not go through: a follow-up still reaches the user
	// while the token lives. Its own short context, as ctx may be over.
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), replyTimeout)
	defer cancel()
	d := m.responseData()
	params := &discordgo.WebhookParams{Content: d.Content, Embeds: d.Embeds, Components: d.Components,
		AllowedMentions: d.AllowedMentions, Flags: d.Flags}
	if _, err := b.session.FollowupMessageCreate(i, false, params, discordgo.WithContext(fctx)); err != nil {
		return fmt.Errorf("bot: edit deferred response: %w; follow-up instead: %w", editErr, err)
	}
	b.log.Warn("deferred reply sent as a follow-up: the edit kept failing", "interaction", i.ID, "err", editErr)
	return nil
}
