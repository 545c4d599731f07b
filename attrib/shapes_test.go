package attrib_test

import (
	"slices"
	"testing"

	"sitrep/attrib"
	"sitrep/search"
)

// TestShapesThatReadWrong pins the attributions issue 25 found reading
// wrong, each in a short text: the last sentence's attribution is what a
// reader sees under the quote.
func TestShapesThatReadWrong(t *testing.T) {
	cases := []struct {
		name, text  string
		saidBy      string
		accordingTo []string
	}{
		{"a subject that is no speaker (Any…)",
			`The state-run Reporters Club News Agency wrote, "A cybersecurity expert believes that these hacks are newsworthy. Any cyber-attack means that the hacker has infiltrated the system for years and now declares its destruction for any reason."`,
			"Reporters Club News Agency (state-run)", nil},
		{"Any… with its speaker after",
			"Any tax would only be implemented after full consultation with the airlines, the EU said.", "EU", nil},
		{"a sentence opened by If", "If confirmed, that would be the best quarterly showing since early 2002.", "", nil},
		{"Each … but thinks", "Each participant wants the row to stop, but thinks it worth prolonging the argument.", "", nil},
		{"Now before the speaker", "Now the board has confirmed that the US bidder is back.", "the board", nil},
		{"a place is no speaker", "The control centre said the cameras were working again.", "", nil},
		{"a centre named before speaks", "Most people read news online, the Pew Research Center said. The centre said the share had doubled.",
			"Pew Research Center", nil},
		{"think tanks are no verb", "The report is published by right of centre think tanks the Economic Research Council and the Centre for Policy Studies.", "", nil},
		{"a narrated act (claimed the top spot)", "Athlete's latest offering Tourist claimed the top spot, toppling the Chemical Brothers.", "", nil},
		{"a narrated act (adding points)", "All Black Aaron Mauger was in good form with the boot, adding 10 points.", "", nil},
		{"a claim of responsibility keeps its claimant",
			"The Mujahedin-e Khalq claimed responsibility for the attack, the Associated Press reported.",
			"Mujahedin-e Khalq", []string{"Associated Press"}},
		{"a claim narrated inside what someone said",
			`Lib Dem spokesman Ed Davey meanwhile said instead of the "bonfire of quangos" New Labour had promised, there had been an "explosion" of them.`,
			"Ed Davey (Lib Dem spokesman)", nil},
		{"an outlet as it names itself, its description apart",
			"On June 8, the state-run daily Nameh News wrote that the hack was the latest of many.", "Nameh News (state-run daily)", nil},
		{"an outlet's kind in capitals goes with the description",
			"The attack was thwarted, according to Iranian state TV IRIB.", "IRIB (Iranian state TV)", nil},
		{"an outlet typed another way later is the one named first",
			"Iran's Youth Correspondents Club news agency reported that websites were suspended. The municipality's website was down for a few minutes, the young correspondents' club agency quoted the municipality as saying.",
			"the municipality", []string{"Iran's Youth Correspondents Club news agency"}},
		{"a role of an organisation stays whole",
			"The head of the Tehran City Council blamed the Mossad, the Iranian Mehr News Agency reported.",
			"head of the Tehran City Council", []string{"Iranian Mehr News Agency"}},
		{"a quoted name stays whole",
			`On Thursday, a group called "Uprising until Overthrow," affiliated with the MEK, claimed that it had hacked the cameras, according to the Voice of America.`,
			"Uprising until Overthrow", []string{"Voice of America"}},
		{"a spokesman for a firm is the speaker", "A spokesman for distributor Toho said the film had received strong interest.", "spokesman for distributor Toho", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			spans := search.Split(c.text)
			as := attrib.Attribute(c.text, toAttrib(spans))
			got := as[len(as)-1]
			if got.SaidBy != c.saidBy || !slices.Equal(got.AccordingTo, c.accordingTo) {
				t.Errorf("%q:\n got said_by %q according_to %q\nwant said_by %q according_to %q (readers see the wrong name under the quote)",
					c.text, got.SaidBy, got.AccordingTo, c.saidBy, c.accordingTo)
			}
		})
	}
}
