// Package ops makes a running Sitrep observable by its operator:
// Prometheus metrics on a registry of its own (never the global default),
// and a health endpoint over named checks, served together by Serve.
//
// It never imports discordgo: the bot records what happens on Discord
// through Metrics' methods, and any package (search included) may use it.
// A nil *Metrics records nothing, so code can take one optionally.
package ops

import (
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Kinds of interaction, the values of the "kind" label: a slash command
// is what a user asked for; autocomplete, buttons and menus, and forms
// are the steps around it.
const (
	KindCommand      = "command"
	KindAutocomplete = "autocomplete"
	KindComponent    = "component"
	KindModal        = "modal"
)

// Outcomes of an interaction, the values of the "outcome" label.
const (
	OutcomeOK    = "ok"    // answered (a refusal or a hint is an answer too)
	OutcomeError = "error" // the handler failed; the user got an apology or nothing
	OutcomePanic = "panic" // the handler panicked and was recovered
)

// Metrics holds Sitrep's Prometheus metrics. Build it with NewMetrics; its
// methods are safe for concurrent use and do nothing on a nil *Metrics.
type Metrics struct {
	reg          *prometheus.Registry
	interactions *prometheus.CounterVec
	latency      *prometheus.HistogramVec
	deferrals    prometheus.Counter
	restErrors   *prometheus.CounterVec
	rateLimited  prometheus.Counter
	exhausted    prometheus.Counter
	digests      prometheus.Counter
}

// NewMetrics returns metrics registered on a new registry, with the Go
// runtime and process collectors beside Sitrep's own.
func NewMetrics() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		interactions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sitrep_interactions_total",
			Help: "Discord interactions handled, by command, kind (command, autocomplete, component, modal) and outcome (ok, error, panic).",
		}, []string{"command", "kind", "outcome"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "sitrep_interaction_duration_seconds",
			Help: "Time from receiving an interaction to having answered it, by command and kind; kind=\"command\" is the answer to a slash command.",
			// Discord's deadline for a first answer is 3 s; deferred
			// answers may take longer.
			Buckets: []float64{.01, .025, .05, .1, .25, .5, 1, 1.5, 2, 3, 5, 10, 30, 60},
		}, []string{"command", "kind"}),
		deferrals: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "sitrep_interaction_deferrals_total",
			Help: "Interactions acknowledged first and answered later, because the answer was not ready in time.",
		}),
		restErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sitrep_discord_rest_errors_total",
			Help: "Discord REST requests that failed, by HTTP status (\"transport\" when no response came).",
		}, []string{"status"}),
		rateLimited: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "sitrep_discord_rate_limited_total",
			Help: "Discord REST responses with status 429; the client waits Retry-After and tries again.",
		}),
		exhausted: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "sitrep_discord_rate_limit_exhausted_total",
			Help: "Discord REST responses that used up their rate-limit bucket (X-RateLimit-Remaining: 0): the next request in that bucket waits for its reset.",
		}),
		digests: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "sitrep_digests_posted_total",
			Help: "Daily digests posted in full, scheduled or asked for with /digest now.",
		}),
	}
	m.reg.MustRegister(m.interactions, m.latency, m.deferrals, m.restErrors, m.rateLimited, m.exhausted, m.digests,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Registry returns the registry the metrics are on, to add more.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the metrics in Prometheus' text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Interaction records one handled interaction: its command, kind
// (KindCommand…), outcome (OutcomeOK…) and how long it took. command must
// come from a fixed set (the command table), never from user input, to
// bound the label's values.
func (m *Metrics) Interaction(command, kind, outcome string, took time.Duration) {
	if m == nil {
		return
	}
	m.interactions.WithLabelValues(command, kind, outcome).Inc()
	m.latency.WithLabelValues(command, kind).Observe(took.Seconds())
}

// Deferred records an interaction acknowledged before its answer.
func (m *Metrics) Deferred() {
	if m != nil {
		m.deferrals.Inc()
	}
}

// DigestPosted records a digest posted in full.
func (m *Metrics) DigestPosted() {
	if m != nil {
		m.digests.Inc()
	}
}

// WatchIndexLag exports lag (such as search.Library.IndexLag) as the gauge
// sitrep_index_lag_sources, read at each scrape; NaN while lag fails. Call
// it once.
func (m *Metrics) WatchIndexLag(lag func() (int, error)) {
	if m == nil {
		return
	}
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "sitrep_index_lag_sources",
		Help: "Sources whose latest change the store holds and the search index may not yet (NaN: the store cannot be read).",
	}, func() float64 {
		n, err := lag()
		if err != nil {
			return math.NaN()
		}
		return float64(n)
	}))
}

// Transport wraps next (http.DefaultTransport when nil) so that the REST
// requests it carries count failed statuses and rate limits. Set it as the
// Discord session's http.Client Transport.
func (m *Metrics) Transport(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	if m == nil {
		return next
	}
	return restCounter{m: m, next: next}
}

type restCounter struct {
	m    *Metrics
	next http.RoundTripper
}

func (c restCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(r)
	switch {
	case err != nil:
		c.m.restErrors.WithLabelValues("transport").Inc()
	case resp.StatusCode == http.StatusTooManyRequests:
		c.m.rateLimited.Inc()
	case resp.StatusCode >= 400:
		c.m.restErrors.WithLabelValues(strconv.Itoa(resp.StatusCode)).Inc()
	}
	if err == nil && resp.Header.Get("X-RateLimit-Remaining") == "0" {
		c.m.exhausted.Inc()
	}
	return resp, err
}
