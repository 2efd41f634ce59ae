package platform

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/telemetry"
)

// liveOffset is how long after a second ends the live stream sends it: the
// runtimes report at +50 ms, so the block is in by then.
const liveOffset = 400 * time.Millisecond

// postMetricsReport merges a runtime's one-second blocks.
func (s *Server) postMetricsReport(c *call) (*reply, error) {
	var rep model.MetricsReport
	if err := decodeBody(c.r, &rep); err != nil {
		return nil, err
	}
	if err := s.hub.Ingest(c.r.Context(), &rep); err != nil {
		if errors.Is(err, telemetry.ErrTooOld) {
			return nil, model.Invalidf("blocks", "%v", err)
		}
		return nil, err
	}
	return noContent()
}

// metricsSummary answers the blocks of an environment.
func (s *Server) metricsSummary(c *call) (*reply, error) {
	q := c.r.URL.Query()
	env := q.Get("environment")
	if !model.ValidName(env) {
		return nil, model.Invalidf("environment", "%q is not an environment name (environment= is required)", env)
	}
	res := q.Get("resolution")
	tq := telemetry.Query{Environment: env, API: q.Get("api"), Resolution: time.Second}
	switch res {
	case "", "1s":
		res = "1s"
	case "1m":
		tq.Resolution = time.Minute
	default:
		return nil, model.Invalidf("resolution", "%q is not 1s or 1m", res)
	}
	if v := q.Get("since"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			d, derr := time.ParseDuration(v)
			if derr != nil || d <= 0 {
				return nil, model.Invalidf("since", "%q is neither an RFC 3339 time nor a duration such as 5m", v)
			}
			t = s.now().Add(-d)
		}
		tq.Since = t
	}
	blocks, err := s.hub.Summary(c.r.Context(), tq)
	if err != nil {
		return nil, err
	}
	return ok(model.MetricsSummaryAnswer{Environment: env, Resolution: res, Blocks: blocks})
}

// metricsLive streams, as server-sent events, one event per second: the
// second that just ended, in total and per API. A comment line every 15 s
// keeps proxies from closing an idle stream; the stream ends when the
// client goes or the server closes.
func (s *Server) metricsLive(c *call) (*reply, error) {
	env := c.r.URL.Query().Get("environment")
	if !model.ValidName(env) {
		return nil, model.Invalidf("environment", "%q is not an environment name (environment= is required)", env)
	}
	return &reply{status: http.StatusOK, body: streamBody(func(w http.ResponseWriter) {
		s.streamLive(w, c.r, env)
	})}, nil
}

func (s *Server) streamLive(w http.ResponseWriter, r *http.Request, env string) {
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	// A long stream must not hit the server's write timeout.
	_ = rc.SetWriteDeadline(time.Time{})
	if _, err := fmt.Fprint(w, "retry: 2000\n: portico live metrics\n\n"); err != nil {
		return
	}
	_ = rc.Flush()
	beat := 0
	for {
		now := time.Now()
		next := now.Truncate(time.Second).Add(time.Second + liveOffset)
		if next.Sub(now) > time.Second {
			next = next.Add(-time.Second)
		}
		t := time.NewTimer(next.Sub(now))
		select {
		case <-r.Context().Done():
			t.Stop()
			return
		case <-s.done:
			t.Stop()
			_, _ = fmt.Fprint(w, "event: end\ndata: {}\n\n")
			_ = rc.Flush()
			return
		case <-t.C:
		}
		ev, err := s.hub.Live(r.Context(), env, next.Truncate(time.Second).Add(-time.Second))
		if err != nil {
			s.log.Warn("live metrics: read the blocks", "err", err)
		}
		b, err := json.Marshal(ev)
		if err != nil {
			return
		}
		if _, err := fmt.Fprintf(w, "event: metrics\ndata: %s\n\n", b); err != nil {
			return
		}
		if beat++; beat%15 == 0 {
			_, _ = fmt.Fprint(w, ": heartbeat\n\n")
		}
		if rc.Flush() != nil {
			return
		}
	}
}

// streamBody is a reply body the handler writes itself (server-sent events).
type streamBody func(w http.ResponseWriter)
