//go:build unix

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"sitrep/bot/discordtest"
	"sitrep/internal/pgtest"
)

// visibleWithin is how soon a source added anywhere must be answerable
// from every shard that indexes it (issue 13).
const visibleWithin = 5 * time.Second

// TestShardProcessesPostgreSQL runs two `sitrep serve` processes as shards
// 0/2 and 1/2 on one PostgreSQL library, each with its own --data (the
// index only), against the fake Discord:
//   - each answers only the interactions of its own servers;
//   - a source added with /source add in a server (one of each shard) is
//     answered from that server within 5 s, and the crane one from no
//     other server;
//   - a source imported into the shared library by `sitrep import`, a third
//     process with a third --data, is answered from the servers of both
//     shards within 5 s (their indexes follow the store's notifications);
//   - after /digest set every server's digest is posted by its owner, once
//     across both shards, and shard 1 restarted during the day does not
//     post its servers' again;
//   - shard 1 killed with SIGKILL and restarted on an empty --data rebuilds
//     its index from the store and answers its servers' questions as
//     before, its servers' own sources included.
func TestShardProcessesPostgreSQL(t *testing.T) {
	if testing.Short() {
		t.Skip("runs three sitrep processes on PostgreSQL; skipped with -short")
	}
	dsn := pgtest.NewDatabase(t)
	f := newShardFleet(t, 2, 4, "SITREP_DATABASE_URL="+dsn)
	server := func(k int) discordtest.Guild { return f.guilds[k] } // server k belongs to shard k%2
	start := time.Now()
	for id := range f.shards {
		f.start(id, filepath.Join(t.TempDir(), "data"))
	}
	f.waitReady()
	t.Logf("two shards on one new database ready in %v", time.Since(start).Round(time.Millisecond))

	const seedQuestion = "how many cameras were hacked?"
	for _, g := range f.guilds {
		if a := f.ask(g, seedQuestion); !answeredWith(a, "cameras") || strings.Contains(a.text(), noAnswer) {
			t.Errorf("%s: the seed question is not answered: %s", g.Name, a.text())
		}
	}

	// A server's own source, from /source add in a server of each shard.
	const (
		craneQuestion      = "what collapsed at Pier 9 in Valmora?"
		craneMark          = "Tuesday"
		lighthouseQuestion = "when did the lighthouse keeper of Port Averly retire?"
		lighthouseMark     = "Maren Holt"
		tunnelQuestion     = "when did the Korsa tunnel reopen?"
		tunnelMark         = "eleven weeks"
	)
	f.addSource(server(0), "Valmora crane collapse",
		"The harbour crane at Pier 9 in Valmora collapsed on Tuesday night, the port authority said. Two dock workers were injured.")
	took, asks := f.waitAnswer(server(0), craneQuestion, craneMark, time.Now())
	t.Logf("/source add in %s: answered there after %v (/ask #%d)", server(0).Name, took, asks)
	f.addSource(server(1), "Lighthouse keeper retires",
		"The lighthouse keeper of Port Averly, Maren Holt, retired on 3 March after forty years of service. She kept the light burning through eleven winters alone.")
	took, asks = f.waitAnswer(server(1), lighthouseQuestion, lighthouseMark, time.Now())
	t.Logf("/source add in %s: answered there after %v (/ask #%d)", server(1).Name, took, asks)
	// One server's sources never answer in another, on the same shard or not.
	for _, k := range []int{1, 2, 3} {
		if a := f.ask(server(k), craneQuestion); answeredWith(a, craneMark) {
			t.Errorf("%s answers from %s's source: %s", server(k).Name, server(0).Name, a.text())
		}
	}

	// A source for every server, imported by the CLI into the shared library.
	file := filepath.Join(t.TempDir(), "tunnel.jsonl")
	line := `{"id":"korsa-tunnel","title":"Korsa tunnel reopens","outlet":"Wire","published":"2026-03-02","text":"The Korsa mountain tunnel reopened to traffic on Monday after eleven weeks of repairs, the transport ministry said. Lorries must still use the old pass."}`
	if err := os.WriteFile(file, []byte(line+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	importer := exec.Command(f.bin, "import", "--data", filepath.Join(t.TempDir(), "data"), file)
	importer.Dir = t.TempDir() // no stray .env
	importer.Env = []string{"HOME=" + t.TempDir(), "PATH=/usr/bin:/bin", "SITREP_DATABASE_URL=" + dsn}
	if out, err := importer.CombinedOutput(); err != nil || !strings.Contains(string(out), "imported 1 new") {
		t.Fatalf("sitrep import: %v\n%s", err, out)
	}
	imported := time.Now()
	for _, g := range f.guilds {
		took, asks := f.waitAnswer(g, tunnelQuestion, tunnelMark, imported)
		t.Logf("the CLI's import answered in %s (shard %d) %v after the import returned (/ask #%d there)", g.Name, f.owner(g), took, asks)
	}

	// Both shards started at once on the empty database: the four seeds
	// are stored once, beside the two servers' sources and the import.
	if n := storedOf(t, dsn, "%"); n != 4+2+1 {
		t.Errorf("the store holds %d sources, want 7 (4 seeds, 2 added in servers, 1 imported)", n)
	}

	f.setDigests()
	f.waitDigests()

	// Shard 1 dies and comes back on an empty --data: the index is built
	// again from the store, and its servers get the same answers.
	questions := []string{seedQuestion, tunnelQuestion, lighthouseQuestion, craneQuestion}
	before := map[string]shardReply{}
	for _, g := range f.guilds {
		if f.owner(g) == 1 {
			for _, q := range questions {
				before[g.ID+" "+q] = f.ask(g, q)
			}
		}
	}
	f.kill(1)
	data := filepath.Join(t.TempDir(), "data")
	restart := time.Now()
	f.start(1, data)
	f.waitReady()
	t.Logf("shard 1 back on an empty --data (index rebuilt from the store) in %v", time.Since(restart).Round(time.Millisecond))
	for _, g := range f.guilds {
		if f.owner(g) != 1 {
			continue
		}
		for _, q := range questions {
			want, got := before[g.ID+" "+q], f.ask(g, q)
			if got.Content != want.Content || !reflect.DeepEqual(got.Embeds, want.Embeds) {
				t.Errorf("%s, %q: after the restart\n%s\nbefore\n%s", g.Name, q, got.text(), want.text())
			}
		}
	}
	if a := before[server(1).ID+" "+lighthouseQuestion]; !answeredWith(a, lighthouseMark) {
		t.Errorf("%s's own source was not answered before the restart: %s", server(1).Name, a.text())
	}
	if _, err := os.Stat(filepath.Join(data, "library.db")); !os.IsNotExist(err) {
		t.Errorf("with PostgreSQL the restarted shard's data directory has a bbolt store (%v)", err)
	}

	// Stop both, so nothing is still on its way, then count: the restarted
	// shard found its servers' digests already posted.
	f.stopAll()
	f.checkOneDigestEach()
}

// noAnswer titles the card of a question the library holds nothing of.
const noAnswer = "No source in the library answers this."

// answeredWith reports whether a is an answer whose text holds mark.
func answeredWith(a shardReply, mark string) bool {
	return !strings.Contains(a.text(), noAnswer) && strings.Contains(a.text(), mark)
}

// waitAnswer asks question in g until the answer holds mark, and returns
// how long after since it first did, and how many asks that took. It fails
// the test when that takes more than visibleWithin.
func (f *shardFleet) waitAnswer(g discordtest.Guild, question, mark string, since time.Time) (took time.Duration, asks int) {
	f.t.Helper()
	for {
		a := f.ask(g, question)
		took, asks = time.Since(since), asks+1
		if answeredWith(a, mark) {
			return took, asks
		}
		if took > visibleWithin {
			f.t.Fatalf("%s (shard %d): %q not answered from the new source %v after it was added: %s\n%s",
				g.Name, f.owner(g), question, took.Round(time.Millisecond), a.text(), f.allLogs())
		}
		time.Sleep(50 * time.Millisecond)
	}
}
