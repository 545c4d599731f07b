// Package bot is Sitrep's Discord door: it registers the slash commands,
// answers interactions from the command table (one file per command),
// renders answers into embeds within Discord's limits, and defers replies
// that may miss Discord's 3-second deadline. With its fake Discord for
// tests (bot/discordtest) it holds all of Sitrep's Discord; package main
// only opens the session it is given, and .ci/run checks that no other
// package imports discordgo. The questions are answered by package search.
package bot

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"

	"sitrep/config"
	"sitrep/feeds"
	"sitrep/ingest"
	"sitrep/ops"
	"sitrep/schedule"
	"sitrep/search"
)

// Intents are the gateway intents the bot needs: interactions arrive
// without any, and Guilds (not privileged) keeps discordgo's guild state.
const Intents = discordgo.IntentsGuilds

// Defaults for Options.
const (
	DefaultDeferAfter     = 1500 * time.Millisecond
	DefaultShutdownGrace  = 5 * time.Second
	DefaultHandlerTimeout = 60 * time.Second
)

// Session is the part of *discordgo.Session the bot uses. Tests pass a real
// session talking to a fake Discord (package discordtest).
type Session interface {
	AddHandler(handler interface{}) func()
	Open() error
	Close() error
	InteractionRespond(interaction *discordgo.Interaction, resp *discordgo.InteractionResponse, options ...discordgo.RequestOption) error
	// RequestWithBucketID edits deferred replies (see editOriginal) and
	// registers the commands (see register).
	RequestWithBucketID(method, urlStr string, data interface{}, bucketID string, options ...discordgo.RequestOption) ([]byte, error)
	// FollowupMessageCreate and ChannelMessageSendComplex are for the
	// commands and the digest that post more than one message.
	FollowupMessageCreate(interaction *discordgo.Interaction, wait bool, data *discordgo.WebhookParams, options ...discordgo.RequestOption) (*discordgo.Message, error)
	ChannelMessageSendComplex(channelID string, data *discordgo.MessageSend, options ...discordgo.RequestOption) (*discordgo.Message, error)
	// UserChannelCreate opens a direct message channel, for follow-ups
	// to private questions once their interaction token has expired.
	UserChannelCreate(recipientID string, options ...discordgo.RequestOption) (*discordgo.Channel, error)
	// Channel tells which server a channel belongs to (/digest set).
	Channel(channelID string, options ...discordgo.RequestOption) (*discordgo.Channel, error)
}

// Reader is the part of *search.Library the bot uses to answer: what any
// member may ask. Curator is what moderators and the digest need beside it.
type Reader interface {
	Ask(ctx context.Context, q search.Query) (search.Answer, error)
	Question(scope, id string) (search.QuestionRecord, error)
	// FindSources, SourceByName and ListSources read the library's
	// catalog: their cost does not grow with the number of sources.
	FindSources(q search.SourceSearch) ([]search.Source, error)
	SourceByName(scope, v string, ownOnly bool) (search.Source, error)
	ListSources(scope string, offset, limit int) (search.SourcePage, error)
}

// Curator is the part of *search.Library that the moderator commands
// (/source, /digest), the follow-ups and the daily digest use. New enables
// them when Deps.Curator is set; otherwise the bot offers /ask only (and
// logs so).
type Curator interface {
	Add(ctx context.Context, s search.Source) (search.Source, error)
	AddOrUpdate(ctx context.Context, s search.Source) (search.Source, *search.Revision, error)
	Remove(ctx context.Context, scope, id, actor string) (search.Source, error)
	FollowUps(ctx context.Context, src search.Source) ([]search.FollowUp, error)
	MarkFollowedUp(scope string, ids []string) error
	QueueFollowUps(scope, id string) error
	FollowUpJobs() ([]search.FollowUpJob, error)
	FinishFollowUpJob(id string) error
	Digest(ctx context.Context, scope string, since time.Time) (search.Digest, error)
	DigestPeriod(ctx context.Context, scope string, since, until time.Time) (search.Digest, error)
	DigestSettings(scope string) (search.DigestSettings, bool, error)
	SetDigestSettings(s search.DigestSettings) error
	MarkDigestPosted(scope, day string, at time.Time) error
	AllDigestSettings() ([]search.DigestSettings, error)
}

