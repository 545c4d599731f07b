package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"sitrep/bot"
	"sitrep/bot/discordtest"
)

var opsAddr = regexp.MustCompile(`msg="serving metrics and health".* addr=(127\.0\.0\.1:[0-9]+)`)

// TestServeMetricsAndHealth runs `sitrep serve` with SITREP_METRICS_ADDR:
// /healthz turns 200 once the gateway is up, /metrics counts an answered
// /ask, and the endpoint stops with the bot.
func TestServeMetricsAndHealth(t *testing.T) {
	srv := discordtest.New(t)
	oldLogger := discordgo.Logger
	t.Cleanup(func() {
		discordgo.Logger = oldLogger
		if err := bot.SetAPIBase(bot.DefaultAPIBase); err != nil {
			t.Error(err)
		}
	})
	env := map[string]string{
		"DISCORD_TOKEN":       discordtest.BotToken,
		"DISCORD_API_BASE":    srv.APIBase(),
		"SITREP_DATA":         t.TempDir(),
		"SITREP_METRICS_ADDR": "127.0.0.1:0",
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
	m := opsAddr.FindStringSubmatch(stderr.String())
	if m == nil {
		cancel()
		t.Fatalf("the log does not say where metrics are served:\n%s", stderr)
	}
	base := "http://" + m[1]
	get := func(path string) (int, string) {
		resp, err := http.Get(base + path)
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	poll := func(what string, ok func() bool) {
		for !ok() {
			if wait.Err() != nil {
				t.Fatalf("%s: not within 20 s", what)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	poll("healthz 200", func() bool {
		code, body := get("/healthz")
		return code == http.StatusOK && strings.Contains(body, `"gateway":"ok"`) && strings.Contains(body, `"store":"ok"`)
	})

	ic := srv.NewInteraction()
	srv.DispatchInteraction(t, ic.SlashCommand("ask", discordtest.StringOption("question", "how many cameras were hacked?")))
	if _, err := srv.WaitRequest(wait, "POST", "/interactions/"+ic.ID+"/"+ic.Token+"/callback"); err != nil {
		t.Fatal(err)
	}
	poll("the /ask counted", func() bool {
		code, body := get("/metrics")
		return code == http.StatusOK && strings.Contains(body, `sitrep_interactions_total{command="ask",outcome="ok"} 1`)
	})

	cancel()
	if err := <-errc; err != nil {
		t.Fatalf("serve after shutdown: %v", err)
	}
	if code, body := get("/healthz"); code != 0 {
		t.Errorf("healthz still answers after serve returned: %d %s", code, body)
	}
}
