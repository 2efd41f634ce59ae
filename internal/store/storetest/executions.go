package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/store"
)

// execBase is the start time the execution tests count from.
var execBase = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// execution returns a record of process in env started at execBase+minute.
func execution(id, env, process, status string, minute int) *model.Execution {
	return &model.Execution{
		ID: id, Environment: env, Process: process, Status: status,
		Trigger: "rest", Mode: "general", StartedAt: execBase.Add(time.Duration(minute) * time.Minute),
	}
}

func insertExecs(t *testing.T, s store.Store, want int, recs ...*model.Execution) {
	t.Helper()
	n, err := s.InsertExecutions(context.Background(), recs)
	if err != nil {
		t.Fatalf("InsertExecutions: %v", err)
	}
	if n != want {
		t.Fatalf("InsertExecutions inserted %d, want %d", n, want)
	}
}

func getExec(t *testing.T, s store.Store, id string) *model.Execution {
	t.Helper()
	x, err := s.GetExecution(context.Background(), id)
	if err != nil {
		t.Fatalf("GetExecution %s: %v", id, err)
	}
	return x
}

// execIDs lists every record matching f, paging by 3.
func execIDs(t *testing.T, s store.Store, f store.ExecutionFilter) []string {
	t.Helper()
	return collect(t, "executions", 3, func(p store.Page) ([]*model.Execution, string, error) {
		return s.ListExecutions(context.Background(), f, p)
	}, func(x *model.Execution) string { return x.ID })
}

func testExecutionsRoundTrip(t *testing.T, s store.Store) {
	ctx := context.Background()
	ended := execBase.Add(1500*time.Microsecond + 789) // below a microsecond is dropped
	full := &model.Execution{
		ID: "0195f0a0-0000-7000-8000-000000000001", Environment: "dev", Runtime: "rt-1", Process: "getCustomer",
		API: "erp", APIVersion: "v1", Endpoint: "GET /customers/{id}", Trigger: "rest", Mode: "general",
		Status: model.ExecComplete, HTTPStatus: 200, User: "alice", StartedAt: execBase.Add(123), EndedAt: &ended,
		DurationMS: 1.5, InputDocs: 1, OutputDocs: 2, Truncated: true,
		Input:  json.RawMessage(`[ {"id": 7} ]`),
		Output: json.RawMessage(`[{"id":7,"name":"Ada","tags":["x"]},{"id":8,"name":"Émile"}]`),
	}
	failed := execution("exec-error", "dev", "getCustomer", model.ExecError, 1)
	failed.Error, failed.HTTPStatus = "step 2 (query): database unavailable", 503
	insertExecs(t, s, 2, full, failed)

	got := getExec(t, s, full.ID)
	want := *full
	want.StartedAt = execBase
	e := execBase.Add(1500 * time.Microsecond)
	want.EndedAt = &e
	want.Input = json.RawMessage(`[{"id":7}]`)
	if diff := cmp.Diff(&want, got, cmp.Comparer(jsonEqual)); diff != "" {
		t.Errorf("GetExecution (-want +got):\n%s", diff)
	}
	if got.StartedAt.Location() != time.UTC {
		t.Errorf("StartedAt %v is not UTC", got.StartedAt)
	}
	if got := getExec(t, s, failed.ID); got.Error != failed.Error || got.HTTPStatus != 503 || got.Input != nil || got.EndedAt != nil {
		t.Errorf("failed record = %+v", got)
	}

	// Lists leave the documents out.
	items, next, err := s.ListExecutions(ctx, store.ExecutionFilter{}, store.Page{})
	if err != nil || next != "" || len(items) != 2 {
		t.Fatalf("ListExecutions = %d items, next %q, %v", len(items), next, err)
	}
	if items[0].ID != failed.ID || items[1].ID != full.ID {
		t.Errorf("not newest first: %s, %s", items[0].ID, items[1].ID)
	}
	if items[1].Input != nil || items[1].Output != nil || items[1].Endpoint != full.Endpoint || items[1].OutputDocs != 2 {
		t.Errorf("listed record = %+v", items[1])
	}

	_, err = s.GetExecution(ctx, "no-such-execution")
	wantErr(t, err, model.ErrNotFound, "no-such-execution")
}

