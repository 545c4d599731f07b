package bot

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"sitrep/config"
)

// These tests change discordgo's process-wide endpoints: none of them may
// call t.Parallel, and each restores the defaults when it ends.

// endpointStrings lists every string variable of discordgo's endpoints.go.
// TestSetAPIBaseMatchesDiscordgo fails when discordgo gains one that is not
// here, so an upgrade cannot silently leave an endpoint pointing at Discord.
var endpointStrings = map[string]*string{
	"EndpointStatus":             &discordgo.EndpointStatus,
	"EndpointSm":                 &discordgo.EndpointSm,
	"EndpointSmActive":           &discordgo.EndpointSmActive,
	"EndpointSmUpcoming":         &discordgo.EndpointSmUpcoming,
	"EndpointDiscord":            &discordgo.EndpointDiscord,
	"EndpointAPI":                &discordgo.EndpointAPI,
	"EndpointGuilds":             &discordgo.EndpointGuilds,
	"EndpointChannels":           &discordgo.EndpointChannels,
	"EndpointUsers":              &discordgo.EndpointUsers,
	"EndpointGateway":            &discordgo.EndpointGateway,
	"EndpointGatewayBot":         &discordgo.EndpointGatewayBot,
	"EndpointWebhooks":           &discordgo.EndpointWebhooks,
	"EndpointStickers":           &discordgo.EndpointStickers,
	"EndpointStageInstances":     &discordgo.EndpointStageInstances,
	"EndpointCDN":                &discordgo.EndpointCDN,
	"EndpointCDNAttachments":     &discordgo.EndpointCDNAttachments,
	"EndpointCDNAvatars":         &discordgo.EndpointCDNAvatars,
	"EndpointCDNIcons":           &discordgo.EndpointCDNIcons,
	"EndpointCDNSplashes":        &discordgo.EndpointCDNSplashes,
	"EndpointCDNChannelIcons":    &discordgo.EndpointCDNChannelIcons,
	"EndpointCDNBanners":         &discordgo.EndpointCDNBanners,
	"EndpointCDNGuilds":          &discordgo.EndpointCDNGuilds,
	"EndpointCDNRoleIcons":       &discordgo.EndpointCDNRoleIcons,
	"EndpointVoice":              &discordgo.EndpointVoice,
	"EndpointVoiceRegions":       &discordgo.EndpointVoiceRegions,
	"EndpointNitroStickersPacks": &discordgo.EndpointNitroStickersPacks,
	"EndpointGuildCreate":        &discordgo.EndpointGuildCreate,
	"EndpointApplications":       &discordgo.EndpointApplications,
	"EndpointOAuth2":             &discordgo.EndpointOAuth2,
	"EndpointOAuth2Applications": &discordgo.EndpointOAuth2Applications,
	"EndpointOauth2":             &discordgo.EndpointOauth2,
	"EndpointOauth2Applications": &discordgo.EndpointOauth2Applications,
}

// restoreEndpoints makes tb put discordgo back on Discord when it ends and
// checks that doing so gives back exactly the library's own values.
func restoreEndpoints(tb testing.TB) {
	tb.Helper()
	before := make(map[string]string, len(endpointStrings))
	for name, p := range endpointStrings {
		before[name] = *p
	}
	version := discordgo.APIVersion
	tb.Cleanup(func() {
		if err := SetAPIBase(config.DefaultAPIBase); err != nil {
			tb.Errorf("restore default base: %v", err)
		}
		if discordgo.APIVersion != version {
			tb.Errorf("APIVersion after restore = %q, want %q", discordgo.APIVersion, version)
		}
		for name, p := range endpointStrings {
			if *p != before[name] {
				tb.Errorf("%s after restore = %q, want %q", name, *p, before[name])
			}
		}
	})
}

