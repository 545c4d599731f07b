package config_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // zone names resolve on hosts without /usr/share/zoneinfo

	"github.com/joho/godotenv"

	"sitrep/config"
)

// env returns a getenv backed by a map, as main's os.Getenv would be.
func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// The token used in tests. Shaped like a real one, so a leak is easy to spot.
const secretToken = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.s3cr3t-t0k3n-v4lu3_abcdefghijklmnop"

func TestLoadDefaults(t *testing.T) {
	c, err := config.Load(env(nil))
	if err != nil {
		t.Fatalf("Load(empty) = %v, want no error", err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"Token", c.Token, config.Secret("")},
		{"GuildID", c.GuildID, ""},
		{"APIBase", c.APIBase, "https://discord.com/api/v9/"},
		{"DataDir", c.DataDir, "./data"},
		{"ModRole", c.ModRole, ""},
		{"AllowPrivateURLs", c.AllowPrivateURLs, false},
		{"DigestChannel", c.DigestChannel, ""},
		{"DigestTime", c.DigestTime, config.Clock{Hour: 9}},
		{"Location", c.Location.String(), "UTC"},
		{"LogLevel", c.LogLevel, slog.LevelInfo},
		{"LogFormat", c.LogFormat, "text"},
		{"MetricsAddr", c.MetricsAddr, ""},
		{"Shard", c.Shard, config.Shard{}},
	}
	for _, tc := range checks {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("default %s = %v, want %v", tc.name, tc.got, tc.want)
			}
		})
	}
	if err := c.RequireDiscord(); !errors.Is(err, config.ErrMissingToken) {
		t.Errorf("RequireDiscord() without a token = %v, want ErrMissingToken", err)
	}
	want := "DISCORD_TOKEN is not set: create a bot at https://discord.com/developers/applications and put its token in .env"
	if err := c.RequireDiscord(); err == nil || err.Error() != want {
		t.Errorf("RequireDiscord() message = %v, want %q", err, want)
	}
}

func TestLoadValid(t *testing.T) {
	c, err := config.Load(env(map[string]string{
		"DISCORD_TOKEN":             secretToken,
		"DISCORD_GUILD_ID":          "123456789012345678",
		"DISCORD_API_BASE":          "http://127.0.0.1:8080/api/v10",
		"SITREP_DATA":               "/var/lib/sitrep",
		"SITREP_MOD_ROLE":           " 98765432109876543 ",
		"SITREP_ALLOW_PRIVATE_URLS": "Yes",
		"SITREP_DIGEST_CHANNEL":     "11111111111111111111",
		"SITREP_DIGEST_TIME":        "7:05",
		"SITREP_TIMEZONE":           "America/New_York",
		"SITREP_LOG_LEVEL":          "DEBUG",
		"SITREP_LOG_FORMAT":         "json",
		"SITREP_METRICS_ADDR":       "127.0.0.1:9090",
		"SITREP_SHARD":              "1/4",
	}))
	if err != nil {
		t.Fatalf("Load = %v", err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"Token", c.Token.Reveal(), "Bot " + secretToken},
		{"GuildID", c.GuildID, "123456789012345678"},
		{"APIBase", c.APIBase, "http://127.0.0.1:8080/api/v10/"},
		{"DataDir", c.DataDir, "/var/lib/sitrep"},
		{"ModRole", c.ModRole, "98765432109876543"},
		{"AllowPrivateURLs", c.AllowPrivateURLs, true},
		{"DigestChannel", c.DigestChannel, "11111111111111111111"},
		{"DigestTime", c.DigestTime, config.Clock{Hour: 7, Minute: 5}},
		{"Location", c.Location.String(), "America/New_York"},
		{"LogLevel", c.LogLevel, slog.LevelDebug},
		{"LogFormat", c.LogFormat, "json"},
		{"MetricsAddr", c.MetricsAddr, "127.0.0.1:9090"},
		{"Shard", c.Shard, config.Shard{ID: 1, Count: 4}},
	}
	for _, tc := range checks {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("%s = %v, want %v", tc.name, tc.got, tc.want)
			}
		})
	}
	if err := c.RequireDiscord(); err != nil {
		t.Errorf("RequireDiscord() with a token = %v", err)
	}
}

func TestLoadTokenForms(t *testing.T) {
	tests := []struct{ name, raw string }{
		{"bare", secretToken},
		{"with prefix", "Bot " + secretToken},
		{"lower-case prefix", "bot " + secretToken},
		{"trailing newline from a file", secretToken + "\n"},
		{"spaces around", "  Bot " + secretToken + "  "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := config.Load(env(map[string]string{"DISCORD_TOKEN": tc.raw}))
			if err != nil {
				t.Fatalf("Load = %v", err)
			}
			if got, want := c.Token.Reveal(), "Bot "+secretToken; got != want {
				t.Errorf("token = %q, want %q", got, want)
			}
		})
	}
}

