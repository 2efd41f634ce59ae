package store

import (
	"context"
	"time"

	"github.com/portico-dev/portico/internal/model"
)

// Runtimes remember the runtime processes from their heartbeats.
type Runtimes interface {
	// PutRuntime records a heartbeat: the runtime's state, seen at LastSeen
	// (the store's clock when zero). StartedAt of a known runtime is kept.
	PutRuntime(ctx context.Context, r *model.RuntimeInstance) error
	// ListRuntimes lists the runtimes of env (all when empty), most
	// recently seen first; Status is left for the caller to set.
	ListRuntimes(ctx context.Context, env string) ([]*model.RuntimeInstance, error)
	// DeleteRuntimesBefore forgets the runtimes last seen before t.
	DeleteRuntimesBefore(ctx context.Context, t time.Time) (int, error)
}

// ChangeFeed is implemented by stores that several control planes share:
// it tells every control plane of changes that any of them commits, so that
// snapshot long-polls wake at once wherever they wait.
type ChangeFeed interface {
	// WatchEnvironments calls changed with the name of every environment
	// whose snapshot revision changes, until ctx ends. It reconnects on its
	// own after failures and only returns when ctx ends.
	WatchEnvironments(ctx context.Context, changed func(env string))
}
