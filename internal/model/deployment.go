package model

import "time"

// Deployment actions recorded in an environment's history.
const (
	ActionDeploy   = "deploy"
	ActionRollback = "rollback"
	ActionUndeploy = "undeploy"
)

// Deployment is one event in an environment's history. The events with
// Active set are what the environment serves now; at most one per slot.
type Deployment struct {
	ID               string    `json:"id"`
	Environment      string    `json:"environment"`
	PackageID        string    `json:"packageId"`
	Component        Ref       `json:"component"`
	Version          string    `json:"version"`              // the package version
	APIVersion       string    `json:"apiVersion,omitempty"` // the root's spec.version
	Action           string    `json:"action"`               // deploy | rollback | undeploy
	Active           bool      `json:"active"`
	SnapshotRevision int64     `json:"snapshotRevision"`
	CreatedAt        time.Time `json:"createdAt"`
	CreatedBy        string    `json:"createdBy,omitempty"`
}

// Snapshot is everything active in one environment at one revision,
// resolved and self-contained: a runtime serves from it alone.
type Snapshot struct {
	Environment string               `json:"environment"`
	Revision    int64                `json:"revision"`
	Spec        EnvironmentSpec      `json:"spec"`
	Deployments []SnapshotDeployment `json:"deployments"`
	// Consumers are the API users known to the environment, credentials
	// hashed, for the runtime to authenticate callers on its own.
	Consumers []Consumer `json:"consumers,omitempty"`
	// Plans and Applications (keys hashed) are global; runtimes enforce them.
	Plans        []Plan        `json:"plans,omitempty"`
	Applications []Application `json:"applications,omitempty"`
}

// SnapshotDeployment is one active deployment with the pinned revisions of
// every component its package holds, specs included.
type SnapshotDeployment struct {
	Deployment Deployment  `json:"deployment"`
	Package    Package     `json:"package"`
	Components []Component `json:"components"`
}