func TestLoadBoolean(t *testing.T) {
	tests := []struct {
		raw  string
		want bool
	}{
		{"1", true}, {"true", true}, {"TRUE", true}, {"yes", true},
		{"0", false}, {"false", false}, {"No", false},
	}
	for _, tc := range tests {
		t.Run(tc.raw, func(t *testing.T) {
			c, err := config.Load(env(map[string]string{"SITREP_ALLOW_PRIVATE_URLS": tc.raw}))
			if err != nil {
				t.Fatalf("Load = %v", err)
			}
			if c.AllowPrivateURLs != tc.want {
				t.Errorf("AllowPrivateURLs(%q) = %v, want %v", tc.raw, c.AllowPrivateURLs, tc.want)
			}
		})
	}
}

func TestLoadAPIBaseNormalised(t *testing.T) {
	tests := []struct{ raw, want string }{
		{"https://discord.com/api/v9", "https://discord.com/api/v9/"},
		{"https://discord.com/api/v10/", "https://discord.com/api/v10/"},
		{"HTTP://127.0.0.1:4000/api/v9", "http://127.0.0.1:4000/api/v9/"},
		{"http://127.0.0.1:4000/proxy/discord/api/v9/", "http://127.0.0.1:4000/proxy/discord/api/v9/"},
	}
	for _, tc := range tests {
		t.Run(tc.raw, func(t *testing.T) {
			c, err := config.Load(env(map[string]string{"DISCORD_API_BASE": tc.raw}))
			if err != nil {
				t.Fatalf("Load = %v", err)
			}
			if c.APIBase != tc.want {
				t.Errorf("APIBase = %q, want %q", c.APIBase, tc.want)
			}
		})
	}
}

// TestLoadInvalid gives each variable a bad value and checks that the error
// names it, says it is a VarError for it, and does not blame other variables.
func TestLoadInvalid(t *testing.T) {
	tests := []struct {
		variable, value, because string
	}{
		{"DISCORD_TOKEN", "Bot ", "only the \"Bot \" prefix"},
		{"DISCORD_TOKEN", "abc def", "spaces"},
		{"DISCORD_TOKEN", "abc\ndef", "line breaks"},
		{"DISCORD_TOKEN", "Bearer abcdef", "bearer"},
		{"DISCORD_GUILD_ID", "1234", "17 to 20 digits"},
		{"DISCORD_GUILD_ID", "12345678901234567a", "17 to 20 digits"},
		{"DISCORD_GUILD_ID", "99999999999999999999", "too large"},
		{"DISCORD_API_BASE", "ftp://discord.com/api/v9/", "https://"},
		{"DISCORD_API_BASE", "https://discord.com/", "/api/v9/"},
		{"DISCORD_API_BASE", "https:///api/v9/", "no host"},
		{"DISCORD_API_BASE", "https://discord.com/api/v9/?x=1", "query"},
		{"DISCORD_API_BASE", "https://user:pw@discord.com/api/v9/", "password"},
		{"DISCORD_API_BASE", "discord.com/api/v9", "https://"},
		{"SITREP_DATA", "data\x00dir", "control"},
		{"SITREP_MOD_ROLE", "moderators", "17 to 20 digits"},
		{"SITREP_ALLOW_PRIVATE_URLS", "on", "boolean"},
		{"SITREP_ALLOW_PRIVATE_URLS", "ture", "boolean"},
		{"SITREP_DIGEST_CHANNEL", "#general", "17 to 20 digits"},
		{"SITREP_DIGEST_TIME", "24:00", "hour"},
		{"SITREP_DIGEST_TIME", "9am", "HH:MM"},
		{"SITREP_TIMEZONE", "Mars/Olympus_Mons", "unknown zone"},
		{"SITREP_TIMEZONE", "Local", "name the zone"},
		{"SITREP_TIMEZONE", "../../etc/passwd", "IANA"},
		{"SITREP_LOG_LEVEL", "verbose", "debug, info, warn or error"},
		{"SITREP_LOG_FORMAT", "xml", "text or json"},
		{"SITREP_DATABASE_URL", "mysql://sitrep:pw@127.0.0.1/sitrep", "postgres://"},
		{"SITREP_DATABASE_URL", "postgres:///sitrep", "no server"},
		{"SITREP_DATABASE_URL", "postgres://sitrep:pw@127.0.0.1:5x/sitrep", "not a URL"},
		{"SITREP_METRICS_ADDR", "9090", "host:port"},
		{"SITREP_METRICS_ADDR", "127.0.0.1:http", "port must be a number"},
		{"SITREP_METRICS_ADDR", "127.0.0.1:70000", "port must be a number"},
		{"SITREP_METRICS_ADDR", "bad_host!:9090", "neither an IP address nor a host name"},
		{"SITREP_SHARD", "2", "ID/COUNT"},
		{"SITREP_SHARD", "a/2", "whole numbers"},
		{"SITREP_SHARD", "0/0", "at least 1"},
		{"SITREP_SHARD", "2/2", "0 <= ID < COUNT"},
		{"SITREP_SHARD", "-1/2", "0 <= ID < COUNT"},
	}
	for _, tc := range tests {
		t.Run(tc.variable+"="+tc.value, func(t *testing.T) {
			_, err := config.Load(env(map[string]string{tc.variable: tc.value}))
			if err == nil {
				t.Fatalf("Load(%s=%q) = nil error, want one naming %s", tc.variable, tc.value, tc.variable)
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.variable) {
				t.Errorf("error %q does not name %s", msg, tc.variable)
			}
			if !strings.Contains(msg, tc.because) {
				t.Errorf("error %q does not say %q", msg, tc.because)
			}
			var ve *config.VarError
			if !errors.As(err, &ve) || ve.Var != tc.variable {
				t.Errorf("errors.As VarError = %+v, want Var %s", ve, tc.variable)
			}
			if strings.Count(msg, "config: ") != 1 {
				t.Errorf("error %q should report exactly one variable", msg)
			}
		})
	}
}

