package bot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/bwmarrin/discordgo"

	"sitrep/ops"
)

// onReady registers the command table: in the configured guild, else
// globally. It runs on every READY (after a reconnect that could not
// resume too), so a failed registration is retried then.
func (b *Bot) onReady(r *discordgo.Ready) {
	ctx, done, ok := b.track()
	if !ok {
		return
	}
	defer done()
	appID := ""
	if r.Application != nil {
		appID = r.Application.ID
	}
	if appID == "" && r.User != nil {
		appID = r.User.ID
	}
	log := b.log.With("guild", b.opts.GuildID)
	if r.User != nil {
		log = log.With("bot_user", r.User.Username)
	}
	log.Info("ready", "guilds", len(r.Guilds))
	if b.registered.Load() {
		return
	}
	if b.opts.Shard.ID != 0 {
		// The commands are the application's, not a shard's: one
		// registration is enough.
		log.Info("commands are registered by shard 0", "shard", b.opts.Shard)
		b.registered.Store(true)
		return
	}
	if err := b.register(ctx, appID); err != nil {
		log.Error("registering commands failed", "err", err)
		return
	}
	b.registered.Store(true)
	log.Info("commands registered", "count", len(b.commands), "scope", scopeName(b.opts.GuildID))
}

// register overwrites the application's commands with the table's. It is
// discordgo's ApplicationCommandBulkOverwrite (same endpoint, same rate
// limit bucket) with Definition's contexts in the body.
func (b *Bot) register(ctx context.Context, appID string) error {
	if appID == "" {
		return errors.New("bot: READY carried no application id")
	}
	endpoint := discordgo.EndpointApplicationGlobalCommands(appID)
	if b.opts.GuildID != "" {
		endpoint = discordgo.EndpointApplicationGuildCommands(appID, b.opts.GuildID)
	}
	if _, err := b.session.RequestWithBucketID(http.MethodPut, endpoint, b.Commands(), endpoint, discordgo.WithContext(ctx)); err != nil {
		return fmt.Errorf("bot: register commands: %w", err)
	}
	return nil
}

func scopeName(guildID string) string {
	if guildID == "" {
		return "global"
	}
	return "guild"
}

// onInteraction routes an interaction to its command's handler, logs the
// outcome and keeps a handler's panic from taking the bot down.
func (b *Bot) onInteraction(ic *discordgo.InteractionCreate) {
	if ic == nil || ic.Interaction == nil {
		return
	}
	i := ic.Interaction
	if !b.opts.Shard.Owns(i.GuildID) {
		// Discord sends a server's events to the shard that owns it; one
		// arriving here is misrouted, and its owner answers it.
		b.log.Warn("interaction of a server this shard does not own; ignored", "interaction", i.ID, "guild", i.GuildID, "shard", b.opts.Shard)
		return
	}
	ctx, done, ok := b.track()
	if !ok {
		return
	}
	defer done()
	start := time.Now()
	log := b.log.With("interaction", i.ID, "type", i.Type.String(), "guild", i.GuildID, "user", userID(i))
	defer func() {
		if p := recover(); p != nil {
			log.Error("handler panicked", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		}
	}()
	outcome := ops.OutcomePanic // until dispatch returns
	name := ""
	if i.Type == discordgo.InteractionApplicationCommand || i.Type == discordgo.InteractionApplicationCommandAutocomplete {
		name = i.ApplicationCommandData().Name // known even if the handler panics
	}
	defer func() { b.opts.Metrics.Interaction(b.metricName(name), metricKind(i.Type), outcome, time.Since(start)) }()
	name, err := b.dispatch(ctx, i)
	log = log.With("command", name, "elapsed", time.Since(start).Round(time.Microsecond))
	if err != nil {
		outcome = ops.OutcomeError
		log.Error("interaction failed", "err", err)
		return
	}
	outcome = ops.OutcomeOK
	log.Debug("interaction answered")
}

// metricName is name when it is a command of the table, else "unknown":
// a stale command or a component's custom id must not make new metric
// series.
func (b *Bot) metricName(name string) string {
	if _, ok := b.command(name); ok {
		return name
	}
	return "unknown"
}

// metricKind is the metrics' name for an interaction type.
func metricKind(t discordgo.InteractionType) string {
	switch t {
	case discordgo.InteractionApplicationCommandAutocomplete:
		return ops.KindAutocomplete
	case discordgo.InteractionMessageComponent:
		return ops.KindComponent
	case discordgo.InteractionModalSubmit:
		return ops.KindModal
	}
	return ops.KindCommand
}

// watchGateway follows the session's connection for CheckGateway and
// returns the functions that remove its handlers.
func (b *Bot) watchGateway() []func() {
	up := func() { b.connected.Store(true) }
	return []func(){
		b.session.AddHandler(func(_ *discordgo.Session, _ *discordgo.Ready) { b.readied.Store(true); up() }),
		b.session.AddHandler(func(_ *discordgo.Session, _ *discordgo.Resumed) { up() }),
		b.session.AddHandler(func(_ *discordgo.Session, _ *discordgo.Disconnect) { b.connected.Store(false) }),
	}
}

// ErrGatewayDown is CheckGateway's error while the bot has no gateway
// session.
var ErrGatewayDown = errors.New("bot: not connected to the Discord gateway")

// CheckGateway returns nil while the bot holds a gateway session (after
// a READY, while the connection is open), else ErrGatewayDown. It is the
// gateway check of the health endpoint.
func (b *Bot) CheckGateway() error {
	up := b.connected.Load()
	if s, ok := b.session.(*discordgo.Session); ok {
		// discordgo runs each event handler on a goroutine of its own, so
		// the Disconnect of a dropped connection may be handled after the
		// RESUMED of the next one; the session's own flag, which it sets
		// under its lock once the connection heartbeats and clears when
		// it closes, cannot arrive out of order.
		s.RLock()
		up = b.readied.Load() && s.DataReady
		s.RUnlock()
	}
	if !up {
		return ErrGatewayDown
	}
	return nil
}
