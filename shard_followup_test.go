//go:build unix

package main

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"sitrep/bot/discordtest"
	"sitrep/internal/pgtest"
)

// TestShardFollowUpsGoToTheOwner runs two `sitrep serve` shard processes on
// one PostgreSQL library. A member of server X (shard 1's) asks what no
// source answers; a moderator of X adds a source that does, and the
// follow-up cannot be posted yet (Discord fails), so the job waits in the
// shared queue. Shard 0, restarted meanwhile, works through the queue at
// start: it must leave X's job alone, since its index holds no source of
// X. Shard 1, restarted once Discord is back, posts the follow-up: the
// asker is told exactly once.
func TestShardFollowUpsGoToTheOwner(t *testing.T) {
	if testing.Short() {
		t.Skip("runs sitrep processes on PostgreSQL; skipped with -short")
	}
	const (
		question = "when did the lighthouse keeper of Port Averly retire?"
		text     = "The lighthouse keeper of Port Averly, Maren Holt, retired on 3 March after forty years of service. She kept the light burning through eleven winters alone."
	)
	dsn := pgtest.NewDatabase(t)
	f := newShardFleet(t, 2, 2, "SITREP_DATABASE_URL="+dsn)
	data := []string{filepath.Join(t.TempDir(), "data"), filepath.Join(t.TempDir(), "data")}
	for id := range f.shards {
		f.start(id, data[id])
	}
	f.waitReady()
	x := f.guilds[1] // server 1 belongs to shard 1
	if f.owner(x) != 1 {
		t.Fatalf("%s belongs to shard %d; the test needs shard 1's", x.Name, f.owner(x))
	}
	channel := x.Channels[0]

	ic := f.interaction(x, false)
	asker := ic.UserID
	_, reply := f.interact(x, ic, ic.SlashCommand("ask", discordtest.StringOption("question", question)))
	if answeredWith(reply, "Maren Holt") {
		t.Fatalf("the question is answered before its source exists: %s", reply.text())
	}

	// Shard 0 goes down for a deploy; Discord fails X's channel, so shard
	// 1's follow-up stays queued.
	f.shards[0].stop(t)
	f.srv.FailChannel(channel, http.StatusInternalServerError)
	f.addSource(x, "Lighthouse keeper retires", text)
	if _, err := f.srv.WaitRequest(f.ctx, "POST", "/channels/"+channel+"/messages"); err != nil {
		t.Fatalf("shard 1 never tried the follow-up: %v\n%s", err, f.allLogs())
	}
	if n := queued(t, dsn); n != 1 {
		t.Fatalf("%d follow-up jobs queued after the failed post, want 1\n%s", n, f.allLogs())
	}

	// Shard 0 starts and works through the queue.
	f.start(0, data[0])
	f.waitReady()
	for queued(t, dsn) == 1 && !strings.Contains(f.shards[0].logs.String(), "follow-up jobs left to the shards that own their servers") {
		if f.ctx.Err() != nil {
			t.Fatalf("shard 0 neither took nor left X's follow-up job\n%s", f.allLogs())
		}
		time.Sleep(20 * time.Millisecond)
	}

	// Discord is back; shard 1 restarts and works through the queue.
	f.srv.FailChannel(channel, 0)
	f.shards[1].stop(t)
	f.start(1, data[1])
	f.waitReady()
	for queued(t, dsn) != 0 {
		if f.ctx.Err() != nil {
			t.Fatalf("X's follow-up job is still queued\n%s", f.allLogs())
		}
		time.Sleep(20 * time.Millisecond)
	}
	f.stopAll()

	var told int
	for _, r := range f.srv.Requests() {
		if r.Method != "POST" || r.Path != "/channels/"+channel+"/messages" || r.Status != http.StatusOK {
			continue
		}
		var m shardReply
		if err := r.Decode(&m); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(m.Content, "One does now") && strings.Contains(m.Content, "<@"+asker+">") && strings.Contains(m.text(), "Maren Holt") {
			told++
		}
	}
	if told != 1 {
		t.Errorf("X's asker was told %d times, want once: a shard that does not own X took its follow-up and answered it from an index without X's sources\n%s", told, f.allLogs())
	}
}

// queued counts the follow-up jobs waiting in the shared store.
func queued(tb testing.TB, dsn string) int {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		tb.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM followup_queue").Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}
