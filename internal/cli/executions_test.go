package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/client"
	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/platform"
	"github.com/portico-dev/portico/internal/store/dial"
)

func TestExecutionFlags(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		f       executionFlags
		want    client.ExecutionQuery
		wantErr string
	}{
		{"none", executionFlags{}, client.ExecutionQuery{}, ""},
		{"filters", executionFlags{env: "dev", process: "getCustomer", api: "erp", status: "complete"},
			client.ExecutionQuery{Environment: "dev", Process: "getCustomer", API: "erp", Status: "COMPLETE"}, ""},
		{"since a duration", executionFlags{since: "1h30m"}, client.ExecutionQuery{Since: now.Add(-90 * time.Minute)}, ""},
		{"since days", executionFlags{since: "7d"}, client.ExecutionQuery{Since: now.Add(-7 * 24 * time.Hour)}, ""},
		{"since and until", executionFlags{since: "2026-02-28T00:00:00Z", until: "2026-03-01T10:30:00+01:00"},
			client.ExecutionQuery{Since: time.Date(2026, 2, 28, 0, 0, 0, 0, time.UTC), Until: time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)}, ""},
		{"unknown status", executionFlags{status: "done"}, client.ExecutionQuery{}, `--status: unknown status "done"`},
		{"bad since", executionFlags{since: "yesterday"}, client.ExecutionQuery{}, `--since: "yesterday" is neither`},
		{"bad days", executionFlags{since: "xd"}, client.ExecutionQuery{}, `--since: "xd" is neither`},
		{"future", executionFlags{until: "-1h"}, client.ExecutionQuery{}, "--until: \"-1h\" lies in the future"},
		{"date only", executionFlags{since: "2026-03-01"}, client.ExecutionQuery{}, "--since"},
		{"since after until", executionFlags{since: "1h", until: "2h"}, client.ExecutionQuery{}, "--since must be before --until"},
		{"negative limit", executionFlags{limit: -1}, client.ExecutionQuery{}, "--limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := tt.f.query(now)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				var ue *usageError
				if !errors.As(err, &ue) {
					t.Errorf("%v is not a usage error", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Environment != tt.want.Environment || got.Process != tt.want.Process || got.API != tt.want.API ||
				got.Status != tt.want.Status || !got.Since.Equal(tt.want.Since) || !got.Until.Equal(tt.want.Until) {
				t.Errorf("query = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestExecutionsUsage(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"executions", "list", "--status", "nope"},
		{"executions", "list", "--since", "last week"},
		{"executions", "list", "-o", "text"},
		{"executions", "list", "extra"},
		{"executions", "get"},
		{"executions", "get", "id", "-o", "table"},
		{"executions", "result"},
		{"executions", "cancel", "a", "b"},
		{"deliveries", "list", "--limit", "-1"},
		{"deliveries", "get"},
		{"deliveries", "resend"},
	} {
		if code, _, stderr := run(t, "", args...); code != ExitUsage {
			t.Errorf("%v: exit %d, want %d: %s", args, code, ExitUsage, stderr)
		}
	}
}

// TestExecutionsCommands runs list and get against a real platform API.
func TestExecutionsCommands(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	logger := slog.New(slog.DiscardHandler)
	st, err := dial.Open(ctx, "sqlite:", t.TempDir(), logger)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	p, err := platform.New(platform.Config{Store: st, Logger: logger, PasswordParams: platform.PasswordParams{Memory: 64, Time: 1, Threads: 1}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	if _, err := p.Bootstrap(ctx, "cli-test-password"); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(p.Handler())
	t.Cleanup(srv.Close)
	anon, err := client.New(srv.URL, "", srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	s, err := anon.SignIn(ctx, "admin", "cli-test-password")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	var recs []model.Execution
	for i := range 5 {
		recs = append(recs, model.Execution{
			ID: fmt.Sprintf("x%d", i), Environment: "dev", Process: "getCustomer", API: "erp", Status: model.ExecComplete,
			HTTPStatus: 200, Trigger: "rest", Mode: "general", StartedAt: now.Add(time.Duration(i-10) * time.Minute),
			DurationMS: 1.25, InputDocs: 1, OutputDocs: 1,
			Input: json.RawMessage(`[{"id":7}]`), Output: json.RawMessage(`[{"id":7,"name":"Ada"}]`),
		})
	}
	recs[4].Status, recs[4].Error, recs[4].HTTPStatus = model.ExecError, "customer 9 not found", 404
	recs[0].StartedAt = now.Add(-3 * time.Hour)
	if _, err := anon.WithToken(s.Token).ReportExecutions(ctx, recs); err != nil {
		t.Fatal(err)
	}
	flags := []string{"--server", srv.URL, "--token", s.Token}

	code, out, stderr := run(t, "", append([]string{"executions", "list", "--since", "1h", "-o", "json"}, flags...)...)
	if code != ExitOK {
		t.Fatalf("list: exit %d: %s", code, stderr)
	}
	var xs []model.Execution
	if err := json.Unmarshal([]byte(out), &xs); err != nil {
		t.Fatalf("list -o json = %s: %v", out, err)
	}
	if len(xs) != 4 || xs[0].ID != "x4" || xs[3].ID != "x1" {
		t.Errorf("list --since 1h = %+v", xs)
	}

	code, out, stderr = run(t, "", append([]string{"executions", "list", "--status", "error", "--env", "dev", "--limit", "1"}, flags...)...)
	if code != ExitOK || !strings.Contains(out, "x4") || !strings.Contains(out, "customer 9 not found") || strings.Contains(out, "x3") {
		t.Errorf("list --status error: exit %d\n%s%s", code, out, stderr)
	}
	code, out, _ = run(t, "", append([]string{"executions", "list", "--limit", "2", "-o", "yaml"}, flags...)...)
	if code != ExitOK || strings.Count(out, "id: x") != 2 {
		t.Errorf("list --limit 2 -o yaml:\n%s", out)
	}

	code, out, stderr = run(t, "", append([]string{"executions", "get", "x2"}, flags...)...)
	if code != ExitOK {
		t.Fatalf("get: exit %d: %s", code, stderr)
	}
	for _, want := range []string{"x2", "COMPLETE (HTTP 200)", "Input (1 document):\n  [\n    {\n      \"id\": 7\n    }\n  ]", `"name": "Ada"`, "1.25ms"} {
		if !strings.Contains(out, want) {
			t.Errorf("get output lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = run(t, "", append([]string{"executions", "get", "x2", "-o", "yaml"}, flags...)...)
	if code != ExitOK || !strings.Contains(out, "name: Ada") {
		t.Errorf("get -o yaml:\n%s", out)
	}
	code, _, stderr = run(t, "", append([]string{"executions", "get", "missing"}, flags...)...)
	if code != ExitError || !strings.Contains(stderr, "missing") {
		t.Errorf("get missing: exit %d: %s", code, stderr)
	}
}
