package ingest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"sync"
	"testing"
)

// netGuard is the network every ingest test's Fetcher sees: connections
// may reach loopback only, and every other address the Fetcher would
// have connected to is recorded and refused in the dialer's Control hook,
// before connect, so not one packet is sent to it. Its resolver answers
// no name, so no DNS query leaves the machine either.
//
// The refusal tables name private and metadata addresses (10.0.0.1,
// 169.254.169.254) on purpose; while the address check works the guard
// never fires, and the moment the check breaks the test fails with
// "would have connected to 10.0.0.1" instead of reaching that address.
type netGuard struct {
	mu      sync.Mutex
	refused []string // what would have been dialled or looked up
}

// guarded installs a fresh guard on f (keeping a resolver the test set
// itself, which must answer from 127.0.0.1) and fails tb at cleanup if
// the guard had to refuse anything the test did not check with ok.
func guarded(tb testing.TB, f *Fetcher) (*Fetcher, *netGuard) {
	tb.Helper()
	g := &netGuard{}
	f.beforeConnect = g.beforeConnect
	if f.resolver == nil {
		f.resolver = &net.Resolver{PreferGo: true, Dial: g.dialDNS}
	}
	tb.Cleanup(func() { g.ok(tb) })
	return f, g
}

func (g *netGuard) beforeConnect(_, address string) error {
	ap, err := netip.ParseAddrPort(address)
	if err == nil && ap.Addr().Unmap().IsLoopback() {
		return nil
	}
	what := address
	if err == nil {
		what = ap.Addr().String()
	}
	g.record("would have connected to " + what)
	return fmt.Errorf("test network guard: would have connected to %s", what)
}

func (g *netGuard) dialDNS(_ context.Context, network, address string) (net.Conn, error) {
	g.record(fmt.Sprintf("would have sent a DNS query to %s over %s", address, network))
	return nil, errors.New("test network guard: no DNS beyond this machine")
}

func (g *netGuard) record(what string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.refused = append(g.refused, what)
}

// ok fails tb with what the guard refused, if anything: the address check
// let those through, and without the guard they would have gone out.
func (g *netGuard) ok(tb testing.TB) {
	tb.Helper()
	g.mu.Lock()
	refused := g.refused
	g.refused = nil
	g.mu.Unlock()
	for _, r := range refused {
		tb.Errorf("the address check let a fetch through: it %s (refused by the test guard, nothing sent)", r)
	}
	if len(refused) > 0 {
		tb.FailNow()
	}
}

// The guard must hold even when the check it backs is gone: with the
// address check switched off (AllowPrivate), a private address is still
// refused before connecting, and named in the guard's record.
func TestNetGuardRefusesWithoutTheCheck(t *testing.T) {
	g := &netGuard{}
	f := &Fetcher{AllowPrivate: true, beforeConnect: g.beforeConnect, resolver: &net.Resolver{PreferGo: true, Dial: g.dialDNS}}
	_, err := f.Fetch(context.Background(), "http://10.0.0.1/")
	if err == nil {
		t.Fatal("fetch of 10.0.0.1 succeeded past the guard")
	}
	_, err = f.Fetch(context.Background(), "http://feeds.news.invalid/")
	if err == nil {
		t.Fatal("a name resolved past the guard")
	}
	if len(g.refused) < 2 || g.refused[0] != "would have connected to 10.0.0.1" ||
		!strings.HasPrefix(g.refused[1], "would have sent a DNS query to ") {
		t.Fatalf("guard recorded %q; want the connect to 10.0.0.1, then a DNS query", g.refused)
	}
}
