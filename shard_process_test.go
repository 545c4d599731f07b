//go:build unix

package main

import (
	"context"
	"fmt"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"sitrep/bot/discordtest"
)

// TestShardProcesses runs two real `sitrep serve` processes as shards 0/2
// and 1/2, each with its own data directory (what the embedded store
// allows), against one fake Discord that routes each server's events to its
// shard. Each process answers only the /ask of its own servers, and after
// /digest set in every server, each server's digest is posted exactly once.
func TestShardProcesses(t *testing.T) {
	bin := sitrepBinary(t)
	type server struct {
		guild discordtest.Guild
		shard int
	}
	var servers []server
	var opts []discordtest.Option
	for k := range 4 {
		g := discordtest.NumberedGuild(k)
		servers = append(servers, server{g, k % 2})
		opts = append(opts, discordtest.WithGuild(g))
	}
	srv := discordtest.New(t, opts...)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	logs := make([]*lockedBuffer, 2)
	children := make([]*exec.Cmd, 2)
	for id := range logs {
		logs[id] = &lockedBuffer{}
		cmd := exec.Command(bin, "serve", "--data", filepath.Join(t.TempDir(), "data"))
		cmd.Dir = t.TempDir() // no stray .env
		cmd.Env = []string{
			"HOME=" + t.TempDir(), "PATH=/usr/bin:/bin",
			"DISCORD_TOKEN=" + discordtest.BotToken, "DISCORD_API_BASE=" + srv.APIBase(),
			fmt.Sprintf("SITREP_SHARD=%d/2", id), "SITREP_LOG_LEVEL=debug",
		}
		cmd.Stdout, cmd.Stderr = logs[id], logs[id]
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		children[id] = cmd
		t.Cleanup(func() { stopChild(t, cmd, logs[id]) })
	}
	if err := srv.WaitSessions(ctx, 2); err != nil {
		t.Fatalf("%v\nshard 0:\n%s\nshard 1:\n%s", err, logs[0], logs[1])
	}
	if _, err := srv.WaitRequest(ctx, "PUT", "/applications/{app}/commands"); err != nil {
		t.Fatal(err)
	}

	// Each process answers only its servers: the interaction's id is in
	// the owner's log and not in the other's.
	for _, s := range servers {
		ic := srv.NewInteraction()
		ic.GuildID, ic.ChannelID = s.guild.ID, s.guild.Channels[0]
		srv.DispatchInteraction(t, ic.SlashCommand("ask", discordtest.StringOption("question", "how many cameras were hacked?")))
		if _, err := srv.WaitRequest(ctx, "POST", "/interactions/"+ic.ID+"/"+ic.Token+"/callback"); err != nil {
			t.Fatalf("%s: %v", s.guild.Name, err)
		}
		mark := "interaction=" + ic.ID
		waitLog(ctx, t, logs[s.shard], mark+" ")
		if strings.Contains(logs[1-s.shard].String(), mark) {
			t.Errorf("%s: shard %d also handled %s", s.guild.Name, 1-s.shard, ic.ID)
		}
	}

	// A digest due an hour ago today in every server: /digest set makes
	// the owner post it at once. The zone keeps the local time near noon,
	// so the day cannot end during the test.
	offset := 12 - time.Now().UTC().Hour()
	zone := "Etc/GMT"
	if offset > 0 {
		zone += fmt.Sprint("-", offset) // POSIX signs: Etc/GMT-9 is UTC+9
	} else if offset < 0 {
		zone += fmt.Sprint("+", -offset)
	}
	for _, s := range servers {
		ic := srv.NewInteraction()
		ic.GuildID, ic.ChannelID = s.guild.ID, s.guild.Channels[0]
		ic.Permissions |= discordgo.PermissionManageMessages
		srv.DispatchInteraction(t, ic.SlashCommand("digest", discordtest.SubcommandOption("set",
			&discordgo.ApplicationCommandInteractionDataOption{Name: "channel", Type: discordgo.ApplicationCommandOptionChannel, Value: s.guild.Channels[0]},
			discordtest.StringOption("time", "11:00"), discordtest.StringOption("timezone", zone))))
		if _, err := srv.WaitRequest(ctx, "POST", "/interactions/"+ic.ID+"/"+ic.Token+"/callback"); err != nil {
			t.Fatalf("%s: %v", s.guild.Name, err)
		}
	}
	posts := func(channel string) int {
		n := 0
		for _, r := range srv.Requests() {
			if r.Method == "POST" && r.Path == "/channels/"+channel+"/messages" && r.Status == http.StatusOK {
				n++
			}
		}
		return n
	}
	for _, s := range servers {
		for posts(s.guild.Channels[0]) == 0 {
			if ctx.Err() != nil {
				t.Fatalf("%s: no digest\nshard %d:\n%s", s.guild.Name, s.shard, logs[s.shard])
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	// Stop both, so nothing is still on its way, then count.
	for id, cmd := range children {
		stopChild(t, cmd, logs[id])
	}
	for _, s := range servers {
		if n := posts(s.guild.Channels[0]); n != 1 {
			t.Errorf("%s: %d digests posted, want 1", s.guild.Name, n)
		}
	}
}

// waitLog waits until buf contains s.
func waitLog(ctx context.Context, tb testing.TB, buf *lockedBuffer, s string) {
	tb.Helper()
	for !strings.Contains(buf.String(), s) {
		if ctx.Err() != nil {
			tb.Fatalf("the log never said %q:\n%s", s, buf)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stopChild ends a `sitrep serve` process with SIGTERM, as systemd would,
// and fails tb unless it exits cleanly.
func stopChild(tb testing.TB, cmd *exec.Cmd, logs *lockedBuffer) {
	tb.Helper()
	if cmd.ProcessState != nil {
		return
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		tb.Errorf("SIGTERM: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			tb.Errorf("sitrep serve after SIGTERM: %v\n%s", err, logs)
		}
	case <-time.After(20 * time.Second):
		cmd.Process.Kill() // it is being abandoned
		<-done
		tb.Errorf("sitrep serve did not stop within 20 s of SIGTERM\n%s", logs)
	}
}
