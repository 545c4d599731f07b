package ops

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// shutdownGrace is how long Serve waits for scrapes in progress once its
// context ends.
const shutdownGrace = 5 * time.Second

// Mux routes /metrics to m and /healthz to h.
func Mux(m *Metrics, h *Health) *http.ServeMux {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	mux.Handle("GET /healthz", h)
	return mux
}

// Serve serves Mux(m, h) on ln until ctx ends, then shuts the server down
// (waiting a few seconds for requests in progress) and returns nil; or it
// returns the server's error. It closes ln.
func Serve(ctx context.Context, ln net.Listener, m *Metrics, h *Health, log *slog.Logger) error {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	srv := &http.Server{
		Handler:           Mux(m, h),
		ReadHeaderTimeout: 5 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("serving metrics and health", "addr", ln.Addr().String())
	select {
	case err := <-errc:
		return fmt.Errorf("ops: serve %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	if err != nil {
		return fmt.Errorf("ops: shut down %s: %w", ln.Addr(), err)
	}
	return nil
}
