package store

import (
	"context"

	"github.com/portico-dev/portico/internal/model"
)

// KindConsumer is the Kind of an ApplyResult about an API user (a `kind:
// User` document).
const KindConsumer model.Kind = "user"

// ConsumerChange computes a consumer's new state from its current one (nil
// when there is none). It runs inside the writing transaction, so that a
// read-modify-write (keep the password, add a token) cannot lose a
// concurrent change; an error aborts the write.
type ConsumerChange func(cur *model.Consumer) (*model.Consumer, error)

// NamedConsumerChange is one consumer change of an apply.
type NamedConsumerChange struct {
	Name   string
	Change ConsumerChange
}

// ConsumerResult is what a consumer change did.
type ConsumerResult struct {
	Consumer *model.Consumer
	Action   ApplyAction
	// Environments are those whose snapshot revision the change bumped.
	Environments []string
}

// ConsumerFilter narrows ListConsumers; Environment lists the consumers an
// environment's snapshot holds (those listing it, and those listing none).
type ConsumerFilter struct {
	Environment string
}

// Consumers are the API users of the runtimes. Every change bumps, in the
// same transaction, the snapshot revision of each environment that knew or
// now knows the consumer, so that runtimes pick it up; Snapshot lists an
// environment's consumers.
type Consumers interface {
	// ChangeConsumer creates, updates or leaves unchanged the consumer
	// called name, as change decides. The result is validated; an
	// environment it lists must exist (model.ErrInvalid otherwise).
	ChangeConsumer(ctx context.Context, name string, change ConsumerChange) (*ConsumerResult, error)
	// GetConsumer finds a consumer by name.
	GetConsumer(ctx context.Context, name string) (*model.Consumer, error)
	// ListConsumers lists consumers by name.
	ListConsumers(ctx context.Context, f ConsumerFilter, page Page) ([]*model.Consumer, string, error)
	// DeleteConsumer deletes a consumer and returns the environments whose
	// revision it bumped.
	DeleteConsumer(ctx context.Context, name string) ([]string, error)
	// ApplyWithConsumers is Apply with consumer changes too, made after the
	// environments in the same transaction (a consumer may list an
	// environment the same apply creates). Consumer results follow the
	// environments' with Kind KindConsumer; bumped lists the environments
	// whose revision the consumer changes bumped.
	ApplyWithConsumers(ctx context.Context, comps []*model.Component, envs []*model.Environment, consumers []NamedConsumerChange, actor string) (results []ApplyResult, bumped []string, err error)
}
