package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"

	"github.com/bwmarrin/discordgo"

	"sitrep/bot"
	"sitrep/config"
	"sitrep/feeds"
	"sitrep/ingest"
	"sitrep/ops"
	"sitrep/schedule"
	"sitrep/search"
)

// runServe runs the Discord bot until the context ends (Ctrl-C or
// SIGTERM), then shuts down in order: the digest and feed schedulers, the bot's
// session, the metrics server (SITREP_METRICS_ADDR), then the library.
func runServe(ctx context.Context, e env) error {
	f := newLibraryFlags(e, "serve", "serve [--data DIR]\n\nRuns the Discord bot. It needs DISCORD_TOKEN; DISCORD_GUILD_ID registers the commands in one server\n(instant), else globally. See .env.example for the other variables.")
	args, err := f.parse(e)
	if err != nil {
		return err
	}
	if len(args) > 0 {
		return usagef("serve: unexpected argument %q", args[0])
	}
	cfg, err := config.Load(e.getenv)
	if err != nil {
		return err
	}
	if err := cfg.RequireDiscord(); err != nil {
		return err
	}
	if err := bot.SetAPIBase(cfg.APIBase); err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	logger := newLogger(e.stderr, cfg)
	logger.Info("starting", "config", cfg)

	// discordgo logs through a package variable; send its messages to
	// the same structured log.
	discordgo.Logger = func(level, _ int, format string, a ...interface{}) {
		logger.Log(ctx, discordgoLevel(level), fmt.Sprintf(format, a...), "component", "discordgo")
	}
	session, err := discordgo.New(cfg.Token.Reveal())
	if err != nil {
		return fmt.Errorf("serve: discord session: %w", err)
	}
	session.Identify.Intents = bot.Intents
	session.LogLevel = discordgo.LogWarning
	if cfg.Shard.Sharded() {
		session.ShardID, session.ShardCount = cfg.Shard.ID, cfg.Shard.Count
	}
	var metrics *ops.Metrics
	if cfg.MetricsAddr != "" {
		metrics = ops.NewMetrics()
		session.Client.Transport = metrics.Transport(session.Client.Transport)
	}

	if cfg.Shard.Sharded() {
		// A shard's index holds the shared library and its own servers.
		f.indexScope, f.indexScopeName = cfg.Shard.Owns, cfg.Shard.String()
	}
	lib, err := f.open(ctx, e)
	if err != nil {
		return err
	}
	defer lib.Close()
	defer watchChanges(ctx, lib)() // stops before the library closes
	// One Fetcher, one set of rules, for /source add and the feeds.
	fetcher := &ingest.Fetcher{AllowPrivate: cfg.AllowPrivateURLs}
	poller := feeds.New(lib, fetcher, feeds.Options{Interval: cfg.FeedInterval, Logger: logger.With("component", "feeds")})
	clock := schedule.SystemClock{}
	b := bot.New(session, bot.Deps{Library: lib, Curator: lib, Fetcher: fetcher, Feeds: poller}, logger, bot.Options{
		GuildID: cfg.GuildID, ModRole: cfg.ModRole,
		DigestChannel: cfg.DigestChannel, DigestTime: cfg.DigestTime, Location: cfg.Location,
		Clock: clock, Metrics: metrics, Shard: cfg.Shard,
	})
	if metrics != nil {
		stopOps, err := serveOps(ctx, cfg.MetricsAddr, metrics, b, lib, logger)
		if err != nil {
			return err
		}
		defer stopOps() // after the bot, before the library
	}
	// Run stops the schedulers before the session closes, and the
	// library closes after Run returns.
	if err := b.Run(ctx, schedulers(b, poller, clock, cfg.Shard, logger)); err != nil {
		return err
	}
	logger.Info("stopped")
	return nil
}

// schedulers builds the daily digest's and the feed checks' schedules on
// b, through which they post and whose commands wake them. The digests
// sleep on the bot's clock so that /digest set announces the time they
// post at. Each server's feeds are checked by the shard that owns it, the
// shared library's by shard 0 (the digest store filters the same way).
func schedulers(b *bot.Bot, poller *feeds.Poller, clock schedule.Clock, shard config.Shard, logger *slog.Logger) bot.Schedulers {
	digests := schedule.New(b.DigestStore(), b.DigestPoster(), clock, logger.With("component", "digest"))
	checks := feeds.NewScheduler(poller, clock, b.FeedHooks())
	checks.Owns = shard.Owns
	return bot.Schedulers{Digests: digests, Feeds: checks}
}

// watchChanges keeps the library's index in step with changes other processes
// make to a shared store (PostgreSQL; nothing to do with bbolt) until the
// returned stop is called; stop waits for it.
func watchChanges(ctx context.Context, lib *search.Library) (stop func()) {
	fctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		lib.WatchChanges(fctx)
	}()
	return func() {
		cancel()
		<-done
	}
}

// serveOps serves /metrics and /healthz on addr until the returned stop
// is called; stop waits for the server to finish.
func serveOps(ctx context.Context, addr string, m *ops.Metrics, b *bot.Bot, lib *search.Library, logger *slog.Logger) (stop func(), err error) {
	m.WatchIndexLag(lib.IndexLag)
	health := ops.NewHealth(
		ops.Check{Name: "gateway", Run: func(context.Context) error { return b.CheckGateway() }},
		ops.Check{Name: "store", Run: func(context.Context) error { return lib.CheckStore() }},
		ops.Check{Name: "index", Run: func(context.Context) error { return lib.CheckIndex() }},
	)
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("serve: metrics address %s: %w", addr, err)
	}
	// Not ctx: the health endpoint keeps answering (503) while the bot
	// shuts down.
	octx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan error, 1)
	go func() { done <- ops.Serve(octx, ln, m, health, logger.With("component", "ops")) }()
	return func() {
		cancel()
		if err := <-done; err != nil {
			logger.Error("metrics server", "err", err)
		}
	}, nil
}

// newLogger builds the serve command's logger from the configuration.
func newLogger(w io.Writer, cfg config.Config) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == config.LogFormatJSON {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func discordgoLevel(l int) slog.Level {
	switch l {
	case discordgo.LogError:
		return slog.LevelError
	case discordgo.LogWarning:
		return slog.LevelWarn
	case discordgo.LogInformational:
		return slog.LevelInfo
	}
	return slog.LevelDebug
}
