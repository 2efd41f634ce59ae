package compile_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/runtime/compile"
)

// recChan is an in-test endpoint.Recorder handing records to the test.
type recChan chan *model.Execution

func (c recChan) Record(e *model.Execution)           { c <- e }
func (c recChan) CountLowLatency(time.Duration, bool) {}

// TestCompiledEndpointsRecord checks the labels the compiler gives records.
func TestCompiledEndpointsRecord(t *testing.T) {
	t.Parallel()
	recs := make(recChan, 10)
	c, err := compile.New(compile.Options{Recorder: recs, RuntimeID: "rt-9"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	snap := snapshotOf(t, 3, model.Ref{Kind: model.KindAPI, Name: "erp"}, fmt.Sprintf(erpYAML, seedDB(t)))
	compiled, err := c.Compile(context.Background(), snap, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer compiled.Close()
	srv := httptest.NewServer(compiled.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/ws/rest/erp/v1/customers/99")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	var e *model.Execution
	select {
	case e = <-recs:
	case <-time.After(10 * time.Second):
		t.Fatal("no record")
	}
	got := fmt.Sprintln(e.ID == resp.Header.Get("X-Execution-Id"), e.Environment, e.Runtime, e.API, e.APIVersion,
		e.Process, e.Endpoint, e.Trigger, e.Status, e.HTTPStatus, e.Error)
	want := "true dev rt-9 erp v1 getCustomer GET /customers/{id} rest ERROR 404 no such customer\n"
	if got != want {
		t.Errorf("record %s\n want %s", got, want)
	}
}
