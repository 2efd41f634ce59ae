package runtime

import "time"

// Where a serving snapshot came from.
const (
	FromControlPlane = "control-plane"
	FromCache        = "cache"
)

// Status is what a runtime reports about itself: /readyz shows it, and it is
// what a runtime will report to the control plane. A Status is never changed
// once published; the runtime publishes a new one.
type Status struct {
	// Environment is the environment this runtime serves.
	Environment string `json:"environment"`
	// Ready is true once a snapshot serves.
	Ready bool `json:"ready"`
	// Revision is the snapshot revision serving now (0 before the first).
	Revision int64 `json:"revision"`
	// From says where the serving snapshot came from: control-plane or cache.
	From string `json:"from,omitempty"`
	// ServingSince is when the serving snapshot was swapped in.
	ServingSince time.Time `json:"servingSince,omitzero"`
	// LastError says why the newest snapshot the runtime received does not
	// serve (it failed to compile); empty once a newer one serves.
	LastError string `json:"lastError,omitempty"`
	// FailedRevision is the revision LastError is about.
	FailedRevision int64 `json:"failedRevision,omitempty"`
	// Connected is true while the last snapshot poll got an answer.
	Connected bool `json:"connected"`
	// SourceError is why the last poll failed, while not Connected.
	SourceError string `json:"sourceError,omitempty"`
	// Listeners are the environment's declared listeners the runtime
	// serves; empty when the APIs are served on the default listener.
	Listeners []ListenerStatus `json:"listeners,omitempty"`
}
