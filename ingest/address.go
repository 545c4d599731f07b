package ingest

import (
	"fmt"
	"net/netip"
	"strings"
)

// internalPrefixes are the networks a public news link has no business
// reaching: a bot that fetched them could read cloud metadata, admin panels
// or other services behind the firewall on a user's behalf.
var internalPrefixes = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),       // "this network", includes 0.0.0.0
	netip.MustParsePrefix("10.0.0.0/8"),      // private
	netip.MustParsePrefix("100.64.0.0/10"),   // carrier-grade NAT
	netip.MustParsePrefix("127.0.0.0/8"),     // loopback
	netip.MustParsePrefix("169.254.0.0/16"),  // link-local, cloud metadata 169.254.169.254
	netip.MustParsePrefix("172.16.0.0/12"),   // private
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments
	netip.MustParsePrefix("192.168.0.0/16"),  // private
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking
	netip.MustParsePrefix("224.0.0.0/4"),     // multicast
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved, includes broadcast
	netip.MustParsePrefix("::/128"),          // unspecified
	netip.MustParsePrefix("::1/128"),         // loopback
	netip.MustParsePrefix("fc00::/7"),        // unique local
	netip.MustParsePrefix("fe80::/10"),       // link-local
	netip.MustParsePrefix("fec0::/10"),       // deprecated site-local
	netip.MustParsePrefix("ff00::/8"),        // multicast
	netip.MustParsePrefix("100::/64"),        // discard-only
	netip.MustParsePrefix("2001:db8::/32"),   // documentation
	netip.MustParsePrefix("64:ff9b:1::/48"),  // local-use NAT64
	netip.MustParsePrefix("::ffff:0:0:0/96"), // IPv4-translated (SIIT)
}

// Prefixes whose addresses carry an IPv4 address that decides where the
// packets really go.
var (
	nat64Prefix = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour   = netip.MustParsePrefix("2002::/16")
	ipv4Compat  = netip.MustParsePrefix("::/96") // deprecated IPv4-compatible ::a.b.c.d
)

// isInternal reports whether addr is an address a public link must not
// reach. IPv4 addresses hidden in IPv6 forms (::ffff:a.b.c.d, NAT64,
// 6to4, IPv4-compatible) are judged by the IPv4 address inside.
func isInternal(addr netip.Addr) bool {
	if !addr.IsValid() {
		return true
	}
	addr = addr.WithZone("").Unmap()
	if addr.Is6() {
		b := addr.As16()
		switch {
		case nat64Prefix.Contains(addr):
			return isInternal(netip.AddrFrom4([4]byte(b[12:16])))
		case sixToFour.Contains(addr):
			return isInternal(netip.AddrFrom4([4]byte(b[2:6])))
		case ipv4Compat.Contains(addr): // also covers :: and ::1
			return isInternal(netip.AddrFrom4([4]byte(b[12:16])))
		}
	}
	for _, p := range internalPrefixes {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// isLocalName reports whether host is a name that always means this
// machine (RFC 6761), so it can be refused before any lookup.
func isLocalName(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	return host == "localhost" || strings.HasSuffix(host, ".localhost")
}

// privateAddressError is the refusal a moderator sees; what names the
// address or host that was refused.
func privateAddressError(what string) error {
	return &refusal{
		msg: fmt.Sprintf("refused: %s is a private address; %s", what, privateHint),
		err: ErrPrivateAddress,
	}
}