// Options configure a Bot. The zero value is usable.
type Options struct {
	// GuildID registers the commands in that guild only (instant, for
	// development); "" registers them globally.
	GuildID string
	// ModRole is a role id whose members may use moderator commands in
	// addition to members with Manage Messages; "" for none.
	ModRole string
	// DeferAfter is how long a reply may take before the bot acknowledges
	// the interaction (type 5 or 6) and edits the reply in later; Discord
	// invalidates an interaction not acknowledged within 3 s.
	// DefaultDeferAfter when 0.
	DeferAfter time.Duration
	// PageSize is how many quotes a card shows: the answer and the next,
	// or the closest passages; 3 (cardQuotes) when 0.
	PageSize int
	// ShutdownGrace is how long Run waits, once its context ends, for
	// interactions being answered; DefaultShutdownGrace when 0.
	ShutdownGrace time.Duration
	// HandlerTimeout bounds the work for one interaction;
	// DefaultHandlerTimeout when 0.
	HandlerTimeout time.Duration

	// ReplyRetry is how long a deferred reply keeps retrying its edit
	// when Discord fails, before it is sent as a follow-up message
	// instead; DefaultReplyRetry when 0.
	ReplyRetry time.Duration

	// AskBurst and AskEvery pace each member's questions (/ask and its
	// buttons): a burst of AskBurst, then one every AskEvery; a member
	// over the pace is asked, privately, to wait. DefaultAskBurst and
	// DefaultAskEvery when 0.
	AskBurst int
	AskEvery time.Duration

	// DigestChannel, DigestTime and Location are the digest settings of
	// GuildID's server while its moderators have stored none (a
	// one-server deployment's SITREP_DIGEST_CHANNEL, SITREP_DIGEST_TIME
	// and SITREP_TIMEZONE). There is no default digest when GuildID or
	// DigestChannel is "". DigestTime and Location are also what
	// /digest set uses when given no time or timezone. The zero
	// DigestTime is midnight (pass config.DefaultDigestTime for 09:00);
	// Location is UTC when nil.
	DigestChannel string
	DigestTime    config.Clock
	Location      *time.Location
	// Clock is the bot's "now": the next digest /digest set announces and
	// "since" of a first digest. Pass the digest scheduler's clock;
	// schedule.SystemClock when nil.
	Clock schedule.Clock
	// Metrics records interactions, deferrals and digests; nil records
	// nothing.
	Metrics *ops.Metrics
	// Shard is the gateway shard the session identifies as (set the
	// session's ShardID and ShardCount to match). A sharded bot answers
	// only the interactions of the servers its shard owns, runs only
	// their digests, and registers commands only from shard 0. The zero
	// value owns every server.
	Shard config.Shard
}

// Bot answers Discord interactions from its command table. Build it with
// New and start it with Run.
type Bot struct {
	session  Session
	lib      Reader
	log      *slog.Logger
	opts     Options
	commands []command

	// cur and fetcher serve the moderator commands and the digest; cur
	// is nil when the library is no Curator.
	cur     Curator
	fetcher *ingest.Fetcher
	// feeds serves /feed; nil when off.
	feeds *feeds.Poller
	// sched and feedSched are Run's schedulers, which the commands wake
	// after changing a schedule; set by Run before the gateway opens.
	sched     *schedule.Scheduler
	feedSched *feeds.Scheduler
	follow    *followUps // the follow-up worker's state
	members   *memberLimits

	mu       sync.Mutex
	stopping bool
	base     context.Context // parent of the handlers' contexts
	inflight sync.WaitGroup

	registered atomic.Bool
	// connected is true from READY or RESUMED until a disconnect, and
	// readied once any READY came: the gateway part of the health check.
	connected atomic.Bool
	readied   atomic.Bool
}

