package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSIGTERMEndsLongPollsAndExitsZero: a runtime waiting on a snapshot must
// not hold a shutdown for its whole wait; it gets its answer and serve exits 0.
func TestSIGTERMEndsLongPollsAndExitsZero(t *testing.T) {
	t.Parallel()
	srv := startServer(t, baseEnv(t, "PORTICO_ADMIN_PASSWORD="+adminPassword), "--listen", "127.0.0.1:0", "--data", t.TempDir())

	resp, err := http.Post(srv.URL+"/api/v1/tokens", "application/json",
		strings.NewReader(fmt.Sprintf(`{"username":"admin","password":%q}`, adminPassword)))
	if err != nil {
		t.Fatal(err)
	}
	var session struct{ Token string }
	err = json.NewDecoder(resp.Body).Decode(&session)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("sign in: %d %v", resp.StatusCode, err)
	}
	get := func(url string) (*http.Response, error) {
		req, err := http.NewRequest(http.MethodGet, url, nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "Bearer "+session.Token)
		return http.DefaultClient.Do(req)
	}
	resp, err = get(srv.URL + "/api/v1/environments/dev/snapshot")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	rev := resp.Header.Get("X-Snapshot-Revision")
	if resp.StatusCode != http.StatusOK || rev == "" {
		t.Fatalf("snapshot: %d, revision %q", resp.StatusCode, rev)
	}

	type answer struct {
		status int
		err    error
	}
	polled := make(chan answer, 1)
	go func() {
		resp, err := get(srv.URL + "/api/v1/environments/dev/snapshot?wait=100s&after=" + rev)
		if err != nil {
			polled <- answer{err: err}
			return
		}
		resp.Body.Close()
		polled <- answer{status: resp.StatusCode}
	}()
	time.Sleep(300 * time.Millisecond) // let the poll start waiting
	start := time.Now()
	if code := srv.stop(syscall.SIGTERM); code != 0 {
		t.Fatalf("serve exited %d on SIGTERM", code)
	}
	if d := time.Since(start); d > 8*time.Second {
		t.Errorf("shutdown took %v with a long poll in flight; it should end the poll at once", d)
	}
	select {
	case a := <-polled:
		if a.err != nil || a.status != http.StatusNotModified {
			t.Errorf("the waiting poll got %d, %v; want 304", a.status, a.err)
		}
	case <-time.After(5 * time.Second):
		t.Error("the waiting poll got no answer")
	}
	contains(t, "serve output", srv.Stdout(), "shutting down: draining requests", "Portico control plane stopped")
}
