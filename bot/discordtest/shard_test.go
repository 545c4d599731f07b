package discordtest_test

import (
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"sitrep/bot/discordtest"
)

// Guilds split between two shards by Discord's rule: (id >> 22) % 2.
var guildEven, guildOdd = discordtest.NumberedGuild(0), discordtest.NumberedGuild(1)

func TestShardOf(t *testing.T) {
	tests := []struct {
		guild string
		count int
		want  int
	}{
		{guildEven.ID, 2, 0},
		{guildOdd.ID, 2, 1},
		{guildOdd.ID, 1, 0},
		{"1006632960000000007", 2, 0},
		{"1006632960004194311", 2, 1},
		{discordtest.NumberedGuild(5).ID, 3, 2},
		{"", 4, 0}, // DMs go to shard 0
		{"1006632960008388615", 3, 2},
		{"4194304", 2, 1}, // 1 << 22
		{"4194303", 2, 0},
	}
	for _, tc := range tests {
		if got := discordtest.ShardOf(tc.guild, tc.count); got != tc.want {
			t.Errorf("ShardOf(%q, %d) = %d, want %d", tc.guild, tc.count, got, tc.want)
		}
	}
}

// TestShardsGetTheirOwnGuilds: two sessions IDENTIFY as shards 0 and 1 of
// 2; each READY and GUILD_CREATE names only its guilds, and each guild's
// interactions, and DMs, reach only the shard that owns them.
func TestShardsGetTheirOwnGuilds(t *testing.T) {
	srv := start(t, discordtest.WithGuild(guildEven), discordtest.WithGuild(guildOdd))
	type shard struct {
		ready        chan *discordgo.Ready
		guilds       chan *discordgo.GuildCreate
		interactions chan *discordgo.InteractionCreate
	}
	shards := make([]shard, 2)
	for id := range shards {
		sh := shard{make(chan *discordgo.Ready, 1), make(chan *discordgo.GuildCreate, 4), make(chan *discordgo.InteractionCreate, 8)}
		shards[id] = sh
		sess := srv.Session(t)
		sess.ShardID, sess.ShardCount = id, 2
		// discordgo's state updates READY's guilds in place on
		// GUILD_CREATE, while the test reads them.
		sess.StateEnabled = false
		sess.AddHandler(func(_ *discordgo.Session, r *discordgo.Ready) { sh.ready <- r })
		sess.AddHandler(func(_ *discordgo.Session, g *discordgo.GuildCreate) { sh.guilds <- g })
		sess.AddHandler(func(_ *discordgo.Session, ic *discordgo.InteractionCreate) { sh.interactions <- ic })
		if err := sess.Open(); err != nil {
			t.Fatal(err)
		}
	}
	if err := srv.WaitSessions(timeout(t), 2); err != nil {
		t.Fatal(err)
	}
	for id, g := range []discordtest.Guild{guildEven, guildOdd} {
		r := receive(t, shards[id].ready, "READY")
		if len(r.Guilds) != 1 || r.Guilds[0].ID != g.ID || r.Shard == nil || *r.Shard != [2]int{id, 2} {
			t.Errorf("shard %d READY: guilds %v, shard %v; want only %s", id, r.Guilds, r.Shard, g.ID)
		}
		if gc := receive(t, shards[id].guilds, "GUILD_CREATE"); gc.ID != g.ID {
			t.Errorf("shard %d GUILD_CREATE for %s, want %s", id, gc.ID, g.ID)
		}
	}
	var shardsSeen [][2]int
	for _, id := range srv.Identifies() {
		if id.Shard != nil {
			shardsSeen = append(shardsSeen, *id.Shard)
		}
	}
	if len(shardsSeen) != 2 || shardsSeen[0][1] != 2 || shardsSeen[1][1] != 2 || shardsSeen[0][0] == shardsSeen[1][0] {
		t.Errorf("IDENTIFY shards %v, want [0 2] and [1 2]", shardsSeen)
	}

	dispatch := func(guild discordtest.Guild, dm bool) string {
		ic := srv.NewInteraction()
		if dm {
			ic = ic.DM()
		} else {
			ic.GuildID, ic.ChannelID = guild.ID, guild.Channels[0]
		}
		srv.DispatchInteraction(t, ic.SlashCommand("ask", discordtest.StringOption("question", "who?")))
		return ic.ID
	}
	for _, tc := range []struct {
		name  string
		guild discordtest.Guild
		dm    bool
		shard int
	}{
		{"even guild", guildEven, false, 0},
		{"odd guild", guildOdd, false, 1},
		{"direct message", discordtest.Guild{}, true, 0},
	} {
		id := dispatch(tc.guild, tc.dm)
		if got := receive(t, shards[tc.shard].interactions, tc.name+" interaction"); got.ID != id {
			t.Errorf("%s: shard %d got interaction %s, want %s", tc.name, tc.shard, got.ID, id)
		}
		select {
		case got := <-shards[1-tc.shard].interactions:
			t.Errorf("%s: shard %d also got interaction %s", tc.name, 1-tc.shard, got.ID)
		case <-time.After(100 * time.Millisecond):
		}
	}
}
