package bot

import (
	"errors"
	"fmt"

	"github.com/bwmarrin/discordgo"

	"sitrep/config"
)

// ErrInvalidAPIBase is returned by SetAPIBase for a base URL it cannot use.
var ErrInvalidAPIBase = errors.New("bot: invalid Discord API base URL")

// SetAPIBase points discordgo at base, the URL of Discord's REST API (for
// example "https://discord.com/api/v9/", a REST proxy such as
// "http://proxy:8080/api/v9", or a fake Discord in tests). The trailing slash
// is optional; the path must end in "api/v<N>" and the scheme must be http or
// https; config.ParseAPIBase is the check, the same one config.Load makes.
// An invalid base returns an error wrapping ErrInvalidAPIBase and changes
// nothing. config.DefaultAPIBase is discordgo's own base.
//
// discordgo computes its endpoints once, as package-level string variables
// derived from EndpointDiscord and EndpointAPI, so changing one of them later
// has no effect on the others: SetAPIBase recomputes every derived string the
// way discordgo's endpoints.go does, and sets APIVersion to N so the gateway
// speaks the same version as REST. The function-typed endpoints
// (EndpointChannelMessages, EndpointInteractionResponse, …) read those
// strings when called, so they follow. The CDN and status page endpoints are
// other hosts, not part of the API, and are left alone.
//
// The endpoints are process-wide: SetAPIBase is not safe to call while any
// discordgo Session is making requests, and tests that change the base must
// not run in parallel with each other.
func SetAPIBase(base string) error {
	b, err := config.ParseAPIBase(base)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidAPIBase, err)
	}
	discordgo.APIVersion = b.Version
	setEndpoints(b.Root)
	return nil
}

// setEndpoints mirrors the string variables of discordgo v0.28.1's
// endpoints.go, in its order, from EndpointDiscord down. endpoints_test.go
// parses that file and fails if a variable is missing here.
func setEndpoints(discord string) {
	discordgo.EndpointDiscord = discord
	discordgo.EndpointAPI = discordgo.EndpointDiscord + "api/v" + discordgo.APIVersion + "/"
	api := discordgo.EndpointAPI
	discordgo.EndpointGuilds = api + "guilds/"
	discordgo.EndpointChannels = api + "channels/"
	discordgo.EndpointUsers = api + "users/"
	discordgo.EndpointGateway = api + "gateway"
	discordgo.EndpointGatewayBot = discordgo.EndpointGateway + "/bot"
	discordgo.EndpointWebhooks = api + "webhooks/"
	discordgo.EndpointStickers = api + "stickers/"
	discordgo.EndpointStageInstances = api + "stage-instances"

	// discordgo joins these with a doubled slash ("…/api/v9//voice/"); keep
	// its spelling so behaviour matches the library's defaults exactly.
	discordgo.EndpointVoice = api + "/voice/"
	discordgo.EndpointVoiceRegions = discordgo.EndpointVoice + "regions"
	discordgo.EndpointNitroStickersPacks = api + "/sticker-packs"

	discordgo.EndpointGuildCreate = api + "guilds"
	discordgo.EndpointApplications = api + "applications"

	discordgo.EndpointOAuth2 = api + "oauth2/"
	discordgo.EndpointOAuth2Applications = discordgo.EndpointOAuth2 + "applications"
	discordgo.EndpointOauth2 = discordgo.EndpointOAuth2
	discordgo.EndpointOauth2Applications = discordgo.EndpointOAuth2Applications
}
