package store

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/portico-dev/portico/internal/model"
)

// AuditFilter narrows ListAudit; zero fields match everything. Since
// (inclusive) and Until (exclusive) bound the entry's time.
type AuditFilter struct {
	User   string
	Action string
	Kind   string
	Name   string
	Since  time.Time
	Until  time.Time
}

// Audit is the log of changes made through the platform API.
type Audit interface {
	// RecordAudit appends entries (setting their ID, and Time when zero) in
	// one transaction.
	RecordAudit(ctx context.Context, entries []*model.AuditEntry) error
	// ListAudit lists entries newest first.
	ListAudit(ctx context.Context, f AuditFilter, page Page) ([]*model.AuditEntry, string, error)
}

// PendingAudit holds the audit entries of a request, for the store to record
// in the transaction of the change they describe: the first write
// transaction that commits under a context carrying them (WithAudit) records
// them with its change, so that no change is saved without its entry and a
// refused change leaves none.
type PendingAudit struct {
	Entries  []*model.AuditEntry
	recorded atomic.Bool
}

// MarkRecorded notes that the entries are saved; it reports false when they
// already were, so that a second write of the same request adds nothing.
func (p *PendingAudit) MarkRecorded() bool { return p.recorded.CompareAndSwap(false, true) }

// Recorded reports whether a committed write recorded the entries.
func (p *PendingAudit) Recorded() bool { return p.recorded.Load() }

type pendingKey struct{}

// WithAudit returns ctx carrying p.
func WithAudit(ctx context.Context, p *PendingAudit) context.Context {
	return context.WithValue(ctx, pendingKey{}, p)
}

// AuditOf returns the pending audit ctx carries, or nil.
func AuditOf(ctx context.Context) *PendingAudit {
	p, _ := ctx.Value(pendingKey{}).(*PendingAudit)
	return p
}
