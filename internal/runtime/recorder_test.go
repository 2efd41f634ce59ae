package runtime_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/runtime"
)

// memSink is an in-test ExecutionSink (our own interface, not a database):
// it keeps the records it accepts, by id as the control plane does, and
// fails while err is set.
type memSink struct {
	mu      sync.Mutex
	err     error
	ids     []string // in the order accepted, each once
	seen    map[string]bool
	batches []int
	calls   int
	// reject refuses any batch holding this id as invalid.
	reject string
}

func newMemSink() *memSink { return &memSink{seen: map[string]bool{}} }

func (s *memSink) SendExecutions(ctx context.Context, recs []*model.Execution) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if s.err != nil {
		return s.err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	for _, r := range recs {
		if r.ID == s.reject {
			return fmt.Errorf("batch: %w", model.ErrInvalid)
		}
	}
	s.batches = append(s.batches, len(recs))
	for _, r := range recs {
		if !s.seen[r.ID] {
			s.seen[r.ID] = true
			s.ids = append(s.ids, r.ID)
		}
	}
	return nil
}

func (s *memSink) setErr(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.err = err
}

func (s *memSink) snapshot() (ids []string, batches []int, calls int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.ids), slices.Clone(s.batches), s.calls
}

func execRec(i int) *model.Execution {
	return &model.Execution{ID: fmt.Sprintf("x%05d", i), Environment: "dev", Process: "p", Status: model.ExecComplete,
		StartedAt: time.Now(), Trigger: "rest", Mode: model.ModeGeneral}
}

func ids(from, to int) []string {
	var out []string
	for i := from; i < to; i++ {
		out = append(out, fmt.Sprintf("x%05d", i))
	}
	return out
}

// eventually polls cond for up to 10 s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func newRecorder(t *testing.T, cfg runtime.RecorderConfig) *runtime.Recorder {
	t.Helper()
	r, err := runtime.NewRecorder(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = r.Close(ctx)
	})
	return r
}

func closeWithin(t *testing.T, r *runtime.Recorder, d time.Duration) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	return r.Close(ctx)
}

func TestRecorderBatches(t *testing.T) {
	t.Parallel()
	sink := newMemSink()
	// No timer flush within the test: only full batches go before Close.
	r := newRecorder(t, runtime.RecorderConfig{Sink: sink, BatchSize: 10, FlushInterval: time.Hour})
	for i := range 25 {
		r.Record(execRec(i))
	}
	eventually(t, "two full batches", func() bool { got, _, _ := sink.snapshot(); return len(got) == 20 })
	if st := r.Stats(); st.Queued != 5 || st.Sent != 20 {
		t.Errorf("stats %+v, want 5 queued and 20 sent", st)
	}
	if err := closeWithin(t, r, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	got, batches, _ := sink.snapshot()
	if !slices.Equal(got, ids(0, 25)) {
		t.Errorf("sent %v, want x00000..x00024 in order", got)
	}
	if !slices.Equal(batches, []int{10, 10, 5}) {
		t.Errorf("batches %v, want [10 10 5]", batches)
	}
	if st := r.Stats(); st.Queued != 0 || st.Sent != 25 || st.Dropped != 0 || st.FailedSends != 0 {
		t.Errorf("stats after Close %+v", st)
	}
}

func TestRecorderFlushInterval(t *testing.T) {
	t.Parallel()
	sink := newMemSink()
	r := newRecorder(t, runtime.RecorderConfig{Sink: sink, BatchSize: 100, FlushInterval: 20 * time.Millisecond})
	for i := range 3 {
		r.Record(execRec(i))
	}
	eventually(t, "the interval's flush", func() bool { got, _, _ := sink.snapshot(); return len(got) == 3 })
	if _, batches, _ := sink.snapshot(); !slices.Equal(batches, []int{3}) {
		t.Errorf("batches %v, want one of 3", batches)
	}
}

// TestRecorderOutage keeps the sink down while four goroutines record, then
// brings it back: nothing below the bound is lost.
func TestRecorderOutage(t *testing.T) {
	t.Parallel()
	sink := newMemSink()
	sink.setErr(fmt.Errorf("control plane: %w", model.ErrUnavailable))
	r := newRecorder(t, runtime.RecorderConfig{Sink: sink, Capacity: 1000, BatchSize: 50,
		FlushInterval: 10 * time.Millisecond, RetryMin: 2 * time.Millisecond, RetryMax: 20 * time.Millisecond})
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 100 {
				r.Record(execRec(g*100 + i))
			}
		})
	}
	wg.Wait()
	eventually(t, "retries", func() bool { return r.Stats().FailedSends >= 5 })
	st := r.Stats()
	if st.Queued != 400 || st.Sent != 0 || st.Dropped != 0 {
		t.Errorf("stats during the outage %+v, want 400 queued, none sent or dropped", st)
	}
	// The backoff spaces the retries out: far fewer calls than 2 ms apart.
	_, _, calls := sink.snapshot()
	sink.setErr(nil)
	eventually(t, "recovery", func() bool { return r.Stats().Sent == 400 })
	got, _, _ := sink.snapshot()
	slices.Sort(got)
	if !slices.Equal(got, ids(0, 400)) {
		t.Errorf("%d distinct records arrived, want all 400", len(got))
	}
	if st := r.Stats(); st.Queued != 0 || st.Dropped != 0 || st.FailedSends < int64(calls) {
		t.Errorf("stats after recovery %+v (calls during the outage %d)", st, calls)
	}
}

