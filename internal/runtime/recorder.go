package runtime

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/portico-dev/portico/internal/endpoint"
	"github.com/portico-dev/portico/internal/model"
)

// ExecutionSink takes batches of execution records: the control plane's
// POST /api/v1/executions/batch, idempotent per record id, so that a batch
// sent again after a lost answer does not count twice.
type ExecutionSink interface {
	SendExecutions(ctx context.Context, recs []*model.Execution) error
}

// RecorderConfig holds the dependencies and settings of a Recorder.
type RecorderConfig struct {
	// Sink receives the batches (required).
	Sink ExecutionSink
	// Logger receives send failures and drops (default: discard).
	Logger *slog.Logger
	// Capacity bounds the records held in memory while they cannot be
	// sent (DefaultRecorderCapacity).
	Capacity int
	// BatchSize is the most records one send carries (DefaultBatchSize,
	// at most MaxBatchSize, the control plane's limit).
	BatchSize int
	// FlushInterval is how long a record waits for a batch to fill
	// (DefaultFlushInterval).
	FlushInterval time.Duration
	// RetryMin and RetryMax bound the backoff between failed sends
	// (defaults 500ms and 30s).
	RetryMin, RetryMax time.Duration
	// SendTimeout bounds one send (DefaultSendTimeout).
	SendTimeout time.Duration
}

// Defaults of RecorderConfig.
const (
	DefaultRecorderCapacity = 10_000
	DefaultBatchSize        = 500
	MaxBatchSize            = 1000
	DefaultFlushInterval    = time.Second
	DefaultRecordRetryMin   = 500 * time.Millisecond
	DefaultRecordRetryMax   = 30 * time.Second
	DefaultSendTimeout      = 30 * time.Second
)

// warnEvery spaces out the warnings about dropped records and failed sends,
// which would otherwise come once per request or per retry.
const warnEvery = 30 * time.Second

// Recorder buffers the execution records of the endpoints and sends them to
// the control plane in batches from one goroutine, so a request never waits
// on it. While the control plane is down the records wait in memory, up to
// Capacity: beyond it the oldest are dropped and counted. It also holds the
// aggregates of low-latency executions, which leave no record.
//
// NewRecorder starts it; Close flushes and stops it.
type Recorder struct {
	cfg   RecorderConfig
	log   *slog.Logger
	queue *recordQueue

	wake    chan struct{} // a batch is full
	closing chan struct{} // Close was called
	done    chan struct{} // the loop returned
	// base bounds every send; Close cancels it when its own deadline
	// passes, which cuts a send or a backoff short.
	base       context.Context
	cancelBase context.CancelFunc
	closeOnce  sync.Once

	inFlight    atomic.Int64 // records taken from the queue, not yet settled
	sent        atomic.Int64
	dropped     atomic.Int64
	failedSends atomic.Int64
	rejected    atomic.Int64
	lastDropLog atomic.Int64 // unix nanoseconds

	llExecutions atomic.Int64
	llErrors     atomic.Int64
	llNanos      atomic.Int64
}

var _ endpoint.Recorder = (*Recorder)(nil)

// RecorderStats are the Recorder's counters.
type RecorderStats struct {
	// Queued records wait to be sent (a batch being sent included).
	Queued int64
	// Sent records were accepted by the sink.
	Sent int64
	// Dropped records were lost: the buffer was full, the control plane
	// refused them as invalid, or Close's deadline passed first.
	Dropped int64
	// Rejected is the part of Dropped the sink refused as invalid.
	Rejected int64
	// FailedSends counts the sends that failed (each retry counts).
	FailedSends int64
	// LowLatency aggregates the low-latency executions.
	LowLatency LowLatencyStats
}

// LowLatencyStats aggregate low-latency executions since start.
type LowLatencyStats struct {
	Executions int64
	Errors     int64
	Duration   time.Duration // the sum over all executions
}

