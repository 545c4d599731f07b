package bot

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"sitrep/bot/discordtest"
)

// TestLoadOneMemberBurst: one member fires 200 /ask in a burst while three
// others ask as usual. Every interaction is acknowledged within Discord's
// 3 seconds (the fake fails the test otherwise) and answered: the three
// others with their quotes, the burst with quotes up to the member's pace
// and a polite private "please wait" beyond it. Nothing is dropped.
func TestLoadOneMemberBurst(t *testing.T) {
	lib := openSeeded(t)
	h := startBot(t, lib, Options{GuildID: discordtest.DefaultGuildID}, discordtest.WithoutSpec())
	const (
		burst    = 200
		spammer  = "2000000000000000999"
		perOther = 3
	)
	others := []string{"2000000000000000001", "2000000000000000002", "2000000000000000003"}
	questions := []string{"how many cameras were hacked?", "who claimed the attack on the municipality?", "what image did the hackers show?"}

	type sent struct {
		ic  discordtest.Interaction
		who string
		at  time.Time
	}
	var all []sent
	send := func(who, q string) {
		ic := h.srv.NewInteraction()
		ic.UserID = who
		all = append(all, sent{ic, who, time.Now()})
		h.srv.DispatchInteraction(t, ic.SlashCommand("ask", ask(q)...))
	}
	for k := range burst {
		send(spammer, fmt.Sprintf("cameras hacked in Tehran number %d?", k))
		if k%(burst/perOther) == burst/perOther/2 { // the others ask all along the burst
			for n, o := range others {
				send(o, questions[n])
			}
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var answered, refused int
	var otherFirst []time.Duration
	for _, s := range all {
		r, err := h.srv.WaitRequest(ctx, "POST", "/interactions/"+s.ic.ID+"/"+s.ic.Token+"/callback")
		if err != nil {
			t.Fatalf("interaction of %s was never answered: %v", s.who, err)
		}
		var cb callback
		if err := r.Decode(&cb); err != nil {
			t.Fatal(err)
		}
		m := cb.Data
		if cb.Type == int(discordgo.InteractionResponseDeferredChannelMessageWithSource) {
			m = h.edit(t, s.ic)
		}
		limited := strings.Contains(m.Content, "please wait")
		if s.who != spammer {
			otherFirst = append(otherFirst, r.Received.Sub(s.at))
			if limited || len(m.Embeds) == 0 {
				t.Errorf("%s asking normally got %q (%d embeds)", s.who, m.Content, len(m.Embeds))
			}
			continue
		}
		switch {
		case limited:
			refused++
			if m.Flags&int(discordgo.MessageFlagsEphemeral) == 0 {
				t.Errorf("the slow-down reply was public: %+v", m)
			}
		case len(m.Embeds) > 0:
			answered++
		default:
			t.Errorf("burst interaction answered with neither quotes nor a slow-down: %+v", m)
		}
	}
	if answered+refused != burst {
		t.Errorf("%d answered + %d slowed down, want all %d replied to", answered, refused, burst)
	}
	// The burst allowance, plus what refills while the burst is sent.
	if answered < DefaultAskBurst || answered > DefaultAskBurst+5 {
		t.Errorf("%d of the burst answered, want about the allowance of %d", answered, DefaultAskBurst)
	}
	sort.Slice(otherFirst, func(i, j int) bool { return otherFirst[i] < otherFirst[j] })
	t.Logf("burst of %d: %d answered, %d asked to wait; the others' first answers: median %v, max %v",
		burst, answered, refused, otherFirst[len(otherFirst)/2], otherFirst[len(otherFirst)-1])
	qs, err := lib.Questions(discordtest.DefaultGuildID, epoch)
	if err != nil {
		t.Fatal(err)
	}
	if want := answered + len(otherFirst); len(qs) != want {
		t.Errorf("%d questions logged, want %d (the slowed-down ones are not searched nor logged)", len(qs), want)
	}
}
