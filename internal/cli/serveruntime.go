package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/portico-dev/portico/internal/client"
	"github.com/portico-dev/portico/internal/execution"
	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/runtime"
	"github.com/portico-dev/portico/internal/runtime/compile"
	"github.com/portico-dev/portico/internal/store"
	"github.com/portico-dev/portico/internal/telemetry"
	"github.com/portico-dev/portico/internal/telemetry/route"
)

// serveEnvironment is the environment of the runtime that serve starts.
const serveEnvironment = "dev"

// The runtime of serve reads snapshots with a token of its own, which it
// renews well before it expires; a crash leaves at most one behind, and the
// control plane deletes it once expired.
const (
	selfTokenName  = "serve-runtime"
	selfTokenTTL   = 24 * time.Hour
	selfTokenRenew = 12 * time.Hour
	selfTokenRetry = 5 * time.Minute
)

// embeddedRuntime is the runtime serve runs beside the control plane. It
// polls the control plane over loopback, like any runtime, so that it
// depends on the platform API only and never on the store.
type embeddedRuntime struct {
	rt    *runtime.Runtime
	comp  *compile.Compiler
	rec   *runtime.Recorder
	disp  *execution.Dispatcher
	log   *slog.Logger
	token *selfToken
	// closeShared disconnects from the Redis of the shared limits.
	closeShared func()
	tel         *planeTelemetry
	done        chan error // Run's result
}

// startRuntime starts the runtime of environment dev on gln, polling the
// control plane that listens on cpAddr.
func startRuntime(ctx context.Context, cfg *serveConfig, logger *slog.Logger, st store.Store, issuer tokenIssuer, cpAddr net.Addr, gln net.Listener, hub *telemetry.Hub) (*embeddedRuntime, error) {
	tok, err := newSelfToken(ctx, st, issuer, logger)
	if err != nil {
		return nil, err
	}
	hc := &http.Client{Transport: &bearerTransport{token: tok.value, base: http.DefaultTransport}}
	cl, err := client.New("http://"+loopback(cpAddr), "", hc)
	if err != nil {
		tok.revoke()
		return nil, err
	}
	rec, err := runtime.NewRecorder(runtime.RecorderConfig{Sink: storeSink{st}, Logger: logger})
	if err != nil {
		tok.revoke()
		return nil, err
	}
	pt, err := newPlaneTelemetry(ctx, telemetry.Runtime, cfg.tel, logger)
	if err != nil {
		closeRecorder(rec, logger)
		tok.revoke()
		return nil, err
	}
	shared, closeShared, err := sharedLimits(ctx, cfg.redis, logger)
	if err != nil {
		closeRecorder(rec, logger)
		tok.revoke()
		return nil, err
	}
	id := runtimeInstanceID()
	disp, err := execution.NewDispatcher(execution.DispatcherConfig{
		Reporter: storeSink{st}, Cancels: st, DataDir: cfg.data, PlatformURL: "http://" + loopback(cpAddr), Logger: logger,
		Queue: storeQueue{st}, Environment: serveEnvironment, RuntimeID: id,
	})
	if err != nil {
		closeRecorder(rec, logger)
		tok.revoke()
		return nil, err
	}
	comp, err := compile.New(compile.Options{Logger: logger, Recorder: pt.recorder(rec), RuntimeID: id, Shared: shared, OnSharedFailure: pt.sharedFailed, Dispatcher: disp})
	if err != nil {
		closeShared()
		closeDispatcher(disp, logger)
		closeRecorder(rec, logger)
		tok.revoke()
		return nil, err
	}
	rt, err := runtime.New(runtime.Config{
		Listener:        gln,
		Env:             serveEnvironment,
		DataDir:         cfg.data,
		Source:          runtime.NewControlPlaneSource(cl, serveEnvironment, 0),
		Compiler:        comp,
		Logger:          logger,
		ShutdownTimeout: shutdownTimeout,
		Wrap:            pt.wrap,
		RequestContext:  route.Attach,
		StdHTTP:         cfg.stdHTTP,
	})
	if err != nil {
		closeDispatcher(disp, logger)
		closeRecorder(rec, logger)
		tok.revoke()
		comp.Close()
		closeShared()
		return nil, err
	}
	er := &embeddedRuntime{rt: rt, comp: comp, rec: rec, disp: disp, log: logger, token: tok, closeShared: closeShared, tel: pt, done: make(chan error, 1)}
	go tok.renewLoop(ctx)
	go (&runtime.Heartbeat{Client: cl, Runtime: rt, ID: id, Version: buildInfo().Version, Log: logger}).Run(ctx)
	go disp.Run(ctx)
	go pt.reporter(hubSender{hub}, serveEnvironment, id, logger).Run(ctx)
	go pt.watchPools(ctx, comp, poolFiguresInterval)
	go func() { er.done <- rt.Run(ctx) }()
	return er, nil
}

