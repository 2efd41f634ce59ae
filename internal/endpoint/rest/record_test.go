package rest_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/endpoint"
	"github.com/portico-dev/portico/internal/endpoint/rest"
	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/process"
)

// records is an in-test endpoint.Recorder that keeps what it is given.
type records struct {
	mu       sync.Mutex
	recs     []*model.Execution
	got      chan struct{} // a value per Record, for tests that wait
	llCount  int
	llFailed int
}

func newRecords() *records { return &records{got: make(chan struct{}, 100)} }

func (r *records) Record(e *model.Execution) {
	r.mu.Lock()
	r.recs = append(r.recs, e)
	r.mu.Unlock()
	r.got <- struct{}{}
}

func (r *records) CountLowLatency(_ time.Duration, failed bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.llCount++
	if failed {
		r.llFailed++
	}
}

func (r *records) all() []*model.Execution {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*model.Execution(nil), r.recs...)
}

// recordedAPI compiles one API whose endpoints run the given processes and
// record into rec, with the record limit given.
func recordedAPI(t *testing.T, rec *records, limit int, procs map[string]endpoint.RunnerWithSpec, eps ...model.Endpoint) *rest.API {
	t.Helper()
	api, err := rest.Compile(&model.APISpec{BasePath: "crm", Version: "v1", Endpoints: eps}, procs, rest.Options{
		Recorder: rec, Environment: "dev", RuntimeID: "rt-1", API: "crm-api", APIVersion: "1.2.0",
		RecordLimitBytes: limit,
	})
	if err != nil {
		t.Fatal(err)
	}
	return api
}

func TestRecordGeneralMode(t *testing.T) {
	t.Parallel()
	secret := errors.New(`pq: relation "secret_table" does not exist`)
	tests := []struct {
		name       string
		run        runFunc
		mode       string
		method     string
		path       string
		input      string
		body       string
		limit      int
		wantStatus string
		wantHTTP   int
		wantError  string // the record's message, "" for none
		wantIn     int
		wantOut    int
		wantInJSON string // the recorded input, "" to skip
		wantCut    bool
	}{
		{
			name: "complete", run: docsOnly, method: "POST", path: "/customers/{id}", input: "multijson",
			body: `[{"a":1},{"b":2}]`, wantStatus: model.ExecComplete, wantHTTP: 200, wantIn: 2, wantOut: 2,
			wantInJSON: `[{"a":1},{"b":2}]`,
		},
		{
			name: "explicit general mode, nothing in", run: numbered(3), mode: model.ModeGeneral, method: "GET", path: "/customers/{id}",
			wantStatus: model.ExecComplete, wantHTTP: 200, wantIn: 0, wantOut: 3,
		},
		{
			name: "documents cut to the limit", run: docsOnly, method: "POST", path: "/customers/{id}", input: "multijson",
			body: `[{"a":"xxxxxxxxxx"},{"b":"yyyyyyyyyy"},{"c":"zzzzzzzzzz"}]`, limit: 40,
			wantStatus: model.ExecComplete, wantHTTP: 200, wantIn: 3, wantOut: 3,
			wantInJSON: `[{"a":"xxxxxxxxxx"},{"b":"yyyyyyyyyy"}]`, wantCut: true,
		},
		{
			name: "a document larger than the limit", run: docsOnly, method: "POST", path: "/customers/{id}", input: "json",
			body: `{"a":"` + strings.Repeat("x", 100) + `"}`, limit: 50,
			wantStatus: model.ExecComplete, wantHTTP: 200, wantIn: 1, wantOut: 1, wantInJSON: `[]`, wantCut: true,
		},
		{
			name: "Go error stays in the log", run: returns(nil, secret), method: "GET", path: "/customers/{id}",
			wantStatus: model.ExecError, wantHTTP: 500, wantError: "the process failed; see execution ",
		},
		{
			name: "fail step", run: returns(nil, &process.Failure{Status: 404, Message: "no customer 7"}), method: "GET", path: "/customers/{id}",
			wantStatus: model.ExecError, wantHTTP: 404, wantError: "no customer 7",
		},
		{
			name: "refused before the process", run: docsOnly, method: "POST", path: "/customers/{id}", input: "json",
			body: `{"a":`, wantStatus: model.ExecError, wantHTTP: 400, wantError: "invalid JSON",
		},
		{
			name: "status asked by the process", run: returns(&process.Result{Status: 404}, nil), method: "GET", path: "/customers/{id}",
			wantStatus: model.ExecComplete, wantHTTP: 404, wantOut: 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := newRecords()
			api := recordedAPI(t, rec, tt.limit,
				map[string]endpoint.RunnerWithSpec{"get-customer": proc(tt.run, &model.ProcessSpec{Mode: tt.mode})},
				model.Endpoint{Method: tt.method, Path: tt.path, Process: "get-customer", Input: tt.input})
			req := httptest.NewRequest(tt.method, "/ws/rest/crm/v1/customers/7", strings.NewReader(tt.body))
			if tt.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			req = req.WithContext(endpoint.WithUser(req.Context(), "alice"))
			w := httptest.NewRecorder()
			before := time.Now()
			api.ServeHTTP(w, req)
			after := time.Now()

			recs := rec.all()
			if len(recs) != 1 {
				t.Fatalf("%d records, want 1 (answer %d %s)", len(recs), w.Code, w.Body)
			}
			e := recs[0]
			if err := e.Validate(); err != nil {
				t.Errorf("the record does not validate: %v", err)
			}
			want := map[string][2]any{
				"id":         {e.ID, w.Header().Get(endpoint.ExecutionIDHeader)},
				"env":        {e.Environment, "dev"},
				"runtime":    {e.Runtime, "rt-1"},
				"process":    {e.Process, "get-customer"},
				"api":        {e.API, "crm-api"},
				"apiVersion": {e.APIVersion, "1.2.0"},
				"endpoint":   {e.Endpoint, tt.method + " /customers/{id}"},
				"trigger":    {e.Trigger, "rest"},
				"mode":       {e.Mode, model.ModeGeneral},
				"status":     {e.Status, tt.wantStatus},
				"httpStatus": {e.HTTPStatus, tt.wantHTTP},
				"answered":   {w.Code, tt.wantHTTP},
				"user":       {e.User, "alice"},
				"inputDocs":  {e.InputDocs, tt.wantIn},
				"outputDocs": {e.OutputDocs, tt.wantOut},
				"truncated":  {e.Truncated, tt.wantCut},
			}
			for k, v := range want {
				if v[0] != v[1] {
					t.Errorf("%s = %v, want %v", k, v[0], v[1])
				}
			}
			if tt.wantError == "" && e.Error != "" || !strings.Contains(e.Error, tt.wantError) {
				t.Errorf("error = %q, want %q", e.Error, tt.wantError)
			}
			if strings.Contains(e.Error, "secret_table") {
				t.Errorf("the record shows the Go error: %q", e.Error)
			}
			if e.StartedAt.Before(before) || e.EndedAt == nil || e.EndedAt.After(after) || e.EndedAt.Before(e.StartedAt) {
				t.Errorf("times %v..%v outside the request %v..%v", e.StartedAt, e.EndedAt, before, after)
			}
			if e.DurationMS < 0 || e.DurationMS > float64(after.Sub(before).Microseconds())/1000 {
				t.Errorf("duration %vms", e.DurationMS)
			}
			for name, raw := range map[string]json.RawMessage{"input": e.Input, "output": e.Output} {
				if raw != nil && !json.Valid(raw) {
					t.Errorf("%s is not JSON: %s", name, raw)
				}
				if len(raw) > max(tt.limit, 0) && tt.limit > 0 {
					t.Errorf("%s is %d bytes, over the limit %d", name, len(raw), tt.limit)
				}
			}
			if tt.wantInJSON != "" && string(e.Input) != tt.wantInJSON {
				t.Errorf("input = %s, want %s", e.Input, tt.wantInJSON)
			}
			if tt.wantOut > 0 && !tt.wantCut {
				var out []any
				if err := json.Unmarshal(e.Output, &out); err != nil || len(out) == 0 {
					t.Errorf("output = %s (%v), want the documents", e.Output, err)
				}
			}
		})
	}
}