// TestLoadReportsAllProblems checks that several bad variables are reported
// together, so a user fixes .env in one pass.
func TestLoadReportsAllProblems(t *testing.T) {
	bad := map[string]string{
		"DISCORD_GUILD_ID":   "nope",
		"SITREP_DIGEST_TIME": "25:00",
		"SITREP_TIMEZONE":    "Nowhere/City",
		"SITREP_LOG_FORMAT":  "yaml",
	}
	_, err := config.Load(env(bad))
	if err == nil {
		t.Fatal("Load with four bad variables = nil error")
	}
	for name := range bad {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("joined error does not name %s:\n%v", name, err)
		}
	}
}

// TestTokenNeverShown puts the token into every output path a Config or a
// Load error can reach and checks it never appears.
func TestTokenNeverShown(t *testing.T) {
	c, err := config.Load(env(map[string]string{"DISCORD_TOKEN": secretToken}))
	if err != nil {
		t.Fatalf("Load = %v", err)
	}
	var logs bytes.Buffer
	slog.New(slog.NewTextHandler(&logs, nil)).Info("starting", "config", c, "token", c.Token)
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("starting", "config", c, "token", c.Token)
	js, err := json.Marshal(c)
	if err != nil {
		t.Fatalf("json.Marshal = %v", err)
	}
	outputs := map[string]string{
		"slog":        logs.String(),
		"%v":          fmt.Sprintf("%v", c),
		"%+v":         fmt.Sprintf("%+v", c),
		"%#v":         fmt.Sprintf("%#v", c),
		"%s":          fmt.Sprintf("%s", c), //lint:ignore S1025 the %s verb is what is under test
		"token %v":    fmt.Sprintf("%v", c.Token),
		"token %#v":   fmt.Sprintf("%#v", c.Token),
		"json":        string(js),
		"pointer %+v": fmt.Sprintf("%+v", &c),
	}
	// Bad tokens: the error must explain without quoting.
	for i, raw := range []string{secretToken + " extra", "Bot " + secretToken + "\nsecond line", "Bearer " + secretToken, secretToken + "\x00"} {
		_, err := config.Load(env(map[string]string{"DISCORD_TOKEN": raw, "SITREP_LOG_LEVEL": "loud"}))
		if err == nil {
			t.Fatalf("Load(bad token %d) = nil error", i)
		}
		outputs[fmt.Sprintf("error %d", i)] = err.Error()
		var logged bytes.Buffer
		slog.New(slog.NewJSONHandler(&logged, nil)).Error("config", "err", err)
		outputs[fmt.Sprintf("logged error %d", i)] = logged.String()
	}
	for name, out := range outputs {
		t.Run(name, func(t *testing.T) {
			for _, piece := range []string{secretToken, "s3cr3t-t0k3n"} {
				if strings.Contains(out, piece) {
					t.Errorf("output leaks the token:\n%s", out)
				}
			}
		})
	}
	if !strings.Contains(logs.String(), "[redacted]") {
		t.Errorf("log does not show the token as [redacted]:\n%s", logs.String())
	}
}