// wait waits for the runtime to stop (ctx cancelled), stores the records of
// its last requests and revokes its token.
func (er *embeddedRuntime) wait() error {
	err := <-er.done
	closeDispatcher(er.disp, er.log)
	closeRecorder(er.rec, er.log)
	er.comp.Close()
	er.closeShared()
	er.tel.close(er.log)
	er.token.revoke()
	return err
}

// storeSink writes the embedded runtime's execution records to the store
// directly, validated as the platform validates them. It is the exception to
// "over the platform API only", like the runtime's token: serve shuts its
// control-plane listener down while the runtime drains, so records sent over
// loopback at that moment would be lost, whereas the store stays open until
// the runtime has stopped.
type storeSink struct{ st store.Store }

// SendExecutions implements runtime.ExecutionSink.
func (s storeSink) SendExecutions(ctx context.Context, recs []*model.Execution) error {
	for _, r := range recs {
		if err := r.Validate(); err != nil {
			return fmt.Errorf("execution %s: %w", r.ID, err)
		}
	}
	if _, err := s.st.InsertExecutions(ctx, recs); err != nil {
		return err
	}
	return execution.SaveOutcomes(ctx, s.st, recs, time.Now())
}

// loopback turns a listening address into one to dial: an unspecified host
// (0.0.0.0, ::) becomes the loopback address of its family.
func loopback(addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok || !tcp.IP.IsUnspecified() {
		return addr.String()
	}
	ip := net.IPv4(127, 0, 0, 1)
	if tcp.IP.To4() == nil {
		ip = net.IPv6loopback
	}
	return net.JoinHostPort(ip.String(), fmt.Sprint(tcp.Port))
}

// bearerTransport sends the current token of a renewed credential.
type bearerTransport struct {
	token func() string
	base  http.RoundTripper
}

// RoundTrip adds the Authorization header to a copy of the request.
func (b *bearerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token())
	return b.base.RoundTrip(r)
}

// selfToken is the runtime-role token of serve's own runtime, issued by the
// platform in-process: no password is at hand to ask the platform API for one.
type selfToken struct {
	st      store.Store
	issuer  tokenIssuer
	log     *slog.Logger
	owner   string
	current atomic.Pointer[issuedToken]
}

// tokenIssuer makes tokens in the platform's format (*platform.Server).
type tokenIssuer interface {
	IssueToken(ctx context.Context, username, name string, role model.Role, ttl time.Duration) (string, *model.Token, error)
}

type issuedToken struct {
	id, clear string
}

func newSelfToken(ctx context.Context, st store.Store, issuer tokenIssuer, logger *slog.Logger) (*selfToken, error) {
	owner, err := tokenOwner(ctx, st)
	if err != nil {
		return nil, err
	}
	t := &selfToken{st: st, issuer: issuer, log: logger, owner: owner}
	it, err := t.issue(ctx)
	if err != nil {
		return nil, err
	}
	t.current.Store(it)
	return t, nil
}