// jsonEqual compares documents by value: PostgreSQL's JSONB reorders keys.
func jsonEqual(a, b json.RawMessage) bool {
	if len(a) == 0 || len(b) == 0 {
		return len(a) == len(b)
	}
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return cmp.Equal(x, y)
}

func testExecutionsIdempotent(t *testing.T, s store.Store) {
	batch := []*model.Execution{
		execution("a", "dev", "p", model.ExecComplete, 0),
		execution("b", "dev", "p", model.ExecInProcess, 1),
		execution("c", "dev", "p", model.ExecError, 2),
	}
	insertExecs(t, s, 3, batch...)
	// The same batch again, as after a lost answer: nothing changes.
	insertExecs(t, s, 0, batch...)
	if got := execIDs(t, s, store.ExecutionFilter{}); !slices.Equal(got, []string{"c", "b", "a"}) {
		t.Errorf("after a re-sent batch: %v", got)
	}
	// A re-sent record with other content does not overwrite the first.
	again := execution("a", "prod", "q", model.ExecComplete, 9)
	insertExecs(t, s, 0, again)
	if x := getExec(t, s, "a"); x.Environment != "dev" || x.Process != "p" {
		t.Errorf("a re-sent terminal record replaced the stored one: %+v", x)
	}
	// A batch mixing old and new records counts only the new.
	insertExecs(t, s, 1, batch[0], execution("d", "dev", "p", model.ExecAborted, 3), batch[2])
}

func testExecutionsStatusUpgrade(t *testing.T, s store.Store) {
	out := json.RawMessage(`[{"ok":true}]`)
	insertExecs(t, s, 1, execution("x", "dev", "p", model.ExecEnqueued, 0))
	insertExecs(t, s, 1, execution("x", "dev", "p", model.ExecInProcess, 0))
	done := execution("x", "dev", "p", model.ExecComplete, 0)
	done.Output, done.OutputDocs, done.HTTPStatus = out, 1, 200
	insertExecs(t, s, 1, done)
	// Late or repeated records never move a terminal status back.
	insertExecs(t, s, 0, execution("x", "dev", "p", model.ExecInProcess, 0))
	insertExecs(t, s, 0, execution("x", "dev", "p", model.ExecEnqueued, 0))
	insertExecs(t, s, 0, execution("x", "dev", "p", model.ExecError, 0))
	x := getExec(t, s, "x")
	if x.Status != model.ExecComplete || x.HTTPStatus != 200 || !jsonEqual(x.Output, out) || x.OutputDocs != 1 {
		t.Errorf("after upgrades and late records: %+v", x)
	}
	// Same id twice in one batch: the record furthest along wins.
	insertExecs(t, s, 1, execution("y", "dev", "p", model.ExecInProcess, 1), execution("y", "dev", "p", model.ExecError, 1),
		execution("y", "dev", "p", model.ExecEnqueued, 1))
	if x := getExec(t, s, "y"); x.Status != model.ExecError {
		t.Errorf("y status %s, want ERROR", x.Status)
	}
	// Equal statuses keep the stored record (first wins).
	insertExecs(t, s, 1, execution("z", "dev", "p", model.ExecInProcess, 2))
	insertExecs(t, s, 0, execution("z", "prod", "p", model.ExecInProcess, 2))
	if x := getExec(t, s, "z"); x.Environment != "dev" {
		t.Errorf("z environment %s, want dev", x.Environment)
	}
}

