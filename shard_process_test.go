//go:build unix

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
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
// /digest set in every server, each server's digest is posted exactly once,
// by its owner.
func TestShardProcesses(t *testing.T) {
	f := newShardFleet(t, 2, 4)
	for id := range f.shards {
		f.start(id, filepath.Join(t.TempDir(), "data"))
	}
	f.waitReady()

	// Each process answers only its servers (ask checks the logs).
	for _, g := range f.guilds {
		f.ask(g, "how many cameras were hacked?")
	}

	f.setDigests()
	f.waitDigests()
	// Stop both, so nothing is still on its way, then count.
	f.stopAll()
	f.checkOneDigestEach()
}

// shardFleet runs `sitrep serve` processes as the shards of one bot
// against one fake Discord, which routes each server's events to the shard
// that owns it. Its servers are discordtest.NumberedGuild(0…).
type shardFleet struct {
	t          *testing.T
	ctx        context.Context // bounds every wait; ended early when a process dies
	die        context.CancelCauseFunc
	bin        string
	srv        *discordtest.Server
	guilds     []discordtest.Guild
	env        []string     // added to every process's environment
	shards     []*shardProc // by shard id; nil until started
	starts     int          // processes started: the READYs to wait for
	registered bool         // the commands were registered
}

// shardProc is one `sitrep serve` process of a shardFleet.
type shardProc struct {
	cmd  *exec.Cmd
	logs *lockedBuffer
	data string
	// exited is closed once the process has exited, with err its end
	// and died set when it ended by itself; ending is set before the
	// test stops or kills it.
	exited chan struct{}
	err    error
	died   bool
	ending atomic.Bool
}

// newShardFleet builds the binary and a fake Discord with guilds servers
// for count shards; env is added to each process's environment. Nothing
// runs until start.
func newShardFleet(t *testing.T, count, guilds int, env ...string) *shardFleet {
	t.Helper()
	f := &shardFleet{t: t, bin: sitrepBinary(t), env: env, shards: make([]*shardProc, count)}
	var opts []discordtest.Option
	for k := range guilds {
		g := discordtest.NumberedGuild(k)
		f.guilds = append(f.guilds, g)
		opts = append(opts, discordtest.WithGuild(g))
	}
	f.srv = discordtest.New(t, opts...)
	timeout, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	f.ctx, f.die = context.WithCancelCause(timeout)
	return f
}

// start starts shard id with data as its --data; waitReady waits for it.
// The process is stopped (SIGTERM) when the test ends, if still running.
func (f *shardFleet) start(id int, data string) *shardProc {
	t := f.t
	t.Helper()
	p := &shardProc{logs: &lockedBuffer{}, data: data, exited: make(chan struct{})}
	p.cmd = exec.Command(f.bin, "serve", "--data", data)
	p.cmd.Dir = t.TempDir() // no stray .env
	p.cmd.Env = append([]string{
		"HOME=" + t.TempDir(), "PATH=/usr/bin:/bin",
		"DISCORD_TOKEN=" + discordtest.BotToken, "DISCORD_API_BASE=" + f.srv.APIBase(),
		fmt.Sprintf("SITREP_SHARD=%d/%d", id, len(f.shards)), "SITREP_LOG_LEVEL=debug",
	}, f.env...)
	p.cmd.Stdout, p.cmd.Stderr = p.logs, p.logs
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	f.shards[id] = p
	f.starts++
	go func() {
		p.err = p.cmd.Wait()
		p.died = !p.ending.Load()
		close(p.exited)
		if p.died {
			// Every wait ends now, saying why, instead of running out.
			f.die(fmt.Errorf("shard %d (sitrep serve) exited by itself (%v): its servers get no answers, no digests and no follow-ups. Its last words:\n%s",
				id, p.err, lastLines(p.logs.String(), 3)))
		}
	}()
	t.Cleanup(func() { p.stop(t) })
	return p
}

// failure is what a wait that failed with err says: the death of a
// process, when that ended the wait, else err.
func (f *shardFleet) failure(err error) string {
	if cause := context.Cause(f.ctx); cause != nil && cause != f.ctx.Err() {
		return cause.Error()
	}
	return err.Error()
}

