// Package config turns Sitrep's environment variables into one validated
// value. It is the only package that knows the variables' names; main reads
// .env (godotenv) and passes os.Getenv to Load, and nothing else reads the
// environment.
//
// Secrets never leave this package in readable form by accident: the bot
// token is a Secret, which prints, logs and marshals as "[redacted]", and no
// error quotes it.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode"

	"sitrep/internal/invalid"
)

// Names of the environment variables Load reads.
const (
	EnvToken            = "DISCORD_TOKEN"
	EnvGuildID          = "DISCORD_GUILD_ID"
	EnvAPIBase          = "DISCORD_API_BASE"
	EnvDataDir          = "SITREP_DATA"
	EnvModRole          = "SITREP_MOD_ROLE"
	EnvAllowPrivateURLs = "SITREP_ALLOW_PRIVATE_URLS"
	EnvDigestChannel    = "SITREP_DIGEST_CHANNEL"
	EnvDigestTime       = "SITREP_DIGEST_TIME"
	EnvTimezone         = "SITREP_TIMEZONE"
	EnvLogLevel         = "SITREP_LOG_LEVEL"
	EnvLogFormat        = "SITREP_LOG_FORMAT"
	EnvFeedInterval     = "SITREP_FEED_INTERVAL"
	// EnvDatabaseURL chooses the PostgreSQL store (postgres://…), which
	// several processes may share; unset, the store is bbolt in the data
	// directory.
	EnvDatabaseURL      = "SITREP_DATABASE_URL"
	EnvMetricsAddr      = "SITREP_METRICS_ADDR"
	EnvShard            = "SITREP_SHARD"
	defaultTimezoneName = "UTC"
	redacted            = "[redacted]"
	tokenPrefix         = "Bot "
	developerPortalHint = "create a bot at https://discord.com/developers/applications and put its token in .env"
)

// Defaults for the variables that have one.
const (
	DefaultAPIBase = "https://discord.com/api/v9/"
	DefaultDataDir = "./data"
	// DefaultFeedInterval is how often followed feeds are checked.
	DefaultFeedInterval = 15 * time.Minute
	// MinFeedInterval and MaxFeedInterval bound SITREP_FEED_INTERVAL: more
	// often is impolite to the sites, less often is no longer news.
	MinFeedInterval = time.Minute
	MaxFeedInterval = 24 * time.Hour
)

// DefaultDigestTime is the digest's time of day when SITREP_DIGEST_TIME is unset.
var DefaultDigestTime = Clock{Hour: 9, Minute: 0}

// Log output formats for SITREP_LOG_FORMAT.
const (
	LogFormatText = "text"
	LogFormatJSON = "json"
)

// ErrMissingToken is returned by RequireDiscord when DISCORD_TOKEN is unset.
var ErrMissingToken = errors.New("DISCORD_TOKEN is not set: " + developerPortalHint)

// Secret holds a credential. Its String, GoString, LogValue and MarshalText
// all give "[redacted]" (or "" when empty), so printing or logging a Config
// cannot leak it; Reveal returns the real value for the one place that needs
// it (the Discord session).
type Secret string

// Reveal returns the secret's value. Call it only where the value is used.
func (s Secret) Reveal() string { return string(s) }

// String returns "[redacted]", or "" for an empty secret.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return redacted
}

// GoString makes %#v redact too.
func (s Secret) GoString() string { return fmt.Sprintf("%q", s.String()) }

