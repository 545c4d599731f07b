package ingest

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"
)

// A conditional GET sends the validators it was given and reports a 304
// as NotModified; a 429 comes back as a StatusError with the server's
// Retry-After.
func TestGetConditionalAndRetryAfter(t *testing.T) {
	var sawETag, sawSince string
	mux := http.NewServeMux()
	mux.HandleFunc("/feed", func(w http.ResponseWriter, r *http.Request) {
		sawETag, sawSince = r.Header.Get("If-None-Match"), r.Header.Get("If-Modified-Since")
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Last-Modified", "Mon, 02 Jan 2006 15:04:05 GMT")
		if sawETag == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write([]byte("<rss/>"))
	})
	mux.HandleFunc("/busy", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "120")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	srv := newServer(t, mux)
	f := &Fetcher{dialAllowed: allowOnly(srv)}
	ctx := context.Background()

	first, err := f.Get(ctx, srv.URL+"/feed", Request{})
	if err != nil {
		t.Fatal(err)
	}
	if first.NotModified || string(first.Body) != "<rss/>" || first.ETag != `"v1"` {
		t.Fatalf("first fetch: %+v", first)
	}
	second, err := f.Get(ctx, srv.URL+"/feed", Request{ETag: first.ETag, LastModified: first.LastModified})
	if err != nil {
		t.Fatal(err)
	}
	if !second.NotModified || len(second.Body) != 0 {
		t.Errorf("second fetch: %+v, want NotModified", second)
	}
	if sawETag != `"v1"` || sawSince != "Mon, 02 Jan 2006 15:04:05 GMT" {
		t.Errorf("server saw If-None-Match %q If-Modified-Since %q", sawETag, sawSince)
	}

	_, err = f.Get(ctx, srv.URL+"/busy", Request{})
	var se *StatusError
	if !errors.As(err, &se) || !errors.Is(err, ErrHTTPStatus) || se.Code != 429 || se.RetryAfter != 2*time.Minute {
		t.Errorf("busy: got %v (%+v), want a 429 StatusError with a 2m Retry-After", err, se)
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 15, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Duration
	}{
		{"", 0}, {"0", 0}, {"-5", 0}, {"soon", 0}, {"30", 30 * time.Second},
		{"Fri, 02 Jan 2026 15:10:00 GMT", 10 * time.Minute},
		{"Fri, 02 Jan 2026 14:00:00 GMT", 0},
		{"99999999999", maxRetryAfter},
	} {
		if got := retryAfter(tc.in, now); got != tc.want {
			t.Errorf("retryAfter(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}
