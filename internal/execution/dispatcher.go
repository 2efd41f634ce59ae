package execution

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/portico-dev/portico/internal/model"
)

// Reporter sends execution records to the control plane (the runtime's
// ExecutionSink).
type Reporter interface {
	SendExecutions(ctx context.Context, recs []*model.Execution) error
}

// CancelSource tells which of the given executions a cancel was requested
// for (the platform API, or the store in serve).
type CancelSource interface {
	CancelRequested(ctx context.Context, ids []string) ([]string, error)
}

// Why a detached execution was stopped: context.Cause of its context.
var (
	ErrCancelled = errors.New("cancelled through the platform API")
	ErrShutdown  = errors.New("the runtime shut down before the execution ended")
)

// DispatcherConfig holds the dependencies and settings of a Dispatcher.
type DispatcherConfig struct {
	// Reporter receives the records of detached executions (required).
	Reporter Reporter
	// Cancels is polled for cancel requests (none when nil).
	Cancels CancelSource
	// DataDir holds the journal in DataDir/runtime/executions ("" keeps
	// none: a crash loses the detached executions' final records).
	DataDir string
	// PlatformURL is the platform API's address for status links, unless
	// the environment sets its own.
	PlatformURL string
	// Logger (default: discard).
	Logger *slog.Logger
	// CancelPoll is how often cancel requests are read while detached
	// executions run (default 500ms).
	CancelPoll time.Duration
	// Queue is the control plane's durable queue: when set, async
	// endpoints queue what they accept before answering 202, and the
	// dispatcher claims the environment's queued work (nil: an accepted
	// execution runs only on the runtime that accepted it).
	Queue Queue
	// Environment and RuntimeID name the queue this runtime claims from
	// and the runtime in the leases (required with Queue).
	Environment, RuntimeID string
	// QueuePoll is how often the queue is read for work no runtime holds
	// (DefaultQueuePoll); QueueConcurrency caps the queued executions
	// running here (DefaultQueueConcurrency).
	QueuePoll        time.Duration
	QueueConcurrency int
	// RetryMin and RetryMax bound the backoff of failed reports (defaults
	// 500ms and 30s).
	RetryMin, RetryMax time.Duration
}

// Defaults of DispatcherConfig.
const (
	DefaultCancelPoll = 500 * time.Millisecond
	reportTimeout     = 10 * time.Second
)

// Dispatcher runs the executions that outlive their request on a runtime.
// Create it with NewDispatcher, run its cancel poll with Run, and stop it
// with Close after the runtime's server has drained.
type Dispatcher struct {
	cfg     DispatcherConfig
	log     *slog.Logger
	journal journal

	// base ends every detached execution at shutdown; reports outlive it
	// until Close's deadline ends reportCtx.
	base, reportCtx   context.Context
	stop, stopReports context.CancelFunc
	mu                sync.Mutex
	running           map[string]context.CancelCauseFunc
	// held are the queued executions whose lease this runtime renews;
	// current is the latest compiled snapshot's binding, whose routes run
	// claimed work.
	held          map[string]struct{}
	current       atomic.Pointer[Binding]
	runs, reports sync.WaitGroup
}

// NewDispatcher opens the journal and reports, in the background, what a
// previous run left in it: the final records it could not send, and the
// executions it accepted but did not finish, as ABORTED.
func NewDispatcher(cfg DispatcherConfig) (*Dispatcher, error) {
	if cfg.Reporter == nil {
		return nil, errors.New("execution: DispatcherConfig.Reporter is required")
	}
	if cfg.CancelPoll <= 0 {
		cfg.CancelPoll = DefaultCancelPoll
	}
	if cfg.Queue != nil && (cfg.Environment == "" || cfg.RuntimeID == "") {
		return nil, errors.New("execution: DispatcherConfig.Environment and RuntimeID are required with Queue")
	}
	if cfg.QueuePoll <= 0 {
		cfg.QueuePoll = DefaultQueuePoll
	}
	if cfg.QueueConcurrency <= 0 {
		cfg.QueueConcurrency = DefaultQueueConcurrency
	}
	if cfg.RetryMin <= 0 {
		cfg.RetryMin = 500 * time.Millisecond
	}
	if cfg.RetryMax < cfg.RetryMin {
		cfg.RetryMax = max(30*time.Second, cfg.RetryMin)
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	dir := ""
	if cfg.DataDir != "" {
		dir = filepath.Join(cfg.DataDir, "runtime", "executions")
	}
	j, err := newJournal(dir)
	if err != nil {
		return nil, err
	}
	d := &Dispatcher{cfg: cfg, log: log.With("component", "executions"), journal: j, running: map[string]context.CancelCauseFunc{}, held: map[string]struct{}{}}
	d.base, d.stop = context.WithCancel(context.Background())
	d.reportCtx, d.stopReports = context.WithCancel(context.Background())
	left, err := j.left()
	if err != nil {
		d.log.Warn("unreadable entries in the execution journal", "err", err)
	}
	now := time.Now().UTC()
	for _, rec := range left {
		if !Terminal(rec.Status) {
			rec.Status = model.ExecAborted
			rec.Error = "the runtime stopped before the execution ended"
			rec.EndedAt = &now
			rec.DurationMS = float64(now.Sub(rec.StartedAt).Microseconds()) / 1000
		}
		d.log.Info("reporting an execution left by the previous run", "execution", rec.ID, "status", rec.Status)
		d.report(rec)
	}
	return d, nil
}

// Run polls cancel requests for the running detached executions, and
// claims queued work and renews its leases, until ctx ends.
func (d *Dispatcher) Run(ctx context.Context) {
	if d.cfg.Queue != nil {
		go d.runQueue(ctx)
	}
	if d.cfg.Cancels == nil {
		return
	}
	t := time.NewTicker(d.cfg.CancelPoll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		d.pollCancels(ctx)
	}
}

func (d *Dispatcher) pollCancels(ctx context.Context) {
	d.mu.Lock()
	ids := make([]string, 0, len(d.running))
	for id := range d.running {
		ids = append(ids, id)
	}
	d.mu.Unlock()
	if len(ids) == 0 {
		return
	}
	pctx, cancel := context.WithTimeout(ctx, reportTimeout)
	defer cancel()
	stop, err := d.cfg.Cancels.CancelRequested(pctx, ids)
	if err != nil {
		if ctx.Err() == nil {
			d.log.Debug("reading cancel requests", "err", err)
		}
		return
	}
	for _, id := range stop {
		d.Cancel(id)
	}
}

// Cancel stops a running detached execution; false when none runs here.
func (d *Dispatcher) Cancel(id string) bool {
	d.mu.Lock()
	cancel, ok := d.running[id]
	d.mu.Unlock()
	if ok {
		d.log.Info("execution cancelled", "execution", id)
		cancel(ErrCancelled)
	}
	return ok
}

// Close ends the running detached executions (their records say ABORTED)
// and waits for them and for the reports of their final records until ctx
// ends; what is still unreported then stays in the journal for the next
// start.
func (d *Dispatcher) Close(ctx context.Context) error {
	d.stop()
	done := make(chan struct{})
	go func() {
		d.runs.Wait()
		d.reports.Wait()
		close(done)
	}()
	select {
	case <-done:
		d.stopReports()
		return nil
	case <-ctx.Done():
		d.stopReports()
		<-done
		return errors.New("execution records not reported before the shutdown deadline stay in the journal")
	}
}

// detach returns a context that keeps parent's values but not its
// cancellation: only Cancel and Close end it.
func (d *Dispatcher) detach(parent context.Context, id string) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(context.WithoutCancel(parent))
	stopAfter := context.AfterFunc(d.base, func() { cancel(ErrShutdown) })
	d.runs.Add(1)
	d.mu.Lock()
	d.running[id] = cancel
	d.mu.Unlock()
	return ctx, func() {
		d.mu.Lock()
		delete(d.running, id)
		d.mu.Unlock()
		stopAfter()
		cancel(nil)
		d.runs.Done()
	}
}

