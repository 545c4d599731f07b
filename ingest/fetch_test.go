package ingest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

// server is an httptest server on 127.0.0.1 that counts the connections
// it accepts, so tests can prove a refused address was never connected to.
type server struct {
	*httptest.Server
	conns atomic.Int64
}

func newServer(tb testing.TB, h http.Handler) *server {
	tb.Helper()
	s := &server{Server: httptest.NewUnstartedServer(h)}
	s.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			s.conns.Add(1)
		}
	}
	s.Start()
	tb.Cleanup(s.Close)
	return s
}

func (s *server) addrPort() netip.AddrPort {
	return netip.MustParseAddrPort(s.Listener.Addr().String())
}

func (s *server) port() uint16 { return s.addrPort().Port() }

// allowOnly is the test seam: the Fetcher refuses internal addresses as in
// production, except the listeners given.
func allowOnly(servers ...*server) func(netip.AddrPort) bool {
	return func(ap netip.AddrPort) bool {
		for _, s := range servers {
			if ap == s.addrPort() {
				return true
			}
		}
		return false
	}
}

func TestFetchRefusals(t *testing.T) {
	// probe is never allowed: every case that targets it must be refused
	// before connecting.
	probe := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "<p>secret internal page</p>")
	}))
	page := readFixture(t, "plain.html")
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00")
	mux := http.NewServeMux()
	mux.HandleFunc("/to-probe", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, fmt.Sprintf("http://127.0.0.1:%d/", probe.port()), http.StatusFound)
	})
	mux.HandleFunc("/to-metadata", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://169.254.169.254/latest/meta-data/", http.StatusFound)
	})
	mux.HandleFunc("/to-localhost", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, fmt.Sprintf("http://localhost:%d/", probe.port()), http.StatusMovedPermanently)
	})
	mux.HandleFunc("/to-ftp", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "ftp://files.example/report.txt", http.StatusFound)
	})
	mux.HandleFunc("/hop/{n}", func(w http.ResponseWriter, r *http.Request) {
		var n int
		fmt.Sscan(r.PathValue("n"), &n)
		if n == 0 {
			w.Header().Set("Content-Type", "text/html")
			w.Write(page)
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/hop/%d", n-1), http.StatusFound)
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write(page) // Content-Length is set: refused before reading
	})
	mux.HandleFunc("/big-chunked", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		for range 10 { // no Content-Length: refused while reading
			w.Write(page[:512])
			w.(http.Flusher).Flush()
		}
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	})
	mux.HandleFunc("/octet", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write(page)
	})
	mux.HandleFunc("/png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write(png)
	})
	mux.HandleFunc("/png-unlabelled", func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Content-Type"] = nil // stop net/http sniffing it for us
		w.Write(png)
	})
	mux.HandleFunc("/gone", http.NotFound)
	allowed := newServer(t, mux)

	p := probe.port()
	tests := []struct {
		name  string
		url   string
		setup func(*Fetcher)
		want  error
	}{
		{"IPv4 loopback", fmt.Sprintf("http://127.0.0.1:%d/", p), nil, ErrPrivateAddress},
		{"IPv6 loopback", fmt.Sprintf("http://[::1]:%d/", p), nil, ErrPrivateAddress},
		{"IPv4-mapped IPv6 loopback", fmt.Sprintf("http://[::ffff:127.0.0.1]:%d/", p), nil, ErrPrivateAddress},
		{"unspecified 0.0.0.0 reaches loopback on Linux", fmt.Sprintf("http://0.0.0.0:%d/", p), nil, ErrPrivateAddress},
		{"localhost", fmt.Sprintf("http://localhost:%d/", p), nil, ErrPrivateAddress},
		{"private 10/8", "http://10.0.0.1/", nil, ErrPrivateAddress},
		{"private 172.16/12", "http://172.16.0.1:8080/admin", nil, ErrPrivateAddress},
		{"private 192.168/16", "https://192.168.1.1/", nil, ErrPrivateAddress},
		{"cloud metadata", "http://169.254.169.254/latest/meta-data/", nil, ErrPrivateAddress},
		{"carrier-grade NAT", "http://100.64.0.1/", nil, ErrPrivateAddress},
		{"IPv6 unique local", "http://[fd00::1]/", nil, ErrPrivateAddress},
		{"IPv4-mapped private", "http://[::ffff:10.0.0.5]/", nil, ErrPrivateAddress},
		{"redirect to a private listener", allowed.URL + "/to-probe", nil, ErrPrivateAddress},
		{"redirect to cloud metadata", allowed.URL + "/to-metadata", nil, ErrPrivateAddress},
		{"redirect to localhost", allowed.URL + "/to-localhost", nil, ErrPrivateAddress},
		{"redirect to ftp", allowed.URL + "/to-ftp", nil, ErrScheme},
		{"ftp scheme", "ftp://files.example/report.txt", nil, ErrScheme},
		{"file scheme", "file:///etc/passwd", nil, ErrScheme},
		{"no scheme", "harbourtribune.example/news", nil, ErrScheme},
		{"6 redirects", allowed.URL + "/hop/6", nil, ErrTooManyRedirects},
		{"2 redirects when 1 allowed", allowed.URL + "/hop/2", func(f *Fetcher) { f.MaxRedirects = 1 }, ErrTooManyRedirects},
		{"redirects disabled", allowed.URL + "/hop/1", func(f *Fetcher) { f.MaxRedirects = -1 }, ErrTooManyRedirects},
		{"oversized with Content-Length", allowed.URL + "/big", func(f *Fetcher) { f.MaxBytes = 1024 }, ErrTooLarge},
		{"oversized chunked", allowed.URL + "/big-chunked", func(f *Fetcher) { f.MaxBytes = 4096 }, ErrTooLarge},
		{"slow server", allowed.URL + "/slow", func(f *Fetcher) { f.Timeout = 200 * time.Millisecond }, context.DeadlineExceeded},
		{"application/octet-stream", allowed.URL + "/octet", nil, ErrContentType},
		{"image/png", allowed.URL + "/png", nil, ErrContentType},
		{"unlabelled PNG", allowed.URL + "/png-unlabelled", nil, ErrContentType},
		{"404", allowed.URL + "/gone", nil, ErrHTTPStatus},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, guard := guarded(t, &Fetcher{ConnectTimeout: 2 * time.Second, dialAllowed: allowOnly(allowed)})
			if tc.setup != nil {
				tc.setup(f)
			}
			before := probe.conns.Load()
			start := time.Now()
			a, err := f.Fetch(context.Background(), tc.url)
			guard.ok(t) // first: "would have connected to 10.0.0.1" says more than the error below
			if !errors.Is(err, tc.want) {
				t.Fatalf("Fetch(%s) = %+v, %v; want %v", tc.url, a, err, tc.want)
			}
			if !strings.HasPrefix(err.Error(), "ingest: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
			if n := probe.conns.Load() - before; n != 0 {
				t.Errorf("%d connection(s) reached the refused listener", n)
			}
			// Refusals happen before connecting: none of these may wait
			// for a network timeout (only the slow server waits, 200ms).
			if d := time.Since(start); d > 1500*time.Millisecond {
				t.Errorf("took %s; refusal should not wait for the network", d)
			}
			t.Logf("%s", err)
		})
	}
}

