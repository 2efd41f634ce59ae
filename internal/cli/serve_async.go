package cli

import (
	"context"
	"log/slog"
	"time"

	"github.com/portico-dev/portico/internal/execution"
	"github.com/portico-dev/portico/internal/store"
)

// dispatcherCloseTimeout bounds the reports of the detached executions
// ended at shutdown; what is left stays in the journal for the next start.
const dispatcherCloseTimeout = 10 * time.Second

func closeDispatcher(d *execution.Dispatcher, logger *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), dispatcherCloseTimeout)
	defer cancel()
	if err := d.Close(ctx); err != nil {
		logger.Warn("detached executions at shutdown", "err", err)
	}
}

// startDeliverer runs the webhook outbox's deliverer of this control plane
// until the returned stop is called. PORTICO_WEBHOOK_RETRY_MIN and
// PORTICO_WEBHOOK_INTERVAL (Go durations) shorten the backoff and the poll,
// for tests and demonstrations.
func startDeliverer(ctx context.Context, e *env, st store.Store, logger *slog.Logger) (stop func(), err error) {
	cfg := execution.DelivererConfig{Store: st, Logger: logger}
	if v := e.getenv("PORTICO_WEBHOOK_RETRY_MIN"); v != "" {
		if cfg.RetryMin, err = time.ParseDuration(v); err != nil {
			return nil, usagef("PORTICO_WEBHOOK_RETRY_MIN: %v", err)
		}
	}
	if v := e.getenv("PORTICO_WEBHOOK_INTERVAL"); v != "" {
		if cfg.Interval, err = time.ParseDuration(v); err != nil {
			return nil, usagef("PORTICO_WEBHOOK_INTERVAL: %v", err)
		}
	}
	d, err := execution.NewDeliverer(cfg)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		d.Run(ctx)
	}()
	return func() {
		cancel()
		<-done
	}, nil
}
