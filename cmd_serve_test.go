package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"sitrep/bot"
	"sitrep/bot/discordtest"
	"sitrep/config"
)

// lockedBuffer is stderr shared with the bot's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestServeNeedsToken(t *testing.T) {
	var stderr bytes.Buffer
	getenv := func(k string) string { return map[string]string{"SITREP_DATA": t.TempDir()}[k] }
	err := run(context.Background(), []string{"serve"}, getenv, strings.NewReader(""), &bytes.Buffer{}, &stderr)
	if !errors.Is(err, config.ErrMissingToken) || !strings.Contains(err.Error(), "DISCORD_TOKEN") {
		t.Errorf("serve without a token: %v, want an error naming DISCORD_TOKEN", err)
	}
}

// TestServe runs `sitrep serve` against the fake Discord: the token without
// its "Bot " prefix, the API base from the environment, commands registered
// globally (no DISCORD_GUILD_ID), no privileged intents, a clean shutdown
// when the context ends, and no token in the logs.
func TestServe(t *testing.T) {
	srv := discordtest.New(t)
	oldLogger := discordgo.Logger
	t.Cleanup(func() {
		discordgo.Logger = oldLogger
		if err := bot.SetAPIBase(config.DefaultAPIBase); err != nil {
			t.Error(err)
		}
	})
	env := map[string]string{
		"DISCORD_TOKEN":    discordtest.BotToken,
		"DISCORD_API_BASE": srv.APIBase(),
		"SITREP_DATA":      t.TempDir(),
		"SITREP_LOG_LEVEL": "debug",
	}
	stderr := &lockedBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errc := make(chan error, 1)
	go func() {
		errc <- run(ctx, []string{"serve"}, func(k string) string { return env[k] }, strings.NewReader(""), &bytes.Buffer{}, stderr)
	}()

	wait, stop := context.WithTimeout(context.Background(), 20*time.Second)
	defer stop()
	if _, err := srv.WaitRequest(wait, "PUT", "/applications/{app}/commands"); err != nil {
		cancel()
		t.Fatalf("%v (serve returned %v)\nlog:\n%s", err, <-errc, stderr)
	}
	if cmds := srv.Commands(""); len(cmds) == 0 || cmds[0].Name != "ask" {
		t.Errorf("global commands %+v", cmds)
	}
	ids := srv.Identifies()
	if len(ids) != 1 || ids[0].Intents != bot.Intents || ids[0].Token != "Bot "+discordtest.BotToken {
		t.Errorf("IDENTIFY %+v, want intents %d and the Bot-prefixed token", ids, bot.Intents)
	}
	const privileged = discordgo.IntentsGuildMembers | discordgo.IntentsGuildPresences | discordgo.IntentsMessageContent
	if len(ids) > 0 && ids[0].Intents&privileged != 0 {
		t.Errorf("privileged intents requested: %d", ids[0].Intents&privileged)
	}

	// An interaction is answered by the served bot too.
	ic := srv.NewInteraction()
	srv.DispatchInteraction(t, ic.SlashCommand("ask", discordtest.StringOption("question", "how many cameras were hacked?")))
	if _, err := srv.WaitRequest(wait, "POST", "/interactions/"+ic.ID+"/"+ic.Token+"/callback"); err != nil {
		t.Error(err)
	}

	cancel()
	select {
	case err := <-errc:
		if err != nil {
			t.Errorf("serve after shutdown: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop within 15 s of its context ending")
	}
	logs := stderr.String()
	if strings.Contains(logs, discordtest.BotToken) {
		t.Errorf("the token is in the log:\n%s", logs)
	}
	for _, want := range []string{"commands registered", "disconnected"} {
		if !strings.Contains(logs, want) {
			t.Errorf("log lacks %q:\n%s", want, logs)
		}
	}
}