// LogValue makes slog redact the secret.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalText makes encoding/json and friends redact the secret.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Config is Sitrep's validated configuration. The zero value is not useful;
// build one with Load.
type Config struct {
	// Token is the bot token normalised to "Bot <token>", or empty when
	// DISCORD_TOKEN is unset (fine for the CLI; see RequireDiscord).
	Token Secret
	// GuildID is the server slash commands are registered in while
	// developing (instant), or "" to register them globally.
	GuildID string
	// APIBase is Discord's REST base URL, with a trailing slash
	// (DefaultAPIBase unless a test points it at a fake Discord).
	APIBase string
	// DataDir is where the store and index live. main's --data flag
	// overrides it.
	DataDir string
	// ModRole is a role id whose members may moderate Sitrep in addition to
	// those with Manage Messages, or "".
	ModRole string
	// AllowPrivateURLs lets ingestion fetch loopback and private-network
	// addresses (tests, intranets). Off by default.
	AllowPrivateURLs bool
	// DigestChannel is the default channel id for the daily digest, or "".
	DigestChannel string
	// DigestTime is the default local time of day for the daily digest.
	DigestTime Clock
	// Location is the default timezone the digest time is read in.
	Location *time.Location
	// LogLevel is the minimum level logged.
	LogLevel slog.Level
	// LogFormat is LogFormatText or LogFormatJSON.
	LogFormat string
	// FeedInterval is how often `sitrep serve` checks each followed feed.
	FeedInterval time.Duration
	// MetricsAddr is the host:port where sitrep serve offers /metrics and
	// /healthz, or "" for none (the default).
	MetricsAddr string
	// Shard is the gateway shard sitrep serve runs as (SITREP_SHARD);
	// the zero value is one unsharded bot.
	Shard Shard
	// DatabaseURL is the PostgreSQL store's URL (SITREP_DATABASE_URL), or
	// "" for the embedded store. It holds a password: a Secret, shown by
	// String with the password masked (RedactDatabaseURL).
	DatabaseURL Secret
}

// VarError reports one environment variable whose value cannot be used.
// Load joins one per bad variable with errors.Join.
type VarError struct {
	Var string // the variable's name, e.g. "SITREP_DIGEST_TIME"
	Err error  // why its value was refused; never contains a secret
}

// Error returns "config: VAR: reason".
func (e *VarError) Error() string { return "config: " + e.Var + ": " + e.Err.Error() }

// Unwrap returns the reason.
func (e *VarError) Unwrap() error { return e.Err }

// Load reads every variable through getenv (os.Getenv in main; a map in
// tests), applies defaults and validates. Surrounding whitespace is ignored.
// When values are bad it returns an error that joins one *VarError per bad
// variable, so a user sees all the problems at once; the error never quotes
// the token. A missing token is not an error here: only serving needs it
// (see RequireDiscord).
func Load(getenv func(string) string) (Config, error) {
	c := Config{
		APIBase:    DefaultAPIBase,
		DataDir:    DefaultDataDir,
		DigestTime: DefaultDigestTime,
		Location:   time.UTC,
		LogLevel:   slog.LevelInfo,
		LogFormat:  LogFormatText,

		FeedInterval: DefaultFeedInterval,
	}
	var errs []error
	bad := func(name string, err error) { errs = append(errs, &VarError{Var: name, Err: err}) }
	get := func(name string) string { return strings.TrimSpace(getenv(name)) }

	if v := getenv(EnvToken); strings.TrimSpace(v) != "" {
		tok, err := parseToken(v)
		if err != nil {
			bad(EnvToken, err)
		}
		c.Token = tok
	}
	snowflake := func(name string, dst *string) {
		if v := get(name); v != "" {
			id, err := ParseSnowflake(v)
			if err != nil {
				bad(name, err)
			}
			*dst = id
		}
	}
	snowflake(EnvGuildID, &c.GuildID)
	snowflake(EnvModRole, &c.ModRole)
	snowflake(EnvDigestChannel, &c.DigestChannel)

	if v := get(EnvAPIBase); v != "" {
		base, err := ParseAPIBase(v)
		if err != nil {
			bad(EnvAPIBase, err)
		}
		c.APIBase = base.String()
	}
	if v := get(EnvDataDir); v != "" {
		if strings.ContainsFunc(v, unicode.IsControl) {
			bad(EnvDataDir, errors.New("the path contains control characters"))
		}
		c.DataDir = v
	}
	if v := get(EnvAllowPrivateURLs); v != "" {
		b, err := parseBool(v)
		if err != nil {
			bad(EnvAllowPrivateURLs, err)
		}
		c.AllowPrivateURLs = b
	}
	if v := get(EnvDigestTime); v != "" {
		clock, err := ParseClock(v)
		if err != nil {
			bad(EnvDigestTime, err)
		} else {
			c.DigestTime = clock
		}
	}
	if v := get(EnvTimezone); v != "" {
		loc, err := ParseTimezone(v)
		if err != nil {
			bad(EnvTimezone, err)
		} else {
			c.Location = loc
		}
	}
	if v := get(EnvLogLevel); v != "" {
		switch strings.ToLower(v) {
		case "debug":
			c.LogLevel = slog.LevelDebug
		case "info":
			c.LogLevel = slog.LevelInfo
		case "warn":
			c.LogLevel = slog.LevelWarn
		case "error":
			c.LogLevel = slog.LevelError
		default:
			bad(EnvLogLevel, fmt.Errorf("%q is not a level: use debug, info, warn or error", invalid.Clip(v)))
		}
	}
	if v := get(EnvLogFormat); v != "" {
		switch f := strings.ToLower(v); f {
		case LogFormatText, LogFormatJSON:
			c.LogFormat = f
		default:
			bad(EnvLogFormat, fmt.Errorf("%q is not a format: use text or json", invalid.Clip(v)))
		}
	}
	if v := get(EnvFeedInterval); v != "" {
		d, err := time.ParseDuration(v)
		switch {
		case err != nil:
			bad(EnvFeedInterval, fmt.Errorf("%q is not a duration: write it like 15m or 1h", invalid.Clip(v)))
		case d < MinFeedInterval || d > MaxFeedInterval:
			bad(EnvFeedInterval, fmt.Errorf("%s is out of range: between %s and %s", d, MinFeedInterval, MaxFeedInterval))
		default:
			c.FeedInterval = d
		}
	}
	if v := get(EnvMetricsAddr); v != "" {
		addr, err := parseListenAddr(v)
		if err != nil {
			bad(EnvMetricsAddr, err)
		}
		c.MetricsAddr = addr
	}
	if v := get(EnvShard); v != "" {
		sh, err := ParseShard(v)
		if err != nil {
			bad(EnvShard, err)
		}
		c.Shard = sh
	}
	if v := get(EnvDatabaseURL); v != "" {
		u, err := parseDatabaseURL(v)
		if err != nil {
			bad(EnvDatabaseURL, err)
		}
		c.DatabaseURL = u
	}
	if len(errs) > 0 {
		return Config{}, errors.Join(errs...)
	}
	return c, nil
}