func TestParseClock(t *testing.T) {
	tests := []struct {
		in   string
		want config.Clock
		ok   bool
	}{
		{"09:00", config.Clock{Hour: 9}, true},
		{"9:00", config.Clock{Hour: 9}, true},
		{"00:00", config.Clock{}, true},
		{"23:59", config.Clock{Hour: 23, Minute: 59}, true},
		{" 17:30 ", config.Clock{Hour: 17, Minute: 30}, true},
		{"24:00", config.Clock{}, false},
		{"12:60", config.Clock{}, false},
		{"9am", config.Clock{}, false},
		{"9:0", config.Clock{}, false},
		{"009:00", config.Clock{}, false},
		{"+9:00", config.Clock{}, false},
		{"-1:00", config.Clock{}, false},
		{"09:00:00", config.Clock{}, false},
		{"09.00", config.Clock{}, false},
		{"", config.Clock{}, false},
		{"：", config.Clock{}, false},
		{"٠٩:٠٠", config.Clock{}, false}, // Arabic-Indic digits
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := config.ParseClock(tc.in)
			if (err == nil) != tc.ok {
				t.Fatalf("ParseClock(%q) error = %v, want ok=%v", tc.in, err, tc.ok)
			}
			if err != nil && !errors.Is(err, config.ErrInvalidClock) {
				t.Errorf("error %v does not wrap ErrInvalidClock", err)
			}
			if got != tc.want {
				t.Errorf("ParseClock(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}

func TestParseTimezone(t *testing.T) {
	tests := []struct {
		in, want string // want "" means an error
	}{
		{"UTC", "UTC"},
		{"Europe/London", "Europe/London"},
		{" America/New_York ", "America/New_York"},
		{"America/Argentina/Buenos_Aires", "America/Argentina/Buenos_Aires"},
		{"Etc/GMT+5", "Etc/GMT+5"},
		{"", ""},
		{"   ", ""},
		{"Local", ""},
		{"europe/london", ""},
		{"Europe/Londn", ""},
		{"/etc/localtime", ""},
		{"../zoneinfo/UTC", ""},
		{"Europe//London", ""},
		{"Europe/London\x00", ""},
		{"+05:00", ""},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			loc, err := config.ParseTimezone(tc.in)
			if tc.want == "" {
				if err == nil {
					t.Fatalf("ParseTimezone(%q) = %v, want an error", tc.in, loc)
				}
				if !errors.Is(err, config.ErrInvalidTimezone) {
					t.Errorf("error %v does not wrap ErrInvalidTimezone", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseTimezone(%q) = %v", tc.in, err)
			}
			if loc.String() != tc.want {
				t.Errorf("ParseTimezone(%q) = %s, want %s", tc.in, loc, tc.want)
			}
		})
	}
	// A zone that changes offset must come back as that zone, not a fixed one.
	ny, err := config.ParseTimezone("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	if _, off := time.Date(2026, 7, 1, 12, 0, 0, 0, ny).Zone(); off != -4*3600 {
		t.Errorf("New York summer offset = %d, want -4h", off)
	}
}

func TestParseSnowflake(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"12345678901234567", true},
		{"18446744073709551615", true},
		{"18446744073709551616", false},
		{"1234567890123456", false},
		{"123456789012345678901", false},
		{"-12345678901234567", false},
		{"<@12345678901234567>", false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			_, err := config.ParseSnowflake(tc.in)
			if (err == nil) != tc.ok {
				t.Errorf("ParseSnowflake(%q) = %v, want ok=%v", tc.in, err, tc.ok)
			}
		})
	}
}

func FuzzParseClock(f *testing.F) {
	for _, s := range []string{"09:00", "9:00", "23:59", "24:00", "12:60", "9am", "", ":", "0:00", " 1:01 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := config.ParseClock(s)
		if err != nil {
			if !errors.Is(err, config.ErrInvalidClock) {
				t.Fatalf("ParseClock(%q) error %v does not wrap ErrInvalidClock", s, err)
			}
			return
		}
		if !c.Valid() {
			t.Fatalf("ParseClock(%q) = %+v, not a valid clock", s, c)
		}
		back, err := config.ParseClock(c.String())
		if err != nil || back != c {
			t.Fatalf("round trip %q -> %v -> %v, %v", s, c, back, err)
		}
		if len(c.String()) != 5 {
			t.Fatalf("String() = %q, want HH:MM", c.String())
		}
	})
}

