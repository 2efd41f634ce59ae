package proxy

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"
)

// Defaults of an active health check.
const (
	DefaultHealthInterval           = 10 * time.Second
	DefaultHealthTimeout            = 2 * time.Second
	DefaultHealthyThreshold         = 2
	DefaultUnhealthyThreshold       = 3
	maxHealthBody             int64 = 64 << 10
)

// healthCheck polls every target on its own goroutine until stopped.
type healthCheck struct {
	path                 string
	interval, timeout    time.Duration
	healthyN, unhealthyN int
	client               *http.Client
	log                  *slog.Logger
	name                 string

	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func (h *healthCheck) start(ts []*target) {
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	for _, t := range ts {
		h.wg.Add(1)
		go func() {
			defer h.wg.Done()
			h.loop(ctx, t)
		}()
	}
}

// stop ends every goroutine and waits for them.
func (h *healthCheck) stop() {
	if h.cancel != nil {
		h.cancel()
	}
	h.wg.Wait()
}

// loop checks t at once, then every interval. A target turns unhealthy
// after unhealthyN failed checks in a row and healthy again after healthyN
// good ones.
func (h *healthCheck) loop(ctx context.Context, t *target) {
	url := t.scheme + "://" + t.host + h.path
	ok, bad := 0, 0
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		if h.check(ctx, url) {
			ok, bad = ok+1, 0
			if !t.healthy.Load() && ok >= h.healthyN {
				t.healthy.Store(true)
				h.log.Info("proxy target is healthy again", "proxy", h.name, "target", t.display)
			}
		} else {
			ok, bad = 0, bad+1
			if t.healthy.Load() && bad >= h.unhealthyN {
				t.healthy.Store(false)
				h.log.Warn("proxy target failed its health checks; taken out of rotation", "proxy", h.name, "target", t.display, "checks", bad)
			}
		}
		timer.Reset(h.interval)
	}
}

// check is one GET: only 200 counts as healthy.
func (h *healthCheck) check(ctx context.Context, url string) bool {
	ctx, cancel := context.WithTimeout(ctx, h.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return false
	}
	req.Header.Set("User-Agent", "portico-health-check")
	resp, err := h.client.Do(req)
	if err != nil {
		return false
	}
	// Drained (up to a bound) so that the connection is reused.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxHealthBody))
	_ = resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}