// accept journals a detached execution and reports it at once, so that a
// caller polling its status link finds it.
func (d *Dispatcher) accept(ctx context.Context, rec *model.Execution) error {
	if err := d.journal.put(rec); err != nil {
		return err
	}
	rctx, cancel := context.WithTimeout(ctx, reportTimeout)
	defer cancel()
	cp := *rec
	if err := d.cfg.Reporter.SendExecutions(rctx, []*model.Execution{&cp}); err != nil {
		// The journal holds it: the final record, or the next start,
		// reports it.
		d.log.Warn("reporting an accepted execution", "execution", rec.ID, "err", err)
	}
	return nil
}

// finish journals the final record of a detached execution and reports it
// in the background, retrying until the control plane takes it.
func (d *Dispatcher) finish(rec *model.Execution) {
	fit(rec)
	if err := d.journal.put(rec); err != nil {
		d.log.Warn("journaling a finished execution", "execution", rec.ID, "err", err)
	}
	d.report(rec)
}

func (d *Dispatcher) report(rec *model.Execution) {
	d.reports.Add(1)
	go func() {
		defer d.reports.Done()
		wait := d.cfg.RetryMin
		for {
			ctx, cancel := context.WithTimeout(d.reportCtx, reportTimeout)
			err := d.cfg.Reporter.SendExecutions(ctx, []*model.Execution{rec})
			cancel()
			if err == nil {
				d.journal.remove(rec.ID)
				return
			}
			if errors.Is(err, model.ErrInvalid) {
				// Sending it again would be refused again.
				d.log.Error("the control plane refused an execution record", "execution", rec.ID, "err", err)
				d.journal.remove(rec.ID)
				return
			}
			d.log.Warn("reporting a finished execution; retrying", "execution", rec.ID, "in", wait, "err", err)
			select {
			case <-d.reportCtx.Done():
				return
			case <-time.After(wait):
			}
			wait = min(2*wait, d.cfg.RetryMax)
		}
	}()
}

// maxRecordBytes keeps a final record, sent alone, under the platform
// API's default body limit (4 MiB) with room to spare.
const maxRecordBytes = 3 << 20

// fit shrinks a final record that would be too big to send: first its
// documents go (Truncated says so), then its result's body (Dropped).
func fit(rec *model.Execution) {
	if b, err := json.Marshal(rec); err != nil || len(b) <= maxRecordBytes {
		return
	}
	rec.Input, rec.Output, rec.Truncated = nil, nil, true
	if b, err := json.Marshal(rec); err != nil || len(b) <= maxRecordBytes {
		return
	}
	if rec.Async != nil && rec.Async.Result != nil {
		rec.Async.Result.Body, rec.Async.Result.Dropped = nil, true
	}
}

// Bind returns what the endpoints of one snapshot use, under the
// environment's settings s (nil: defaults).
func (d *Dispatcher) Bind(s *model.ExecutionSettings) *Binding {
	base := d.cfg.PlatformURL
	if s != nil && s.PlatformURL != "" {
		base = s.PlatformURL
	}
	return &Binding{
		d:         d,
		maxWait:   s.MaxWait(),
		limit:     s.ResultLimit(),
		retention: s.Retention(),
		policy:    NewCallbackPolicy(s),
		link:      strings.TrimSuffix(base, "/") + "/api/v1/executions/",
		lease:     s.Lease(),
	}
}
