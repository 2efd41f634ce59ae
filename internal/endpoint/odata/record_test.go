package odata_test

import (
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/connector/sqldb"
	"github.com/portico-dev/portico/internal/endpoint"
	"github.com/portico-dev/portico/internal/endpoint/odata"
	"github.com/portico-dev/portico/internal/model"
)

type records struct {
	mu   sync.Mutex
	list []*model.Execution
}

func (r *records) Record(x *model.Execution) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.list = append(r.list, x)
}

func (r *records) CountLowLatency(time.Duration, bool) {}

func TestRequestsAreRecorded(t *testing.T) {
	t.Parallel()
	db := openBackend(t, "sqlite")
	schema(t, db)
	rec := &records{}
	svc, err := odata.Compile(odata.Input{Name: "erp", API: apiSpec(t), DBs: map[string]*sqldb.DB{"erpdb": db}},
		endpoint.Options{Recorder: rec, Environment: "dev", RuntimeID: "rt1", APIVersion: "v1"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(odata.NewRouter(odata.DefaultPrefix, []*odata.Service{svc}))
	defer srv.Close()
	ok := do(t, "GET", srv.URL+"/ws/odata/erp/v1/Customers?$top=1", "")
	bad := do(t, "GET", srv.URL+"/ws/odata/erp/v1/Customers?$filter=nope%20eq%201", "")
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.list) != 2 {
		t.Fatalf("%d records, want 2", len(rec.list))
	}
	a, b := rec.list[0], rec.list[1]
	if a.ID != ok.header.Get("X-Execution-Id") || a.Trigger != "odata" || a.Status != model.ExecComplete || a.HTTPStatus != 200 ||
		a.Endpoint != "GET Customers" || a.API != "erp" || a.Environment != "dev" || a.Validate() != nil {
		t.Errorf("record of a good request: %+v (%v)", a, a.Validate())
	}
	if b.ID != bad.header.Get("X-Execution-Id") || b.Status != model.ExecError || b.HTTPStatus != 400 || b.Error == "" {
		t.Errorf("record of a refused request: %+v", b)
	}
}
