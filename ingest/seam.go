package ingest

import (
	"net"
	"net/netip"
	"net/url"
)

// AllowingListeners returns a copy of f for tests in other packages: it
// may connect to the loopback listeners allow accepts, resolves names
// with resolver when it is not nil, and refuses every other internal
// address exactly as f does. Production code has no use for it.
func (f *Fetcher) AllowingListeners(allow func(netip.AddrPort) bool, resolver *net.Resolver) *Fetcher {
	c := *f
	c.dialAllowed = allow
	if resolver != nil {
		c.resolver = resolver
	}
	return &c
}

// AbsoluteLink resolves ref against base (which may be nil) and returns it
// only when the result is an absolute http or https URL, else "".
func AbsoluteLink(ref string, base *url.URL) string { return absoluteHTTP(ref, base) }