// NewRecorder starts a recorder sending to cfg.Sink.
func NewRecorder(cfg RecorderConfig) (*Recorder, error) {
	if cfg.Sink == nil {
		return nil, errors.New("runtime: RecorderConfig.Sink is required")
	}
	if cfg.Capacity <= 0 {
		cfg.Capacity = DefaultRecorderCapacity
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = DefaultBatchSize
	}
	cfg.BatchSize = min(cfg.BatchSize, MaxBatchSize)
	if cfg.FlushInterval <= 0 {
		cfg.FlushInterval = DefaultFlushInterval
	}
	if cfg.RetryMin <= 0 {
		cfg.RetryMin = DefaultRecordRetryMin
	}
	if cfg.RetryMax < cfg.RetryMin {
		cfg.RetryMax = max(DefaultRecordRetryMax, cfg.RetryMin)
	}
	if cfg.SendTimeout <= 0 {
		cfg.SendTimeout = DefaultSendTimeout
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	base, cancel := context.WithCancel(context.Background())
	r := &Recorder{
		cfg:        cfg,
		log:        log.With("component", "recorder"),
		queue:      newRecordQueue(cfg.Capacity),
		wake:       make(chan struct{}, 1),
		closing:    make(chan struct{}),
		done:       make(chan struct{}),
		base:       base,
		cancelBase: cancel,
	}
	go r.loop()
	return r, nil
}

// Record queues one record; it never blocks. After Close it only counts
// the record as dropped.
func (r *Recorder) Record(rec *model.Execution) {
	select {
	case <-r.closing:
		r.drop(1, "the recorder is closed")
		return
	default:
	}
	dropped, n := r.queue.push(rec)
	if dropped {
		r.drop(1, "the buffer is full; the oldest records go")
	}
	if n >= r.cfg.BatchSize {
		select {
		case r.wake <- struct{}{}:
		default:
		}
	}
}

// CountLowLatency counts one low-latency execution.
func (r *Recorder) CountLowLatency(d time.Duration, failed bool) {
	r.llExecutions.Add(1)
	r.llNanos.Add(int64(d))
	if failed {
		r.llErrors.Add(1)
	}
}

// Stats returns the counters.
func (r *Recorder) Stats() RecorderStats {
	return RecorderStats{
		Queued:      int64(r.queue.len()) + r.inFlight.Load(),
		Sent:        r.sent.Load(),
		Dropped:     r.dropped.Load(),
		Rejected:    r.rejected.Load(),
		FailedSends: r.failedSends.Load(),
		LowLatency: LowLatencyStats{
			Executions: r.llExecutions.Load(),
			Errors:     r.llErrors.Load(),
			Duration:   time.Duration(r.llNanos.Load()),
		},
	}
}

// Close sends what is queued, retrying until ctx ends, then stops. Records
// still unsent by then are dropped, and the error says how many. Call it
// after the runtime has drained its requests, so that their records are in.
func (r *Recorder) Close(ctx context.Context) error {
	r.closeOnce.Do(func() { close(r.closing) })
	stop := context.AfterFunc(ctx, r.cancelBase)
	defer stop()
	<-r.done
	r.cancelBase()
	if n := r.queue.len(); n > 0 {
		// Records queued after the loop took its last batch.
		r.queue.take(n)
		r.drop(n, "the recorder is closed")
	}
	if ctx.Err() != nil {
		return fmt.Errorf("execution records: %w before all were sent (%d dropped in all)", ctx.Err(), r.dropped.Load())
	}
	return nil
}

// drop counts n lost records and warns, at most every warnEvery.
func (r *Recorder) drop(n int, why string) {
	total := r.dropped.Add(int64(n))
	now := time.Now().UnixNano()
	last := r.lastDropLog.Load()
	if now-last < int64(warnEvery) || !r.lastDropLog.CompareAndSwap(last, now) {
		return
	}
	r.log.Warn("execution records dropped", "reason", why, "dropped", total, "capacity", r.cfg.Capacity)
}

// loop sends batches until Close: a batch as soon as it is full, and
// everything queued when the flush interval passed.
func (r *Recorder) loop() {
	defer close(r.done)
	tick := time.NewTicker(r.cfg.FlushInterval)
	defer tick.Stop()
	bo := &backoff{min: r.cfg.RetryMin, max: r.cfg.RetryMax}
	closing := false
	for {
		// A full batch goes at once; the records of a partial one wait
		// for the interval (or Close).
		all := true
		select {
		case <-r.wake:
			all = false
		case <-tick.C:
		case <-r.closing:
			closing = true
		}
		for {
			if !all && !closing && r.queue.len() < r.cfg.BatchSize {
				break
			}
			batch := r.queue.take(r.cfg.BatchSize)
			if len(batch) == 0 {
				break
			}
			r.inFlight.Store(int64(len(batch)))
			ok := r.send(batch, bo, &closing)
			r.inFlight.Store(0)
			if !ok {
				r.drop(len(batch)+r.queue.len(), "the recorder closed before the control plane took them")
				r.queue.take(r.cfg.Capacity)
				return
			}
		}
		if closing {
			return
		}
	}
}

// send delivers one batch, retrying with backoff while the sink fails. It
// returns false when Close's deadline cut it short. A batch the sink refuses
// as invalid is dropped: sending it again would fail the same way and hold
// up every record behind it.
func (r *Recorder) send(batch []*model.Execution, bo *backoff, closing *bool) bool {
	var lastWarn time.Time
	for {
		ctx, cancel := context.WithTimeout(r.base, r.cfg.SendTimeout)
		err := r.cfg.Sink.SendExecutions(ctx, batch)
		cancel()
		switch {
		case err == nil:
			r.sent.Add(int64(len(batch)))
			bo.reset()
			return true
		case errors.Is(err, model.ErrInvalid):
			r.failedSends.Add(1)
			r.rejected.Add(int64(len(batch)))
			r.drop(len(batch), "the control plane refused them as invalid")
			r.log.Error("the control plane refused a batch of execution records", "records", len(batch), "err", err)
			return true
		}
		r.failedSends.Add(1)
		if r.base.Err() != nil {
			return false
		}
		wait := bo.next()
		if time.Since(lastWarn) >= warnEvery {
			lastWarn = time.Now()
			r.log.Warn("cannot send execution records; they wait in memory", "queued", int64(r.queue.len())+int64(len(batch)),
				"retry_in", wait, "err", err)
		}
		if !r.sleep(wait, closing) {
			return false
		}
	}
}

// sleep waits d, or less when Close's deadline passes (false). Close itself
// does not end the wait: the batch is still retried on the same schedule,
// now bounded by Close's deadline.
func (r *Recorder) sleep(d time.Duration, closing *bool) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		var closed <-chan struct{}
		if !*closing {
			closed = r.closing
		}
		select {
		case <-timer.C:
			return true
		case <-closed:
			*closing = true
		case <-r.base.Done():
			return false
		}
	}
}
