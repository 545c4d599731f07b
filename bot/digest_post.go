package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/bwmarrin/discordgo"

	"sitrep/schedule"
	"sitrep/search"
)

// The scheduled digest is posted exactly once per server and day, across
// processes, crashes and restarts. The library's claim on the day is a
// lease (search.ClaimDigest): its holder renders the digest once, records
// the messages in the claim, and records each one's send as it goes;
// whoever takes the claim over after a crash finishes that same post. A
// message whose send began but was never confirmed may exist: Discord
// returns it instead of a second one when the retry carries the same nonce
// with enforce_nonce, for a few minutes; after that, the channel's recent
// messages are read to find it before sending again.
const (
	// nonceSkew widens the channel search for a message whose send
	// began at a time this host's clock told, for Discord's clock.
	nonceSkew = time.Minute
	// scanPages bounds the pages of 100 messages read to find one.
	scanPages = 5
)

// digestClaims is the library's lease on a server's digest of a day
// (search.Library has it).
type digestClaims interface {
	ClaimDigest(scope, day string, at time.Time) (search.DigestClaim, bool, error)
	SaveDigestProgress(scope, day string, at time.Time, progress []byte) error
	ReleaseDigest(scope, day string) error
}

// digestProgress is what a claim records of its post: the messages as
// rendered the first time, and how far their sending went.
type digestProgress struct {
	Channel string       `json:"channel"`
	Parts   []digestPart `json:"parts"`
}

// digestPart is one message of a digest.
type digestPart struct {
	Post digestPost `json:"post"`
	// Tried is when a send began (this host's clock), zero before.
	Tried time.Time `json:"tried,omitzero"`
	// MessageID is set once the message is known to be in the channel.
	MessageID string `json:"message_id,omitempty"`
}

// digestPost is the body of POST /channels/{id}/messages: discordgo's
// MessageSend lacks nonce and enforce_nonce.
type digestPost struct {
	Content string                    `json:"content,omitempty"`
	Embeds  []*discordgo.MessageEmbed `json:"embeds,omitempty"`
	// Components are kept encoded: the progress is stored as JSON, and
	// discordgo's component interface does not decode.
	Components      json.RawMessage                   `json:"components,omitempty"`
	AllowedMentions *discordgo.MessageAllowedMentions `json:"allowed_mentions,omitempty"`
	Nonce           string                            `json:"nonce"`
	EnforceNonce    bool                              `json:"enforce_nonce"`
}

// done reports whether every message was posted.
func (p digestProgress) done() bool {
	for _, part := range p.Parts {
		if part.MessageID == "" {
			return false
		}
	}
	return len(p.Parts) > 0
}

// digestNonce is the nonce of part k of guild's digest of day: the same
// for every process and attempt, at most 25 characters.
func digestNonce(guild, day string, k int) string {
	sum := sha256.Sum256([]byte("digest\x00" + guild + "\x00" + day + "\x00" + strconv.Itoa(k)))
	return "d" + hex.EncodeToString(sum[:12])
}

// PostDigest posts guild's digest of day once the library granted this
// process the day's claim, finishing the post an earlier holder began. A
// day another process posted is done (nil); a day another process is
// posting is an error, so the scheduler looks again later (and posts, if
// that process died). A failed post gives the lease up, keeping its
// progress, so the retry, here or elsewhere, resumes it.
func (p digestPoster) PostDigest(ctx context.Context, s schedule.Settings, day string) error {
	claims, claiming := p.b.cur.(digestClaims)
	if !claiming {
		_, err := p.b.postDigest(ctx, s.GuildID, s.ChannelID)
		return err
	}
	log := p.b.log.With("guild", s.GuildID, "day", day)
	c, granted, err := claims.ClaimDigest(s.GuildID, day, p.b.opts.Clock.Now())
	if err != nil {
		return fmt.Errorf("bot: claim the digest of %s for %s: %w", s.GuildID, day, err)
	}
	var prog digestProgress
	if len(c.Progress) > 0 {
		if err := json.Unmarshal(c.Progress, &prog); err != nil {
			log.Warn("digest progress unreadable; rendering the digest again", "err", err)
			prog = digestProgress{}
		}
	}
	if !granted {
		if prog.done() {
			log.Info("digest already posted by another process")
			return nil
		}
		return fmt.Errorf("bot: the digest of %s for %s is being posted by another process (its claim runs to %s)",
			s.GuildID, day, c.LeaseUntil.Format(time.RFC3339))
	}
	if len(prog.Parts) > 0 {
		log.Info("resuming a digest post another process began", "parts", len(prog.Parts), "holder", c.Holder)
	}
	err = p.b.postClaimed(ctx, claims, s, day, prog)
	if err != nil && !errors.Is(err, search.ErrDigestClaimLost) {
		if rerr := claims.ReleaseDigest(s.GuildID, day); rerr != nil {
			log.Warn("releasing the digest claim after a failed post", "err", rerr)
		}
	}
	return err
}