// discordgoEndpoints parses discordgo's endpoints.go and returns the
// expression of each string variable; function variables (literals and
// aliases of other function variables) are left out.
func discordgoEndpoints(tb testing.TB) map[string]ast.Expr {
	tb.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/bwmarrin/discordgo").Output()
	if err != nil {
		tb.Fatalf("locate discordgo sources: %v", err)
	}
	path := filepath.Join(strings.TrimSpace(string(out)), "endpoints.go")
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
	if err != nil {
		tb.Fatalf("parse %s: %v", path, err)
	}
	funcs := map[string]bool{}
	exprs := map[string]ast.Expr{}
	for _, decl := range f.Decls {
		gen, ok := decl.(*ast.GenDecl)
		if !ok || gen.Tok != token.VAR {
			continue
		}
		for _, spec := range gen.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, name := range vs.Names {
				if i >= len(vs.Values) {
					tb.Fatalf("%s: var %s has no value; update this parser", path, name.Name)
				}
				switch v := vs.Values[i].(type) {
				case *ast.FuncLit:
					funcs[name.Name] = true
				case *ast.Ident:
					if funcs[v.Name] {
						funcs[name.Name] = true
						continue
					}
					exprs[name.Name] = v
				default:
					exprs[name.Name] = v
				}
			}
		}
	}
	if len(exprs) < 20 {
		tb.Fatalf("%s: found only %d string variables; parser out of date?", path, len(exprs))
	}
	return exprs
}

// evalEndpoint computes a variable of endpoints.go from its expression, the
// way the Go compiler did at init, with env holding already known values.
func evalEndpoint(tb testing.TB, exprs map[string]ast.Expr, env map[string]string, name string) string {
	tb.Helper()
	if v, ok := env[name]; ok {
		return v
	}
	expr, ok := exprs[name]
	if !ok {
		tb.Fatalf("endpoints.go: %s is neither a string variable nor known", name)
	}
	var eval func(ast.Expr) string
	eval = func(e ast.Expr) string {
		switch e := e.(type) {
		case *ast.BasicLit:
			s, err := strconv.Unquote(e.Value)
			if err != nil {
				tb.Fatalf("%s: literal %s: %v", name, e.Value, err)
			}
			return s
		case *ast.Ident:
			return evalEndpoint(tb, exprs, env, e.Name)
		case *ast.BinaryExpr:
			if e.Op != token.ADD {
				tb.Fatalf("%s: operator %s not understood", name, e.Op)
			}
			return eval(e.X) + eval(e.Y)
		case *ast.ParenExpr:
			return eval(e.X)
		}
		tb.Fatalf("%s: expression %T not understood; update this test", name, e)
		return ""
	}
	v := eval(expr)
	env[name] = v
	return v
}

func TestSetAPIBaseMatchesDiscordgo(t *testing.T) {
	restoreEndpoints(t)
	exprs := discordgoEndpoints(t)
	for name := range exprs {
		if _, ok := endpointStrings[name]; !ok && name != "APIVersion" {
			t.Errorf("discordgo has string variable %s that SetAPIBase does not know: add it to setEndpoints and endpointStrings", name)
		}
	}
	for name := range endpointStrings {
		if _, ok := exprs[name]; !ok {
			t.Errorf("endpointStrings lists %s, which discordgo's endpoints.go does not define", name)
		}
	}

	tests := []struct {
		name        string
		base        string
		wantDiscord string
		wantVersion string
	}{
		{"fake discord", "http://127.0.0.1:8080/api/v9/", "http://127.0.0.1:8080/", "9"},
		{"no trailing slash", "http://127.0.0.1:8080/api/v9", "http://127.0.0.1:8080/", "9"},
		{"proxy with prefix and v10", "https://proxy.example/discord/api/v10/", "https://proxy.example/discord/", "10"},
		{"default", config.DefaultAPIBase, "https://discord.com/", "9"},
	}
	defaults := map[string]string{"APIVersion": "9"}
	for name := range exprs {
		evalEndpoint(t, exprs, defaults, name)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := SetAPIBase(tt.base); err != nil {
				t.Fatalf("SetAPIBase(%q): %v", tt.base, err)
			}
			if discordgo.APIVersion != tt.wantVersion {
				t.Errorf("APIVersion = %q, want %q", discordgo.APIVersion, tt.wantVersion)
			}
			env := map[string]string{"EndpointDiscord": tt.wantDiscord, "APIVersion": tt.wantVersion}
			for name, p := range endpointStrings {
				want := evalEndpoint(t, exprs, env, name)
				if *p != want {
					t.Errorf("%s = %q, want %q (as discordgo computes it)", name, *p, want)
				}
				if strings.HasPrefix(defaults[name], "https://discord.com/") && !strings.HasPrefix(*p, tt.wantDiscord) {
					t.Errorf("%s = %q still points at Discord, want prefix %q", name, *p, tt.wantDiscord)
				}
			}
		})
	}
}

