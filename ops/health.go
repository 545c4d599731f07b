package ops

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"time"
)

// checkTimeout bounds one health check, so a stuck store answers 503
// instead of hanging the prober.
const checkTimeout = 2 * time.Second

// Check is one named part of a process's health: Run returns nil while the
// part works, or an error saying what is wrong.
type Check struct {
	Name string
	Run  func(ctx context.Context) error
}

// Health answers health probes from its checks.
type Health struct {
	checks []Check
}

// NewHealth returns a Health over checks, reported in that order.
func NewHealth(checks ...Check) *Health { return &Health{checks: checks} }

// Status is the body of a health response.
type Status struct {
	// Healthy is true when every check passed.
	Healthy bool `json:"healthy"`
	// Checks maps each check's name to "ok" or what is wrong.
	Checks map[string]string `json:"checks"`
}

// Check runs every check at once, each bounded by a short timeout, and
// reports them.
func (h *Health) Check(ctx context.Context) Status {
	st := Status{Healthy: true, Checks: make(map[string]string, len(h.checks))}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, c := range h.checks {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(ctx, checkTimeout)
			defer cancel()
			err := run(ctx, c.Run)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				st.Healthy = false
				st.Checks[c.Name] = err.Error()
				return
			}
			st.Checks[c.Name] = "ok"
		})
	}
	wg.Wait()
	return st
}

// run runs check, giving up when ctx ends even if check does not.
func run(ctx context.Context, check func(context.Context) error) error {
	done := make(chan error, 1)
	go func() { done <- check(ctx) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ServeHTTP answers 200 with the Status as JSON when every check passes,
// 503 otherwise.
func (h *Health) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	st := h.Check(r.Context())
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if !st.Healthy {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	json.NewEncoder(w).Encode(st) // the prober has gone
}