// Deps are the services a Bot is built on, passed explicitly so that what
// is on is visible where the bot is built: a nil field turns its features
// off, and New logs which are off. A wrapped Reader (a cache, a test
// gate) keeps the moderator features as long as Curator is passed with it.
type Deps struct {
	// Library answers /ask, its buttons and message commands. Required.
	Library Reader
	// Curator serves /source, /digest, the follow-ups and the daily
	// digest (Run's Schedulers.Digests); nil turns them off.
	Curator Curator
	// Fetcher fetches /source add's links and attachments, with its rules
	// (private addresses, size); required with Curator.
	Fetcher *ingest.Fetcher
	// Feeds serves /feed and the feed checks (Run's Schedulers.Feeds);
	// nil turns them off. It stores what it takes through the library,
	// so it needs Curator.
	Feeds *feeds.Poller
}

// New returns a bot that answers interactions arriving on session from
// deps, logging to logger (discarded when nil). Call Run to connect. It
// panics when deps.Library is nil, or deps.Feeds is set without
// deps.Curator, or deps.Curator without deps.Fetcher: a bot wired that
// way is a programming error, not a feature switched off.
func New(session Session, deps Deps, logger *slog.Logger, opts Options) *Bot {
	if deps.Library == nil {
		panic("bot: New needs Deps.Library")
	}
	if deps.Curator != nil && deps.Fetcher == nil {
		panic("bot: Deps.Curator needs Deps.Fetcher: /source add fetches links")
	}
	if deps.Feeds != nil && deps.Curator == nil {
		panic("bot: Deps.Feeds needs Deps.Curator: feed items are added to the library and followed up")
	}
	lib := deps.Library
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if opts.DeferAfter <= 0 {
		opts.DeferAfter = DefaultDeferAfter
	}
	if opts.PageSize <= 0 {
		opts.PageSize = cardQuotes
	}
	if opts.ShutdownGrace <= 0 {
		opts.ShutdownGrace = DefaultShutdownGrace
	}
	if opts.HandlerTimeout <= 0 {
		opts.HandlerTimeout = DefaultHandlerTimeout
	}
	if opts.ReplyRetry <= 0 {
		opts.ReplyRetry = DefaultReplyRetry
	}
	if opts.AskBurst <= 0 {
		opts.AskBurst = DefaultAskBurst
	}
	if opts.AskEvery <= 0 {
		opts.AskEvery = DefaultAskEvery
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	if opts.Clock == nil {
		opts.Clock = schedule.SystemClock{}
	}
	b := &Bot{session: session, lib: limitAsks(lib, 0), log: logger, opts: opts, base: context.Background(), follow: newFollowUps(),
		members: newMemberLimits(opts.AskBurst, opts.AskEvery)}
	b.fetcher = deps.Fetcher
	if deps.Curator != nil {
		b.cur = deps.Curator
	} else {
		logger.Info("no curator: /source, /digest, follow-ups and the daily digest are off")
	}
	if deps.Feeds != nil {
		b.feeds = deps.Feeds
	} else {
		logger.Info("no feed poller: /feed and the feed checks are off")
	}
	b.commands = b.commandTable()
	return b
}

// Commands returns the definitions the bot registers, in table order.
func (b *Bot) Commands() []Definition {
	defs := make([]Definition, 0, len(b.commands))
	for _, c := range b.commands {
		defs = append(defs, c.definition())
	}
	return defs
}

// Schedulers are the schedules a bot runs: built by the caller on the
// bot's DigestStore, DigestPoster and FeedHooks (they post through it),
// woken by its commands, and stopped by Run before the session closes.
// Digests is required with Deps.Curator, Feeds with Deps.Feeds; each is
// nil otherwise.
type Schedulers struct {
	Digests *schedule.Scheduler
	Feeds   *feeds.Scheduler
}

// DigestStore is the digest schedule's view of the servers' digest
// settings: those of the servers this shard owns.
func (b *Bot) DigestStore() schedule.Store { return digestStore{b} }

// DigestPoster posts a server's daily digest in its channel.
func (b *Bot) DigestPoster() schedule.Poster { return digestPoster{b} }

// FeedHooks follow up the questions a feed's new items answer and tell a
// server, in its digest channel, of a feed that stopped working.
func (b *Bot) FeedHooks() feeds.Hooks {
	return feeds.Hooks{Added: b.feedSourceAdded, Updated: b.feedSourceAdded, Notify: b.postFeedNotice}
}

// Run connects to the gateway, registers the commands on READY, runs the
// schedulers and the follow-ups and answers interactions until ctx ends.
// Then it stops the schedulers, stops taking interactions, waits up to
// Options.ShutdownGrace for the ones being answered, and closes the
// session. It returns nil after a clean shutdown, or an error wrapping the
// session's when the gateway cannot be opened or closed, or when s lacks
// a scheduler the bot's features need.
func (b *Bot) Run(ctx context.Context, s Schedulers) error {
	if (b.cur != nil) != (s.Digests != nil) {
		return fmt.Errorf("bot: Run needs Schedulers.Digests exactly when Deps.Curator is set (curator %t, digests %t)", b.cur != nil, s.Digests != nil)
	}
	if (b.feeds != nil) != (s.Feeds != nil) {
		return fmt.Errorf("bot: Run needs Schedulers.Feeds exactly when Deps.Feeds is set (poller %t, feeds %t)", b.feeds != nil, s.Feeds != nil)
	}
	hctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	b.mu.Lock()
	b.base = hctx
	b.stopping = false
	b.sched, b.feedSched = s.Digests, s.Feeds // before Open: no command runs earlier
	b.mu.Unlock()

	removeReady := b.session.AddHandler(func(_ *discordgo.Session, r *discordgo.Ready) { b.onReady(r) })
	removeInteraction := b.session.AddHandler(func(_ *discordgo.Session, i *discordgo.InteractionCreate) { b.onInteraction(i) })
	defer removeReady()
	defer removeInteraction()
	for _, remove := range b.watchGateway() {
		defer remove()
	}

	if err := b.session.Open(); err != nil {
		return fmt.Errorf("bot: open gateway: %w", err)
	}
	b.log.Info("connected to the gateway", "commands", len(b.commands), "guild", b.opts.GuildID)
	schedDone, followDone := make(chan struct{}), make(chan struct{})
	if b.sched != nil {
		go func() {
			defer close(schedDone)
			b.sched.Run(ctx) // Run logs its failures and returns nil
		}()
		go func() {
			defer close(followDone)
			b.runFollowUps(ctx)
		}()
	} else {
		close(schedDone)
		close(followDone)
	}
	feedsDone := make(chan struct{})
	if b.feedSched != nil {
		go func() {
			defer close(feedsDone)
			b.feedSched.Run(ctx) // Run logs its failures and returns nil
		}()
	} else {
		close(feedsDone)
	}
	<-ctx.Done()
	<-schedDone // the schedulers and the follow-ups post through the session: stop them first
	<-feedsDone
	<-followDone

	b.log.Info("shutting down", "grace", b.opts.ShutdownGrace)
	b.mu.Lock()
	b.stopping = true
	b.mu.Unlock()
	done := make(chan struct{})
	go func() { b.inflight.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(b.opts.ShutdownGrace):
		b.log.Warn("interactions still running at shutdown; cancelling them")
		cancel()
		<-done
	}
	if err := b.session.Close(); err != nil {
		return fmt.Errorf("bot: close gateway: %w", err)
	}
	b.log.Info("disconnected")
	return nil
}

// track registers one unit of handler work, or reports false when the bot
// is shutting down. The returned context ends with the handler timeout.
func (b *Bot) track() (context.Context, context.CancelFunc, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.stopping {
		return nil, nil, false
	}
	b.inflight.Add(1)
	ctx, cancel := context.WithTimeout(b.base, b.opts.HandlerTimeout)
	return ctx, func() { cancel(); b.inflight.Done() }, true
}
