package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"path"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Defaults used when a Fetcher field is zero.
const (
	DefaultMaxBytes       = 5 << 20
	DefaultConnectTimeout = 10 * time.Second
	DefaultTimeout        = 30 * time.Second
	DefaultMaxRedirects   = 5
	DefaultUserAgent      = "Sitrep/1.0 (news Q&A bot; fetches pages a moderator added)"
)

// Fetcher downloads web pages for the library. Its zero value is ready to
// use with the defaults above and refuses internal addresses; a Fetcher is
// safe for concurrent use and keeps no connections between fetches.
//
// The address check runs when each connection is made (in the dialer's
// Control hook, on the IP actually dialled), so neither a redirect nor a
// DNS name that resolves to an internal address can get around it.
// Environment proxies are ignored for the same reason: through a proxy,
// the address checked would be the proxy's.
type Fetcher struct {
	// AllowPrivate lets links reach loopback, private and link-local
	// addresses, for intranet sources. Off by default.
	AllowPrivate bool
	// MaxBytes is the largest page accepted (after decompression);
	// larger pages are refused with ErrTooLarge. 0 means DefaultMaxBytes.
	MaxBytes int64
	// ConnectTimeout bounds each TCP connect and TLS handshake.
	// 0 means DefaultConnectTimeout.
	ConnectTimeout time.Duration
	// Timeout bounds the whole fetch, redirects and body included.
	// 0 means DefaultTimeout.
	Timeout time.Duration
	// MaxRedirects is how many redirects are followed; 0 means
	// DefaultMaxRedirects and a negative value means none.
	MaxRedirects int
	// UserAgent is sent with every request; "" means DefaultUserAgent.
	UserAgent string

	// dialAllowed lets tests reach chosen loopback listeners while the
	// connect-time check stays in force for every other address.
	dialAllowed func(netip.AddrPort) bool
	// resolver, when set, replaces the system resolver, so tests can give
	// a name any address without leaving 127.0.0.1.
	resolver *net.Resolver
	// beforeConnect, when set, runs after the address check has let an
	// address through, just before the connect: tests refuse and record
	// every address but loopback there, so a broken check fails a test
	// instead of sending packets to a private or metadata address.
	beforeConnect func(network, address string) error
}

// Fetch downloads rawURL and extracts its article (see FromHTML); a
// text/plain or text/markdown page is read like an uploaded file.
// Surrounding spaces and Discord's <...> link brackets are ignored.
//
// Errors wrap ErrScheme, ErrPrivateAddress, ErrTooManyRedirects,
// ErrTooLarge, ErrContentType, ErrHTTPStatus or ErrNoText; a fetch that
// runs out of time wraps context.DeadlineExceeded, and one whose ctx is
// cancelled wraps ctx.Err().
func (f *Fetcher) Fetch(ctx context.Context, rawURL string) (Article, error) {
	resp, err := f.Get(ctx, rawURL, Request{Accept: "text/html,application/xhtml+xml,text/plain;q=0.9,text/markdown;q=0.9"})
	if err != nil {
		return Article{}, err
	}
	final, _ := url.Parse(resp.URL)
	declared := resp.ContentType
	if declared != "" && kindOfMediaType(declared) == kindUnknown {
		return Article{}, contentTypeError(final.Redacted(), declared)
	}
	body := resp.Body
	kind := kindOfMediaType(declared)
	if declared == "" {
		// declared stays "": a sniffed charset is a guess, the page's own
		// declaration should decide.
		sniffed := http.DetectContentType(body)
		if kind = kindOfMediaType(sniffed); kind == kindUnknown {
			return Article{}, contentTypeError(final.Redacted(), sniffed)
		}
	}
	if kind == kindHTML {
		a, err := extractHTML(body, declared, final.String())
		if err != nil {
			return Article{}, err
		}
		return a, nil
	}
	a, err := textArticle(path.Base(final.Path), kind, body, declared)
	if err != nil {
		return Article{}, err
	}
	a.URL = final.String()
	a.Outlet = strings.TrimPrefix(strings.ToLower(final.Hostname()), "www.")
	return a, nil
}

// Request is what Get sends beyond the link: the media types wanted and
// the validators of a copy the caller already has (conditional GET).
type Request struct {
	// Accept is the Accept header; "" sends none.
	Accept string
	// ETag and LastModified are the validators of the caller's copy, sent
	// as If-None-Match and If-Modified-Since; the server may then answer
	// 304 Not Modified without a body.
	ETag         string
	LastModified string
	// MaxBytes, when above 0, replaces the Fetcher's MaxBytes for this
	// request: a feed document is held to less than a page.
	MaxBytes int64
}