func TestFetchRefusalMessage(t *testing.T) {
	f, guard := guarded(t, &Fetcher{})
	_, err := f.Fetch(context.Background(), "http://10.0.0.5/intranet")
	guard.ok(t)
	want := "ingest: refused: 10.0.0.5 is a private address; set SITREP_ALLOW_PRIVATE_URLS=1 for intranet sources"
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
}

// A name that resolves to loopback must be refused like the address
// itself: the check is on the dialled address, so DNS cannot bypass it.
func TestFetchRefusesNameResolvingToLoopback(t *testing.T) {
	probe := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write(readFixture(t, "plain.html"))
	}))
	resolver := fakeDNS(t, netip.MustParseAddr("127.0.0.1"))
	url := fmt.Sprintf("http://intranet.news.example:%d/", probe.port())

	refusing, guard := guarded(t, &Fetcher{resolver: resolver})
	_, err := refusing.Fetch(context.Background(), url)
	guard.ok(t)
	if !errors.Is(err, ErrPrivateAddress) {
		t.Fatalf("got %v, want ErrPrivateAddress", err)
	}
	if n := probe.conns.Load(); n != 0 {
		t.Errorf("%d connection(s) reached the listener", n)
	}

	// Control: the same name and resolver reach the page when allowed, so
	// the refusal above came from the address, not from a failed lookup.
	allowing, _ := guarded(t, &Fetcher{resolver: resolver, dialAllowed: allowOnly(probe)})
	if _, err := allowing.Fetch(context.Background(), url); err != nil {
		t.Fatalf("allowed fetch through the fake resolver: %v", err)
	}
}

// fakeDNS starts a DNS server on 127.0.0.1 that answers every A query
// with addr, and returns a resolver that uses only it.
func fakeDNS(tb testing.TB, addr netip.Addr) *net.Resolver {
	tb.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { pc.Close() })
	go func() {
		buf := make([]byte, 512)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return // closed by Cleanup
			}
			var p dnsmessage.Parser
			h, err := p.Start(buf[:n])
			if err != nil {
				continue
			}
			q, err := p.Question()
			if err != nil {
				continue
			}
			b := dnsmessage.NewBuilder(nil, dnsmessage.Header{ID: h.ID, Response: true, Authoritative: true})
			b.StartQuestions()
			b.Question(q)
			b.StartAnswers()
			if q.Type == dnsmessage.TypeA {
				b.AResource(dnsmessage.ResourceHeader{Name: q.Name, Class: dnsmessage.ClassINET, TTL: 60},
					dnsmessage.AResource{A: addr.As4()})
			}
			if msg, err := b.Finish(); err == nil {
				pc.WriteTo(msg, from)
			}
		}
	}()
	return &net.Resolver{
		PreferGo: true,
		Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "udp", pc.LocalAddr().String())
		},
	}
}

