package telemetry

import (
	"time"

	"github.com/portico-dev/portico/internal/model"
)

// acc accumulates one block of one key.
type acc struct {
	count  int64
	errors model.MetricsErrors
	max    time.Duration
	sketch Sketch
}

// observe counts one request.
func (a *acc) observe(status int, d time.Duration) {
	a.count++
	switch {
	case status >= 500:
		a.errors.Server++
	case status >= 400:
		a.errors.Client++
	}
	a.max = max(a.max, d)
	a.sketch.Add(d)
}

// merge adds o to a.
func (a *acc) merge(o *acc) {
	a.count += o.count
	a.errors.Client += o.errors.Client
	a.errors.Server += o.errors.Server
	a.max = max(a.max, o.max)
	a.sketch.Merge(&o.sketch)
}

// block is a's wire form.
func (a *acc) block(k model.MetricsKey, start time.Time) model.MetricsBlock {
	return model.MetricsBlock{MetricsKey: k, Start: start.UTC(), Count: a.count, Errors: a.errors,
		MaxMS: ms(a.max), Buckets: a.sketch.Compact()}
}

// fromBlock reads a wire block.
func fromBlock(b *model.MetricsBlock) acc {
	a := acc{count: b.Count, errors: b.Errors, max: time.Duration(b.MaxMS * float64(time.Millisecond))}
	a.sketch.FromCompact(b.Buckets)
	return a
}

// summary reads a's percentiles.
func (a *acc) summary(k model.MetricsKey, start time.Time) model.MetricsSummary {
	s := model.MetricsSummary{MetricsKey: k, Start: start.UTC(), Count: a.count, Errors: a.errors, MaxMS: ms(a.max),
		P50MS: ms(a.sketch.Quantile(0.50, a.max)),
		P95MS: ms(a.sketch.Quantile(0.95, a.max)),
		P99MS: ms(a.sketch.Quantile(0.99, a.max)),
	}
	if a.count > 0 {
		s.ErrorRate = float64(a.errors.Total()) / float64(a.count)
	}
	return s
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
