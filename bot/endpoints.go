package bot

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"

	"github.com/bwmarrin/discordgo"
)

// DefaultAPIBase is the base URL of Discord's REST API that discordgo v0.29.0
// uses out of the box.
const DefaultAPIBase = "https://discord.com/api/v9/"

// ErrInvalidAPIBase is returned by SetAPIBase for a base URL it cannot use.
var ErrInvalidAPIBase = errors.New("bot: invalid Discord API base URL")

// apiPath matches the path of an API base: any prefix (a REST proxy may mount
// Discord below a path of its own), then "api/v<N>" with an optional slash.
var apiPath = regexp.MustCompile(`^(/(?:[^/?#]+/)*)api/v([1-9][0-9]*)/?$`)

// SetAPIBase points discordgo at base, the URL of Discord's REST API (for
// example "https://discord.com/api/v9/", a REST proxy such as
// "http://proxy:8080/api/v9", or a fake Discord in tests). The trailing slash
// is optional; the path must end in "api/v<N>" and the scheme must be http or
// https. An invalid base returns an error wrapping ErrInvalidAPIBase and
// changes nothing.
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
	u, err := url.Parse(base)
	if err != nil {
		return fmt.Errorf("%w: %q: %w", ErrInvalidAPIBase, base, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("%w: %q: scheme must be http or https", ErrInvalidAPIBase, base)
	}
	if u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return fmt.Errorf("%w: %q: want scheme://host[:port]/[prefix/]api/v<N>/ without user, query or fragment", ErrInvalidAPIBase, base)
	}
	m := apiPath.FindStringSubmatch(u.EscapedPath())
	if m == nil {
		return fmt.Errorf("%w: %q: path must end in /api/v<N>/", ErrInvalidAPIBase, base)
	}
	prefix, version := m[1], m[2]

	discordgo.APIVersion = version
	setEndpoints(u.Scheme + "://" + u.Host + prefix)
	return nil
}

// setEndpoints mirrors the string variables of discordgo v0.29.0's
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
	discordgo.EndpointSKUs = api + "skus"

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