func TestFetchCallerCancel(t *testing.T) {
	slow := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	f, _ := guarded(t, &Fetcher{dialAllowed: allowOnly(slow)})
	_, err := f.Fetch(ctx, slow.URL)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want the caller's deadline", err)
	}
}

func TestFetchAllowPrivate(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/news/2024/03/05/eastport-plant-fire", func(w http.ResponseWriter, r *http.Request) {
		if ua := r.Header.Get("User-Agent"); !strings.HasPrefix(ua, "Sitrep/") {
			http.Error(w, "no user agent", http.StatusForbidden)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(readFixture(t, "jsonld.html"))
	})
	mux.HandleFunc("/transport/bridge", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html") // charset only in the page's <meta>
		w.Write(readFixture(t, "opengraph.html"))
	})
	mux.HandleFunc("/old/flood-barrier", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/2022/06/09/flood-barrier.html", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/2022/06/09/flood-barrier.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Content-Type"] = nil // sniffed
		w.Write(readFixture(t, "plain.html"))
	})
	mux.HandleFunc("/statement.txt", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprint(w, "Statement on the Eastport fire\n\nThe fire at Eastport is out.\nResidents may return home.\n")
	})
	srv := newServer(t, mux)
	f, _ := guarded(t, &Fetcher{AllowPrivate: true})

	byFile := map[string]fixtureCase{}
	for _, tc := range fixtureCases {
		byFile[tc.file] = tc
	}
	tests := []struct {
		path string
		want fixtureCase
	}{
		{"/news/2024/03/05/eastport-plant-fire", byFile["jsonld.html"]},
		{"/transport/bridge", byFile["opengraph.html"]},
		{"/old/flood-barrier", byFile["plain.html"]},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			got, err := f.Fetch(context.Background(), "<"+srv.URL+tc.path+">")
			if err != nil {
				t.Fatal(err)
			}
			want := tc.want
			switch want.file {
			case "jsonld.html": // canonical link is relative: resolved against the test server
				want.want.URL = srv.URL + "/news/2024/03/05/eastport-plant-fire"
			case "plain.html": // no canonical: the final URL after the redirect
				want.want.URL = srv.URL + "/2022/06/09/flood-barrier.html"
			}
			checkArticle(t, got, want)
		})
	}
	t.Run("plain text", func(t *testing.T) {
		got, err := f.Fetch(context.Background(), srv.URL+"/statement.txt")
		if err != nil {
			t.Fatal(err)
		}
		want := Article{
			Title:  "Statement on the Eastport fire",
			Outlet: "127.0.0.1",
			URL:    srv.URL + "/statement.txt",
			Text:   "The fire at Eastport is out.\nResidents may return home.",
		}
		if got != want {
			t.Errorf("got  %+v\nwant %+v", got, want)
		}
	})
}

func TestIsInternal(t *testing.T) {
	tests := map[string]bool{
		"127.0.0.1": true, "127.1.2.3": true, "::1": true, "0.0.0.0": true, "::": true,
		"10.1.2.3": true, "172.16.0.1": true, "172.31.255.255": true, "192.168.0.1": true,
		"169.254.169.254": true, "100.64.0.1": true, "100.127.255.255": true,
		"224.0.0.1": true, "255.255.255.255": true, "fc00::1": true, "fdff::1": true,
		"fe80::1": true, "fe80::1%eth0": true, "ff02::1": true,
		"::ffff:127.0.0.1": true, "::ffff:10.0.0.1": true, "::ffff:169.254.169.254": true,
		"64:ff9b::a00:1": true, "2002:a00:1::": true, "::10.0.0.1": true,
		"8.8.8.8": false, "1.1.1.1": false, "172.32.0.1": false, "100.128.0.1": false,
		"192.169.0.1": false, "2606:4700:4700::1111": false, "::ffff:8.8.8.8": false,
		"64:ff9b::808:808": false, "2002:808:808::": false,
	}
	for s, want := range tests {
		if got := isInternal(netip.MustParseAddr(s)); got != want {
			t.Errorf("isInternal(%s) = %v, want %v", s, got, want)
		}
	}
}

func TestFetchConnectionRefusedIsReadable(t *testing.T) {
	s := newServer(t, http.NotFoundHandler())
	url := s.URL + "/"
	s.Close() // nothing listens on the port any more
	f, _ := guarded(t, &Fetcher{AllowPrivate: true})
	_, err := f.Fetch(context.Background(), url)
	if err == nil {
		t.Fatal("fetch from a closed port succeeded")
	}
	if msg := err.Error(); !strings.HasPrefix(msg, "ingest: fetch "+url+": ") || strings.Contains(msg, `Get "`) {
		t.Errorf("message %q should name the link once, without net/http's wrapping", msg)
	}
}
