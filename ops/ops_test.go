package ops_test

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"sitrep/ops"
	"sitrep/ops/opstest"
)

// serve runs ops.Serve on a loopback port until the test ends.
func serve(t *testing.T, m *ops.Metrics, h *ops.Health) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- ops.Serve(ctx, ln, m, h, nil) }()
	t.Cleanup(func() {
		cancel()
		if err := <-errc; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return "http://" + ln.Addr().String()
}

func TestMetricsCountWhatHappened(t *testing.T) {
	m := ops.NewMetrics()
	lag := atomic.Int64{}
	lagErr := atomic.Bool{}
	m.WatchIndexLag(func() (int, error) {
		if lagErr.Load() {
			return 0, errors.New("store closed")
		}
		return int(lag.Load()), nil
	})
	m.Interaction("ask", ops.KindCommand, ops.OutcomeOK, 20*time.Millisecond)
	m.Interaction("ask", ops.KindCommand, ops.OutcomeOK, 2*time.Second)
	m.Interaction("ask", ops.KindAutocomplete, ops.OutcomeOK, time.Millisecond)
	m.Interaction("source", ops.KindModal, ops.OutcomeError, time.Second)
	m.Deferred()
	m.DigestPosted()
	m.DigestPosted()
	lag.Store(3)

	// Discord's REST API: 429 once, then 404, then 200 with the bucket
	// used up.
	var calls atomic.Int32
	discord := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch calls.Add(1) {
		case 1:
			w.WriteHeader(http.StatusTooManyRequests)
		case 2:
			w.Header().Set("X-RateLimit-Remaining", "3")
			w.WriteHeader(http.StatusNotFound)
		case 3:
			w.Header().Set("X-RateLimit-Remaining", "0")
		}
	}))
	defer discord.Close()
	client := &http.Client{Transport: m.Transport(nil)}
	for range 3 {
		resp, err := client.Get(discord.URL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	discord.Close()
	if _, err := client.Get(discord.URL); err == nil {
		t.Fatal("GET on a closed server succeeded")
	}

	base := serve(t, m, ops.NewHealth())
	got := opstest.Scrape(t, base+"/metrics")
	want := map[string]float64{
		`sitrep_interactions_total{command="ask",kind="command",outcome="ok"}`:                2,
		`sitrep_interactions_total{command="source",kind="modal",outcome="error"}`:            1,
		`sitrep_interactions_total{command="ask",kind="autocomplete",outcome="ok"}`:           1,
		`sitrep_interaction_duration_seconds_count{command="ask",kind="command"}`:             2,
		`sitrep_interaction_duration_seconds_bucket{command="ask",kind="command",le="0.025"}`: 1,
		`sitrep_interaction_duration_seconds_bucket{command="ask",kind="command",le="3"}`:     2,
		`sitrep_interaction_deferrals_total`:                                                  1,
		`sitrep_digests_posted_total`:                                                         2,
		`sitrep_discord_rate_limited_total`:                                                   1,
		`sitrep_discord_rate_limit_exhausted_total`:                                           1,
		`sitrep_discord_rest_errors_total{status="404"}`:                                      1,
		`sitrep_discord_rest_errors_total{status="transport"}`:                                1,
		`sitrep_index_lag_sources`:                                                            3,
	}
	for series, v := range want {
		if got[series] != v {
			t.Errorf("%s = %v, want %v", series, got[series], v)
		}
	}
	if _, ok := got["go_goroutines"]; !ok {
		t.Error("the Go runtime collector is missing")
	}
	lagErr.Store(true)
	if v := opstest.Scrape(t, base+"/metrics")["sitrep_index_lag_sources"]; !math.IsNaN(v) {
		t.Errorf("index lag while the store fails = %v, want NaN", v)
	}
}

func TestNilMetricsRecordNothing(t *testing.T) {
	var m *ops.Metrics
	m.Interaction("ask", ops.KindCommand, ops.OutcomeOK, time.Second)
	m.Deferred()
	m.DigestPosted()
	m.WatchIndexLag(func() (int, error) { return 0, nil })
	if rt := m.Transport(nil); rt != http.DefaultTransport {
		t.Errorf("nil Metrics wrap the transport: %T", rt)
	}
}

func TestHealthzFollowsItsChecks(t *testing.T) {
	var storeDown, gatewayDown atomic.Bool
	h := ops.NewHealth(
		ops.Check{Name: "gateway", Run: func(context.Context) error {
			if gatewayDown.Load() {
				return errors.New("gateway disconnected")
			}
			return nil
		}},
		ops.Check{Name: "store", Run: func(context.Context) error {
			if storeDown.Load() {
				return errors.New("store closed")
			}
			return nil
		}},
		ops.Check{Name: "index", Run: func(context.Context) error { return nil }},
	)
	base := serve(t, ops.NewMetrics(), h)
	get := func() (int, ops.Status) {
		t.Helper()
		resp, err := http.Get(base + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("Content-Type %q", ct)
		}
		var st ops.Status
		if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, st
	}
	steps := []struct {
		name             string
		store, gateway   bool // down
		code             int
		storeSays, gwSay string
	}{
		{"all well", false, false, 200, "ok", "ok"},
		{"store stopped", true, false, 503, "store closed", "ok"},
		{"store back", false, false, 200, "ok", "ok"},
		{"gateway lost", false, true, 503, "ok", "gateway disconnected"},
		{"both down", true, true, 503, "store closed", "gateway disconnected"},
		{"both back", false, false, 200, "ok", "ok"},
	}
	for _, s := range steps {
		storeDown.Store(s.store)
		gatewayDown.Store(s.gateway)
		code, st := get()
		if code != s.code || st.Healthy != (s.code == 200) || st.Checks["store"] != s.storeSays ||
			st.Checks["gateway"] != s.gwSay || st.Checks["index"] != "ok" {
			t.Errorf("%s: %d %+v, want %d store=%q gateway=%q", s.name, code, st, s.code, s.storeSays, s.gwSay)
		}
	}
}

func TestHealthCheckThatHangsIsUnhealthy(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	h := ops.NewHealth(ops.Check{Name: "store", Run: func(ctx context.Context) error {
		<-release // ignores ctx, as a stuck lock would
		return nil
	}})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	st := h.Check(ctx)
	if st.Healthy || !strings.Contains(st.Checks["store"], "deadline") {
		t.Errorf("a hung check: %+v, want unhealthy with a deadline error", st)
	}
}

func TestServeStopsWithItsContext(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- ops.Serve(ctx, ln, ops.NewMetrics(), ops.NewHealth(), nil) }()
	url := "http://" + ln.Addr().String() + "/healthz"
	if resp, err := http.Get(url); err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz with no checks: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	cancel()
	if err := <-errc; err != nil {
		t.Fatalf("Serve after cancel: %v", err)
	}
	if _, err := http.Get(url); err == nil {
		t.Error("still serving after its context ended")
	}
}

