// Package store defines the persistence contract of the control plane. The
// SQLite and PostgreSQL implementations live in sub-packages and pass one
// conformance suite (storetest). Every method that changes several rows does
// so in one transaction: all or nothing.
package store

import (
	"context"
	"time"

	"github.com/portico-dev/portico/internal/model"
)

// Page asks for one page of a list. Cursor is opaque: pass back the NextCursor
// of the previous page, or "" for the first.
type Page struct {
	Limit  int
	Cursor string
}

// Limits of a page.
const (
	DefaultPageLimit = 50
	MaxPageLimit     = 500
)

// ApplyAction says what applying one component did.
type ApplyAction string

// The outcomes of applying a component.
const (
	Created   ApplyAction = "created"
	Updated   ApplyAction = "updated"
	Unchanged ApplyAction = "unchanged"
)

// KindEnvironment is the Kind of an ApplyResult about an environment.
const KindEnvironment model.Kind = "environment"

// ApplyResult is the outcome for one applied component or environment (Kind
// KindEnvironment, Revision its snapshot revision, no Hash).
type ApplyResult struct {
	Kind     model.Kind  `json:"kind"`
	Name     string      `json:"name"`
	Action   ApplyAction `json:"action"`
	Revision int         `json:"revision"`
	Hash     string      `json:"hash"`
}

// DeploymentFilter narrows ListDeployments. History false lists only the
// active deployments; true lists every event, newest first.
type DeploymentFilter struct {
	Environment string
	Component   *model.Ref
	History     bool
}

// Store is the control plane's persistence.
type Store interface {
	// Close releases the connections.
	Close() error
	// Ping checks that the database answers.
	Ping(ctx context.Context) error

	Components
	Packages
	Environments
	Deployments
	Users
	Tokens
	Executions
	Runtimes
	Apps
	Consumers
	Audit
	Async
	MetricsBlocks
	Queue
}

// Components are saved as immutable, numbered revisions.
type Components interface {
	// ApplyComponents saves every component in one transaction. A component
	// whose content hash equals its current revision's is left unchanged; a
	// deleted component applied again continues its revision numbers.
	ApplyComponents(ctx context.Context, comps []*model.Component, actor string) ([]ApplyResult, error)
	// Apply saves components and environments in one transaction: all or
	// nothing. Components behave as in ApplyComponents; an environment whose
	// description or settings change gets its revision bumped, as in
	// PutEnvironment. Results list the components, then the environments, in
	// the order given.
	Apply(ctx context.Context, comps []*model.Component, envs []*model.Environment, actor string) ([]ApplyResult, error)
	// GetComponent returns the current revision (model.ErrNotFound if absent or deleted).
	GetComponent(ctx context.Context, ref model.Ref) (*model.Component, error)
	// ListComponents lists current components ordered by kind then name; kind "" lists all.
	ListComponents(ctx context.Context, kind model.Kind, page Page) ([]*model.Component, string, error)
	// DeleteComponent removes a component from the current set; its revisions
	// stay, since packages pin them. It fails with model.ErrInUse while another
	// current component references it.
	DeleteComponent(ctx context.Context, ref model.Ref, actor string) error
	// ListRevisions lists a component's revisions, newest first (deleted components too).
	ListRevisions(ctx context.Context, ref model.Ref, page Page) ([]*model.Component, string, error)
	// GetRevision returns one revision.
	GetRevision(ctx context.Context, ref model.Ref, revision int) (*model.Component, error)
}

// Packages are immutable releases.
type Packages interface {
	// CreatePackage pins the current revisions of root and everything it
	// references (model.ResolvePackage) under version, in one transaction.
	// A version already used for root is model.ErrConflict.
	CreatePackage(ctx context.Context, root model.Ref, version, notes, actor string) (*model.Package, error)
	// GetPackage finds a package by id.
	GetPackage(ctx context.Context, id string) (*model.Package, error)
	// FindPackage finds a package by root and version.
	FindPackage(ctx context.Context, root model.Ref, version string) (*model.Package, error)
	// ListPackages lists packages newest first, by the order in which they
	// were created (an insert sequence, not a clock): a package created later
	// is always listed before, and a page walk neither repeats nor skips one.
	// A nil root lists all.
	ListPackages(ctx context.Context, root *model.Ref, page Page) ([]*model.Package, string, error)
	// DeletePackage deletes a package that is not active anywhere
	// (model.ErrInUse otherwise). Its history entries keep their values.
	DeletePackage(ctx context.Context, id string) error
}

// Environments are deployment targets.
type Environments interface {
	// PutEnvironment creates or updates an environment; a settings change
	// bumps its revision. The bool reports whether anything changed.
	PutEnvironment(ctx context.Context, env *model.Environment) (*model.Environment, bool, error)
	// CreateEnvironment creates an environment; an existing name is
	// model.ErrConflict, decided atomically by the insert itself.
	CreateEnvironment(ctx context.Context, env *model.Environment) (*model.Environment, error)
	// GetEnvironment finds an environment by name.
	GetEnvironment(ctx context.Context, name string) (*model.Environment, error)
	// ListEnvironments lists environments by name.
	ListEnvironments(ctx context.Context, page Page) ([]*model.Environment, string, error)
	// DeleteEnvironment deletes an environment with nothing deployed
	// (model.ErrInUse otherwise).
	DeleteEnvironment(ctx context.Context, name string) error
}

