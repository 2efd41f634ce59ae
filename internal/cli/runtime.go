package cli

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/portico-dev/portico/internal/client"
	"github.com/portico-dev/portico/internal/execution"
	"github.com/portico-dev/portico/internal/runtime"
	"github.com/portico-dev/portico/internal/runtime/compile"
	"github.com/portico-dev/portico/internal/telemetry"
	"github.com/portico-dev/portico/internal/telemetry/route"
)

// runtimeConfig is what a standalone runtime is started with.
type runtimeConfig struct {
	controlPlane  string
	env           string
	token         string
	gatewayListen string
	data          string
	logLevel      string
	redis         string
	tel           *telemetryFlags
	stdHTTP       bool
}

func newRuntimeCommand(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "runtime",
		Short: "Run a runtime alone: serve one environment's deployed APIs",
		Long: `Runtime runs one runtime (the shared web server of deployed APIs) apart from the control
plane, for scale-out. It long-polls the snapshots of --env from --control-plane with a token
whose role reads snapshots ('portico token create --name rt --role runtime'), serves them on
--gateway-listen, and keeps the last one in --data so that it serves even when the control
plane is down at start. /healthz answers while the process is up, /readyz once a snapshot
serves. SIGINT or SIGTERM stop it gracefully. Prefer PORTICO_TOKEN to --token: other users
of the machine can read a command line.`,
		Example: `  PORTICO_TOKEN=ptc_... portico runtime --control-plane http://cp.internal:8080 --env prod
  portico runtime --control-plane http://127.0.0.1:8080 --env dev --gateway-listen 127.0.0.1:9091 --data ./rt2`,
		Args: exactArgs(),
	}
	c := &runtimeConfig{}
	f := cmd.Flags()
	f.StringVar(&c.controlPlane, "control-plane", e.getenv("PORTICO_CONTROL_PLANE"), "address of the control plane, e.g. http://127.0.0.1:8080 (env PORTICO_CONTROL_PLANE)")
	f.StringVar(&c.env, "env", e.getenv("PORTICO_ENV"), "environment to serve (env PORTICO_ENV)")
	f.StringVar(&c.token, "token", e.getenv("PORTICO_TOKEN"), "token with the runtime role (env PORTICO_TOKEN, preferred)")
	f.StringVar(&c.gatewayListen, "gateway-listen", envOr(e, "PORTICO_GATEWAY_LISTEN", "127.0.0.1:9090"), "address of the shared web server (env PORTICO_GATEWAY_LISTEN; port 0 picks a free one)")
	f.StringVar(&c.data, "data", envOr(e, "PORTICO_DATA", "./portico-data"), "data directory for the snapshot cache (env PORTICO_DATA)")
	f.StringVar(&c.redis, "redis", e.getenv("PORTICO_REDIS"), "Redis where runtimes share rate limits and quotas, e.g. redis://127.0.0.1:6379/0 (env PORTICO_REDIS; none: this runtime counts its own)")
	f.StringVar(&c.logLevel, "log-level", envOr(e, "PORTICO_LOG_LEVEL", "info"), "debug, info, warn or error (env PORTICO_LOG_LEVEL)")
	c.tel = addTelemetryFlags(cmd, e)
	addStdHTTPFlag(cmd, e, &c.stdHTTP)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		return runRuntime(cmd.Context(), e, c)
	}
	return cmd
}