// Response is what Get received.
type Response struct {
	// URL is where the content was finally fetched from, after redirects.
	URL string
	// NotModified is true when the server answered 304 to the validators
	// sent: the caller's copy is current and Body is empty.
	NotModified bool
	// ContentType is the Content-Type header as sent, or "".
	ContentType string
	// ETag and LastModified are the validators to send next time
	// (on a 304, the ones sent, unless the server gave new ones).
	ETag         string
	LastModified string
	// Body is the content, at most MaxBytes.
	Body []byte
}

// StatusError is a response with a status other than 2xx or 304. It wraps
// ErrHTTPStatus; RetryAfter is the server's Retry-After (a 429 or 503
// asking to come back later), or 0 when it sent none.
type StatusError struct {
	URL        string
	Status     string
	Code       int
	RetryAfter time.Duration
}

func (e *StatusError) Error() string {
	msg := fmt.Sprintf("ingest: %s answered %s", e.URL, e.Status)
	if e.RetryAfter > 0 {
		msg += fmt.Sprintf(" (retry after %s)", e.RetryAfter.Round(time.Second))
	}
	return msg
}

// UserMessage says what the site answered, as a moderator reads it (the
// convention of search.UserError).
func (e *StatusError) UserMessage() string {
	return fmt.Sprintf("The site answered %s for %s", e.Status, e.URL)
}

// Unwrap makes errors.Is(err, ErrHTTPStatus) true.
func (e *StatusError) Unwrap() error { return ErrHTTPStatus }

// Get downloads rawURL with the same rules as Fetch (http and https only,
// internal addresses refused when connecting, the size, time and redirect
// limits) and returns the raw content without extracting anything. With
// validators in req it makes a conditional GET: a 304 answer is a
// Response with NotModified set.
//
// Errors are those of Fetch before extraction; a status other than 2xx or
// 304 is a *StatusError.
func (f *Fetcher) Get(ctx context.Context, rawURL string, req Request) (Response, error) {
	link := strings.TrimSpace(rawURL)
	link = strings.TrimSuffix(strings.TrimPrefix(link, "<"), ">")
	u, err := url.Parse(link)
	if err != nil {
		return Response{}, &refusal{msg: fmt.Sprintf("refused: %q is not a valid link", link), err: ErrScheme}
	}
	if err := f.checkLink(u); err != nil {
		return Response{}, err
	}

	timeout := orDefault(f.Timeout, DefaultTimeout)
	fetchCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	client := f.client()
	defer client.CloseIdleConnections()

	hreq, err := http.NewRequestWithContext(fetchCtx, http.MethodGet, u.String(), nil)
	if err != nil {
		return Response{}, fmt.Errorf("ingest: fetch %s: %w", u.Redacted(), err)
	}
	hreq.Header.Set("User-Agent", firstNonEmpty(f.UserAgent, DefaultUserAgent))
	if req.Accept != "" {
		hreq.Header.Set("Accept", req.Accept)
	}
	if req.ETag != "" {
		hreq.Header.Set("If-None-Match", req.ETag)
	}
	if req.LastModified != "" {
		hreq.Header.Set("If-Modified-Since", req.LastModified)
	}
	resp, err := client.Do(hreq)
	if err != nil {
		return Response{}, f.explain(ctx, fetchCtx, u, err)
	}
	defer resp.Body.Close()

	final := resp.Request.URL
	out := Response{
		URL:          final.String(),
		ContentType:  resp.Header.Get("Content-Type"),
		ETag:         firstNonEmpty(resp.Header.Get("ETag"), req.ETag),
		LastModified: firstNonEmpty(resp.Header.Get("Last-Modified"), req.LastModified),
	}
	if resp.StatusCode == http.StatusNotModified && (req.ETag != "" || req.LastModified != "") {
		out.NotModified = true
		return out, nil
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return Response{}, &StatusError{URL: final.Redacted(), Status: resp.Status, Code: resp.StatusCode,
			RetryAfter: retryAfter(resp.Header.Get("Retry-After"), time.Now())}
	}

	limit := f.MaxBytes
	if req.MaxBytes > 0 {
		limit = req.MaxBytes
	}
	if limit <= 0 {
		limit = DefaultMaxBytes
	}
	if resp.ContentLength > limit {
		return Response{}, tooLargeError(final.Redacted(), limit)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return Response{}, f.explain(ctx, fetchCtx, final, err)
	}
	if int64(len(body)) > limit {
		return Response{}, tooLargeError(final.Redacted(), limit)
	}
	out.Body = body
	return out, nil
}

// maxRetryAfter bounds a server's Retry-After, so a typo on its side
// cannot silence a source for months.
const maxRetryAfter = 24 * time.Hour