// Deployments change what an environment serves. Each call is one
// transaction that bumps the environment's revision exactly once; concurrent
// calls on one environment are serialised.
type Deployments interface {
	// Deploy makes a package active in env, replacing the package active in
	// its slot. Deploying the package already active there changes nothing and
	// returns that deployment with changed=false. Another root serving the same
	// basePath and API version in env is model.ErrConflict.
	Deploy(ctx context.Context, env, packageID, actor string) (d *model.Deployment, changed bool, err error)
	// Rollback re-deploys an earlier package of root in env. With toVersion
	// "" it goes back to the package active in the slot before the current
	// one; otherwise to that version, which must have been deployed in env
	// before (model.ErrInvalid if never). apiVersion picks the slot when
	// several API versions of root are active.
	Rollback(ctx context.Context, env string, root model.Ref, toVersion, apiVersion, actor string) (*model.Deployment, error)
	// Undeploy stops serving root in env (only apiVersion's slot if given).
	Undeploy(ctx context.Context, env string, root model.Ref, apiVersion, actor string) ([]*model.Deployment, error)
	// ListDeployments lists active deployments, or the history, newest first.
	ListDeployments(ctx context.Context, f DeploymentFilter, page Page) ([]*model.Deployment, string, error)
	// Snapshot returns everything active in env, resolved, in one read transaction.
	Snapshot(ctx context.Context, env string) (*model.Snapshot, error)
	// EnvironmentRevision returns env's current snapshot revision (cheap; for long polls).
	EnvironmentRevision(ctx context.Context, env string) (int64, error)
}

// Users are platform users.
type Users interface {
	// CreateUser adds a user (model.ErrConflict if the name is taken).
	CreateUser(ctx context.Context, u *model.User) error
	// GetUser finds a user by name.
	GetUser(ctx context.Context, username string) (*model.User, error)
	// ListUsers lists users by name.
	ListUsers(ctx context.Context, page Page) ([]*model.User, string, error)
	// UpdateUser replaces role, disabled and, when non-empty, the password
	// hash. Demoting or disabling the last enabled admin is model.ErrConflict,
	// decided in the same transaction as the write.
	UpdateUser(ctx context.Context, u *model.User) error
	// DeleteUser deletes a user and all their tokens. Deleting the last
	// enabled admin is model.ErrConflict, decided in the same transaction.
	DeleteUser(ctx context.Context, username string) error
	// CountUsers counts users (bootstrap creates the admin when zero).
	CountUsers(ctx context.Context) (int, error)
}

// Tokens are platform API bearer tokens, stored as SHA-256 hashes.
type Tokens interface {
	// CreateToken stores a token (its Hash set by the caller).
	CreateToken(ctx context.Context, t *model.Token) error
	// TokenByHash finds a token by the hash of its clear value.
	TokenByHash(ctx context.Context, hash string) (*model.Token, error)
	// ListTokens lists tokens by creation; username "" lists everyone's.
	ListTokens(ctx context.Context, username string, page Page) ([]*model.Token, string, error)
	// DeleteToken revokes a token.
	DeleteToken(ctx context.Context, id string) error
	// TouchToken records a use (best effort, at most once per minute per token is enough).
	TouchToken(ctx context.Context, id string, at time.Time) error
	// DeleteExpiredTokens removes tokens expired before now.
	DeleteExpiredTokens(ctx context.Context, now time.Time) (int, error)
}

// ExecutionFilter narrows ListExecutions; zero fields match everything.
// Since (inclusive) and Until (exclusive) bound StartedAt.
type ExecutionFilter struct {
	Environment string
	Process     string
	API         string
	Status      string
	Since       time.Time
	Until       time.Time
}

// Executions are the records of process runs that runtimes report.
type Executions interface {
	// InsertExecutions saves a batch in one transaction. It is idempotent per
	// id, so a batch sent again after a lost answer stores nothing twice; a
	// record whose status is further along (ENQUEUED, then INPROCESS, then a
	// terminal status) replaces the stored one, and a terminal record is never
	// replaced. inserted counts the records that were added or replaced.
	// Records are validated (model.ErrInvalid); StartedAt and EndedAt are kept
	// at microsecond precision.
	InsertExecutions(ctx context.Context, recs []*model.Execution) (inserted int, err error)
	// GetExecution returns one record with its input and output documents.
	GetExecution(ctx context.Context, id string) (*model.Execution, error)
	// ListExecutions lists records newest first by (StartedAt, ID), without
	// their input and output documents (GetExecution has them).
	ListExecutions(ctx context.Context, f ExecutionFilter, page Page) ([]*model.Execution, string, error)
	// DeleteExecutionsBefore deletes the records started before t (retention).
	DeleteExecutionsBefore(ctx context.Context, t time.Time) (int, error)
}
