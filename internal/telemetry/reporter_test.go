package telemetry

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/model"
)

// fakeSender is a control plane that fails the first report.
type fakeSender struct {
	mu      sync.Mutex
	calls   int
	reports []*model.MetricsReport
	got     chan struct{}
}

func (f *fakeSender) ReportMetrics(_ context.Context, rep *model.MetricsReport) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.calls == 1 {
		return errors.New("control plane down")
	}
	cp := *rep
	cp.Blocks = append([]model.MetricsBlock(nil), rep.Blocks...)
	f.reports = append(f.reports, &cp)
	select {
	case f.got <- struct{}{}:
	default:
	}
	return nil
}

// TestReporterSendsEachSecondAndRetries: a block that failed to go out is
// sent with the next report, once, and Run ends with its context.
func TestReporterSendsEachSecondAndRetries(t *testing.T) {
	col := NewCollector(nil)
	s := &fakeSender{got: make(chan struct{}, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		(&Reporter{Collector: col, Sender: s, Environment: "dev", Runtime: "rt-1"}).Run(ctx)
		close(done)
	}()
	k := model.MetricsKey{API: "erp", Endpoint: "GET /x"}
	col.Observe(k, 200, time.Millisecond)
	col.Observe(k, 500, time.Millisecond)
	// The first report fails; the block goes with a later one.
	deadline := time.After(10 * time.Second)
	var total, errs int64
	for total < 2 {
		select {
		case <-s.got:
		case <-deadline:
			t.Fatalf("no report carried the 2 requests within 10 s (%d calls)", s.calls)
		}
		s.mu.Lock()
		total, errs = 0, 0
		for _, r := range s.reports {
			if r.Environment != "dev" || r.Runtime != "rt-1" {
				t.Errorf("report %+v", r)
			}
			for _, b := range r.Blocks {
				total += b.Count
				errs += b.Errors.Server
			}
		}
		s.mu.Unlock()
	}
	if total != 2 || errs != 1 {
		t.Errorf("reported %d requests, %d 5xx; want 2 and 1, each once", total, errs)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return when its context ended")
	}
}