// TestTuneGCLeavesTheOperatorsSetting: sitrep serve raises the
// collector's target and caps the heap unless GOGC or GOMEMLIMIT says
// otherwise; an operator who set either keeps what they set, and restore
// puts back what was there.
func TestTuneGCLeavesTheOperatorsSetting(t *testing.T) {
	const percent, limit = 100, int64(1) << 40
	prevPercent, prevLimit := debug.SetGCPercent(percent), debug.SetMemoryLimit(limit)
	defer func() { debug.SetGCPercent(prevPercent); debug.SetMemoryLimit(prevLimit) }()
	tests := []struct {
		env          map[string]string
		wantPercent  int
		wantLimit    int64
		wantsChanged bool
	}{
		{nil, ops.ServeGCPercent, ops.ServeMemoryLimit, true},
		{map[string]string{"GOGC": "50"}, percent, limit, false},
		{map[string]string{"GOMEMLIMIT": "1GiB"}, percent, limit, false},
	}
	for _, tt := range tests {
		restore, changed := ops.TuneGC(func(k string) string { return tt.env[k] })
		gotPercent := debug.SetGCPercent(-1)
		debug.SetGCPercent(gotPercent)
		gotLimit := debug.SetMemoryLimit(-1) // -1 reads without changing
		if gotPercent != tt.wantPercent || gotLimit != tt.wantLimit || changed != tt.wantsChanged {
			t.Errorf("env %v: GC percent %d, limit %d (changed %v), want %d, %d", tt.env, gotPercent, gotLimit, changed, tt.wantPercent, tt.wantLimit)
		}
		restore()
		if p := debug.SetGCPercent(-1); p != percent || debug.SetMemoryLimit(-1) != limit {
			t.Errorf("env %v: restore left GC percent %d, want %d and the limit as it was", tt.env, p, percent)
		}
		debug.SetGCPercent(percent)
	}
}