func testExecutionsInvalid(t *testing.T, s store.Store) {
	ctx := context.Background()
	bad := []struct {
		name string
		rec  *model.Execution
		msg  string
	}{
		{"no id", execution("", "dev", "p", model.ExecComplete, 0), "id"},
		{"bad status", execution("i", "dev", "p", "DONE", 0), "status"},
		{"bad environment", execution("i", "Not An Env", "p", model.ExecComplete, 0), "environment"},
		{"no start", &model.Execution{ID: "i", Environment: "dev", Status: model.ExecComplete}, "startedAt"},
		{"input not JSON", func() *model.Execution {
			x := execution("i", "dev", "p", model.ExecComplete, 0)
			x.Input = json.RawMessage(`[{"a":`)
			return x
		}(), "input"},
		{"null record", nil, "null"},
	}
	for _, tc := range bad {
		good := execution("good-"+tc.name, "dev", "p", model.ExecComplete, 0)
		_, err := s.InsertExecutions(ctx, []*model.Execution{good, tc.rec})
		wantErr(t, err, model.ErrInvalid, tc.msg)
		if _, err := s.GetExecution(ctx, good.ID); err == nil {
			t.Errorf("%s: the valid record of a refused batch was stored", tc.name)
		}
	}
	if n, err := s.InsertExecutions(ctx, nil); n != 0 || err != nil {
		t.Errorf("empty batch = %d, %v", n, err)
	}
	_, _, err := s.ListExecutions(ctx, store.ExecutionFilter{Status: "DONE"}, store.Page{})
	wantErr(t, err, model.ErrInvalid, "status")
	_, _, err = s.ListExecutions(ctx, store.ExecutionFilter{}, store.Page{Cursor: "garbage!"})
	wantErr(t, err, model.ErrInvalid, "cursor")
}

