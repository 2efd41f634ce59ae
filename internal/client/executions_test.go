package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/client"
	"github.com/portico-dev/portico/internal/model"
)

func TestExecutions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	admin := startPlatform(t)
	tok, err := admin.CreateToken(ctx, client.CreateTokenRequest{Name: "edge", Role: model.RoleRuntime})
	if err != nil {
		t.Fatal(err)
	}
	rt := admin.WithToken(tok.Token)

	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	var recs []model.Execution
	for i := range 7 {
		status := model.ExecComplete
		if i%3 == 0 {
			status = model.ExecError
		}
		recs = append(recs, model.Execution{
			ID: fmt.Sprintf("e%d", i), Environment: "dev", Process: "p", API: "erp", Status: status,
			Trigger: "rest", Mode: "general", StartedAt: t0.Add(time.Duration(i) * time.Minute),
			Input: json.RawMessage(fmt.Sprintf(`[{"i":%d}]`, i)),
		})
	}
	n, err := rt.ReportExecutions(ctx, recs)
	if err != nil || n != 7 {
		t.Fatalf("ReportExecutions = %d, %v", n, err)
	}
	if n, err := rt.ReportExecutions(ctx, recs); err != nil || n != 0 {
		t.Fatalf("re-sent batch = %d, %v", n, err)
	}
	bad := recs[0]
	bad.ID, bad.Status = "bad", "DONE"
	if _, err := rt.ReportExecutions(ctx, []model.Execution{bad}); !errors.Is(err, model.ErrInvalid) {
		t.Errorf("invalid batch: %v", err)
	}
	if _, err := rt.ListExecutions(ctx, client.ExecutionQuery{}, client.ListOptions{}); !errors.Is(err, model.ErrForbidden) {
		t.Errorf("runtime token listing: %v", err)
	}

	page, err := admin.ListExecutions(ctx, client.ExecutionQuery{Status: model.ExecError, Since: t0.Add(time.Minute), Until: t0.Add(6 * time.Minute)}, client.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, x := range page.Items {
		ids = append(ids, x.ID)
	}
	if !slices.Equal(ids, []string{"e3"}) {
		t.Errorf("filtered list = %v, want [e3]", ids)
	}
	page, err = admin.ListExecutions(ctx, client.ExecutionQuery{Environment: "dev", API: "erp", Process: "p"}, client.ListOptions{Limit: 4})
	if err != nil || len(page.Items) != 4 || page.NextCursor == "" || page.Items[0].ID != "e6" {
		t.Fatalf("first page = %+v, %v", page, err)
	}
	x, err := admin.GetExecution(ctx, "e4")
	if err != nil || string(x.Input) != `[{"i":4}]` || !x.StartedAt.Equal(t0.Add(4*time.Minute)) {
		t.Errorf("GetExecution = %+v, %v", x, err)
	}
	if _, err := admin.GetExecution(ctx, "missing"); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("missing execution: %v", err)
	}
}
