package bot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"time"

	"github.com/bwmarrin/discordgo"

	"sitrep/internal/textclip"
	"sitrep/schedule"
	"sitrep/search"
)

// Discord's error codes the digest explains to moderators.
const (
	codeUnknownChannel     = 10003
	codeMissingAccess      = 50001
	codeMissingPermissions = 50013
)

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
			return fmt.Sprintf("I couldn't post in <#%s>: Discord said “%s”.", channel, clip(textclip.OneLine(rest.Message.Message), 200))
		}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Sprintf("I couldn't post in <#%s> in time. Please try again in a moment.", channel)
	}
	return fmt.Sprintf("I couldn't post the digest in <#%s> just now. Please try again in a moment.", channel)
}

// postDigest renders guild's digest since its last post (or of the last
// 24 hours) and posts it in channel, in as many messages as Discord's
// limits need: /digest now, which is not the day's digest and is not
// claimed. It returns how many were posted; on an error, the ones before
// it were.
func (b *Bot) postDigest(ctx context.Context, guild, channel string) (int, error) {
	msgs, err := b.digestMessages(ctx, guild)
	if err != nil {
		return 0, err
	}
	for n, m := range msgs {
		if _, err := b.session.ChannelMessageSendComplex(channel, m.messageSend(), discordgo.WithContext(ctx)); err != nil {
			return n, fmt.Errorf("bot: post digest part %d/%d in %s: %w", n+1, len(msgs), channel, err)
		}
	}
	b.opts.Metrics.DigestPosted()
	return len(msgs), nil
}

// digestMessages renders guild's digest since its last post (or of the
// last 24 hours).
func (b *Bot) digestMessages(ctx context.Context, guild string) ([]message, error) {
	stored, _, err := b.cur.DigestSettings(guild)
	if err != nil {
		return nil, fmt.Errorf("bot: digest settings of %s: %w", guild, err)
	}
	since := stored.LastPostedAt
	if since.IsZero() {
		since = b.opts.Clock.Now().Add(-firstDigestSpan)
	}
	d, err := b.cur.Digest(ctx, guild, since)
	if err != nil {
		return nil, fmt.Errorf("bot: digest of %s: %w", guild, err)
	}
	return renderDigest(d), nil
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
	if found && (stored.ChannelID != "" || stored.Time != nil || !stored.Timezone.IsZero() || stored.UpdatedBy != "") {
		return stored, true
	}
	if guild == "" || guild != b.opts.GuildID || b.opts.DigestChannel == "" {
		return stored, false
	}
	t := b.opts.DigestTime
	return search.DigestSettings{
		Scope: guild, ChannelID: b.opts.DigestChannel, Time: &t,
		Timezone: schedule.ZoneOf(b.opts.Location), Enabled: true,
		LastDay: stored.LastDay, LastPostedAt: stored.LastPostedAt,
	}, true
}

// toSchedule converts stored settings for the scheduler. They are typed
// already; it fails when no time was chosen or when the zone is one this
// host's timezone database does not know.
func toSchedule(s search.DigestSettings) (schedule.Settings, error) {
	out := schedule.Settings{GuildID: s.Scope, ChannelID: s.ChannelID, Enabled: s.Enabled, LastDay: s.LastDay}
	if s.Time == nil {
		return out, fmt.Errorf("bot: digest time of %s: none chosen", s.Scope)
	}
	if s.Timezone.Location() == nil {
		return out, fmt.Errorf("bot: digest timezone of %s: %q is not a zone this host knows", s.Scope, s.Timezone.Name())
	}
	out.Time, out.Location = *s.Time, s.Timezone.Location()
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
