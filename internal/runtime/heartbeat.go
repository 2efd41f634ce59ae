package runtime

import (
	"context"
	"log/slog"
	"time"

	"github.com/portico-dev/portico/internal/client"
	"github.com/portico-dev/portico/internal/model"
)

// DefaultHeartbeatInterval is how often a runtime reports its state.
const DefaultHeartbeatInterval = 5 * time.Second

// Heartbeat reports a runtime's state to the control plane at an interval,
// so that the platform API and the console list it with the snapshot
// revision it serves. A failed report is logged once per outage and retried
// at the next beat: serving never depends on it.
type Heartbeat struct {
	Client   *client.Client
	Runtime  *Runtime
	ID       string
	Version  string
	Interval time.Duration
	Log      *slog.Logger
}

// Run beats until ctx ends.
func (h *Heartbeat) Run(ctx context.Context) {
	every := h.Interval
	if every <= 0 {
		every = DefaultHeartbeatInterval
	}
	log := h.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	started := time.Now()
	failing := false
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		st := h.Runtime.Status()
		bctx, cancel := context.WithTimeout(ctx, every)
		_, err := h.Client.Heartbeat(bctx, &model.RuntimeInstance{
			ID: h.ID, Environment: st.Environment, Address: h.Runtime.Addr(), Version: h.Version,
			Revision: st.Revision, Ready: st.Ready, LastError: st.LastError, StartedAt: started,
		})
		cancel()
		switch {
		case err != nil && ctx.Err() == nil && !failing:
			log.Warn("cannot report to the control plane; serving goes on", "err", err)
			failing = true
		case err == nil && failing:
			log.Info("reporting to the control plane again")
			failing = false
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
