package config

import (
	"fmt"
	"net"
	"strconv"
)

// parseListenAddr checks a host:port to listen on: the host may be empty
// (every interface), a name or an IP; the port is 0-65535 (0: any free
// port).
func parseListenAddr(v string) (string, error) {
	host, port, err := net.SplitHostPort(v)
	if err != nil {
		return "", fmt.Errorf("%q is not host:port; want e.g. 127.0.0.1:9090 or :9090", clip(v))
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return "", fmt.Errorf("%q: the port must be a number from 0 to 65535", clip(v))
	}
	if host != "" && net.ParseIP(host) == nil && !validHostname(host) {
		return "", fmt.Errorf("%q: %q is neither an IP address nor a host name", clip(v), clip(host))
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
