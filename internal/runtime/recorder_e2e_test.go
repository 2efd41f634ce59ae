package runtime_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/client"
	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/runtime"
	"github.com/portico-dev/portico/internal/runtime/compile"
)

// TestRecordsReachTheControlPlane runs real requests through a compiled
// snapshot while the control plane is down, then starts it: the recorder's
// records arrive in its store, readable through the platform API.
func TestRecordsReachTheControlPlane(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	dir := t.TempDir()
	// The token is made on the store the control plane will serve later.
	first := startControlPlane(t, "", dir)
	token := first.runtimeToken(t)

	cl, err := client.New("http://"+addr, token, nil)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := runtime.NewRecorder(runtime.RecorderConfig{Sink: runtime.NewControlPlaneSink(cl),
		FlushInterval: 10 * time.Millisecond, RetryMin: 10 * time.Millisecond, RetryMax: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	comp, err := compile.New(compile.Options{Recorder: rec, RuntimeID: "rt-e2e"})
	if err != nil {
		t.Fatal(err)
	}
	defer comp.Close()
	snap := &model.Snapshot{Environment: "dev", Revision: 1, Deployments: []model.SnapshotDeployment{{
		Deployment: model.Deployment{Environment: "dev", Component: model.Ref{Kind: model.KindProcess, Name: "greet"}, Version: "1.0.0", Active: true},
		Package:    model.Package{Component: model.Ref{Kind: model.KindProcess, Name: "greet"}, Version: "1.0.0"},
		Components: []model.Component{{Kind: model.KindProcess, Name: "greet", Revision: 1, Spec: &model.ProcessSpec{
			Operation: &model.ProcessOperation{Type: "get", Object: "Greeting"},
			Steps:     []model.Step{{Map: &model.MapStep{JQ: `{greeting: ("hello " + .name)}`}}},
		}}},
	}}}
	compiled, err := comp.Compile(context.Background(), snap, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer compiled.Close()
	srv := httptest.NewServer(compiled.Handler())
	defer srv.Close()

	var ids []string
	for _, name := range []string{"Ada", "Grace", "Linus"} {
		resp, err := http.Post(srv.URL+"/ws/simple/getGreeting", "application/json", strings.NewReader(`{"name":"`+name+`"}`))
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("POST getGreeting = %d", resp.StatusCode)
		}
		ids = append(ids, resp.Header.Get("X-Execution-Id"))
	}
	eventually(t, "failed sends while the control plane is down", func() bool { return rec.Stats().FailedSends >= 2 })
	if st := rec.Stats(); st.Queued != 3 || st.Sent != 0 {
		t.Errorf("stats while down: %+v", st)
	}

	cp := startControlPlane(t, addr, dir)
	eventually(t, "the records to be sent", func() bool { return rec.Stats().Sent == 3 })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := rec.Close(ctx); err != nil {
		t.Fatal(err)
	}
	for i, id := range ids {
		x, err := cp.admin.GetExecution(context.Background(), id)
		if err != nil {
			t.Fatalf("execution %s: %v", id, err)
		}
		if x.Environment != "dev" || x.Runtime != "rt-e2e" || x.Process != "greet" || x.Trigger != "simple" ||
			x.Endpoint != "getGreeting" || x.Status != model.ExecComplete || x.HTTPStatus != 200 ||
			x.InputDocs != 1 || x.OutputDocs != 1 || !strings.Contains(string(x.Output), "hello "+[]string{"Ada", "Grace", "Linus"}[i]) {
			t.Errorf("stored record %d: %+v (output %s)", i, x, x.Output)
		}
	}
	page, err := cp.admin.ListExecutions(context.Background(), client.ExecutionQuery{Environment: "dev", Process: "greet"}, client.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 3 {
		t.Errorf("listed %d records, want 3", len(page.Items))
	}
}
