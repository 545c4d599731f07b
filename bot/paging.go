package bot

import "github.com/bwmarrin/discordgo"

// pageButtons is the one row of paging buttons: "◀ Previous" and a
// forward button labelled forward, each disabled at its end of the list.
func pageButtons(prevID, nextID, forward string, atStart, atEnd bool) []discordgo.MessageComponent {
	return []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		discordgo.Button{Label: "◀ Previous", Style: discordgo.SecondaryButton, Disabled: atStart, CustomID: prevID},
		discordgo.Button{Label: forward, Style: discordgo.PrimaryButton, Disabled: atEnd, CustomID: nextID},
	}}}
}
