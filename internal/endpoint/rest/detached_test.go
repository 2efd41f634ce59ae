package rest_test

import (
	"bytes"
	"context"
	"errors"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/endpoint/rest"
	"github.com/portico-dev/portico/internal/execution"
	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/process"
)

// reports keeps what the dispatcher reports, as the control plane would.
type reports struct {
	mu   sync.Mutex
	recs map[string]*model.Execution
	got  chan *model.Execution
}

func (r *reports) SendExecutions(_ context.Context, recs []*model.Execution) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, x := range recs {
		r.recs[x.ID] = x
		r.got <- x
	}
	return nil
}

// final waits for the terminal record of id.
func (r *reports) final(t *testing.T, id string) *model.Execution {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case x := <-r.got:
			if x.ID == id && execution.Terminal(x.Status) {
				return x
			}
		case <-deadline:
			t.Fatalf("no final record of %s", id)
		}
	}
}

// gated answers {"job": n} with status 201 and a header once released, or
// fails with its context.
type gated struct {
	release   chan struct{}
	cancelled chan error
}

func (g *gated) Run(ctx context.Context, _ process.Input) (*process.Result, error) {
	select {
	case <-g.release:
		return &process.Result{Status: 201, Documents: []any{map[string]any{"job": 7}},
			Props: map[string]any{"outheader_X-Job": "done"}}, nil
	case <-ctx.Done():
		g.cancelled <- context.Cause(ctx)
		return nil, ctx.Err()
	}
}

