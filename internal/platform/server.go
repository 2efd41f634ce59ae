// Package platform is the control plane's HTTP API (/api/v1): the handlers,
// authentication and roles, the snapshot long-poll and the OpenAPI document
// generated from the same route table that registers the handlers. The
// contract is docs/platform-api.md.
package platform

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/portico-dev/portico/internal/secret"
	"github.com/portico-dev/portico/internal/store"
	"github.com/portico-dev/portico/internal/telemetry"
)

// Config holds the dependencies and settings of a Server.
type Config struct {
	// Store is the control plane's persistence (required).
	Store store.Store
	// Logger receives request failures and background errors (default: discard).
	Logger *slog.Logger
	// Now is the clock (default time.Now); tests pass their own.
	Now func() time.Time
	// MaxBodyBytes limits request bodies (default 4 MiB).
	MaxBodyBytes int64
	// SessionTTL is the lifetime of sign-in tokens (default 12h).
	SessionTTL time.Duration
	// Version and Commit are reported by GET /api/v1/version.
	Version, Commit string
	// PasswordParams are the argon2id costs of new password hashes (default
	// DefaultPasswordParams); existing hashes keep the costs they were made with.
	PasswordParams PasswordParams
	// PollInterval is how often a waiting snapshot request re-reads the
	// environment's revision, to see changes made by another replica (default 2s).
	PollInterval time.Duration
	// SweepInterval is how often expired tokens are deleted (default 10m).
	SweepInterval time.Duration
	// ExecutionRetention is how long execution records are kept (default 7 days).
	ExecutionRetention time.Duration
	// RetentionInterval is how often records older than ExecutionRetention
	// are deleted (default 1h).
	RetentionInterval time.Duration
	// Keyring is the store's secret keyring; dry-run applies hash secrets
	// with it as the store does (nil: the store keeps secrets in clear).
	Keyring *secret.Keyring
	// Hub keeps the live aggregates the runtimes report (default: a new one).
	Hub *telemetry.Hub
}

// Defaults of Config.
const (
	DefaultMaxBodyBytes  = 4 << 20
	DefaultSessionTTL    = 12 * time.Hour
	DefaultPollInterval  = 2 * time.Second
	DefaultSweepInterval = 10 * time.Minute

	DefaultExecutionRetention = 7 * 24 * time.Hour
	DefaultRetentionInterval  = time.Hour
)

// Server serves the platform API. Create it with New and stop its background
// work with Close.
type Server struct {
	store    store.Store
	log      *slog.Logger
	now      func() time.Time
	maxBody  int64
	ttl      time.Duration
	version  string
	commit   string
	pw       PasswordParams
	poll     time.Duration
	dummy    string // hash checked for unknown users, so that sign-in time does not reveal them
	routes   []route
	mux      *http.ServeMux
	notifier *notifier
	touches  *touchCache
	openapi  []byte
	keys     *secret.Keyring
	hub      *telemetry.Hub

	done      chan struct{}
	closeOnce sync.Once
	wg        sync.WaitGroup
}

// New builds a Server and starts its sweepers of expired tokens and old
// execution records.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil {
		return nil, errors.New("platform: Config.Store is required")
	}
	s := &Server{
		store:    cfg.Store,
		log:      cfg.Logger,
		now:      cfg.Now,
		maxBody:  cfg.MaxBodyBytes,
		ttl:      cfg.SessionTTL,
		version:  cfg.Version,
		commit:   cfg.Commit,
		pw:       cfg.PasswordParams,
		poll:     cfg.PollInterval,
		notifier: newNotifier(),
		touches:  newTouchCache(),
		done:     make(chan struct{}),
		keys:     cfg.Keyring,
		hub:      cfg.Hub,
	}
	if s.hub == nil {
		s.hub = telemetry.NewHub(cfg.Now, cfg.Store)
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.maxBody <= 0 {
		s.maxBody = DefaultMaxBodyBytes
	}
	if s.ttl <= 0 {
		s.ttl = DefaultSessionTTL
	}
	if s.pw == (PasswordParams{}) {
		s.pw = DefaultPasswordParams
	}
	if err := checkParams(s.pw); err != nil {
		return nil, err
	}
	if s.poll <= 0 {
		s.poll = DefaultPollInterval
	}
	sweep := cfg.SweepInterval
	if sweep <= 0 {
		sweep = DefaultSweepInterval
	}
	dummy, err := hashPassword("portico-dummy-password", s.pw)
	if err != nil {
		return nil, err
	}
	s.dummy = dummy
	s.routes = s.routeTable()
	s.mux = http.NewServeMux()
	for _, rt := range s.routes {
		s.mux.Handle(rt.method+" "+apiPrefix+rt.pattern, s.wrap(rt))
	}
	s.mux.Handle(apiPrefix+"/", http.HandlerFunc(s.unmatched))
	if s.openapi, err = buildOpenAPI(s.routes, s.version); err != nil {
		return nil, fmt.Errorf("platform: openapi: %w", err)
	}
	keep, every := cfg.ExecutionRetention, cfg.RetentionInterval
	if keep <= 0 {
		keep = DefaultExecutionRetention
	}
	if every <= 0 {
		every = DefaultRetentionInterval
	}
	s.wg.Add(2)
	go s.sweepLoop(sweep)
	go s.retentionLoop(keep, every)
	if feed, ok := s.store.(store.ChangeFeed); ok {
		s.wg.Add(1)
		go s.watchChanges(feed)
	}
	return s, nil
}

// Handler returns the HTTP handler of everything under /api/v1.
func (s *Server) Handler() http.Handler { return s.mux }

// Close stops the background work and answers every waiting snapshot request
// (304), so call it before http.Server.Shutdown, which waits for them. It does
// not close the store.
func (s *Server) Close() {
	s.closeOnce.Do(func() { close(s.done) })
	s.wg.Wait()
}

// watchChanges wakes the snapshot long-polls of this control plane when any
// control plane sharing the store commits a change (PostgreSQL NOTIFY), so
// that a deploy reaches every runtime at once rather than at the next poll.
func (s *Server) watchChanges(feed store.ChangeFeed) {
	defer s.wg.Done()
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-s.done
		cancel()
	}()
	feed.WatchEnvironments(ctx, s.notifier.notify)
}

// sweepLoop deletes expired tokens and forgets old token-use times.
func (s *Server) sweepLoop(every time.Duration) {
	defer s.wg.Done()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-s.done:
			return
		case <-t.C:
			now := s.now()
			s.touches.prune(now)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			n, err := s.store.DeleteExpiredTokens(ctx, now)
			cancel()
			if err != nil {
				s.log.Warn("deleting expired tokens", "err", err)
			} else if n > 0 {
				s.log.Debug("deleted expired tokens", "count", n)
			}
			ctx, cancel = context.WithTimeout(context.Background(), 30*time.Second)
			if _, err := s.store.DeleteRuntimesBefore(ctx, now.Add(-runtimeForget)); err != nil {
				s.log.Warn("forgetting runtimes long offline", "err", err)
			}
			cancel()
		}
	}
}