func TestRecordLowLatency(t *testing.T) {
	t.Parallel()
	rec := newRecords()
	spec := &model.ProcessSpec{Mode: model.ModeLowLatency}
	api := recordedAPI(t, rec, 0, map[string]endpoint.RunnerWithSpec{
		"fast": proc(numbered(1), spec),
		"bad":  proc(returns(nil, errors.New("boom")), spec),
	},
		model.Endpoint{Method: "GET", Path: "/fast", Process: "fast"},
		model.Endpoint{Method: "GET", Path: "/bad", Process: "bad"})
	for _, p := range []string{"/fast", "/fast", "/bad"} {
		api.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/ws/rest/crm/v1"+p, nil))
	}
	if n := len(rec.all()); n != 0 {
		t.Errorf("%d records of low-latency executions, want none", n)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if rec.llCount != 3 || rec.llFailed != 1 {
		t.Errorf("counted %d executions, %d failed; want 3 and 1", rec.llCount, rec.llFailed)
	}
}

// TestRecordAborted cancels a real HTTP request while its process runs.
func TestRecordAborted(t *testing.T) {
	t.Parallel()
	rec := newRecords()
	running := make(chan struct{})
	wait := runFunc(func(ctx context.Context, _ process.Input) (*process.Result, error) {
		close(running)
		<-ctx.Done()
		return nil, ctx.Err()
	})
	api := recordedAPI(t, rec, 0, map[string]endpoint.RunnerWithSpec{"slow": proc(wait, nil)},
		model.Endpoint{Method: "GET", Path: "/slow", Process: "slow"})
	srv := httptest.NewServer(rest.NewRouter([]*rest.API{api}))
	defer srv.Close()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", srv.URL+"/ws/rest/crm/v1/slow", nil)
	if err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() {
		res, err := http.DefaultClient.Do(req)
		if err == nil {
			res.Body.Close()
		}
		errc <- err
	}()
	<-running
	cancel()
	if err := <-errc; err == nil {
		t.Fatal("the request completed; want it cancelled")
	}
	select {
	case <-rec.got:
	case <-time.After(10 * time.Second):
		t.Fatal("no record after the client went away")
	}
	recs := rec.all()
	if len(recs) != 1 {
		t.Fatalf("%d records, want 1", len(recs))
	}
	if e := recs[0]; e.Status != model.ExecAborted || e.HTTPStatus != 0 || e.Error != "" {
		t.Errorf("record status %s, http %d, error %q; want ABORTED, 0, none", e.Status, e.HTTPStatus, e.Error)
	}
}
