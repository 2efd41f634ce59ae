package platform

import (
	"time"

	"github.com/portico-dev/portico/internal/model"
)

// HeartbeatInterval is how often runtimes report; a runtime not heard of
// for three intervals is listed offline.
const HeartbeatInterval = 5 * time.Second

// runtimeForget is how long an offline runtime stays listed.
const runtimeForget = 24 * time.Hour

func (s *Server) postHeartbeat(c *call) (*reply, error) {
	var r model.RuntimeInstance
	if err := decodeBody(c.r, &r); err != nil {
		return nil, err
	}
	// The control plane's clock decides when it last heard of a runtime,
	// so that a runtime's clock skew cannot list it online or offline.
	r.LastSeen = s.now().UTC().Truncate(time.Microsecond)
	if r.StartedAt.IsZero() || r.StartedAt.After(r.LastSeen) {
		r.StartedAt = r.LastSeen
	}
	if err := s.store.PutRuntime(c.r.Context(), &r); err != nil {
		return nil, err
	}
	r.Status = model.RuntimeOnline
	return ok(&r)
}

func (s *Server) listRuntimes(c *call) (*reply, error) {
	env := c.r.URL.Query().Get("environment")
	if env != "" && !model.ValidName(env) {
		return nil, model.Invalidf("environment", "%q is not an environment name", env)
	}
	rs, err := s.store.ListRuntimes(c.r.Context(), env)
	if err != nil {
		return nil, err
	}
	online := s.now().Add(-3 * HeartbeatInterval)
	for _, r := range rs {
		r.Status = model.RuntimeOffline
		if r.LastSeen.After(online) {
			r.Status = model.RuntimeOnline
		}
	}
	return okList(rs, "")
}
