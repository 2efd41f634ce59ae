package platform

import (
	"net/http"
	"testing"
	"time"
)

type runtimeRow struct {
	ID        string    `json:"id"`
	Status    string    `json:"status"`
	Revision  int64     `json:"revision"`
	Ready     bool      `json:"ready"`
	LastSeen  time.Time `json:"lastSeen"`
	StartedAt time.Time `json:"startedAt"`
}

func TestRuntimesHeartbeatAndStatus(t *testing.T) {
	e := newEnv(t)
	t0 := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	e.clock.set(t0)
	var rt struct {
		Token string `json:"token"`
	}
	e.must(http.StatusCreated, "POST", "/tokens", e.admin, map[string]string{"name": "rt", "role": "runtime"}).json(t, &rt)

	// A runtime whose clock runs an hour ahead: the control plane's clock
	// decides when it was seen, and a start in the future is not believed.
	var got runtimeRow
	e.must(http.StatusOK, "POST", "/runtimes/heartbeat", rt.Token, map[string]any{
		"id": "host/42", "environment": "dev", "revision": 3, "ready": true, "startedAt": t0.Add(time.Hour),
	}).json(t, &got)
	if got.Status != "online" || !got.LastSeen.Equal(t0) || !got.StartedAt.Equal(t0) {
		t.Fatalf("heartbeat answer %+v", got)
	}

	var list struct{ Items []runtimeRow }
	e.must(http.StatusOK, "GET", "/runtimes?environment=dev", e.admin, nil).json(t, &list)
	if len(list.Items) != 1 || list.Items[0].Status != "online" || list.Items[0].Revision != 3 {
		t.Fatalf("runtimes %+v", list.Items)
	}
	// Three missed heartbeats: offline.
	e.clock.set(t0.Add(3*HeartbeatInterval + time.Millisecond))
	e.must(http.StatusOK, "GET", "/runtimes", e.admin, nil).json(t, &list)
	if len(list.Items) != 1 || list.Items[0].Status != "offline" {
		t.Fatalf("after 15 s without a heartbeat: %+v", list.Items)
	}
	e.must(http.StatusOK, "GET", "/runtimes?environment=prod", e.admin, nil).json(t, &list)
	if len(list.Items) != 0 {
		t.Fatalf("runtimes of prod: %+v", list.Items)
	}

	// Bad input and callers without the permission.
	if p := e.must(http.StatusBadRequest, "POST", "/runtimes/heartbeat", rt.Token, map[string]any{"id": "", "environment": "dev"}).problem(t); len(p.paths()) == 0 {
		t.Errorf("an empty id: %+v", p)
	}
	e.must(http.StatusBadRequest, "GET", "/runtimes?environment=no%20such", e.admin, nil)
	e.must(http.StatusForbidden, "GET", "/runtimes", rt.Token, nil)
	e.must(http.StatusUnauthorized, "POST", "/runtimes/heartbeat", "", map[string]any{"id": "x", "environment": "dev"})
}
