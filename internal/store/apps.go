package store

import (
	"context"

	"github.com/portico-dev/portico/internal/model"
)

// Apps holds plans and applications (with their API keys and
// subscriptions). They are global: every write that changes one bumps the
// snapshot revision of every environment in the same transaction, and
// Snapshot carries them all.
type Apps interface {
	// PutPlan creates or updates a plan; with createOnly an existing name is
	// model.ErrConflict. The action says what it did (Unchanged: nothing).
	PutPlan(ctx context.Context, p *model.Plan, createOnly bool) (*model.Plan, ApplyAction, error)
	// GetPlan finds a plan by name.
	GetPlan(ctx context.Context, name string) (*model.Plan, error)
	// ListPlans lists plans by name.
	ListPlans(ctx context.Context, page Page) ([]*model.Plan, string, error)
	// DeletePlan deletes a plan no subscription uses (model.ErrInUse otherwise).
	DeletePlan(ctx context.Context, name string) error

	// PutApplication creates or updates an application's description and
	// spec, subscriptions included; its keys stay as they are. A
	// subscription naming a missing plan is model.ErrInvalid. With
	// createOnly an existing name is model.ErrConflict.
	PutApplication(ctx context.Context, a *model.Application, createOnly bool) (*model.Application, ApplyAction, error)
	// GetApplication finds an application, with its keys and subscriptions.
	GetApplication(ctx context.Context, name string) (*model.Application, error)
	// ListApplications lists applications by name, with keys and subscriptions.
	ListApplications(ctx context.Context, page Page) ([]*model.Application, string, error)
	// DeleteApplication deletes an application, its keys and subscriptions.
	DeleteApplication(ctx context.Context, name string) error

	// CreateAPIKey adds a key (Hash and Prefix set by the caller; an empty
	// ID gets a new one) to an application.
	CreateAPIKey(ctx context.Context, app string, k *model.APIKey) error
	// DeleteAPIKey revokes one key of an application.
	DeleteAPIKey(ctx context.Context, app, id string) error
	// SetAPIKeyStatus disables or enables one key of an application and
	// returns it; the same status again changes nothing (and bumps nothing).
	SetAPIKeyStatus(ctx context.Context, app, id string, status model.Status) (*model.APIKey, error)

	// Subscribe adds or replaces the application's subscription to sub.API
	// and sub.Version under sub.Plan (model.ErrInvalid when the plan is missing).
	Subscribe(ctx context.Context, app string, sub model.Subscription) (ApplyAction, error)
	// Unsubscribe removes the subscription to api and version ("" = every version).
	Unsubscribe(ctx context.Context, app, api, version string) error
}
