//go:build unix

package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"sitrep/bot/discordtest"
	"sitrep/internal/pgtest"
)

// The load TestShardLoad sends to each fleet: a bounded, scripted mix.
const (
	loadShardAsks    = 200 // /ask interactions
	loadShardAdds    = 20  // /source add, each two interactions (command, modal)
	loadShardGuilds  = 8   // servers, spread evenly over the shards
	loadShardSenders = 8   // interactions in flight at once
)

// loadSeedQuestions are answered by the seeds in every server: an answer
// without quotes is an error.
var loadSeedQuestions = []string{
	"how many cameras were hacked?",
	"who hacked the surveillance cameras in Tehran?",
	"who did the head of the Tehran City Council blame?",
	"which websites were suspended?",
}

// ferryQuestion is answered by the sources /source add puts in a server
// during the load, each naming its server (ferryServer finds the name), and
// by no other server's.
const ferryQuestion = "where did the ferry Aster run aground?"

var ferryServer = regexp.MustCompile(`coastguard of (Server \d+)`)

// TestShardLoad measures, for 2 and then 4 `sitrep serve` shard processes
// on one PostgreSQL against the fake Discord, how soon interactions are
// answered under a scripted mix of /ask and /source add in 8 servers, 8
// in flight at once, and logs first-answer p50/p99 and errors. It is a
// measurement (run with SITREP_LOAD=1), but it fails on any error a member
// or moderator would see: an interaction unanswered, an answer saying
// "Sorry", a seed question without quotes, a source not added, a shard
// handling another's server, a server answered from another's source, a
// request Discord would refuse, or an ERROR in a shard's log.
func TestShardLoad(t *testing.T) {
	if os.Getenv("SITREP_LOAD") == "" {
		t.Skip("a measurement of shard processes under load; set SITREP_LOAD=1 (and SITREP_TEST_DATABASE_URL) to run it")
	}
	for _, shards := range []int{2, 4} {
		t.Run(fmt.Sprintf("%d_shards", shards), func(t *testing.T) { runShardLoad(t, shards) })
	}
}

// loadJob is one scripted step: an /ask of question, or (add) a /source
// add titled title with text, in guild.
type loadJob struct {
	guild    discordtest.Guild
	add      bool
	question string
	title    string
	text     string
}

// loadResult is what one interaction of a job measured.
type loadResult struct {
	kind  string        // "ask", "add: command", "add: modal"
	first time.Duration // dispatch to the callback
	full  time.Duration // dispatch to the reply: the callback, or the deferred edit
	id    string        // interaction id
	owner int
	own   bool   // an /ask answered from the server's own source
	err   string // what went wrong, "" when nothing did
}