// RequireDiscord returns ErrMissingToken when no bot token is configured.
// The serve command calls it; the CLI's other commands do not need Discord.
func (c Config) RequireDiscord() error {
	if c.Token == "" {
		return ErrMissingToken
	}
	return nil
}

// String describes the configuration for people, with the token redacted.
func (c Config) String() string {
	return fmt.Sprintf("config{token=%s guild=%s api=%s data=%s database=%s mod_role=%s allow_private_urls=%t digest_channel=%s digest_time=%s timezone=%s log_level=%s log_format=%s metrics=%s shard=%s}",
		tokenState(c.Token), orNone(c.GuildID), c.APIBase, c.DataDir, orNone(RedactDatabaseURL(c.DatabaseURL)), orNone(c.ModRole), c.AllowPrivateURLs,
		orNone(c.DigestChannel), c.DigestTime, locName(c.Location), c.LogLevel, c.LogFormat, orNone(c.MetricsAddr), c.Shard)
}

// GoString makes %#v print the redacted String form.
func (c Config) GoString() string { return c.String() }

// LogValue lets slog log the configuration as a group, token redacted.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("token", tokenState(c.Token)),
		slog.String("guild", c.GuildID),
		slog.String("api_base", c.APIBase),
		slog.String("data", c.DataDir),
		slog.String("mod_role", c.ModRole),
		slog.Bool("allow_private_urls", c.AllowPrivateURLs),
		slog.String("digest_channel", c.DigestChannel),
		slog.String("digest_time", c.DigestTime.String()),
		slog.String("timezone", locName(c.Location)),
		slog.String("log_level", c.LogLevel.String()),
		slog.String("log_format", c.LogFormat),
		slog.Duration("feed_interval", c.FeedInterval),
		slog.String("metrics_addr", c.MetricsAddr),
		slog.String("shard", c.Shard.String()),
	)
}