// postClaimed renders the digest (unless prog holds it already) and posts
// the messages prog does not have as posted, recording each step.
func (b *Bot) postClaimed(ctx context.Context, claims digestClaims, s schedule.Settings, day string, prog digestProgress) error {
	save := func() error {
		raw, err := json.Marshal(prog)
		if err != nil {
			return err
		}
		return claims.SaveDigestProgress(s.GuildID, day, b.opts.Clock.Now(), raw)
	}
	if len(prog.Parts) == 0 {
		msgs, err := b.digestMessages(ctx, s.GuildID)
		if err != nil {
			return err
		}
		prog.Channel = s.ChannelID
		for k, m := range msgs {
			send := m.messageSend()
			var components json.RawMessage
			if len(send.Components) > 0 {
				if components, err = json.Marshal(send.Components); err != nil {
					return err
				}
			}
			prog.Parts = append(prog.Parts, digestPart{Post: digestPost{Content: send.Content, Embeds: send.Embeds,
				Components: components, AllowedMentions: send.AllowedMentions, Nonce: digestNonce(s.GuildID, day, k), EnforceNonce: true}})
		}
		if err := save(); err != nil {
			return err
		}
	}
	sent := 0
	for k := range prog.Parts {
		part := &prog.Parts[k]
		if part.MessageID != "" {
			continue
		}
		sent++
		if !part.Tried.IsZero() {
			// An earlier send's outcome is unknown: it may be there.
			id, err := b.findPosted(ctx, prog.Channel, *part)
			var rest *discordgo.RESTError
			if errors.As(err, &rest) && !retryable(err) {
				// Not allowed to read the channel (Read Message
				// History): post, rather than lose the day's digest.
				b.log.Warn("cannot read the digest channel to look for an earlier post; posting, which may repeat it",
					"guild", s.GuildID, "channel", prog.Channel, "err", err)
				id, err = "", nil
			}
			if err != nil {
				return fmt.Errorf("bot: look for digest part %d/%d in %s: %w", k+1, len(prog.Parts), prog.Channel, err)
			}
			if id != "" {
				b.log.Info("digest part found already posted", "guild", s.GuildID, "day", day, "part", k+1, "message", id)
				part.MessageID = id
				if err := save(); err != nil {
					return err
				}
				continue
			}
		}
		part.Tried = time.Now()
		if err := save(); err != nil {
			return err
		}
		id, err := b.sendOnce(ctx, prog.Channel, part.Post)
		if err != nil {
			var rest *discordgo.RESTError
			if errors.As(err, &rest) && !retryable(err) {
				// Refused (missing permission, unknown channel): no
				// message was made, none to look for next time.
				part.Tried = time.Time{}
				save()
			}
			return fmt.Errorf("bot: post digest part %d/%d in %s: %w", k+1, len(prog.Parts), prog.Channel, err)
		}
		part.MessageID = id
		if err := save(); err != nil {
			return err
		}
	}
	if sent > 0 { // else an earlier holder posted it all and counted it
		b.opts.Metrics.DigestPosted()
	}
	return nil
}

// sendOnce posts body in channel with its nonce enforced, and returns the
// message's id: Discord's answer to a repeat within its window is the
// first message.
func (b *Bot) sendOnce(ctx context.Context, channel string, body digestPost) (string, error) {
	endpoint := discordgo.EndpointChannelMessages(channel)
	raw, err := b.session.RequestWithBucketID("POST", endpoint, body, endpoint, discordgo.WithContext(ctx))
	if err != nil {
		return "", err
	}
	var m discordgo.Message
	if err := json.Unmarshal(raw, &m); err != nil || m.ID == "" {
		return "", fmt.Errorf("bot: Discord's answer to a post is not a message: %v", err)
	}
	return m.ID, nil
}

// findPosted looks in channel's recent messages for part, posted by this
// bot since its send began, and returns its id, or "" when it is not
// there. Discord does not return nonces when listing, so a message is
// recognised by its author and its text.
func (b *Bot) findPosted(ctx context.Context, channel string, part digestPart) (string, error) {
	raw, err := b.session.RequestWithBucketID("GET", discordgo.EndpointUser("@me"), nil, discordgo.EndpointUsers, discordgo.WithContext(ctx))
	if err != nil {
		return "", err
	}
	var me discordgo.User
	if err := json.Unmarshal(raw, &me); err != nil || me.ID == "" {
		return "", fmt.Errorf("bot: GET /users/@me: %v", err)
	}
	since := part.Tried.Add(-nonceSkew)
	endpoint := discordgo.EndpointChannelMessages(channel)
	before := ""
	for range scanPages {
		q := url.Values{"limit": {"100"}}
		if before != "" {
			q.Set("before", before)
		}
		raw, err := b.session.RequestWithBucketID("GET", endpoint+"?"+q.Encode(), nil, endpoint, discordgo.WithContext(ctx))
		if err != nil {
			return "", err
		}
		var page []*discordgo.Message
		if err := json.Unmarshal(raw, &page); err != nil {
			return "", fmt.Errorf("bot: list messages of %s: %w", channel, err)
		}
		for _, m := range page {
			if m.Author != nil && m.Author.ID == me.ID && !m.Timestamp.Before(since) && samePost(m, part.Post) {
				return m.ID, nil
			}
		}
		if len(page) < 100 || page[len(page)-1].Timestamp.Before(since) {
			return "", nil
		}
		before = page[len(page)-1].ID
	}
	return "", nil
}

// samePost reports whether m is body as posted.
func samePost(m *discordgo.Message, body digestPost) bool {
	if m.Content != body.Content || len(m.Embeds) != len(body.Embeds) {
		return false
	}
	for k, e := range body.Embeds {
		if m.Embeds[k].Title != e.Title || m.Embeds[k].Description != e.Description {
			return false
		}
	}
	return true
}
