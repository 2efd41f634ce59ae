package model

import "time"

// Audit actions: what a platform caller did.
const (
	AuditCreate   = "create"
	AuditUpdate   = "update"
	AuditDelete   = "delete"
	AuditApply    = "apply"
	AuditPackage  = "package"
	AuditDeploy   = ActionDeploy
	AuditRollback = ActionRollback
	AuditUndeploy = ActionUndeploy
	AuditSignIn   = "sign-in"
	AuditRevoke   = "revoke"
)

// Audit kinds besides the component kinds: what a change was made to.
const (
	AuditKindEnvironment = "environment"
	AuditKindPackage     = "package"
	AuditKindUser        = "user"     // a platform user
	AuditKindConsumer    = "consumer" // an API user
	AuditKindToken       = "token"    // a platform token
	AuditKindConsumerKey = "consumer-token"
)

// AuditEntry records one change made through the platform API: who made it,
// from which address, when, and what it changed. Details never hold a secret.
type AuditEntry struct {
	ID      int64             `json:"id"`
	Time    time.Time         `json:"time"`
	User    string            `json:"user"`
	Address string            `json:"address,omitempty"`
	Action  string            `json:"action"`
	Kind    string            `json:"kind"`
	Name    string            `json:"name"`
	Details map[string]string `json:"details,omitempty"`
}