// runRuntime serves until ctx is cancelled.
func runRuntime(ctx context.Context, e *env, c *runtimeConfig) error {
	tuneGC(e.getenv)
	switch {
	case c.controlPlane == "":
		return usagef("--control-plane (or PORTICO_CONTROL_PLANE) is required")
	case c.env == "":
		return usagef("--env (or PORTICO_ENV) is required")
	case c.token == "":
		return usagef("--token (or PORTICO_TOKEN) is required: a token with the runtime role")
	}
	level, err := parseLevel(c.logLevel)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: level}))
	// No client timeout: each long poll is bounded by its own context.
	cl, err := client.New(c.controlPlane, c.token, &http.Client{})
	if err != nil {
		return usagef("--control-plane: %v", err)
	}
	rec, err := runtime.NewRecorder(runtime.RecorderConfig{Sink: runtime.NewControlPlaneSink(cl), Logger: logger})
	if err != nil {
		return err
	}
	// Deferred first, so it runs last: once the runtime has drained, the
	// records of its last requests are still sent.
	defer closeRecorder(rec, logger)
	shared, closeShared, err := sharedLimits(ctx, c.redis, logger)
	if err != nil {
		return err
	}
	defer closeShared()
	id := runtimeInstanceID()
	disp, err := execution.NewDispatcher(execution.DispatcherConfig{
		Reporter: runtime.NewControlPlaneSink(cl), Cancels: cl, DataDir: c.data, PlatformURL: cl.BaseURL(), Logger: logger,
		Queue: cl, Environment: c.env, RuntimeID: id,
	})
	if err != nil {
		return err
	}
	// Deferred after the recorder's close, so it runs first: the detached
	// executions end (ABORTED) and are reported before the recorder stops.
	defer closeDispatcher(disp, logger)
	dctx, stopCancels := context.WithCancel(ctx)
	defer stopCancels()
	go disp.Run(dctx)
	pt, err := newPlaneTelemetry(ctx, telemetry.Runtime, c.tel, logger)
	if err != nil {
		return err
	}
	defer pt.close(logger)
	comp, err := compile.New(compile.Options{Logger: logger, Recorder: pt.recorder(rec), RuntimeID: id, Shared: shared, OnSharedFailure: pt.sharedFailed, Dispatcher: disp})
	if err != nil {
		return err
	}
	defer comp.Close()
	rt, err := runtime.New(runtime.Config{
		Listen:          c.gatewayListen,
		Env:             c.env,
		DataDir:         c.data,
		Source:          runtime.NewControlPlaneSource(cl, c.env, 0),
		Compiler:        comp,
		Logger:          logger,
		ShutdownTimeout: shutdownTimeout,
		Wrap:            pt.wrap,
		RequestContext:  route.Attach,
		StdHTTP:         c.stdHTTP,
	})
	if err != nil {
		return fmt.Errorf("start the runtime (--gateway-listen / PORTICO_GATEWAY_LISTEN, --env): %w", err)
	}
	w := e.stdout
	fmt.Fprintf(w, "Portico runtime (environment %s) listening on http://%s\n", c.env, rt.Addr())
	fmt.Fprintf(w, "  control plane: %s\n", cl.BaseURL())
	fmt.Fprintf(w, "  shared limits: %s\n", redisLabel(c.redis))
	fmt.Fprintf(w, "  snapshot cache: %s\n", filepath.Join(c.data, "runtime", c.env+".snapshot.json"))
	fmt.Fprintln(w, "  health: /healthz (live), /readyz (holds a snapshot); metrics: /metrics")
	fmt.Fprintln(w, "Stop with Ctrl+C.")
	hbCtx, stopBeats := context.WithCancel(ctx)
	defer stopBeats()
	go (&runtime.Heartbeat{Client: cl, Runtime: rt, ID: id, Version: buildInfo().Version, Log: logger}).Run(hbCtx)
	go pt.reporter(cl, c.env, id, logger).Run(hbCtx)
	go pt.watchPools(hbCtx, comp, poolFiguresInterval)
	if err := rt.Run(ctx); err != nil {
		return err
	}
	fmt.Fprintln(w, "Portico runtime stopped")
	return nil
}

// recorderCloseTimeout bounds the sending of the last execution records at
// shutdown, when the control plane may be down.
const recorderCloseTimeout = 10 * time.Second

// closeRecorder sends what the recorder still holds, for a bounded time.
func closeRecorder(rec *runtime.Recorder, logger *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), recorderCloseTimeout)
	defer cancel()
	if err := rec.Close(ctx); err != nil {
		logger.Warn("execution records were lost at shutdown", "err", err)
	}
}

// runtimeInstanceID names this runtime process in execution records: the
// host and the process id, unique among the runtimes running at once.
func runtimeInstanceID() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "localhost"
	}
	return host + "/" + strconv.Itoa(os.Getpid())
}