func TestSetAPIBaseFuncEndpoints(t *testing.T) {
	restoreEndpoints(t)
	const base = "http://127.0.0.1:9/api/v9/"
	if err := SetAPIBase(base); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"global commands", discordgo.EndpointApplicationGlobalCommands("1"), base + "applications/1/commands"},
		{"guild commands", discordgo.EndpointApplicationGuildCommands("1", "2"), base + "applications/1/guilds/2/commands"},
		{"interaction callback", discordgo.EndpointInteractionResponse("3", "tok"), base + "interactions/3/tok/callback"},
		{"original response", discordgo.EndpointInteractionResponseActions("1", "tok"), base + "webhooks/1/tok/messages/@original"},
		{"webhook message", discordgo.EndpointWebhookMessage("1", "tok", "4"), base + "webhooks/1/tok/messages/4"},
		{"follow-up", discordgo.EndpointFollowupMessage("1", "tok"), base + "webhooks/1/tok"},
		{"channel messages", discordgo.EndpointChannelMessages("5"), base + "channels/5/messages"},
		{"user", discordgo.EndpointUser("@me"), base + "users/@me"},
		{"guild embed alias", discordgo.EndpointGuildEmbed("6"), base + "guilds/6/widget"},
		{"deprecated oauth2 alias", discordgo.EndpointOauth2Application("7"), base + "oauth2/applications/7"},
		{"gateway", discordgo.EndpointGatewayBot, base + "gateway/bot"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}

func TestSetAPIBaseRejects(t *testing.T) {
	restoreEndpoints(t)
	const good = "http://127.0.0.1:7/api/v9/"
	if err := SetAPIBase(good); err != nil {
		t.Fatal(err)
	}
	for _, base := range []string{
		"",
		"discord.com/api/v9/",
		"/api/v9/",
		"ftp://discord.com/api/v9/",
		"ws://discord.com/api/v9/",
		"http:///api/v9/",
		"https://discord.com/",
		"https://discord.com/api/",
		"https://discord.com/api/v0/",
		"https://discord.com/api/vx/",
		"https://discord.com/v9/",
		"https://discord.com//api/v9/",
		"https://discord.com/api/v9/extra/",
		"https://discord.com/api/v9/?x=1",
		"https://discord.com/api/v9/#frag",
		"https://user:secret@discord.com/api/v9/",
		"http://[::1/api/v9/",
	} {
		t.Run(base, func(t *testing.T) {
			err := SetAPIBase(base)
			if !errors.Is(err, ErrInvalidAPIBase) {
				t.Fatalf("SetAPIBase(%q) = %v, want ErrInvalidAPIBase", base, err)
			}
			if discordgo.EndpointAPI != good {
				t.Errorf("a rejected base changed EndpointAPI to %q", discordgo.EndpointAPI)
			}
		})
	}
}

func FuzzSetAPIBase(f *testing.F) {
	restoreEndpoints(f)
	for _, seed := range []string{config.DefaultAPIBase, "http://127.0.0.1:1/api/v9", "https://p.example/x/y/api/v10/", "http://h/api/v/", "https://discord.com/api/v9/?a"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, base string) {
		if err := SetAPIBase(config.DefaultAPIBase); err != nil {
			t.Fatal(err)
		}
		if err := SetAPIBase(base); err != nil {
			if !errors.Is(err, ErrInvalidAPIBase) {
				t.Fatalf("error %v does not wrap ErrInvalidAPIBase", err)
			}
			if discordgo.EndpointAPI != config.DefaultAPIBase {
				t.Fatalf("rejected %q but EndpointAPI = %q", base, discordgo.EndpointAPI)
			}
			return
		}
		api := discordgo.EndpointAPI
		if !strings.HasPrefix(api, "http://") && !strings.HasPrefix(api, "https://") {
			t.Fatalf("accepted %q: EndpointAPI = %q is not http(s)", base, api)
		}
		if !strings.HasSuffix(api, "/api/v"+discordgo.APIVersion+"/") || !strings.HasPrefix(api, discordgo.EndpointDiscord) {
			t.Fatalf("accepted %q: EndpointAPI = %q, EndpointDiscord = %q, APIVersion = %q disagree", base, api, discordgo.EndpointDiscord, discordgo.APIVersion)
		}
		if err := SetAPIBase(api); err != nil || discordgo.EndpointAPI != api {
			t.Fatalf("SetAPIBase(EndpointAPI %q) is not idempotent: %v, now %q", api, err, discordgo.EndpointAPI)
		}
	})
}
