package execution

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/model"
)

// sink keeps what a Dispatcher reports; it refuses while down is set.
type sink struct {
	mu   sync.Mutex
	down bool
	got  []*model.Execution
	sent chan struct{}
}

func newSink() *sink { return &sink{sent: make(chan struct{}, 64)} }

func (s *sink) SendExecutions(_ context.Context, recs []*model.Execution) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.down {
		return errors.New("control plane down")
	}
	s.got = append(s.got, recs...)
	s.sent <- struct{}{}
	return nil
}

func (s *sink) last(t *testing.T) *model.Execution {
	t.Helper()
	select {
	case <-s.sent:
	case <-time.After(10 * time.Second):
		t.Fatal("nothing reported")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.got[len(s.got)-1]
}

// TestDispatcherReportsWhatACrashLeft: the journal of a run that died with
// an execution in flight is reported as ABORTED at the next start, then
// emptied.
func TestDispatcherReportsWhatACrashLeft(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	s := newSink()
	s.down = true
	d, err := NewDispatcher(DispatcherConfig{Reporter: s, DataDir: data})
	if err != nil {
		t.Fatal(err)
	}
	b := d.Bind(nil)
	rec := &model.Execution{ID: "0195f0a0-1c2d-7e3f-8a4b-5c6d7e8f9a0b", Environment: "dev", Status: model.ExecInProcess,
		StartedAt: time.Now().Add(-time.Second), Async: &model.ExecutionAsync{Callback: "https://hooks.example.com/"}}
	if err := b.Accept(context.Background(), rec); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(data, "runtime", "executions", rec.ID+".json")
	if _, err := os.Stat(file); err != nil {
		t.Fatalf("accepted execution not journaled: %v", err)
	}
	// The process dies here: no Finish, no Close.

	s2 := newSink()
	d2, err := NewDispatcher(DispatcherConfig{Reporter: s2, DataDir: data})
	if err != nil {
		t.Fatal(err)
	}
	got := s2.last(t)
	if got.ID != rec.ID || got.Status != model.ExecAborted || got.EndedAt == nil || got.Async == nil || got.Async.Callback != rec.Async.Callback {
		t.Errorf("reported after restart: %+v", got)
	}
	if err := d2.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Errorf("journal entry left after its report: %v", err)
	}
}

// TestDispatcherCancelAndShutdown: Cancel ends one detached execution with
// ErrCancelled as its cause; Close ends the others with ErrShutdown and
// waits for their final reports.
func TestDispatcherCancelAndShutdown(t *testing.T) {
	t.Parallel()
	s := newSink()
	d, err := NewDispatcher(DispatcherConfig{Reporter: s, DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	b := d.Bind(&model.ExecutionSettings{PlatformURL: "https://cp.example.com/"})
	if got := b.StatusLink("x"); got != "https://cp.example.com/api/v1/executions/x" {
		t.Errorf("StatusLink = %s", got)
	}
	parent, cancelParent := context.WithCancel(context.WithValue(context.Background(), sinkKey{}, "v"))
	c1, release1 := b.Detach(parent, "one")
	c2, release2 := b.Detach(parent, "two")
	cancelParent()
	if c1.Err() != nil || c1.Value(sinkKey{}) != "v" {
		t.Fatalf("a detached context ends with its request or loses its values: %v", c1.Err())
	}
	if !d.Cancel("one") || d.Cancel("nope") {
		t.Error("Cancel: want true for a running execution, false otherwise")
	}
	<-c1.Done()
	if !errors.Is(context.Cause(c1), ErrCancelled) {
		t.Errorf("cause = %v, want ErrCancelled", context.Cause(c1))
	}
	release1()
	go func() {
		<-c2.Done()
		b.Finish(&model.Execution{ID: "two", Environment: "dev", Status: model.ExecAborted, StartedAt: time.Now()})
		release2()
	}()
	if err := d.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !errors.Is(context.Cause(c2), ErrShutdown) {
		t.Errorf("cause = %v, want ErrShutdown", context.Cause(c2))
	}
	if got := s.last(t); got.ID != "two" {
		t.Errorf("final report = %+v", got)
	}
}

type sinkKey struct{}

// TestAfterDetachedWaitsForTheSnapshotsExecutions: a replaced snapshot's
// resources are released only once its detached executions have ended.
func TestAfterDetachedWaitsForTheSnapshotsExecutions(t *testing.T) {
	t.Parallel()
	d, err := NewDispatcher(DispatcherConfig{Reporter: newSink()})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close(context.Background())
	idle := d.Bind(nil)
	released := false
	idle.AfterDetached(func() { released = true })
	if !released {
		t.Error("a snapshot without detached executions was not released at once")
	}
	busy := d.Bind(nil)
	_, release := busy.Detach(context.Background(), "x")
	done := make(chan struct{})
	busy.AfterDetached(func() { close(done) })
	select {
	case <-done:
		t.Fatal("released while a detached execution runs")
	case <-time.After(50 * time.Millisecond):
	}
	release()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("not released after the detached execution ended")
	}
}

// TestFitShrinksRecordsTooBigToSend: documents go first, then the result's
// body; a record that fits is left alone.
func TestFitShrinksRecordsTooBigToSend(t *testing.T) {
	t.Parallel()
	docs := json.RawMessage(`["` + strings.Repeat("d", 1<<20) + `"]`)
	small := &model.Execution{ID: "x", Input: docs, Async: &model.ExecutionAsync{Result: &model.ExecutionResult{Status: 200, Body: []byte("ok")}}}
	fit(small)
	if small.Input == nil || small.Truncated {
		t.Error("a record that fits was shrunk")
	}
	docsTooBig := &model.Execution{ID: "x", Input: docs, Output: docs, Async: &model.ExecutionAsync{Result: &model.ExecutionResult{Status: 200, Body: make([]byte, 1<<20)}}}
	fit(docsTooBig)
	if docsTooBig.Input != nil || docsTooBig.Output != nil || !docsTooBig.Truncated || docsTooBig.Async.Result.Dropped {
		t.Errorf("documents should go first: %d %d %v %v", len(docsTooBig.Input), len(docsTooBig.Output), docsTooBig.Truncated, docsTooBig.Async.Result.Dropped)
	}
	bodyTooBig := &model.Execution{ID: "x", Async: &model.ExecutionAsync{Result: &model.ExecutionResult{Status: 200, Body: make([]byte, 3<<20)}}}
	fit(bodyTooBig)
	if !bodyTooBig.Async.Result.Dropped || bodyTooBig.Async.Result.Body != nil || bodyTooBig.Async.Result.Status != 200 {
		t.Errorf("an oversized body should be dropped, its status kept: %+v", bodyTooBig.Async.Result.Dropped)
	}
}