func tokenState(s Secret) string {
	if s == "" {
		return "unset"
	}
	return redacted
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func locName(l *time.Location) string {
	if l == nil {
		return defaultTimezoneName
	}
	return l.String()
}

// parseToken accepts a bot token with or without the "Bot " prefix and
// returns it as "Bot <token>". Its errors never contain the value.
func parseToken(raw string) (Secret, error) {
	t := strings.TrimSpace(raw)
	if strings.EqualFold(t, strings.TrimSpace(tokenPrefix)) {
		t = ""
	} else if len(t) >= len(tokenPrefix) && strings.EqualFold(t[:len(tokenPrefix)], tokenPrefix) {
		t = strings.TrimSpace(t[len(tokenPrefix):])
	}
	switch {
	case t == "":
		return "", errors.New("the value is only the \"Bot \" prefix, with no token after it: " + developerPortalHint)
	case strings.HasPrefix(strings.ToLower(t), "bearer "):
		return "", errors.New("this is an OAuth2 bearer token (value not shown); Sitrep needs the bot token from the Bot page of your application")
	case strings.ContainsFunc(t, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }):
		return "", errors.New("the token contains spaces, line breaks or control characters (value not shown); paste the token alone on one line")
	}
	return Secret(tokenPrefix + t), nil
}

// apiPath matches the path of an API base: any prefix (a REST proxy may
// mount Discord below a path of its own), then "api/v<N>" with an optional
// slash; N has no leading zero and is at most 999.
var apiPath = regexp.MustCompile(`^(/(?:[^/?#]+/)*)api/v([1-9][0-9]{0,2})/?$`)

// APIBase is a Discord REST base URL that ParseAPIBase accepted.
type APIBase struct {
	// Root is "scheme://host[:port]/[prefix/]": what discordgo calls
	// EndpointDiscord.
	Root string
	// Version is the N of "api/vN".
	Version string
}

// String returns the base with a trailing slash, e.g.
// "https://discord.com/api/v9/".
func (b APIBase) String() string { return b.Root + "api/v" + b.Version + "/" }

// ParseAPIBase checks an http(s) URL whose path ends in /api/vN (behind an
// optional proxy prefix), without user, query or fragment. It is the one
// check of an API base: Load applies it to DISCORD_API_BASE and
// bot.SetAPIBase to what it is given. The error says what is wanted and
// never quotes a value that may hold credentials.
func ParseAPIBase(v string) (APIBase, error) {
	u, err := url.Parse(v)
	if err != nil {
		// The value is not quoted: a malformed URL may still hold credentials.
		return APIBase{}, fmt.Errorf("the value is not a URL; want e.g. %s", DefaultAPIBase)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	switch {
	case u.User != nil:
		// Checked first and not quoted: credentials would be logged with it.
		return APIBase{}, errors.New("the URL must not contain a user name or password")
	case u.Scheme != "http" && u.Scheme != "https":
		return APIBase{}, fmt.Errorf("%q must start with https:// (or http:// for a local test server); want e.g. %s", invalid.Clip(v), DefaultAPIBase)
	case u.Host == "":
		return APIBase{}, fmt.Errorf("%q has no host; want e.g. %s", invalid.Clip(v), DefaultAPIBase)
	case u.RawQuery != "" || u.Fragment != "" || u.ForceQuery:
		return APIBase{}, fmt.Errorf("%q must not have a query or fragment; want e.g. %s", invalid.Clip(v), DefaultAPIBase)
	case u.Opaque != "":
		return APIBase{}, fmt.Errorf("%q is not a base URL; want e.g. %s", invalid.Clip(v), DefaultAPIBase)
	}
	m := apiPath.FindStringSubmatch(u.EscapedPath())
	if m == nil {
		return APIBase{}, fmt.Errorf("%q must end in a versioned API path like /api/v9/; want e.g. %s", invalid.Clip(v), DefaultAPIBase)
	}
	return APIBase{Root: u.Scheme + "://" + u.Host + m[1], Version: m[2]}, nil
}

// parseBool accepts 1/0, true/false and yes/no in any case, nothing else,
// so a typo like "ture" fails loudly instead of meaning false.
func parseBool(v string) (bool, error) {
	switch strings.ToLower(v) {
	case "1", "true", "yes":
		return true, nil
	case "0", "false", "no":
		return false, nil
	}
	return false, fmt.Errorf("%q is not a boolean: use 1/0, true/false or yes/no", invalid.Clip(v))
}
