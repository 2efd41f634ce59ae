package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/portico-dev/portico/internal/console"
	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/platform"
	"github.com/portico-dev/portico/internal/secret"
	"github.com/portico-dev/portico/internal/store"
	"github.com/portico-dev/portico/internal/store/dial"
	"github.com/portico-dev/portico/internal/telemetry"
)

// Timeouts of the control plane.
const (
	openTimeout     = 15 * time.Second // opening and migrating the store
	shutdownTimeout = 10 * time.Second // draining in-flight requests
	// The snapshot long-poll may wait 120 s; writes get a margin beyond it.
	writeTimeout = 150 * time.Second
)

func newServeCommand(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the control plane (platform API) and a runtime for environment dev",
		Long: `Serve runs the control plane: the platform API at /api/v1 on --listen, on an embedded
SQLite store in --data (or PostgreSQL with --store postgres://...). On first start it
creates the user admin (password from PORTICO_ADMIN_PASSWORD, or generated and printed
once) and the environment dev.

Beside it runs a runtime for environment dev: the shared web server of the deployed APIs
(/ws/...) on --gateway-listen, with /healthz and /readyz. It follows dev's snapshots like
a standalone 'portico runtime' and keeps the last one in --data. SIGINT or SIGTERM stop
both gracefully.`,
		Example: `  PORTICO_ADMIN_PASSWORD='choose-a-long-one' portico serve
  portico serve --listen 0.0.0.0:8080 --store 'postgres://portico@db/portico'`,
		Args: exactArgs(),
	}
	cfg := addServeFlags(cmd, e)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		return serve(cmd.Context(), e, cfg, nil)
	}
	return cmd
}

// serve runs the control plane until ctx is cancelled. onStart, when not
// nil, runs once the control plane and the runtime are up (quickstart's
// sample) and prints what follows the banner; its error stops serve.
func serve(ctx context.Context, e *env, cfg *serveConfig, onStart startHook) error {
	tuneGC(e.getenv)
	level, err := cfg.level()
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: level}))
	// Listen first: a busy address must fail before the bootstrap generates
	// an admin password that would then never be shown.
	ln, err := net.Listen("tcp", cfg.listen)
	if err != nil {
		return fmt.Errorf("listen on %s (--listen / PORTICO_LISTEN): %w", cfg.listen, err)
	}
	defer ln.Close()
	// --gateway-listen off runs a control plane alone: a replica of a
	// scale-out setup, whose runtimes are started with `portico runtime`.
	embedded := cfg.gatewayListen != gatewayOff
	if !embedded && onStart != nil {
		return usagef("--gateway-listen off: quickstart needs its runtime")
	}
	var gln net.Listener
	if embedded {
		if gln, err = net.Listen("tcp", cfg.gatewayListen); err != nil {
			return fmt.Errorf("listen on %s (--gateway-listen / PORTICO_GATEWAY_LISTEN): %w", cfg.gatewayListen, err)
		}
		defer gln.Close()
	}
	keys, err := cfg.keyring()
	if err != nil {
		return err
	}
	st, err := openStore(ctx, cfg, keys, logger)
	if err != nil {
		return err
	}
	storeOpen := true
	defer func() {
		if storeOpen {
			st.Close()
		}
	}()

	info := buildInfo()
	hub := telemetry.NewHub(nil, st)
	p, err := platform.New(platform.Config{Store: st, Logger: logger, Version: info.Version, Commit: info.Commit, Keyring: keys, Hub: hub})
	if err != nil {
		return fmt.Errorf("start the platform API: %w", err)
	}
	defer p.Close()
	if err := ensureEnvironment(ctx, st); err != nil {
		return err
	}
	stopDeliverer, err := startDeliverer(ctx, e, st, logger)
	if err != nil {
		return err
	}
	defer stopDeliverer()
	// Nothing may fail between the bootstrap and the banner, or a generated
	// password would be lost.
	generated, err := p.Bootstrap(ctx, cfg.adminPassword)
	if err != nil {
		return fmt.Errorf("create the admin user: %w", err)
	}
	cpt, err := newPlaneTelemetry(ctx, telemetry.ControlPlane, cfg.tel, logger)
	if err != nil {
		return err
	}
	defer cpt.close(logger)
	gatewayURL := ""
	if embedded {
		gatewayURL = "http://" + gln.Addr().String()
	}
	con, err := console.New(console.Config{API: p.Handler(), GatewayURL: gatewayURL, Logger: logger})
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           cpt.wrap(rootHandler(p.Handler(), con)),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    1 << 20,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()

	rtCtx, stopRuntime := context.WithCancel(ctx)
	defer stopRuntime()
	var (
		rt    *embeddedRuntime
		rtErr error
	)
	runtimeLine := "runtime: off (--gateway-listen off); start runtimes with `portico runtime`"
	if embedded {
		rt, rtErr = startRuntime(rtCtx, cfg, logger, st, p, ln.Addr(), gln, hub)
		if rtErr == nil {
			runtimeLine = fmt.Sprintf("runtime (environment %s) listening on http://%s", serveEnvironment, rt.rt.Addr())
		} else {
			runtimeLine = fmt.Sprintf("runtime: could not start: %v", rtErr)
		}
	}
	// The banner comes first even when the runtime failed: it may hold the
	// only copy of a generated password.
	printBanner(e, cfg, "http://"+ln.Addr().String(), runtimeLine, generated, onStart == nil)

	var fatal error
	var rtDone chan error
	if rtErr != nil {
		fatal = fmt.Errorf("start the runtime: %w", rtErr)
	} else {
		if rt != nil {
			rtDone = make(chan error, 1)
			go func() { rtDone <- rt.wait() }()
		}
		if onStart != nil {
			fatal = runStartHook(ctx, onStart, &started{store: st, cfg: cfg,
				platformURL: "http://" + loopback(ln.Addr()), gatewayURL: "http://" + loopback(gln.Addr()), generated: generated})
		}
		if fatal == nil {
			select {
			case err := <-errc:
				fatal = fmt.Errorf("serve: %w", err)
			case err := <-rtDone:
				rtDone = nil
				fatal = err
				if fatal == nil {
					fatal = errors.New("the runtime stopped unexpectedly")
				}
			case <-ctx.Done():
			}
		}
	}
	fmt.Fprintf(e.stdout, "shutting down: draining requests (up to %s)\n", shutdownTimeout)
	// The runtime drains its own requests meanwhile; its poll ends with its context.
	stopRuntime()
	// Close answers the waiting snapshot long-polls, which Shutdown would
	// otherwise wait for.
	p.Close()
	shCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shCtx); err != nil {
		logger.Warn("requests still running after the drain timeout were cut", "err", err)
		_ = srv.Close()
	}
	if rtDone != nil {
		if err := <-rtDone; err != nil {
			logger.Warn("the runtime stopped with an error", "err", err)
		}
		fmt.Fprintln(e.stdout, "Portico runtime stopped")
	}
	stopDeliverer()
	storeOpen = false
	if err := st.Close(); err != nil {
		logger.Warn("closing the store", "err", err)
	}
	fmt.Fprintln(e.stdout, "Portico control plane stopped")
	return fatal
}

