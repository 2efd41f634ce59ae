package simple_test

import (
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/endpoint"
	"github.com/portico-dev/portico/internal/endpoint/simple"
	"github.com/portico-dev/portico/internal/model"
)

// records is an in-test endpoint.Recorder that keeps what it is given.
type records struct {
	mu   sync.Mutex
	recs []*model.Execution
}

func (r *records) Record(e *model.Execution) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.recs = append(r.recs, e)
}

func (r *records) CountLowLatency(time.Duration, bool) {}

func TestRecordSimple(t *testing.T) {
	t.Parallel()
	rec := &records{}
	h, err := simple.Compile(map[string]endpoint.RunnerWithSpec{
		"get-customer": {Runner: echo, Spec: op("get", "Customer")},
	}, endpoint.Options{Recorder: rec, Environment: "dev", RuntimeID: "rt-1"})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{"GET", "POST"} {
		req := httptest.NewRequest(m, "/ws/simple/getCustomer?id=7", strings.NewReader(`{"id":7}`))
		if m == "POST" {
			req.Header.Set("Content-Type", "application/json")
		} else {
			req.Body = nil
		}
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.recs) != 2 {
		t.Fatalf("%d records, want 2", len(rec.recs))
	}
	for i, e := range rec.recs {
		if e.Trigger != "simple" || e.Endpoint != "getCustomer" || e.Process != "get-customer" ||
			e.API != "" || e.Status != model.ExecComplete || e.HTTPStatus != 200 || e.Environment != "dev" {
			t.Errorf("record %d = %+v", i, e)
		}
	}
	if rec.recs[0].InputDocs != 0 || rec.recs[1].InputDocs != 1 || string(rec.recs[1].Input) != `[{"id":7}]` {
		t.Errorf("inputs %d, %d %s; want 0 and 1 [{\"id\":7}]", rec.recs[0].InputDocs, rec.recs[1].InputDocs, rec.recs[1].Input)
	}
}
