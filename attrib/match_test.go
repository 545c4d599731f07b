package attrib_test

import (
	"testing"

	"sitrep/attrib"
)

func TestSpeakerMatch(t *testing.T) {
	chamran := attrib.Attribution{SaidBy: "Mehdi Chamran (head of the Tehran City Council)", AccordingTo: []string{"Mehr News Agency"}}
	mek := attrib.Attribution{SaidBy: "Uprising until Overthrow", AccordingTo: []string{"Voice of America"}}
	none := attrib.Attribution{}
	cases := []struct {
		question string
		a        attrib.Attribution
		want     float64
	}{
		{"What did Chamran say about the Mossad?", chamran, attrib.MatchSpeaker},
		{"what did mehdi chamran claim", chamran, attrib.MatchSpeaker},
		{"What did the council head say?", chamran, attrib.MatchChain},
		{"What did Mehr report?", chamran, attrib.MatchChain},
		{"Who claimed the hack of the cameras?", mek, attrib.MatchWho},
		{"Who said the Mossad was behind it?", chamran, attrib.MatchWho},
		{"Who claimed the hack of the cameras?", none, 0},
		{"How many cameras were hacked?", mek, 0},
		{"Who hacked the cameras?", mek, 0}, // who did it, not who said so
		{"What did Ghaemi say?", chamran, 0},
	}
	for _, c := range cases {
		if got := attrib.SpeakerMatch(c.question, c.a); got != c.want {
			t.Errorf("SpeakerMatch(%q, %q) = %v, want %v", c.question, c.a.SaidBy, got, c.want)
		}
	}
	// The speaker named outranks a mere "who" match, which outranks none.
	q := "Who claimed that Chamran's council was hacked?"
	if !(attrib.SpeakerMatch(q, chamran) > attrib.SpeakerMatch(q, mek) && attrib.SpeakerMatch(q, mek) > attrib.SpeakerMatch(q, none)) {
		t.Errorf("order for %q: %v %v %v", q, attrib.SpeakerMatch(q, chamran), attrib.SpeakerMatch(q, mek), attrib.SpeakerMatch(q, none))
	}
}