func runShardLoad(t *testing.T, shards int) {
	dsn := pgtest.NewDatabase(t)
	f := newShardFleet(t, shards, loadShardGuilds, "SITREP_DATABASE_URL="+dsn)
	// The fleet's 2-minute bound is for checks; a load run takes longer.
	bound, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	t.Cleanup(cancel)
	f.ctx, f.die = context.WithCancelCause(bound)
	for id := range f.shards {
		f.start(id, filepath.Join(t.TempDir(), "data"))
	}
	f.waitReady()
	// One untimed /ask per server: each shard has its index and answers.
	for _, g := range f.guilds {
		if a := f.ask(g, loadSeedQuestions[0]); !answeredWith(a, "cameras") {
			t.Fatalf("%s: the seed question is not answered before the load: %s", g.Name, a.text())
		}
	}

	jobs := make(chan loadJob)
	go func() {
		defer close(jobs)
		every := (loadShardAsks + loadShardAdds) / loadShardAdds
		asks, adds := 0, 0
		for i := 0; asks < loadShardAsks || adds < loadShardAdds; i++ {
			g := f.guilds[i%len(f.guilds)]
			if (i%every == every-1 || asks == loadShardAsks) && adds < loadShardAdds {
				n := adds
				jobs <- loadJob{guild: g, add: true, title: fmt.Sprintf("Ferry Aster %d aground", n),
					text: fmt.Sprintf("The ferry Aster %d ran aground off Kell Point on Friday, the coastguard of %s said. All %d passengers were brought ashore by lifeboat.", n, g.Name, 40+n)}
				adds++
				continue
			}
			q := loadSeedQuestions[asks%len(loadSeedQuestions)]
			if asks%5 == 4 {
				q = ferryQuestion // the server's own sources, once added
			}
			jobs <- loadJob{guild: g, question: q}
			asks++
		}
	}()

	var (
		mu      sync.Mutex
		results []loadResult
		wg      sync.WaitGroup
	)
	start := time.Now()
	for range loadShardSenders {
		wg.Go(func() {
			for j := range jobs {
				rs := f.loadStep(j)
				mu.Lock()
				results = append(results, rs...)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	f.stopAll() // nothing still on its way; the logs are complete

	// Each interaction was handled by its server's shard, and only by it.
	seen := make([]map[string]bool, shards)
	mark := regexp.MustCompile(`interaction=(\d+) `)
	errorLines := 0
	for id, p := range f.shards {
		seen[id] = map[string]bool{}
		logs := p.logs.String()
		for _, m := range mark.FindAllStringSubmatch(logs, -1) {
			seen[id][m[1]] = true
		}
		for line := range strings.SplitSeq(logs, "\n") {
			if strings.Contains(line, "level=ERROR") {
				errorLines++
				if errorLines <= 5 {
					t.Errorf("shard %d logged an error under load: %s", id, line)
				}
			}
		}
	}
	for i, r := range results {
		if r.err != "" {
			continue
		}
		for id := range shards {
			if handled := seen[id][r.id]; handled != (id == r.owner) {
				results[i].err = fmt.Sprintf("interaction %s: handled by shard %d is %v; shard %d owns its server", r.id, id, handled, r.owner)
			}
		}
	}
	violations := f.srv.Violations()
	for _, v := range violations[:min(5, len(violations))] {
		t.Errorf("a request Discord would refuse or an answer past its deadline: %v", v)
	}

	errs := 0
	for _, r := range results {
		if r.err != "" {
			errs++
			if errs <= 10 {
				t.Errorf("%s: %s", r.kind, r.err)
			}
		}
	}
	for _, kind := range []string{"ask", "add: command", "add: modal"} {
		var first, full []time.Duration
		n, deferred, own := 0, 0, 0
		for _, r := range results {
			if r.kind != kind || r.err != "" {
				continue
			}
			n++
			first, full = append(first, r.first), append(full, r.full)
			if r.full != r.first {
				deferred++
			}
			if r.own {
				own++
			}
		}
		if n == 0 {
			continue
		}
		t.Logf("%d shards, %-12s %3d answered (%d deferred, %d from a source added during the run): first answer p50 %v p99 %v max %v; full answer p50 %v p99 %v",
			shards, kind, n, deferred, own, pct(first, 50), pct(first, 99), pct(first, 100), pct(full, 50), pct(full, 99))
	}
	t.Logf("%d shards: %d interactions (%d /ask, %d /source add) from %d senders in %v; %d errors, %d spec or deadline violations, %d ERROR log lines",
		shards, len(results), loadShardAsks, loadShardAdds, loadShardSenders, elapsed.Round(time.Millisecond), errs, len(violations), errorLines)
	if want := loadShardAsks + 2*loadShardAdds; len(results) != want {
		t.Errorf("%d interactions measured, want %d", len(results), want)
	}
}

// pct returns the p-th percentile of ds (nearest rank; 100 is the max).
func pct(ds []time.Duration, p int) time.Duration {
	ds = slices.Clone(ds)
	slices.Sort(ds)
	i := min(len(ds)-1, len(ds)*p/100)
	return ds[i].Round(time.Millisecond)
}

// loadStep runs job j and returns what each of its interactions measured.
// Unlike interact it never stops the test: it runs in a sender goroutine,
// and a failure is a result to count.
func (f *shardFleet) loadStep(j loadJob) []loadResult {
	if !j.add {
		ic := f.interaction(j.guild, false)
		r, reply := f.loadInteract(j.guild, ic, "ask", ic.SlashCommand("ask", discordtest.StringOption("question", j.question)))
		if r.err == "" && slices.Contains(loadSeedQuestions, j.question) && (len(reply.Embeds) == 0 || !answeredWith(reply, "")) {
			r.err = fmt.Sprintf("%s: the seed question %q was not answered: %s", j.guild.Name, j.question, reply.text())
		}
		if j.question == ferryQuestion {
			for _, m := range ferryServer.FindAllStringSubmatch(reply.text(), -1) {
				if m[1] != j.guild.Name && r.err == "" {
					r.err = fmt.Sprintf("%s answered from %s's source: %s", j.guild.Name, m[1], reply.text())
				}
			}
			r.own = answeredWith(reply, "Kell Point")
		}
		return []loadResult{r.loadResult}
	}
	ic := f.interaction(j.guild, true)
	cmd, _ := f.loadInteract(j.guild, ic, "add: command",
		ic.SlashCommand("source", discordtest.SubcommandOption("add", discordtest.StringOption("title", j.title))))
	if cmd.err != "" {
		return []loadResult{cmd.loadResult}
	}
	var modal struct {
		Type int `json:"type"`
		Data struct {
			CustomID string `json:"custom_id"`
		} `json:"data"`
	}
	if err := cmd.callback.Decode(&modal); err != nil || modal.Type != int(discordgo.InteractionResponseModal) {
		cmd.err = fmt.Sprintf("%s: /source add answered %s (%v), want a modal", j.guild.Name, cmd.callback.Body, err)
		return []loadResult{cmd.loadResult}
	}
	ic = f.interaction(j.guild, true)
	sub, reply := f.loadInteract(j.guild, ic, "add: modal", ic.ModalSubmit(modal.Data.CustomID, map[string]string{
		"title": j.title, "outlet": "Test Wire", "url": "", "published": "", "text": j.text}))
	if sub.err == "" && !strings.Contains(reply.Content, "Added") {
		sub.err = fmt.Sprintf("%s: adding %q answered %q", j.guild.Name, j.title, reply.Content)
	}
	return []loadResult{cmd.loadResult, sub.loadResult}
}

// timedInteraction is a loadResult with the callback it measured.
type timedInteraction struct {
	loadResult
	callback discordtest.Request
}

// loadInteract dispatches payload, built from ic in server g, and times
// its callback and its reply (the callback's message, or the edit that
// filled a deferral).
func (f *shardFleet) loadInteract(g discordtest.Guild, ic discordtest.Interaction, kind string, payload []byte) (timedInteraction, shardReply) {
	r := timedInteraction{loadResult: loadResult{kind: kind, id: ic.ID, owner: f.owner(g)}}
	ctx, cancel := context.WithTimeout(f.ctx, time.Minute)
	defer cancel()
	sent := time.Now()
	f.srv.DispatchInteraction(f.t, payload)
	cb, err := f.srv.WaitRequest(ctx, "POST", "/interactions/"+ic.ID+"/"+ic.Token+"/callback")
	if err != nil {
		r.err = fmt.Sprintf("%s: interaction %s was never answered: %s", g.Name, ic.ID, f.failure(err))
		return r, shardReply{}
	}
	r.callback = cb
	r.first = cb.Received.Sub(sent)
	r.full = r.first
	var resp struct {
		Type int        `json:"type"`
		Data shardReply `json:"data"`
	}
	if err := cb.Decode(&resp); err != nil {
		r.err = err.Error()
		return r, shardReply{}
	}
	reply := resp.Data
	if resp.Type == int(discordgo.InteractionResponseDeferredChannelMessageWithSource) {
		edit, err := f.srv.WaitRequest(ctx, "PATCH", "/webhooks/{app}/"+ic.Token+"/messages/@original")
		if err != nil {
			r.err = fmt.Sprintf("%s: interaction %s was deferred and never filled in: %s", g.Name, ic.ID, f.failure(err))
			return r, shardReply{}
		}
		r.full = edit.Received.Sub(sent)
		reply = shardReply{}
		if err := edit.Decode(&reply); err != nil {
			r.err = err.Error()
			return r, shardReply{}
		}
	}
	if strings.Contains(reply.text(), "Sorry, I couldn't") {
		r.err = fmt.Sprintf("%s: interaction %s answered with an error: %s", g.Name, ic.ID, reply.Content)
	}
	return r, reply
}