func testExecutionsFilters(t *testing.T, s store.Store) {
	recs := []*model.Execution{
		execution("f0", "dev", "getCustomer", model.ExecComplete, 0),
		execution("f1", "dev", "listOrders", model.ExecError, 10),
		execution("f2", "prod", "getCustomer", model.ExecComplete, 20),
		execution("f3", "prod", "listOrders", model.ExecInProcess, 30),
		execution("f4", "dev", "getCustomer", model.ExecAborted, 40),
	}
	recs[0].API, recs[1].API, recs[2].API = "erp", "erp", "crm"
	insertExecs(t, s, len(recs), recs...)
	at := func(minute int) time.Time { return execBase.Add(time.Duration(minute) * time.Minute) }
	tests := []struct {
		name string
		f    store.ExecutionFilter
		want []string
	}{
		{"all", store.ExecutionFilter{}, []string{"f4", "f3", "f2", "f1", "f0"}},
		{"environment", store.ExecutionFilter{Environment: "dev"}, []string{"f4", "f1", "f0"}},
		{"process", store.ExecutionFilter{Process: "listOrders"}, []string{"f3", "f1"}},
		{"api", store.ExecutionFilter{API: "erp"}, []string{"f1", "f0"}},
		{"status", store.ExecutionFilter{Status: model.ExecComplete}, []string{"f2", "f0"}},
		{"since (inclusive)", store.ExecutionFilter{Since: at(20)}, []string{"f4", "f3", "f2"}},
		{"until (exclusive)", store.ExecutionFilter{Until: at(20)}, []string{"f1", "f0"}},
		{"window", store.ExecutionFilter{Since: at(5), Until: at(35)}, []string{"f3", "f2", "f1"}},
		{"combined", store.ExecutionFilter{Environment: "dev", Process: "getCustomer", Status: model.ExecAborted}, []string{"f4"}},
		{"no match", store.ExecutionFilter{Environment: "qa"}, nil},
	}
	for _, tc := range tests {
		if got := execIDs(t, s, tc.f); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func testExecutionsPagination(t *testing.T, s store.Store) {
	// 25 records, five sharing each start time, so that pages break inside
	// runs of equal times and the id decides.
	var recs []*model.Execution
	for i := range 25 {
		recs = append(recs, execution(fmt.Sprintf("p%02d", i), "dev", "p", model.ExecComplete, i/5))
	}
	insertExecs(t, s, 25, recs...)
	var want []string
	for i := 24; i >= 0; i-- {
		want = append(want, fmt.Sprintf("p%02d", i))
	}
	for _, limit := range []int{1, 3, 5, 7, 24, 25, 100} {
		got := collect(t, "executions", limit, func(p store.Page) ([]*model.Execution, string, error) {
			return s.ListExecutions(context.Background(), store.ExecutionFilter{}, p)
		}, func(x *model.Execution) string { return x.ID })
		wantKeys(t, fmt.Sprintf("executions limit %d", limit), got, want)
	}
	// A cursor keeps working while newer records arrive: they are not on later pages.
	items, next, err := s.ListExecutions(context.Background(), store.ExecutionFilter{}, store.Page{Limit: 10})
	if err != nil || len(items) != 10 {
		t.Fatalf("first page: %d, %v", len(items), err)
	}
	insertExecs(t, s, 1, execution("newer", "dev", "p", model.ExecComplete, 60))
	rest := collect(t, "rest", 10, func(p store.Page) ([]*model.Execution, string, error) {
		if p.Cursor == "" {
			p.Cursor = next
		}
		return s.ListExecutions(context.Background(), store.ExecutionFilter{}, p)
	}, func(x *model.Execution) string { return x.ID })
	wantKeys(t, "after the first page", rest, want[10:])
}

func testExecutionsRetention(t *testing.T, s store.Store) {
	ctx := context.Background()
	insertExecs(t, s, 4,
		execution("old1", "dev", "p", model.ExecComplete, -60*24*8),
		execution("old2", "dev", "p", model.ExecInProcess, -1),
		execution("edge", "dev", "p", model.ExecComplete, 0),
		execution("new", "dev", "p", model.ExecComplete, 1))
	n, err := s.DeleteExecutionsBefore(ctx, execBase)
	if err != nil || n != 2 {
		t.Fatalf("DeleteExecutionsBefore = %d, %v; want 2", n, err)
	}
	if got := execIDs(t, s, store.ExecutionFilter{}); !slices.Equal(got, []string{"new", "edge"}) {
		t.Errorf("after retention: %v", got)
	}
	if n, err := s.DeleteExecutionsBefore(ctx, execBase); n != 0 || err != nil {
		t.Errorf("second sweep = %d, %v", n, err)
	}
}

func testExecutionsLargeBatch(t *testing.T, s store.Store) {
	ctx := context.Background()
	recs := make([]*model.Execution, 1000)
	for i := range recs {
		recs[i] = execution(fmt.Sprintf("big-%04d", i), "dev", "p", model.ExecComplete, i%50)
		recs[i].Input = json.RawMessage(fmt.Sprintf(`[{"n":%d}]`, i))
	}
	insertExecs(t, s, 1000, recs...)
	insertExecs(t, s, 0, recs...)
	got := collect(t, "executions", store.MaxPageLimit, func(p store.Page) ([]*model.Execution, string, error) {
		return s.ListExecutions(ctx, store.ExecutionFilter{Process: "p"}, p)
	}, func(x *model.Execution) string { return x.ID })
	if len(got) != 1000 {
		t.Fatalf("listed %d records, want 1000", len(got))
	}
	if x := getExec(t, s, "big-0999"); !jsonEqual(x.Input, json.RawMessage(`[{"n":999}]`)) {
		t.Errorf("big-0999 input %s", x.Input)
	}
	// One bad record refuses the whole batch.
	more := make([]*model.Execution, 1000)
	for i := range more {
		more[i] = execution(fmt.Sprintf("more-%04d", i), "dev", "p", model.ExecComplete, 0)
	}
	more[999].Status = ""
	if _, err := s.InsertExecutions(ctx, more); err == nil {
		t.Fatal("a batch with an invalid record was accepted")
	}
	if got := execIDs(t, s, store.ExecutionFilter{Until: execBase.Add(time.Minute)}); len(got) != 20 {
		t.Errorf("%d records at minute 0, want the 20 of the first batch", len(got))
	}
}