// lastLines returns the last n non-empty lines of log.
func lastLines(log string, n int) string {
	lines := strings.Split(strings.TrimSpace(log), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// waitReady waits until every process started has identified and, the
// first time, until shard 0 has registered the application's commands.
func (f *shardFleet) waitReady() {
	f.t.Helper()
	if err := f.srv.WaitSessions(f.ctx, f.starts); err != nil {
		f.t.Fatalf("the shards did not all connect to Discord: %s\n%s", f.failure(err), f.allLogs())
	}
	if !f.registered {
		if _, err := f.srv.WaitRequest(f.ctx, "PUT", "/applications/{app}/commands"); err != nil {
			f.t.Fatalf("shard 0 did not register the commands: %s\n%s", f.failure(err), f.allLogs())
		}
		f.registered = true
	}
}

// kill ends shard id's process with SIGKILL, as a crash or an OOM kill
// would, and waits for it.
func (f *shardFleet) kill(id int) {
	p := f.shards[id]
	p.ending.Store(true)
	if err := p.cmd.Process.Kill(); err != nil {
		f.t.Fatal(err)
	}
	<-p.exited // killed: its error says so
}

// stopAll stops every running process with SIGTERM, so that nothing is
// still on its way to the fake Discord.
func (f *shardFleet) stopAll() {
	f.t.Helper()
	for _, p := range f.shards {
		if p != nil {
			p.stop(f.t)
		}
	}
}

func (f *shardFleet) allLogs() string {
	var b strings.Builder
	for id, p := range f.shards {
		if p != nil {
			fmt.Fprintf(&b, "shard %d:\n%s\n", id, p.logs)
		}
	}
	return b.String()
}

// owner is the shard that owns server g.
func (f *shardFleet) owner(g discordtest.Guild) int { return discordtest.ShardOf(g.ID, len(f.shards)) }

// interaction is a new interaction in g's channel by a member of its own
// (the per-member /ask limit never throttles a test), a moderator when
// moderator is set.
func (f *shardFleet) interaction(g discordtest.Guild, moderator bool) discordtest.Interaction {
	ic := f.srv.NewInteraction()
	ic.GuildID, ic.ChannelID, ic.UserID = g.ID, g.Channels[0], ic.ID
	if moderator {
		ic.Permissions |= discordgo.PermissionManageMessages
	}
	return ic
}

// shardReply is the message a shard answered an interaction with.
type shardReply struct {
	Content string                    `json:"content"`
	Embeds  []*discordgo.MessageEmbed `json:"embeds"`
	Flags   int                       `json:"flags"`
}

// text is the reply's content and embeds as one string, for searching.
func (r shardReply) text() string {
	b, _ := json.Marshal(r)
	return string(b)
}

// interact dispatches payload, built from ic in server g, and returns the
// callback and the reply it ended with: the callback's message, or the
// edit that filled a deferral. It fails the test unless g's owner handled
// the interaction and no other shard saw it.
func (f *shardFleet) interact(g discordtest.Guild, ic discordtest.Interaction, payload json.RawMessage) (discordtest.Request, shardReply) {
	t := f.t
	t.Helper()
	f.srv.DispatchInteraction(t, payload)
	cb, err := f.srv.WaitRequest(f.ctx, "POST", "/interactions/"+ic.ID+"/"+ic.Token+"/callback")
	if err != nil {
		t.Fatalf("%s: the interaction was never answered: %s\n%s", g.Name, f.failure(err), f.allLogs())
	}
	var resp struct {
		Type int        `json:"type"`
		Data shardReply `json:"data"`
	}
	if err := cb.Decode(&resp); err != nil {
		t.Fatal(err)
	}
	reply := resp.Data
	if resp.Type == int(discordgo.InteractionResponseDeferredChannelMessageWithSource) {
		edit, err := f.srv.WaitRequest(f.ctx, "PATCH", "/webhooks/{app}/"+ic.Token+"/messages/@original")
		if err != nil {
			t.Fatalf("%s: the deferred answer never came: %s\n%s", g.Name, f.failure(err), f.allLogs())
		}
		reply = shardReply{}
		if err := edit.Decode(&reply); err != nil {
			t.Fatal(err)
		}
	}
	owner := f.owner(g)
	mark := "interaction=" + ic.ID
	waitLog(f.ctx, t, f.shards[owner].logs, mark+" ")
	for id, p := range f.shards {
		if id != owner && p != nil && strings.Contains(p.logs.String(), mark) {
			t.Errorf("%s: shard %d also saw interaction %s, which shard %d owns", g.Name, id, ic.ID, owner)
		}
	}
	return cb, reply
}

// ask asks question with /ask in server g and returns the answer.
func (f *shardFleet) ask(g discordtest.Guild, question string) shardReply {
	f.t.Helper()
	ic := f.interaction(g, false)
	_, reply := f.interact(g, ic, ic.SlashCommand("ask", discordtest.StringOption("question", question)))
	return reply
}

// addSource adds a pasted source to server g's library as its moderators
// do: /source add, then the modal it opens, submitted.
func (f *shardFleet) addSource(g discordtest.Guild, title, text string) {
	t := f.t
	t.Helper()
	ic := f.interaction(g, true)
	cb, _ := f.interact(g, ic, ic.SlashCommand("source", discordtest.SubcommandOption("add", discordtest.StringOption("title", title))))
	var modal struct {
		Type int `json:"type"`
		Data struct {
			CustomID string `json:"custom_id"`
		} `json:"data"`
	}
	if err := cb.Decode(&modal); err != nil || modal.Type != int(discordgo.InteractionResponseModal) {
		t.Fatalf("%s: /source add answered %s (%v), want a modal", g.Name, cb.Body, err)
	}
	ic = f.interaction(g, true)
	_, reply := f.interact(g, ic, ic.ModalSubmit(modal.Data.CustomID, map[string]string{
		"title": title, "outlet": "Test Wire", "url": "", "published": "", "text": text}))
	if !strings.Contains(reply.Content, "Added") {
		t.Fatalf("%s: adding %q answered %q", g.Name, title, reply.Content)
	}
}

// setDigests sets, with /digest set in every server, a digest due an hour
// ago today: each server's owner posts it at once. The zone keeps the local
// time near noon, so the day cannot end during the test.
func (f *shardFleet) setDigests() {
	f.t.Helper()
	offset := 12 - time.Now().UTC().Hour()
	zone := "Etc/GMT"
	if offset > 0 {
		zone += fmt.Sprint("-", offset) // POSIX signs: Etc/GMT-9 is UTC+9
	} else if offset < 0 {
		zone += fmt.Sprint("+", -offset)
	}
	for _, g := range f.guilds {
		ic := f.interaction(g, true)
		f.interact(g, ic, ic.SlashCommand("digest", discordtest.SubcommandOption("set",
			&discordgo.ApplicationCommandInteractionDataOption{Name: "channel", Type: discordgo.ApplicationCommandOptionChannel, Value: g.Channels[0]},
			discordtest.StringOption("time", "11:00"), discordtest.StringOption("timezone", zone))))
	}
}

// digests counts the digests posted in channel: the first messages of
// each (a long digest goes on in "continued" messages).
func (f *shardFleet) digests(channel string) int {
	n := 0
	for _, r := range f.srv.Requests() {
		if r.Method != "POST" || r.Path != "/channels/"+channel+"/messages" || r.Status != http.StatusOK {
			continue
		}
		var m shardReply
		if err := r.Decode(&m); err != nil {
			f.t.Fatal(err)
		}
		if strings.HasPrefix(m.Content, "**Daily digest**") && !strings.HasPrefix(m.Content, "**Daily digest** (continued") {
			n++
		}
	}
	return n
}

// waitDigests waits until every server has a digest, and checks that its
// owner posted it: the owner's log says so, no other shard's does.
func (f *shardFleet) waitDigests() {
	f.t.Helper()
	for _, g := range f.guilds {
		for f.digests(g.Channels[0]) == 0 {
			if err := f.ctx.Err(); err != nil {
				f.t.Fatalf("%s: no digest: %s\n%s", g.Name, f.failure(err), f.allLogs())
			}
			time.Sleep(50 * time.Millisecond)
		}
		posted := regexp.MustCompile(`msg="digest posted".* guild=` + g.ID + ` `)
		waitLogMatch(f.ctx, f.t, f.shards[f.owner(g)].logs, posted)
		for id, p := range f.shards {
			if id != f.owner(g) && p != nil && posted.MatchString(p.logs.String()) {
				f.t.Errorf("%s: shard %d posted a digest; shard %d owns the server", g.Name, id, f.owner(g))
			}
		}
	}
}

// checkOneDigestEach fails the test unless every server has exactly one
// digest; stop the processes first, so that none is still on its way.
func (f *shardFleet) checkOneDigestEach() {
	f.t.Helper()
	for _, g := range f.guilds {
		if n := f.digests(g.Channels[0]); n != 1 {
			f.t.Errorf("%s: %d digests posted, want 1", g.Name, n)
		}
	}
}

// waitLog waits until buf contains s.
func waitLog(ctx context.Context, tb testing.TB, buf *lockedBuffer, s string) {
	tb.Helper()
	waitLogMatch(ctx, tb, buf, regexp.MustCompile(regexp.QuoteMeta(s)))
}

// waitLogMatch waits until buf matches re.
func waitLogMatch(ctx context.Context, tb testing.TB, buf *lockedBuffer, re *regexp.Regexp) {
	tb.Helper()
	for !re.MatchString(buf.String()) {
		if ctx.Err() != nil {
			tb.Fatalf("the log never matched %s:\n%s", re, buf)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop ends a `sitrep serve` process with SIGTERM, as systemd would,
// and fails tb unless it exits cleanly.
func (p *shardProc) stop(tb testing.TB) {
	tb.Helper()
	p.ending.Store(true)
	select {
	case <-p.exited:
		if p.died {
			tb.Errorf("sitrep serve exited by itself (%v) before the test stopped it\n%s", p.err, p.logs)
		}
		return
	default:
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		tb.Errorf("SIGTERM: %v", err)
	}
	select {
	case <-p.exited:
		if p.err != nil {
			tb.Errorf("sitrep serve after SIGTERM: %v\n%s", p.err, p.logs)
		}
	case <-time.After(20 * time.Second):
		p.cmd.Process.Kill() // it is being abandoned
		<-p.exited
		tb.Errorf("sitrep serve did not stop within 20 s of SIGTERM\n%s", p.logs)
	}
}
