package model

import (
	"strings"
	"time"
)

// RuntimeInstance is one runtime process as the control plane knows it from
// its heartbeats.
type RuntimeInstance struct {
	// ID names the process; it is new at every start.
	ID          string `json:"id"`
	Environment string `json:"environment"`
	// Address is where the runtime's shared web server listens.
	Address string `json:"address,omitempty"`
	Version string `json:"version,omitempty"`
	// Revision is the snapshot revision the runtime serves (0: none yet).
	Revision int64 `json:"revision"`
	Ready    bool  `json:"ready"`
	// LastError is the runtime's latest failure to get or compile a
	// snapshot, while it keeps serving the previous one.
	LastError string    `json:"lastError,omitempty"`
	StartedAt time.Time `json:"startedAt,omitzero"`
	LastSeen  time.Time `json:"lastSeen,omitzero"`
	// Status is "online" when the last heartbeat is recent, "offline"
	// otherwise; the control plane sets it when it answers.
	Status string `json:"status,omitempty"`
}

// Runtime statuses.
const (
	RuntimeOnline  = "online"
	RuntimeOffline = "offline"
)

// Validate checks a heartbeat.
func (r *RuntimeInstance) Validate() error {
	var e errs
	if r.ID == "" || len(r.ID) > 128 || strings.ContainsAny(r.ID, " \t\r\n") {
		e.add("id", "%q is not a runtime id (1 to 128 characters, no spaces)", r.ID)
	}
	if !ValidName(r.Environment) {
		e.add("environment", "%q is not an environment name", r.Environment)
	}
	if len(r.Address) > 256 {
		e.add("address", "longer than 256 characters")
	}
	if len(r.Version) > 64 {
		e.add("version", "longer than 64 characters")
	}
	if r.Revision < 0 {
		e.add("revision", "must not be negative")
	}
	if len(r.LastError) > 4096 {
		r.LastError = r.LastError[:4096]
	}
	return e.err()
}
