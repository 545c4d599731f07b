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
	"sitrep/config"
	"sitrep/internal/pgtest"
)

// served is `sitrep serve` running in-process against a fake Discord.
type served struct {
	srv    *discordtest.Server
	stderr *lockedBuffer
	wait   context.Context // bounds the test's waits
	stop   func() error    // ends serve and returns what it returned
}

// startServe runs `sitrep serve` with env (plus the token, the fake's API
// base and a fresh data directory) and waits for its gateway session.
func startServe(t *testing.T, env map[string]string) *served {
	t.Helper()
	srv := discordtest.New(t)
	oldLogger := discordgo.Logger
	t.Cleanup(func() {
		discordgo.Logger = oldLogger
		if err := bot.SetAPIBase(config.DefaultAPIBase); err != nil {
			t.Error(err)
		}
	})
	env["DISCORD_TOKEN"], env["DISCORD_API_BASE"], env["SITREP_DATA"] = discordtest.BotToken, srv.APIBase(), t.TempDir()
	s := &served{srv: srv, stderr: &lockedBuffer{}}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		errc <- run(ctx, []string{"serve"}, func(k string) string { return env[k] }, strings.NewReader(""), &bytes.Buffer{}, s.stderr)
	}()
	var result error
	stopped := false
	s.stop = func() error {
		if !stopped {
			cancel()
			result, stopped = <-errc, true
		}
		return result
	}
	t.Cleanup(func() { s.stop() }) // the test checks it where it matters
	wait, done := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(done)
	s.wait = wait
	if err := srv.WaitReady(wait); err != nil {
		t.Fatalf("%v (serve returned %v)\nlog:\n%s", err, s.stop(), s.stderr)
	}
	return s
}

// ops finds where serve serves metrics and health in its log, and returns
// a GET of a path there (status 0 when nothing answers) and a poll until
// ok holds, failing the test when its wait ends first.
func (s *served) ops(t *testing.T) (get func(path string) (int, string), poll func(what string, ok func() bool)) {
	t.Helper()
	m := opsAddr.FindStringSubmatch(s.stderr.String())
	if m == nil {
		t.Fatalf("the log does not say where metrics are served:\n%s", s.stderr)
	}
	base := "http://" + m[1]
	get = func(path string) (int, string) {
		resp, err := http.Get(base + path)
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	poll = func(what string, ok func() bool) {
		t.Helper()
		for !ok() {
			if s.wait.Err() != nil {
				t.Fatalf("%s: not within 20 s", what)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	return get, poll
}

var opsAddr = regexp.MustCompile(`msg="serving metrics and health".* addr=(127\.0\.0\.1:[0-9]+)`)

// TestServeMetricsAndHealth runs `sitrep serve` with SITREP_METRICS_ADDR:
// /healthz turns 200 once the gateway is up, /metrics counts an answered
// /ask, and the endpoint stops with the bot.
func TestServeMetricsAndHealth(t *testing.T) {
	s := startServe(t, map[string]string{"SITREP_METRICS_ADDR": "127.0.0.1:0"})
	if _, err := s.srv.WaitRequest(s.wait, "PUT", "/applications/{app}/commands"); err != nil {
		t.Fatal(err)
	}
	get, poll := s.ops(t)
	poll("healthz 200", func() bool {
		code, body := get("/healthz")
		return code == http.StatusOK && strings.Contains(body, `"gateway":"ok"`) && strings.Contains(body, `"store":"ok"`)
	})

	ic := s.srv.NewInteraction()
	s.srv.DispatchInteraction(t, ic.SlashCommand("ask", discordtest.StringOption("question", "how many cameras were hacked?")))
	if _, err := s.srv.WaitRequest(s.wait, "POST", "/interactions/"+ic.ID+"/"+ic.Token+"/callback"); err != nil {
		t.Fatal(err)
	}
	poll("the /ask counted", func() bool {
		code, body := get("/metrics")
		return code == http.StatusOK && strings.Contains(body, `sitrep_interactions_total{command="ask",kind="command",outcome="ok"} 1`)
	})

	if err := s.stop(); err != nil {
		t.Fatalf("serve after shutdown: %v", err)
	}
	if code, body := get("/healthz"); code != 0 {
		t.Errorf("healthz still answers after serve returned: %d %s", code, body)
	}
}

// TestServeHealthFollowsPostgreSQL: with the library in PostgreSQL,
// /healthz says the store is unwell while the server is down, and well
// again once it is back, without restarting serve.
func TestServeHealthFollowsPostgreSQL(t *testing.T) {
	pg := pgtest.NewServer(t)
	s := startServe(t, map[string]string{"SITREP_METRICS_ADDR": "127.0.0.1:0", "SITREP_DATABASE_URL": pg.NewDatabase(t)})
	if _, err := s.srv.WaitRequest(s.wait, "PUT", "/applications/{app}/commands"); err != nil {
		t.Fatal(err)
	}
	get, poll := s.ops(t)
	healthy := func() bool {
		code, body := get("/healthz")
		return code == http.StatusOK && strings.Contains(body, `"store":"ok"`)
	}
	poll("healthz 200 with PostgreSQL up", healthy)

	if err := pg.Stop(); err != nil {
		t.Fatal(err)
	}
	var down string
	poll("healthz 503 with PostgreSQL stopped", func() bool {
		code, body := get("/healthz")
		down = body
		return code == http.StatusServiceUnavailable && !strings.Contains(body, `"store":"ok"`) && strings.Contains(body, `"gateway":"ok"`)
	})
	t.Logf("healthz with PostgreSQL stopped: %s", down)
	if strings.Contains(down, "password") {
		t.Errorf("healthz shows a secret: %s", down)
	}

	if err := pg.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	poll("healthz 200 with PostgreSQL back", healthy)
}

// TestServeAsShard: SITREP_SHARD=1/2 makes `sitrep serve` identify as
// shard 1 of 2, which leaves registering the commands to shard 0.
func TestServeAsShard(t *testing.T) {
	s := startServe(t, map[string]string{"SITREP_SHARD": "1/2", "SITREP_LOG_LEVEL": "debug"})
	ids := s.srv.Identifies()
	if len(ids) != 1 || ids[0].Shard == nil || *ids[0].Shard != [2]int{1, 2} {
		t.Fatalf("IDENTIFY %+v, want shard [1 2]", ids)
	}
	for !strings.Contains(s.stderr.String(), "commands are registered by shard 0") {
		if s.wait.Err() != nil {
			t.Fatalf("shard 1 did not leave the commands to shard 0:\n%s", s.stderr)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := s.stop(); err != nil {
		t.Fatalf("serve after shutdown: %v", err)
	}
	for _, r := range s.srv.Requests() {
		if r.Method == "PUT" {
			t.Errorf("shard 1 registered commands: %s %s", r.Method, r.Path)
		}
	}
}
