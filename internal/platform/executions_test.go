package platform

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/store"
)

var execT0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// execRec is a record body as a runtime posts it.
func execRec(id, env, process, status string, minute int) map[string]any {
	return map[string]any{
		"id": id, "environment": env, "process": process, "status": status, "trigger": "rest", "mode": "general",
		"startedAt": execT0.Add(time.Duration(minute) * time.Minute).Format(time.RFC3339Nano),
	}
}

func batch(recs ...map[string]any) map[string]any {
	if recs == nil {
		recs = []map[string]any{}
	}
	return map[string]any{"items": recs}
}

// listExecIDs pages through GET /executions?query with limit, checking the
// page shapes, and returns the ids in order.
func (e *testEnv) listExecIDs(token, query string, limit int) []string {
	e.t.Helper()
	var ids []string
	cursor := ""
	for range 200 {
		q, err := url.ParseQuery(query)
		if err != nil {
			e.t.Fatal(err)
		}
		q.Set("limit", fmt.Sprint(limit))
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		var page list[model.Execution]
		e.must(http.StatusOK, "GET", "/executions?"+q.Encode(), token, nil).json(e.t, &page)
		if len(page.Items) > limit || (page.NextCursor != "" && len(page.Items) != limit) {
			e.t.Fatalf("page of %d items (limit %d), next %q", len(page.Items), limit, page.NextCursor)
		}
		for _, x := range page.Items {
			if x.Input != nil || x.Output != nil {
				e.t.Errorf("listed record %s carries documents", x.ID)
			}
			ids = append(ids, x.ID)
		}
		if page.NextCursor == "" {
			return ids
		}
		cursor = page.NextCursor
	}
	e.t.Fatal("more than 200 pages")
	return nil
}

func TestExecutionsRoles(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	runtime := e.runtimeToken()
	viewer := e.user("vera", "viewer")
	publisher := e.user("paul", "publisher")
	operator := e.user("olga", "operator")

	rec := execRec("r1", "dev", "getCustomer", model.ExecComplete, 0)
	rec["input"] = json.RawMessage(`[{"id":7}]`)
	rec["output"] = json.RawMessage(`[{"id":7,"name":"Ada"}]`)
	var got executionBatchAnswer
	e.must(http.StatusOK, "POST", "/executions/batch", runtime, batch(rec)).json(t, &got)
	if got.Inserted != 1 {
		t.Errorf("inserted %d, want 1", got.Inserted)
	}
	// The same batch again (a lost answer) stores nothing twice.
	e.must(http.StatusOK, "POST", "/executions/batch", runtime, batch(rec)).json(t, &got)
	if got.Inserted != 0 {
		t.Errorf("re-sent batch inserted %d, want 0", got.Inserted)
	}
	// Runtimes report but do not read; readers read but do not report.
	e.must(http.StatusForbidden, "GET", "/executions", runtime, nil).problem(t)
	e.must(http.StatusForbidden, "GET", "/executions/r1", runtime, nil).problem(t)
	for name, tok := range map[string]string{"viewer": viewer, "publisher": publisher} {
		p := e.must(http.StatusForbidden, "POST", "/executions/batch", tok, batch(execRec("r2", "dev", "p", model.ExecComplete, 1))).problem(t)
		if !strings.Contains(p.Detail, "executions:write") {
			t.Errorf("%s: detail %q does not name the permission", name, p.Detail)
		}
	}
	e.must(http.StatusOK, "POST", "/executions/batch", operator, batch(execRec("r3", "dev", "p", model.ExecComplete, 2)))
	e.must(http.StatusUnauthorized, "GET", "/executions", "", nil).problem(t)

	for _, tok := range []string{viewer, publisher, operator, e.admin} {
		if ids := e.listExecIDs(tok, "", 50); !slices.Equal(ids, []string{"r3", "r1"}) {
			t.Errorf("list = %v", ids)
		}
	}
	var x model.Execution
	e.must(http.StatusOK, "GET", "/executions/r1", viewer, nil).json(t, &x)
	if x.ID != "r1" || x.Status != model.ExecComplete || !x.StartedAt.Equal(execT0) ||
		string(x.Input) != `[{"id":7}]` || string(x.Output) != `[{"id":7,"name":"Ada"}]` {
		t.Errorf("GET /executions/r1 = %+v (input %s, output %s)", x, x.Input, x.Output)
	}
	p := e.must(http.StatusNotFound, "GET", "/executions/nope", viewer, nil).problem(t)
	if !strings.Contains(p.Detail, "nope") {
		t.Errorf("404 detail %q", p.Detail)
	}
}

func TestExecutionsBatchValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config) { c.MaxBodyBytes = 256 << 10 })
	runtime := e.runtimeToken()

	good := execRec("ok-1", "dev", "p", model.ExecComplete, 0)
	badStatus := execRec("bad-1", "dev", "p", "DONE", 0)
	noStart := execRec("bad-2", "dev", "p", model.ExecComplete, 0)
	delete(noStart, "startedAt")
	badEnv := execRec("bad-3", "Not Valid", "p", model.ExecComplete, 0)
	p := e.must(http.StatusBadRequest, "POST", "/executions/batch", runtime, batch(good, badStatus, good, noStart, badEnv)).problem(t)
	want := []string{"items[1].status", "items[3].startedAt", "items[4].environment"}
	if !slices.Equal(p.paths(), want) {
		t.Errorf("paths %v, want %v", p.paths(), want)
	}
	// Nothing of a refused batch is written.
	e.must(http.StatusNotFound, "GET", "/executions/ok-1", e.admin, nil)

	tests := []struct {
		name   string
		body   any
		status int
		path   string
	}{
		{"unknown field", `{"items":[{"id":"x","environment":"dev","status":"COMPLETE","startedAt":"2026-03-01T12:00:00Z","bogus":1}]}`, http.StatusBadRequest, "items[0].bogus"},
		{"malformed JSON", `{"items":[{"id":`, http.StatusBadRequest, ""},
		{"wrong type", `{"items":{"id":"x"}}`, http.StatusBadRequest, "items"},
		{"bad time", `{"items":[{"id":"x","environment":"dev","status":"COMPLETE","startedAt":"yesterday"}]}`, http.StatusBadRequest, ""},
		{"too many records", batch(slices.Repeat([]map[string]any{{}}, MaxExecutionBatch+1)...), http.StatusBadRequest, "items"},
		{"body over the limit", batch(bigRecords(300)...), http.StatusRequestEntityTooLarge, ""},
	}
	for _, tc := range tests {
		a := e.do("POST", "/executions/batch", runtime, tc.body)
		if a.status != tc.status {
			t.Errorf("%s: status %d, want %d: %s", tc.name, a.status, tc.status, a.body)
			continue
		}
		p := a.problem(t)
		if tc.path != "" && !slices.Contains(p.paths(), tc.path) {
			t.Errorf("%s: paths %v, want %s", tc.name, p.paths(), tc.path)
		}
	}
	a := e.do("POST", "/executions/batch", runtime, "")
	if a.status != http.StatusUnsupportedMediaType && a.status != http.StatusBadRequest {
		t.Errorf("empty body: %d", a.status)
	}
	var items list[model.Execution]
	e.must(http.StatusOK, "GET", "/executions", e.admin, nil).json(t, &items)
	if len(items.Items) != 0 {
		t.Errorf("refused batches wrote %d records", len(items.Items))
	}

	// Exactly the maximum is accepted, and null documents are no documents.
	full := make([]map[string]any, MaxExecutionBatch)
	for i := range full {
		full[i] = execRec(fmt.Sprintf("m%04d", i), "dev", "p", model.ExecComplete, i)
		full[i]["input"] = nil
	}
	var got executionBatchAnswer
	e.must(http.StatusOK, "POST", "/executions/batch", runtime, batch(full...)).json(t, &got)
	if got.Inserted != MaxExecutionBatch {
		t.Errorf("inserted %d, want %d", got.Inserted, MaxExecutionBatch)
	}
	var x model.Execution
	e.must(http.StatusOK, "GET", "/executions/m0000", e.admin, nil).json(t, &x)
	if x.Input != nil {
		t.Errorf("null input stored as %s", x.Input)
	}
}

// bigRecords returns n records with 1 KiB of output each.
func bigRecords(n int) []map[string]any {
	out := make([]map[string]any, n)
	doc := json.RawMessage(`["` + strings.Repeat("x", 1024) + `"]`)
	for i := range out {
		out[i] = execRec(fmt.Sprintf("big-%d", i), "dev", "p", model.ExecComplete, i)
		out[i]["output"] = doc
	}
	return out
}

