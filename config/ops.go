package config

import (
	"fmt"
	"net"
	"strconv"
	"strings"

	"sitrep/internal/invalid"
)

// parseListenAddr checks a host:port to listen on: the host may be empty
// (every interface), a name or an IP; the port is 0-65535 (0: any free
// port).
func parseListenAddr(v string) (string, error) {
	host, port, err := net.SplitHostPort(v)
	if err != nil {
		return "", fmt.Errorf("%q is not host:port; want e.g. 127.0.0.1:9090 or :9090", invalid.Clip(v))
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return "", fmt.Errorf("%q: the port must be a number from 0 to 65535", invalid.Clip(v))
	}
	if host != "" && net.ParseIP(host) == nil && !validHostname(host) {
		return "", fmt.Errorf("%q: %q is neither an IP address nor a host name", invalid.Clip(v), invalid.Clip(host))
	}
	return v, nil
}

// validHostname reports whether h is made of DNS labels: letters, digits
// and inner hyphens, dot-separated.
func validHostname(h string) bool {
	if len(h) > 253 {
		return false
	}
	label := 0
	for i := 0; i < len(h); i++ {
		c := h[i]
		switch {
		case c == '.':
			if label == 0 || h[i-1] == '-' {
				return false
			}
			label = 0
		case c == '-':
			if label == 0 {
				return false
			}
			label++
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
			label++
		default:
			return false
		}
		if label > 63 {
			return false
		}
	}
	return label > 0 && h[len(h)-1] != '-'
}

// Shard is the gateway shard a bot process runs as: Discord sends it the
// events of the servers it owns, (guild_id >> 22) % Count == ID, and direct
// messages go to shard 0. The zero value (Count 0) is an unsharded bot,
// which owns everything.
type Shard struct {
	ID    int
	Count int
}

// ParseShard reads "ID/COUNT" with 0 <= ID < COUNT, as in SITREP_SHARD=1/4.
func ParseShard(v string) (Shard, error) {
	id, count, ok := strings.Cut(strings.TrimSpace(v), "/")
	if !ok {
		return Shard{}, fmt.Errorf("%q is not ID/COUNT; want e.g. 0/2 for the first of two shards", invalid.Clip(v))
	}
	i, err1 := strconv.Atoi(strings.TrimSpace(id))
	n, err2 := strconv.Atoi(strings.TrimSpace(count))
	switch {
	case err1 != nil || err2 != nil:
		return Shard{}, fmt.Errorf("%q: ID and COUNT must be whole numbers, e.g. 0/2", invalid.Clip(v))
	case n < 1:
		return Shard{}, fmt.Errorf("%q: COUNT must be at least 1", invalid.Clip(v))
	case i < 0 || i >= n:
		return Shard{}, fmt.Errorf("%q: the shard ID must be from 0 to COUNT-1 (0 <= ID < COUNT)", invalid.Clip(v))
	}
	return Shard{ID: i, Count: n}, nil
}

// Sharded reports whether the bot runs as one of several shards.
func (s Shard) Sharded() bool { return s.Count > 1 }

// Owns reports whether guildID's events come to this shard by Discord's
// rule; guildID "" (a direct message) belongs to shard 0. An unsharded
// bot owns every guild.
func (s Shard) Owns(guildID string) bool {
	if !s.Sharded() {
		return true
	}
	if guildID == "" {
		return s.ID == 0
	}
	id, err := strconv.ParseUint(guildID, 10, 64)
	if err != nil {
		return false
	}
	return int((id>>22)%uint64(s.Count)) == s.ID
}

// String returns "ID/COUNT", or "none" for an unsharded bot.
func (s Shard) String() string {
	if s.Count == 0 {
		return "none"
	}
	return strconv.Itoa(s.ID) + "/" + strconv.Itoa(s.Count)
}