func detachedAPI(t *testing.T) (*httptest.Server, *gated, *reports, *execution.Dispatcher) {
	t.Helper()
	rep := &reports{recs: map[string]*model.Execution{}, got: make(chan *model.Execution, 64)}
	d, err := execution.NewDispatcher(execution.DispatcherConfig{Reporter: rep, DataDir: t.TempDir(), PlatformURL: "http://cp.test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Close(context.Background()) })
	g := &gated{release: make(chan struct{}), cancelled: make(chan error, 4)}
	api, err := rest.Compile(&model.APISpec{BasePath: "jobs", Version: "v1", Endpoints: []model.Endpoint{
		{Method: "POST", Path: "/run", Process: "job", Input: "none"},
		{Method: "POST", Path: "/submit", Process: "job", Input: "none", Async: &model.EndpointAsync{Webhook: "https://hooks.example.com/jobs"}},
	}}, map[string]rest.RunnerWithSpec{"job": proc(g, nil)}, rest.Options{
		Environment: "dev", Async: d.Bind(&model.ExecutionSettings{CallbackHosts: []string{"hooks.example.com"}, MaxWaitMS: 5000}),
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(rest.NewRouter([]*rest.API{api}))
	t.Cleanup(srv.Close)
	return srv, g, rep, d
}

// TestMaxWaitKeepsTheSynchronousAnswer: the answer given in time and the
// result kept after a 202 are the bytes and headers of a plain call.
func TestMaxWaitKeepsTheSynchronousAnswer(t *testing.T) {
	t.Parallel()
	srv, g, rep, _ := detachedAPI(t)
	late := do(t, "POST", srv.URL+"/ws/rest/jobs/v1/run", map[string]string{"X-Max-Wait": "50"}, "", false)
	if late.status != 202 || late.header.Get("Location") != "http://cp.test/api/v1/executions/"+late.header.Get("X-Execution-Id") {
		t.Fatalf("late: %d %v %s", late.status, late.header, late.body)
	}
	close(g.release)
	plain := do(t, "POST", srv.URL+"/ws/rest/jobs/v1/run", nil, "", false)
	inTime := do(t, "POST", srv.URL+"/ws/rest/jobs/v1/run", map[string]string{"X-Max-Wait": "60000"}, "", false)
	if plain.status != 201 || inTime.status != 201 || !bytes.Equal(plain.body, inTime.body) ||
		inTime.header.Get("X-Job") != "done" || inTime.header.Get("Content-Length") != plain.header.Get("Content-Length") {
		t.Errorf("in time %d %v %s; plain %d %v %s", inTime.status, inTime.header, inTime.body, plain.status, plain.header, plain.body)
	}
	x := rep.final(t, late.header.Get("X-Execution-Id"))
	r := x.Async.Result
	if x.Status != model.ExecComplete || r == nil || r.Status != 201 || !bytes.Equal(r.Body, plain.body) ||
		r.Header["X-Job"][0] != "done" || r.Header["Content-Type"][0] != plain.header.Get("Content-Type") ||
		r.Header["Content-Length"][0] != plain.header.Get("Content-Length") {
		t.Errorf("kept result %+v, record %+v", r, x)
	}
}

// TestAsyncEndpointAndCancel: an async endpoint answers 202 at once and
// reports the callback; a refused callback is a 400; a cancel ends the
// process's context and the execution ABORTED.
func TestAsyncEndpointAndCancel(t *testing.T) {
	t.Parallel()
	srv, g, rep, d := detachedAPI(t)
	bad := do(t, "POST", srv.URL+"/ws/rest/jobs/v1/submit", map[string]string{"X-Callback-Url": "http://127.0.0.1:1/x"}, "", false)
	if bad.status != 400 {
		t.Errorf("refused callback: %d %s", bad.status, bad.body)
	}
	a := do(t, "POST", srv.URL+"/ws/rest/jobs/v1/submit", nil, "", false)
	if a.status != 202 {
		t.Fatalf("async: %d %s", a.status, a.body)
	}
	id := a.header.Get("X-Execution-Id")
	rep.mu.Lock()
	accepted := rep.recs[id]
	rep.mu.Unlock()
	if accepted == nil || accepted.Status != model.ExecInProcess || accepted.Async.Callback != "https://hooks.example.com/jobs" {
		t.Fatalf("accepted record: %+v", accepted)
	}
	if !d.Cancel(id) {
		t.Fatal("the async execution is not running")
	}
	if cause := <-g.cancelled; !errors.Is(cause, execution.ErrCancelled) {
		t.Errorf("process context cause: %v", cause)
	}
	x := rep.final(t, id)
	if x.Status != model.ExecAborted || x.Async.Result != nil || x.Async.Callback == "" {
		t.Errorf("after cancel: %+v", x)
	}
}

// TestAsyncWebhookRefusedByTheEnvironment: an endpoint whose own webhook the
// environment does not allow answers 500 (the caller cannot fix it) and runs
// nothing; a caller's allowed X-Callback-Url still works.
func TestAsyncWebhookRefusedByTheEnvironment(t *testing.T) {
	t.Parallel()
	rep := &reports{recs: map[string]*model.Execution{}, got: make(chan *model.Execution, 64)}
	d, err := execution.NewDispatcher(execution.DispatcherConfig{Reporter: rep})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Close(context.Background()) })
	ran := make(chan struct{}, 4)
	job := runFunc(func(context.Context, process.Input) (*process.Result, error) {
		ran <- struct{}{}
		return &process.Result{}, nil
	})
	api, err := rest.Compile(&model.APISpec{BasePath: "jobs", Version: "v1", Endpoints: []model.Endpoint{
		{Method: "POST", Path: "/submit", Process: "job", Input: "none", Async: &model.EndpointAsync{Webhook: "https://hooks.example.com/jobs"}},
	}}, map[string]rest.RunnerWithSpec{"job": proc(job, nil)}, rest.Options{
		Environment: "dev", Async: d.Bind(&model.ExecutionSettings{CallbackHosts: []string{"other.example.com"}}),
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(rest.NewRouter([]*rest.API{api}))
	defer srv.Close()
	if a := do(t, "POST", srv.URL+"/ws/rest/jobs/v1/submit", nil, "", false); a.status != 500 {
		t.Errorf("refused endpoint webhook: %d %s", a.status, a.body)
	}
	select {
	case <-ran:
		t.Error("the process ran although its webhook is refused")
	default:
	}
	if a := do(t, "POST", srv.URL+"/ws/rest/jobs/v1/submit", map[string]string{"X-Callback-Url": "https://other.example.com/cb"}, "", false); a.status != 202 {
		t.Errorf("allowed X-Callback-Url: %d %s", a.status, a.body)
	}
}