// tokenOwner picks the user the token belongs to: the platform checks the
// owner's role too, so it must be an enabled admin (admin itself by
// preference) or, failing one, an enabled operator.
func tokenOwner(ctx context.Context, st store.Store) (string, error) {
	if u, err := st.GetUser(ctx, "admin"); err == nil && !u.Disabled && u.Role == model.RoleAdmin {
		return u.Username, nil
	} else if err != nil && !errors.Is(err, model.ErrNotFound) {
		return "", fmt.Errorf("find a user for the runtime's token: %w", err)
	}
	operator := ""
	page := store.Page{Limit: 100}
	for {
		users, next, err := st.ListUsers(ctx, page)
		if err != nil {
			return "", fmt.Errorf("find a user for the runtime's token: %w", err)
		}
		for _, u := range users {
			switch {
			case u.Disabled:
			case u.Role == model.RoleAdmin:
				return u.Username, nil
			case u.Role == model.RoleOperator && operator == "":
				operator = u.Username
			}
		}
		if next == "" {
			break
		}
		page.Cursor = next
	}
	if operator != "" {
		return operator, nil
	}
	return "", errors.New("no enabled admin or operator user can own the runtime's token")
}

// issue has the platform store a new runtime-role token in its own format.
func (t *selfToken) issue(ctx context.Context) (*issuedToken, error) {
	clear, tok, err := t.issuer.IssueToken(ctx, t.owner, selfTokenName, model.RoleRuntime, selfTokenTTL)
	if err != nil {
		return nil, fmt.Errorf("create the runtime's token: %w", err)
	}
	return &issuedToken{id: tok.ID, clear: clear}, nil
}

// value is the token to send now.
func (t *selfToken) value() string { return t.current.Load().clear }

// renewLoop replaces the token before it expires, until ctx ends.
func (t *selfToken) renewLoop(ctx context.Context) {
	timer := time.NewTimer(selfTokenRenew)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		it, err := t.issue(ctx)
		if err != nil {
			t.log.Warn("cannot renew the runtime's token; trying again", "in", selfTokenRetry, "err", err)
			timer.Reset(selfTokenRetry)
			continue
		}
		old := t.current.Swap(it)
		t.delete(old.id)
		timer.Reset(selfTokenRenew)
	}
}

// revoke deletes the current token; serve calls it once the runtime stopped.
func (t *selfToken) revoke() { t.delete(t.current.Load().id) }

func (t *selfToken) delete(id string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := t.st.DeleteToken(ctx, id); err != nil && !errors.Is(err, model.ErrNotFound) {
		t.log.Warn("cannot delete the runtime's old token; it expires by itself", "err", err)
	}
}

// storeQueue is the durable queue of serve's embedded runtime: the store,
// directly, as for its records (storeSink).
type storeQueue struct{ st store.Store }

// EnqueueExecution implements execution.Queue.
func (q storeQueue) EnqueueExecution(ctx context.Context, item *model.QueuedExecution, rec *model.Execution) error {
	if _, err := q.st.EnqueueExecution(ctx, item); err != nil {
		return err
	}
	if rec == nil {
		return nil
	}
	_, err := q.st.InsertExecutions(ctx, []*model.Execution{rec})
	return err
}

// ClaimExecution implements execution.Queue.
func (q storeQueue) ClaimExecution(ctx context.Context, env, id, runtime string, lease time.Duration) (*model.QueuedExecution, error) {
	return q.st.ClaimExecution(ctx, env, id, runtime, time.Now(), lease)
}

// RenewExecutionLeases implements execution.Queue.
func (q storeQueue) RenewExecutionLeases(ctx context.Context, runtime string, ids []string, lease time.Duration) ([]string, error) {
	return q.st.RenewExecutionLeases(ctx, runtime, ids, time.Now().Add(lease))
}