func FuzzParseTimezone(f *testing.F) {
	for _, s := range []string{"UTC", "Europe/London", "America/New_York", "Local", "", "../etc", "Etc/GMT-14", "Asia/Kathmandu"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		loc, err := config.ParseTimezone(s)
		if err != nil {
			if !errors.Is(err, config.ErrInvalidTimezone) {
				t.Fatalf("ParseTimezone(%q) error %v does not wrap ErrInvalidTimezone", s, err)
			}
			return
		}
		if loc == nil || loc.String() == "Local" || loc.String() == "" {
			t.Fatalf("ParseTimezone(%q) accepted %v", s, loc)
		}
		back, err := config.ParseTimezone(loc.String())
		if err != nil || back.String() != loc.String() {
			t.Fatalf("round trip %q -> %v -> %v, %v", s, loc, back, err)
		}
	})
}

// TestEnvExample keeps .env.example honest: it loads cleanly, names every
// variable Load reads with a comment above each, and leaves the token empty.
func TestEnvExample(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", ".env.example"))
	if err != nil {
		t.Fatalf("read .env.example: %v", err)
	}
	vars, err := godotenv.UnmarshalBytes(data)
	if err != nil {
		t.Fatalf("parse .env.example: %v", err)
	}
	if _, err := config.Load(env(vars)); err != nil {
		t.Errorf(".env.example does not load: %v", err)
	}
	if vars["DISCORD_TOKEN"] != "" {
		t.Error(".env.example must leave DISCORD_TOKEN empty")
	}
	lines := strings.Split(string(data), "\n")
	for _, name := range []string{
		config.EnvToken, config.EnvGuildID, config.EnvAPIBase, config.EnvDataDir, config.EnvModRole,
		config.EnvAllowPrivateURLs, config.EnvDigestChannel, config.EnvDigestTime, config.EnvTimezone,
		config.EnvLogLevel, config.EnvLogFormat, config.EnvFeedInterval, config.EnvMetricsAddr, config.EnvShard, config.EnvDatabaseURL,
	} {
		i := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, name+"=") })
		if i < 0 {
			t.Errorf(".env.example does not list %s", name)
			continue
		}
		if i == 0 || !strings.HasPrefix(lines[i-1], "# ") {
			t.Errorf(".env.example has no comment above %s", name)
		}
	}
}

func TestFeedInterval(t *testing.T) {
	for _, tc := range []struct {
		raw     string
		want    time.Duration
		wantErr string
	}{
		{"", config.DefaultFeedInterval, ""},
		{"30m", 30 * time.Minute, ""},
		{" 2h ", 2 * time.Hour, ""},
		{"10s", 0, "out of range"},
		{"48h", 0, "out of range"},
		{"often", 0, "not a duration"},
		{"15", 0, "not a duration"},
	} {
		c, err := config.Load(env(map[string]string{config.EnvFeedInterval: tc.raw}))
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), config.EnvFeedInterval) || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%q: got %v, want an error naming %s saying %q", tc.raw, err, config.EnvFeedInterval, tc.wantErr)
			}
			continue
		}
		if err != nil || c.FeedInterval != tc.want {
			t.Errorf("%q: got %v, %v; want %v", tc.raw, c.FeedInterval, err, tc.want)
		}
	}
}

func TestShardOwns(t *testing.T) {
	// Guild ids whose (id >> 22) is 240000000000 + k: shard k % COUNT.
	even, odd := "1006632960000000007", "1006632960004194311"
	tests := []struct {
		shard config.Shard
		guild string
		want  bool
	}{
		{config.Shard{}, odd, true}, // unsharded: everything
		{config.Shard{}, "", true},
		{config.Shard{ID: 0, Count: 1}, odd, true},
		{config.Shard{ID: 0, Count: 2}, even, true},
		{config.Shard{ID: 0, Count: 2}, odd, false},
		{config.Shard{ID: 1, Count: 2}, odd, true},
		{config.Shard{ID: 1, Count: 2}, even, false},
		{config.Shard{ID: 0, Count: 2}, "", true}, // DMs: shard 0
		{config.Shard{ID: 1, Count: 2}, "", false},
		{config.Shard{ID: 1, Count: 2}, "not-a-snowflake", false},
	}
	for _, tc := range tests {
		if got := tc.shard.Owns(tc.guild); got != tc.want {
			t.Errorf("Shard %v Owns(%q) = %v, want %v", tc.shard, tc.guild, got, tc.want)
		}
	}
}