func TestRecorderOverflowDropsOldest(t *testing.T) {
	t.Parallel()
	sink := newMemSink()
	// A batch never fills and the interval never passes: all 25 stay queued.
	r := newRecorder(t, runtime.RecorderConfig{Sink: sink, Capacity: 10, BatchSize: 100, FlushInterval: time.Hour})
	for i := range 25 {
		r.Record(execRec(i))
	}
	if st := r.Stats(); st.Queued != 10 || st.Dropped != 15 {
		t.Errorf("stats %+v, want 10 queued and 15 dropped", st)
	}
	if err := closeWithin(t, r, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	if got, _, _ := sink.snapshot(); !slices.Equal(got, ids(15, 25)) {
		t.Errorf("sent %v, want the newest ten", got)
	}
}

func TestRecorderCloseDeadline(t *testing.T) {
	t.Parallel()
	sink := newMemSink()
	sink.setErr(errors.New("connection refused"))
	r := newRecorder(t, runtime.RecorderConfig{Sink: sink, FlushInterval: time.Hour, RetryMin: 10 * time.Millisecond})
	for i := range 7 {
		r.Record(execRec(i))
	}
	start := time.Now()
	err := closeWithin(t, r, 100*time.Millisecond)
	if err == nil || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Close = %v, want the deadline", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Close took %s past its deadline", d)
	}
	if st := r.Stats(); st.Queued != 0 || st.Dropped != 7 || st.FailedSends == 0 {
		t.Errorf("stats %+v, want 7 dropped and failed sends", st)
	}
	r.Record(execRec(8))
	if st := r.Stats(); st.Dropped != 8 || st.Queued != 0 {
		t.Errorf("a record after Close: stats %+v, want it dropped", st)
	}
}

func TestRecorderRejectedBatch(t *testing.T) {
	t.Parallel()
	sink := newMemSink()
	sink.reject = "x00003"
	r := newRecorder(t, runtime.RecorderConfig{Sink: sink, BatchSize: 5, FlushInterval: time.Hour})
	for i := range 10 {
		r.Record(execRec(i))
	}
	if err := closeWithin(t, r, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	if got, _, _ := sink.snapshot(); !slices.Equal(got, ids(5, 10)) {
		t.Errorf("sent %v, want the batch after the refused one", got)
	}
	if st := r.Stats(); st.Rejected != 5 || st.Dropped != 5 || st.Sent != 5 {
		t.Errorf("stats %+v, want 5 rejected (dropped) and 5 sent", st)
	}
}

func TestRecorderLowLatency(t *testing.T) {
	t.Parallel()
	r := newRecorder(t, runtime.RecorderConfig{Sink: newMemSink()})
	r.CountLowLatency(2*time.Millisecond, false)
	r.CountLowLatency(3*time.Millisecond, true)
	want := runtime.LowLatencyStats{Executions: 2, Errors: 1, Duration: 5 * time.Millisecond}
	if got := r.Stats().LowLatency; got != want {
		t.Errorf("low-latency stats %+v, want %+v", got, want)
	}
}

func TestNewRecorderNeedsSink(t *testing.T) {
	t.Parallel()
	if _, err := runtime.NewRecorder(runtime.RecorderConfig{}); err == nil {
		t.Error("NewRecorder without a sink succeeded")
	}
}
