package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/bwmarrin/discordgo"

	"sitrep/bot"
	"sitrep/config"
	"sitrep/search/feeds"
	"sitrep/search/ingest"
)

// runServe runs the Discord bot until the context ends (Ctrl-C or
// SIGTERM), then shuts down in order: the digest scheduler, the bot's
// session, then the library.
func runServe(ctx context.Context, e env) error {
	f := newFlags(e, "serve", "serve [--data DIR]\n\nRuns the Discord bot. It needs DISCORD_TOKEN; DISCORD_GUILD_ID registers the commands in one server\n(instant), else globally. See .env.example for the other variables.")
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

	lib, err := f.open(ctx, e)
	if err != nil {
		return err
	}
	defer lib.Close()
	// The bot owns the digest and feed schedulers: Run stops them before
	// the session closes, and the library closes after Run returns.
	follower := feeds.New(lib, &ingest.Fetcher{AllowPrivate: cfg.AllowPrivateURLs},
		feeds.Options{Interval: cfg.FeedInterval, Logger: logger.With("component", "feeds")})
	b := bot.New(session, lib, logger, bot.Options{
		GuildID: cfg.GuildID, ModRole: cfg.ModRole, AllowPrivateURLs: cfg.AllowPrivateURLs,
		DigestChannel: cfg.DigestChannel, DigestTime: cfg.DigestTime, Location: cfg.Location,
		Feeds: follower,
	})
	if err := b.Run(ctx); err != nil {
		return err
	}
	logger.Info("stopped")
	return nil
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
