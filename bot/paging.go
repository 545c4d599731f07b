package bot

import "github.com/bwmarrin/discordgo"

// pageButtons is the one row of paging buttons: "◀ Previous" when prevID
// is set and a forward button labelled forward when nextID is. A button
// that would lead nowhere is left out rather than shown disabled: on a
// phone a grey button reads as one that failed. Nil when neither is set.
func pageButtons(prevID, nextID, forward string) []discordgo.MessageComponent {
	var row []discordgo.MessageComponent
	if prevID != "" {
		row = append(row, discordgo.Button{Label: "◀ Previous", Style: discordgo.SecondaryButton, CustomID: prevID})
	}
	if nextID != "" {
		row = append(row, discordgo.Button{Label: forward, Style: discordgo.PrimaryButton, CustomID: nextID})
	}
	if len(row) == 0 {
		return nil
	}
	return []discordgo.MessageComponent{discordgo.ActionsRow{Components: row}}
}
