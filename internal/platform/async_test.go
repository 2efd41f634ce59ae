package platform

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/model"
)

const testWebhookSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

// TestWebhookSecretNeverShows: environments and snapshots show the webhook
// secret redacted; sent back redacted, it keeps the stored secret.
func TestWebhookSecretNeverShows(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	spec := map[string]any{"executions": map[string]any{"webhookSecret": testWebhookSecret, "callbackHosts": []string{"hooks.example.com"}}}
	for _, a := range []answer{
		e.must(http.StatusOK, "PUT", "/environments/dev", e.admin, map[string]any{"spec": spec}),
		e.must(http.StatusOK, "GET", "/environments/dev", e.admin, nil),
		e.must(http.StatusOK, "GET", "/environments", e.admin, nil),
		e.must(http.StatusOK, "GET", "/environments/dev/snapshot", e.admin, nil),
	} {
		if strings.Contains(string(a.body), "MfKQ9r8") || !strings.Contains(string(a.body), `"******"`) {
			t.Errorf("the secret shows or is not marked redacted: %s", a.body)
		}
	}
	var got model.Environment
	e.must(http.StatusOK, "GET", "/environments/dev", e.admin, nil).json(t, &got)
	got.Description = "changed"
	e.must(http.StatusOK, "PUT", "/environments/dev", e.admin, got)
	stored, err := e.store.GetEnvironment(context.Background(), "dev")
	if err != nil {
		t.Fatal(err)
	}
	if stored.Spec.Executions.WebhookSecret != testWebhookSecret {
		t.Errorf("a redacted secret applied back replaced the stored one: %q", stored.Spec.Executions.WebhookSecret.Reveal())
	}
	e.must(http.StatusBadRequest, "PUT", "/environments/prod", e.admin, map[string]any{"spec": map[string]any{"executions": map[string]any{"webhookSecret": "******"}}})
	e.must(http.StatusBadRequest, "PUT", "/environments/prod", e.admin, map[string]any{"spec": map[string]any{"executions": map[string]any{"webhookSecret": "hunter2"}}})
}

// TestExecutionResultRouteAndCancel: a kept result is answered with its own
// status, headers and body; the route tells running, aborted and unknown
// executions apart; a cancel is stored for the runtimes to pick up.
func TestExecutionResultRouteAndCancel(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	now := time.Now().UTC()
	rec := model.Execution{ID: "x-1", Environment: "dev", Process: "p", Status: model.ExecInProcess, StartedAt: now,
		Async: &model.ExecutionAsync{Callback: "https://hooks.example.com/a"}}
	e.must(http.StatusOK, "POST", "/executions/batch", e.admin, map[string]any{"items": []model.Execution{rec}})
	e.must(http.StatusConflict, "GET", "/executions/x-1/result", e.admin, nil)
	var ids struct{ IDs []string }
	e.must(http.StatusOK, "POST", "/executions/cancellations", e.admin, map[string]any{"ids": []string{"x-1"}}).json(t, &ids)
	if len(ids.IDs) != 0 {
		t.Errorf("cancelled before any cancel: %v", ids.IDs)
	}
	e.must(http.StatusAccepted, "POST", "/executions/x-1/cancel", e.admin, nil)
	e.must(http.StatusOK, "POST", "/executions/cancellations", e.admin, map[string]any{"ids": []string{"x-0", "x-1"}}).json(t, &ids)
	if len(ids.IDs) != 1 || ids.IDs[0] != "x-1" {
		t.Errorf("cancellations = %v", ids.IDs)
	}
	viewer := e.user("vera", "viewer")
	e.must(http.StatusForbidden, "POST", "/executions/x-1/cancel", viewer, nil)

	rec.Status, rec.HTTPStatus = model.ExecComplete, 404
	end := now.Add(time.Second)
	rec.EndedAt = &end
	rec.Async.Result = &model.ExecutionResult{Status: 404, Body: []byte(`{"status":404}`), ExpiresAt: now.Add(time.Hour),
		Header: map[string][]string{"Content-Type": {"application/problem+json"}, "X-Execution-Id": {"x-1"}, "Content-Length": {"14"}}}
	e.must(http.StatusOK, "POST", "/executions/batch", e.admin, map[string]any{"items": []model.Execution{rec}})
	a := e.do("GET", "/executions/x-1/result", viewer, nil)
	if a.status != 404 || string(a.body) != `{"status":404}` || a.header.Get("X-Execution-Id") != "x-1" ||
		a.header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("result: %d %v %s", a.status, a.header, a.body)
	}
	e.must(http.StatusConflict, "POST", "/executions/x-1/cancel", e.admin, nil)
	var dl model.Delivery
	e.must(http.StatusOK, "GET", "/deliveries/msg_x-1", viewer, nil).json(t, &dl)
	if dl.Status != model.DeliveryPending || dl.URL != "https://hooks.example.com/a" || len(dl.Payload) == 0 {
		t.Errorf("delivery: %+v", dl)
	}
	e.must(http.StatusBadRequest, "GET", "/deliveries?status=sideways", viewer, nil)
	e.must(http.StatusNotFound, "POST", "/deliveries/nope/resend", e.admin, nil)
	e.must(http.StatusNotFound, "GET", "/executions/nope/result", viewer, nil)
}
