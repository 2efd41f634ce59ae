package telemetry

import (
	"context"
	"log/slog"
	"time"

	"github.com/portico-dev/portico/internal/model"
)

// ReportSender sends a runtime's report to the control plane
// (client.Client.ReportMetrics, or the Hub itself in-process).
type ReportSender interface {
	ReportMetrics(ctx context.Context, rep *model.MetricsReport) error
}

// Reporter sends the Collector's completed seconds every second, just after
// the second ends, so that the control plane's live view lags by about one
// second. A failed report is retried with the next; blocks beyond the
// control plane's window are dropped.
type Reporter struct {
	Collector   *Collector
	Sender      ReportSender
	Environment string
	Runtime     string
	Log         *slog.Logger
}

// reportOffset is how long after a second ends the reporter sends it.
const reportOffset = 50 * time.Millisecond

// maxHeldBlocks bounds the blocks held while the control plane is down.
const maxHeldBlocks = 20_000

// Run reports until ctx ends, then sends what is left once.
func (r *Reporter) Run(ctx context.Context) {
	log := r.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var held []model.MetricsBlock
	var lastWarn time.Time
	send := func(ctx context.Context) {
		held = append(held, r.Collector.Take()...)
		if len(held) == 0 {
			return
		}
		// Keep the newest blocks within the control plane's window.
		cut := time.Now().Add(-SecondRetention + 5*time.Second)
		kept := held[:0]
		for _, b := range held {
			if b.Start.After(cut) {
				kept = append(kept, b)
			}
		}
		held = kept[max(0, len(kept)-maxHeldBlocks):]
		for len(held) > 0 {
			n := min(len(held), model.MaxMetricsBlocks)
			sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			err := r.Sender.ReportMetrics(sctx, &model.MetricsReport{Environment: r.Environment, Runtime: r.Runtime, Blocks: held[:n]})
			cancel()
			if err != nil {
				if time.Since(lastWarn) > 30*time.Second {
					lastWarn = time.Now()
					log.Warn("live metrics: report failed; retrying with the next", "err", err, "blocks", len(held))
				}
				return
			}
			held = held[n:]
		}
	}
	for {
		now := time.Now()
		wait := now.Truncate(time.Second).Add(time.Second + reportOffset).Sub(now)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			// The seconds already ended go out; the one under way is lost.
			fctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			send(fctx)
			cancel()
			return
		case <-t.C:
			send(ctx)
		}
	}
}