// retryAfter reads a Retry-After header: delay-seconds or an HTTP date
// (RFC 9110 10.2.3). It returns 0 when the header is absent or unreadable.
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	var d time.Duration
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		d = time.Duration(min(secs, int64(maxRetryAfter/time.Second))) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
	}
	return min(max(d, 0), maxRetryAfter)
}

// client builds the HTTP client for one fetch. Keep-alives are off: a
// fetch is a one-off, and no connection outlives it.
func (f *Fetcher) client() *http.Client {
	connect := orDefault(f.ConnectTimeout, DefaultConnectTimeout)
	dialer := &net.Dialer{Timeout: connect, ControlContext: f.control, Resolver: f.resolver}
	maxRedirects := f.MaxRedirects
	if maxRedirects == 0 {
		maxRedirects = DefaultMaxRedirects
	}
	return &http.Client{
		Transport: &http.Transport{
			Proxy:                  nil,
			DialContext:            dialer.DialContext,
			TLSHandshakeTimeout:    connect,
			DisableKeepAlives:      true,
			MaxResponseHeaderBytes: 64 << 10,
			ForceAttemptHTTP2:      true,
		},
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > maxRedirects {
				return &refusal{
					msg: fmt.Sprintf("refused: %s redirected too many times (limit %d)", via[0].URL.Redacted(), max(maxRedirects, 0)),
					err: ErrTooManyRedirects,
				}
			}
			return f.checkLink(req.URL)
		},
	}
}

// checkLink refuses links that are not http(s) and names that always mean
// this machine; addresses are checked when connecting.
func (f *Fetcher) checkLink(u *url.URL) error {
	if u.Scheme != "http" && u.Scheme != "https" {
		return &refusal{
			msg: fmt.Sprintf("refused: %q is not an http or https link", u.Redacted()),
			err: ErrScheme,
		}
	}
	if u.Hostname() == "" {
		return &refusal{msg: fmt.Sprintf("refused: %q has no host", u.Redacted()), err: ErrScheme}
	}
	if !f.AllowPrivate && isLocalName(u.Hostname()) {
		return privateAddressError(u.Hostname())
	}
	return nil
}

// control is the dialer's Control hook: the address check, then the
// tests' guard, if any.
func (f *Fetcher) control(ctx context.Context, network, address string, c syscall.RawConn) error {
	if err := f.checkConnect(ctx, network, address, c); err != nil {
		return err
	}
	if f.beforeConnect != nil {
		return f.beforeConnect(network, address)
	}
	return nil
}

// checkConnect is the address check: it runs after DNS, on the
// address about to be connected, before any packet is sent to it.
func (f *Fetcher) checkConnect(_ context.Context, _, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return &refusal{msg: fmt.Sprintf("refused: cannot check address %q", address), err: ErrPrivateAddress}
	}
	if f.AllowPrivate || !isInternal(ap.Addr()) || (f.dialAllowed != nil && f.dialAllowed(ap)) {
		return nil
	}
	return privateAddressError(ap.Addr().Unmap().WithZone("").String())
}

// explain turns a transport error into one a moderator can act on: our
// own refusals without the net/http wrapping, and timeouts that say which
// limit was hit.
func (f *Fetcher) explain(callerCtx, fetchCtx context.Context, u *url.URL, err error) error {
	var r *refusal
	switch {
	case errors.As(err, &r):
		return r
	case callerCtx.Err() != nil:
		return fmt.Errorf("ingest: fetch %s: %w", u.Redacted(), callerCtx.Err())
	case fetchCtx.Err() != nil:
		return fmt.Errorf("ingest: %s did not answer within %s: %w",
			u.Host, orDefault(f.Timeout, DefaultTimeout), context.DeadlineExceeded)
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		var op *net.OpError
		if errors.As(err, &op) && op.Op == "dial" {
			return fmt.Errorf("ingest: could not connect to %s within %s: %w",
				u.Host, orDefault(f.ConnectTimeout, DefaultConnectTimeout), context.DeadlineExceeded)
		}
		return fmt.Errorf("ingest: %s timed out: %w", u.Host, context.DeadlineExceeded)
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return fmt.Errorf("ingest: could not find the site %s: %w", u.Hostname(), dnsErr)
	}
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		err = urlErr.Err // its text repeats the method and URL
	}
	return fmt.Errorf("ingest: fetch %s: %w", u.Redacted(), err)
}

func tooLargeError(what string, limit int64) error {
	return &refusal{
		msg: fmt.Sprintf("refused: %s is larger than the %s limit", what, formatSize(limit)),
		err: ErrTooLarge,
	}
}

func contentTypeError(what, contentType string) error {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		mt = contentType
	}
	return &refusal{
		msg: fmt.Sprintf("refused: %s is %s, not a web page or text", what, mt),
		err: ErrContentType,
	}
}

func formatSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}