func TestExecutionsListFilters(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	runtime := e.runtimeToken()
	recs := []map[string]any{
		execRec("f0", "dev", "getCustomer", model.ExecComplete, 0),
		execRec("f1", "dev", "listOrders", model.ExecError, 10),
		execRec("f2", "prod", "getCustomer", model.ExecComplete, 20),
		execRec("f3", "prod", "listOrders", model.ExecInProcess, 30),
		execRec("f4", "dev", "getCustomer", model.ExecAborted, 40),
	}
	recs[0]["api"], recs[1]["api"], recs[2]["api"] = "erp", "erp", "crm"
	e.must(http.StatusOK, "POST", "/executions/batch", runtime, batch(recs...))
	at := func(minute int) string {
		return url.QueryEscape(execT0.Add(time.Duration(minute) * time.Minute).Format(time.RFC3339))
	}
	tests := []struct {
		query string
		want  []string
	}{
		{"", []string{"f4", "f3", "f2", "f1", "f0"}},
		{"environment=dev", []string{"f4", "f1", "f0"}},
		{"process=listOrders", []string{"f3", "f1"}},
		{"api=erp", []string{"f1", "f0"}},
		{"status=COMPLETE", []string{"f2", "f0"}},
		{"status=complete", []string{"f2", "f0"}},
		{"since=" + at(20), []string{"f4", "f3", "f2"}},
		{"until=" + at(20), []string{"f1", "f0"}},
		{"since=" + at(5) + "&until=" + at(35), []string{"f3", "f2", "f1"}},
		{"environment=dev&process=getCustomer&status=ABORTED", []string{"f4"}},
		{"environment=qa", nil},
	}
	for _, tc := range tests {
		if got := e.listExecIDs(e.admin, tc.query, 2); !slices.Equal(got, tc.want) {
			t.Errorf("?%s: %v, want %v", tc.query, got, tc.want)
		}
	}
	for _, q := range []string{"status=DONE", "since=yesterday", "until=2026-03-01", "limit=0", "cursor=garbage!"} {
		a := e.must(http.StatusBadRequest, "GET", "/executions?"+q, e.admin, nil)
		a.problem(t)
	}
}

func TestExecutionsPagination(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	runtime := e.runtimeToken()
	var recs []map[string]any
	var want []string
	for i := range 37 {
		recs = append(recs, execRec(fmt.Sprintf("p%02d", i), "dev", "p", model.ExecComplete, i/4)) // runs of equal times
	}
	for i := 36; i >= 0; i-- {
		want = append(want, fmt.Sprintf("p%02d", i))
	}
	e.must(http.StatusOK, "POST", "/executions/batch", runtime, batch(recs...))
	for _, limit := range []int{1, 4, 5, 36, 37, 500} {
		if got := e.listExecIDs(e.admin, "", limit); !slices.Equal(got, want) {
			t.Errorf("limit %d: %v", limit, got)
		}
	}
}

func TestExecutionRetentionSweep(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config) {
		c.ExecutionRetention = time.Hour
		c.RetentionInterval = 10 * time.Millisecond
	})
	e.clock.set(execT0.Add(2 * time.Hour))
	_, err := e.store.InsertExecutions(context.Background(), []*model.Execution{
		{ID: "old", Environment: "dev", Status: model.ExecComplete, StartedAt: execT0},
		{ID: "recent", Environment: "dev", Status: model.ExecComplete, StartedAt: execT0.Add(90 * time.Minute)},
	})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		items, _, err := e.store.ListExecutions(context.Background(), store.ExecutionFilter{}, store.Page{})
		if err != nil {
			t.Fatal(err)
		}
		if len(items) == 1 && items[0].ID == "recent" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the sweep left %d records", len(items))
		}
		time.Sleep(10 * time.Millisecond)
	}
	// Close stops the sweep: records older than the retention stay.
	e.srv.Close()
	if _, err := e.store.InsertExecutions(context.Background(), []*model.Execution{
		{ID: "old-again", Environment: "dev", Status: model.ExecComplete, StartedAt: execT0},
	}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	if _, err := e.store.GetExecution(context.Background(), "old-again"); err != nil {
		t.Errorf("a closed server still sweeps: %v", err)
	}
}