// openStore opens (and migrates) the store, failing fast and clearly when it
// cannot be reached.
func openStore(ctx context.Context, cfg *serveConfig, keys *secret.Keyring, logger *slog.Logger) (store.Store, error) {
	if cfg.isSQLite() {
		if err := os.MkdirAll(cfg.data, 0o700); err != nil {
			return nil, fmt.Errorf("create the data directory %s (--data / PORTICO_DATA): %w", cfg.data, err)
		}
	}
	octx, cancel := context.WithTimeout(ctx, openTimeout)
	defer cancel()
	st, err := dial.OpenOptions(octx, cfg.store, cfg.data, dial.Options{Keyring: keys}, logger)
	if err != nil {
		return nil, fmt.Errorf("open the store %s (--store / PORTICO_STORE): %w", cfg.storeLabel(), err)
	}
	if err := st.Ping(octx); err != nil {
		st.Close()
		return nil, fmt.Errorf("the store %s does not answer: %w", cfg.storeLabel(), err)
	}
	return st, nil
}

// ensureEnvironment creates the environment dev in a store that has none, so
// that a newcomer can deploy at once.
func ensureEnvironment(ctx context.Context, st store.Store) error {
	envs, _, err := st.ListEnvironments(ctx, store.Page{Limit: 1})
	if err != nil {
		return fmt.Errorf("list environments: %w", err)
	}
	if len(envs) > 0 {
		return nil
	}
	dev := &model.Environment{Name: "dev", Description: "created by portico serve on first start"}
	if _, _, err := st.PutEnvironment(ctx, dev); err != nil && !errors.Is(err, model.ErrConflict) {
		return fmt.Errorf("create environment dev: %w", err)
	}
	return nil
}

// rootHandler serves the platform API at /api/v1 and the web console at
// "/" (its metrics at /metrics are served by the telemetry middleware).
func rootHandler(api, con http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/api/v1/", api)
	mux.Handle("/api/v1", http.RedirectHandler("/api/v1/openapi.json", http.StatusFound))
	mux.Handle("/", con)
	return mux
}

// printBanner tells where the control plane listens and, with next, what to
// do next (quickstart prints its own).
func printBanner(e *env, cfg *serveConfig, addr, runtimeLine, generated string, next bool) {
	w := e.stdout
	fmt.Fprintf(w, "Portico control plane listening on %s\n", addr)
	fmt.Fprintf(w, "  web console: %s/ (metrics: %s/metrics)\n", addr, addr)
	fmt.Fprintf(w, "  store: %s\n", cfg.storeLabel())
	if generated != "" {
		fmt.Fprintf(w, "  admin password: %s (shown once; set PORTICO_ADMIN_PASSWORD to choose it)\n", generated)
	}
	fmt.Fprintf(w, "  %s\n", runtimeLine)
	if !next {
		return
	}
	fmt.Fprintln(w, "\nNext:")
	if addr != defaultServer {
		fmt.Fprintf(w, "  export PORTICO_SERVER=%s\n", addr)
	}
	fmt.Fprint(w, `  portico login --username admin
  portico apply -f examples/erp/
  portico package erp --version 1.0.0
  portico deploy erp@1.0.0 --env dev
  portico deployments --env dev --history
Stop with Ctrl+C.
`)
}
