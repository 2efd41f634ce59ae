package e2e

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

// upstream is the HTTP host the slow process calls: each call blocks until
// the test releases it, or until the caller goes away, which it records.
type upstream struct {
	srv       *httptest.Server
	release   chan struct{}
	mu        sync.Mutex
	started   int
	cancelled chan struct{}
}

func newUpstream(t *testing.T) *upstream {
	u := &upstream{release: make(chan struct{}), cancelled: make(chan struct{}, 16)}
	u.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.mu.Lock()
		u.started++
		n := u.started
		u.mu.Unlock()
		select {
		case <-u.release:
		case <-r.Context().Done():
			u.cancelled <- struct{}{}
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"job":"done","answer":42,"call":%d}`, min(n, 1))
	}))
	t.Cleanup(u.srv.Close)
	return u
}

// receivedHook is one POST the webhook receiver got.
type receivedHook struct {
	header http.Header
	body   []byte
	status int
}

// receiver is a webhook endpoint that answers 503 to its first failFirst
// calls, then 204, and keeps every call.
type receiver struct {
	srv       *httptest.Server
	mu        sync.Mutex
	failFirst int
	calls     []receivedHook
	got       chan receivedHook // the accepted ones
}

func newReceiver(t *testing.T, failFirst int) *receiver {
	rc := &receiver{failFirst: failFirst, got: make(chan receivedHook, 16)}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		h := receivedHook{header: r.Header.Clone(), body: b, status: http.StatusNoContent}
		if len(rc.calls) < rc.failFirst {
			h.status = http.StatusServiceUnavailable
		}
		rc.calls = append(rc.calls, h)
		rc.mu.Unlock()
		w.WriteHeader(h.status)
		if h.status == http.StatusNoContent {
			rc.got <- h
		}
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) setFailFirst(n int) {
	rc.mu.Lock()
	rc.failFirst = n
	rc.mu.Unlock()
}

func (rc *receiver) callCount() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return len(rc.calls)
}

func (rc *receiver) wait(t *testing.T, within time.Duration) receivedHook {
	t.Helper()
	select {
	case h := <-rc.got:
		return h
	case <-time.After(within):
		t.Fatalf("no webhook accepted within %s (%d calls)", within, rc.callCount())
		return receivedHook{}
	}
}

// verifyStandardWebhook checks a message the way the Standard Webhooks
// specification tells a receiver to, written here from the specification
// rather than from Portico's signer: the signed content is
// "{webhook-id}.{webhook-timestamp}.{body}", HMAC-SHA256 with the base64
// secret after "whsec_", base64 again, prefixed "v1,"; the header may hold
// several space-separated signatures; the timestamp must be recent.
func verifyStandardWebhook(secret string, h http.Header, body []byte, now time.Time) error {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return err
	}
	id, ts, sigs := h.Get("webhook-id"), h.Get("webhook-timestamp"), h.Get("webhook-signature")
	if id == "" || ts == "" || sigs == "" {
		return fmt.Errorf("missing headers: id %q, timestamp %q, signature %q", id, ts, sigs)
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("timestamp %q: %v", ts, err)
	}
	if d := now.Sub(time.Unix(sec, 0)); d > 5*time.Minute || d < -5*time.Minute {
		return fmt.Errorf("timestamp %s is %s away", ts, d)
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + ts + "." + string(body)))
	want := mac.Sum(nil)
	for _, s := range strings.Fields(sigs) {
		version, sig, ok := strings.Cut(s, ",")
		if !ok || version != "v1" {
			continue
		}
		got, err := base64.StdEncoding.DecodeString(sig)
		if err == nil && hmac.Equal(got, want) {
			return nil
		}
	}
	return fmt.Errorf("no valid v1 signature in %q", sigs)
}

// asyncSetup is a serve with an API whose processes call an upstream.
type asyncSetup struct {
	srv   *server
	admin *user
	gw    string // the runtime's base URL
	token string // an admin token for raw platform API calls
	data  string
}

const webhookSecret = "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="

// asyncManifest is the environment and the API of these tests.
func asyncManifest(upstreamURL, webhookURL string) string {
	return `kind: Environment
name: dev
spec:
  executions:
    maxWaitMs: 30000
    queueLease: 2s
    webhookSecret: ` + webhookSecret + `
    callbackHosts: ["127.0.0.1", "hooks.example.com"]
    allowPrivateCallbacks: true
---
kind: Connection
name: upstream
spec:
  type: http
  http:
    baseURL: ` + upstreamURL + `
    timeout: 120s
---
kind: Process
name: slowJob
spec:
  steps:
    - http:
        connection: upstream
        method: GET
        path: /job
    - set:
        properties:
          outheader_X-Job: '"finished"'
    - return: {status: 201}
---
kind: API
name: jobs
spec:
  basePath: jobs
  version: v1
  endpoints:
    - name: runJob
      method: POST
      path: /run
      process: slowJob
      input: none
    - name: submitJob
      method: POST
      path: /submit
      process: slowJob
      input: none
      async:
        webhook: ` + webhookURL + `
`
}

func startAsync(t *testing.T, data string, upstreamURL, webhookURL string, extraEnv ...string) *asyncSetup {
	t.Helper()
	env := baseEnv(t, append([]string{"PORTICO_ADMIN_PASSWORD=" + adminPassword,
		"PORTICO_WEBHOOK_RETRY_MIN=200ms", "PORTICO_WEBHOOK_INTERVAL=100ms"}, extraEnv...)...)
	srv := startServer(t, env, "--listen", "127.0.0.1:0", "--gateway-listen", "127.0.0.1:0", "--data", data)
	m := serveRuntimeRE.FindStringSubmatch(srv.Stdout())
	if m == nil {
		t.Fatalf("serve did not print the runtime's address:\n%s", srv.Stdout())
	}
	s := &asyncSetup{srv: srv, gw: m[1], admin: newUser(t, srv.URL), data: data}
	if r := s.admin.run(adminPassword+"\n", "login", "--username", "admin", "--password-stdin"); r.code != 0 {
		t.Fatalf("login: %s", r.stderr)
	}
	s.token = tokenFrom(t, s.admin.ok("token", "create", "--name", "async-test", "--role", "admin"))
	file := filepath.Join(t.TempDir(), "jobs.yaml")
	if err := os.WriteFile(file, []byte(asyncManifest(upstreamURL, webhookURL)), 0o600); err != nil {
		t.Fatal(err)
	}
	s.admin.ok("apply", "-f", file)
	s.admin.ok("package", "jobs", "--version", "1.0.0")
	s.admin.ok("deploy", "jobs@1.0.0", "--env", "dev")
	waitRouted(t, s.gw)
	return s
}

// routed says whether the jobs API is deployed: its OpenAPI document is served.
func routed(gw string) bool {
	resp, err := http.Get(gw + "/ws/rest/jobs/v1/openapi.json")
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// call sends one request to the runtime.
func call(t *testing.T, method, url string, header map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

// platform sends one request to the platform API with the admin token.
func (s *asyncSetup) platform(t *testing.T, method, path string) (*http.Response, []byte) {
	t.Helper()
	return call(t, method, s.srv.URL+"/api/v1"+path, map[string]string{"Authorization": "Bearer " + s.token})
}

// waitStatus polls an execution until its status is one of want.
func (s *asyncSetup) waitStatus(t *testing.T, id string, within time.Duration, want ...string) map[string]any {
	t.Helper()
	deadline := time.Now().Add(within)
	last := ""
	for time.Now().Before(deadline) {
		resp, b := s.platform(t, "GET", "/executions/"+id)
		if resp.StatusCode == http.StatusOK {
			var x map[string]any
			if err := json.Unmarshal(b, &x); err != nil {
				t.Fatal(err)
			}
			last, _ = x["status"].(string)
			for _, w := range want {
				if last == w {
					return x
				}
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("execution %s: status %q after %s, want one of %v", id, last, within, want)
	return nil
}

// comparable drops the headers of an answer that differ between two calls
// by nature: the execution id and the date.
func comparable(h http.Header) http.Header {
	c := h.Clone()
	for _, k := range []string{"X-Execution-Id", "Date", "Cache-Control"} {
		c.Del(k)
	}
	return c
}

// TestMaxWaitAnswers202ThenTheKeptResultEqualsTheSynchronousAnswer: a call
// that outlasts X-Max-Wait gets 202 with its status link, goes on, ends
// COMPLETE, and its result is what the synchronous call answers; a call
// that ends in time answers synchronously.
func TestMaxWaitAnswers202ThenTheKeptResultEqualsTheSynchronousAnswer(t *testing.T) {
	t.Parallel()
	up := newUpstream(t)
	rc := newReceiver(t, 0)
	s := startAsync(t, t.TempDir(), up.srv.URL, rc.srv.URL)

	resp, body := call(t, "POST", s.gw+"/ws/rest/jobs/v1/run", map[string]string{"X-Max-Wait": "300"})
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("with X-Max-Wait: %d %s", resp.StatusCode, body)
	}
	id := resp.Header.Get("X-Execution-Id")
	link := s.srv.URL + "/api/v1/executions/" + id
	if id == "" || resp.Header.Get("X-Execution-Status-Link") != link || resp.Header.Get("Location") != link {
		t.Errorf("202 headers: id %q, status link %q, location %q; want %s", id, resp.Header.Get("X-Execution-Status-Link"), resp.Header.Get("Location"), link)
	}
	var acc map[string]string
	if err := json.Unmarshal(body, &acc); err != nil || acc["executionId"] != id || acc["statusLink"] != link {
		t.Errorf("202 body: %s", body)
	}
	s.waitStatus(t, id, 10*time.Second, "INPROCESS")
	if r, b := s.platform(t, "GET", "/executions/"+id+"/result"); r.StatusCode != http.StatusConflict {
		t.Errorf("result while running: %d %s", r.StatusCode, b)
	}
	close(up.release)
	x := s.waitStatus(t, id, 15*time.Second, "COMPLETE", "ERROR", "ABORTED")
	if x["status"] != "COMPLETE" {
		t.Fatalf("execution ended %v", x)
	}
	res, resBody := s.platform(t, "GET", "/executions/"+id+"/result")

	// The same call, answered in time, is the reference.
	sync, syncBody := call(t, "POST", s.gw+"/ws/rest/jobs/v1/run", map[string]string{"X-Max-Wait": "20000"})
	if sync.StatusCode != http.StatusCreated || sync.Header.Get("X-Job") != "finished" {
		t.Fatalf("synchronous call: %d %v %s", sync.StatusCode, sync.Header, syncBody)
	}
	plain, plainBody := call(t, "POST", s.gw+"/ws/rest/jobs/v1/run", nil)
	if plain.StatusCode != sync.StatusCode || !bytes.Equal(plainBody, syncBody) {
		t.Errorf("without X-Max-Wait: %d %s; with: %d %s", plain.StatusCode, plainBody, sync.StatusCode, syncBody)
	}
	if res.StatusCode != sync.StatusCode || !bytes.Equal(resBody, syncBody) {
		t.Errorf("kept result: %d %s\nsynchronous: %d %s", res.StatusCode, resBody, sync.StatusCode, syncBody)
	}
	if res.Header.Get("X-Execution-Id") != id {
		t.Errorf("kept result's X-Execution-Id = %q, want %s", res.Header.Get("X-Execution-Id"), id)
	}
	for _, k := range []string{"Content-Type", "Content-Length", "X-Job"} {
		if res.Header.Get(k) != sync.Header.Get(k) {
			t.Errorf("header %s: kept %q, synchronous %q", k, res.Header.Get(k), sync.Header.Get(k))
		}
	}
	if got, want := comparable(sync.Header), comparable(plain.Header); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("headers with X-Max-Wait answered in time %v differ from a plain call's %v", got, want)
	}
	// The CLI prints the same body.
	if out := s.admin.ok("executions", "result", id); out != string(resBody) {
		t.Errorf("portico executions result: %q, want %q", out, resBody)
	}
	// A kept result needs a detached execution; a plain one has none.
	if r, b := s.platform(t, "GET", "/executions/"+plain.Header.Get("X-Execution-Id")+"/result"); r.StatusCode != http.StatusNotFound {
		t.Errorf("result of a synchronous execution: %d %s", r.StatusCode, b)
	}
	// Bad X-Max-Wait values are the client's error.
	for _, v := range []string{"-1", "soon", "1.5"} {
		if r, b := call(t, "POST", s.gw+"/ws/rest/jobs/v1/run", map[string]string{"X-Max-Wait": v}); r.StatusCode != http.StatusBadRequest ||
			!strings.Contains(string(b), "X-Max-Wait") {
			t.Errorf("X-Max-Wait %q: %d %s", v, r.StatusCode, b)
		}
	}
}

// TestAsyncEndpointDeliversASignedWebhookWithRetries: an async endpoint
// answers 202 at once; the result reaches the webhook, signed, after the
// receiver refused it twice; the delivery shows its attempts and can be
// sent again with the same webhook-id.
func TestAsyncEndpointDeliversASignedWebhookWithRetries(t *testing.T) {
	t.Parallel()
	up := newUpstream(t)
	rc := newReceiver(t, 2)
	s := startAsync(t, t.TempDir(), up.srv.URL, rc.srv.URL+"/hooks/jobs")
	close(up.release)

	resp, body := call(t, "POST", s.gw+"/ws/rest/jobs/v1/submit", nil)
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("async endpoint: %d %s", resp.StatusCode, body)
	}
	id := resp.Header.Get("X-Execution-Id")
	hook := rc.wait(t, 30*time.Second)
	if err := verifyStandardWebhook(webhookSecret, hook.header, hook.body, time.Now()); err != nil {
		t.Fatalf("webhook signature: %v\n%s", err, hook.body)
	}
	if hook.header.Get("webhook-id") != "msg_"+id || hook.header.Get("Content-Type") != "application/json" {
		t.Errorf("webhook headers: %v", hook.header)
	}
	var p struct {
		Type string `json:"type"`
		Data struct {
			ExecutionID string              `json:"executionId"`
			Status      string              `json:"status"`
			HTTPStatus  int                 `json:"httpStatus"`
			Headers     map[string][]string `json:"headers"`
			Body        json.RawMessage     `json:"body"`
		} `json:"data"`
	}
	if err := json.Unmarshal(hook.body, &p); err != nil {
		t.Fatal(err)
	}
	if p.Type != "execution.completed" || p.Data.ExecutionID != id || p.Data.Status != "COMPLETE" || p.Data.HTTPStatus != 201 ||
		p.Data.Headers["X-Job"][0] != "finished" || !strings.Contains(string(p.Data.Body), `"answer":42`) {
		t.Errorf("webhook payload: %s", hook.body)
	}
	// A tampered body fails the same check.
	if err := verifyStandardWebhook(webhookSecret, hook.header, append(hook.body, ' '), time.Now()); err == nil {
		t.Error("a tampered body verified")
	}
	if n := rc.callCount(); n != 3 {
		t.Errorf("receiver called %d times, want 3 (two refusals, one success)", n)
	}

	out := s.admin.ok("deliveries", "list", "--execution", id)
	contains(t, "deliveries list", out, "msg_"+id, "DELIVERED")
	var d struct {
		Status   string `json:"status"`
		Attempts []struct {
			HTTPStatus int `json:"httpStatus"`
		} `json:"attempts"`
	}
	if err := json.Unmarshal([]byte(s.admin.ok("deliveries", "get", "msg_"+id, "-o", "json")), &d); err != nil {
		t.Fatal(err)
	}
	if d.Status != "DELIVERED" || len(d.Attempts) != 3 || d.Attempts[0].HTTPStatus != 503 || d.Attempts[2].HTTPStatus != 204 {
		t.Errorf("delivery: %+v", d)
	}
	s.admin.ok("deliveries", "resend", "msg_"+id)
	again := rc.wait(t, 30*time.Second)
	if again.header.Get("webhook-id") != "msg_"+id || !bytes.Equal(again.body, hook.body) {
		t.Errorf("resent webhook: id %q body %s", again.header.Get("webhook-id"), again.body)
	}
	if err := verifyStandardWebhook(webhookSecret, again.header, again.body, time.Now()); err != nil {
		t.Errorf("resent webhook signature: %v", err)
	}

	// Callbacks to hosts the environment does not allow are refused up front.
	for _, u := range []string{"http://evil.example.net/hook", "ftp://127.0.0.1/x", "http://user:pw@127.0.0.1/x", "not a url"} {
		r, b := call(t, "POST", s.gw+"/ws/rest/jobs/v1/submit", map[string]string{"X-Callback-Url": u})
		if r.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), "callback") {
			t.Errorf("X-Callback-Url %q: %d %s", u, r.StatusCode, b)
		}
	}
}

// TestCancelStopsARunningExecution: a cancel through the CLI ends a
// detached execution ABORTED, and the process's own call is cancelled.
func TestCancelStopsARunningExecution(t *testing.T) {
	t.Parallel()
	up := newUpstream(t)
	rc := newReceiver(t, 0)
	s := startAsync(t, t.TempDir(), up.srv.URL, rc.srv.URL)
	resp, body := call(t, "POST", s.gw+"/ws/rest/jobs/v1/run", map[string]string{"X-Max-Wait": "100"})
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("with X-Max-Wait: %d %s", resp.StatusCode, body)
	}
	id := resp.Header.Get("X-Execution-Id")
	s.waitStatus(t, id, 10*time.Second, "INPROCESS")
	out := s.admin.ok("executions", "cancel", id)
	contains(t, "executions cancel", out, "cancel requested")
	select {
	case <-up.cancelled:
	case <-time.After(10 * time.Second):
		t.Fatal("the process's upstream call was not cancelled")
	}
	x := s.waitStatus(t, id, 10*time.Second, "ABORTED", "COMPLETE", "ERROR")
	if x["status"] != "ABORTED" || !strings.Contains(fmt.Sprint(x["error"]), "cancelled") {
		t.Errorf("after cancel: %v", x)
	}
	if r, b := s.platform(t, "POST", "/executions/"+id+"/cancel"); r.StatusCode != http.StatusConflict {
		t.Errorf("cancel after the end: %d %s", r.StatusCode, b)
	}
	if r, b := s.platform(t, "GET", "/executions/"+id+"/result"); r.StatusCode != http.StatusConflict {
		t.Errorf("result of an aborted execution: %d %s", r.StatusCode, b)
	}
	if r, _ := s.platform(t, "POST", "/executions/nope/cancel"); r.StatusCode != http.StatusNotFound {
		t.Errorf("cancel of an unknown execution: %d", r.StatusCode)
	}
}

// TestKillMidDeliveryThenRestartDelivers: serve is killed while an async
// execution runs and while a webhook is still being refused; after a
// restart on the same data, the execution, still queued, is claimed once
// its lease passes and run again to COMPLETE, and every webhook, the one
// pending at the kill included, is delivered.
func TestKillMidDeliveryThenRestartDelivers(t *testing.T) {
	t.Parallel()
	up := newUpstream(t)
	rc := newReceiver(t, 1_000_000)
	data := t.TempDir()
	s := startAsync(t, data, up.srv.URL, rc.srv.URL)

	// One execution ends and its webhook keeps failing...
	done := make(chan struct{})
	go func() {
		defer close(done)
		up.release <- struct{}{}
	}()
	r1, b1 := call(t, "POST", s.gw+"/ws/rest/jobs/v1/submit", nil)
	if r1.StatusCode != http.StatusAccepted {
		t.Fatalf("first submit: %d %s", r1.StatusCode, b1)
	}
	<-done
	first := r1.Header.Get("X-Execution-Id")
	s.waitStatus(t, first, 10*time.Second, "COMPLETE")
	for rc.callCount() < 2 {
		time.Sleep(50 * time.Millisecond)
	}
	// ...and another is still running when serve is killed.
	r2, b2 := call(t, "POST", s.gw+"/ws/rest/jobs/v1/submit", nil)
	if r2.StatusCode != http.StatusAccepted {
		t.Fatalf("second submit: %d %s", r2.StatusCode, b2)
	}
	second := r2.Header.Get("X-Execution-Id")
	s.waitStatus(t, second, 10*time.Second, "INPROCESS")
	if err := s.srv.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-s.srv.exited

	rc.setFailFirst(0)
	srv := startServer(t, baseEnv(t, "PORTICO_WEBHOOK_RETRY_MIN=200ms", "PORTICO_WEBHOOK_INTERVAL=100ms"),
		"--listen", strings.TrimPrefix(s.srv.URL, "http://"), "--gateway-listen", "127.0.0.1:0", "--data", data)
	_ = srv
	go func() { up.release <- struct{}{} }()
	x := s.waitStatus(t, second, 30*time.Second, "ABORTED", "COMPLETE", "ERROR")
	if x["status"] != "COMPLETE" {
		t.Errorf("the execution running at the kill: %v", x)
	}
	seen := map[string]string{}
	for len(seen) < 2 {
		h := rc.wait(t, 30*time.Second)
		if err := verifyStandardWebhook(webhookSecret, h.header, h.body, time.Now()); err != nil {
			t.Errorf("signature: %v", err)
		}
		var p struct {
			Data struct {
				Status string `json:"status"`
			} `json:"data"`
		}
		_ = json.Unmarshal(h.body, &p)
		seen[h.header.Get("webhook-id")] = p.Data.Status
	}
	if seen["msg_"+first] != "COMPLETE" || seen["msg_"+second] != "COMPLETE" {
		t.Errorf("webhooks after the restart: %v", seen)
	}
}

// TestStandaloneRuntimeCancelAndRestart: a runtime apart from the control
// plane picks up cancel requests through the platform API, and, killed
// while an async execution runs, claims it again from the queue when it
// restarts, once the dead instance's lease has passed, and runs it to
// COMPLETE; the webhook says so.
func TestStandaloneRuntimeCancelAndRestart(t *testing.T) {
	t.Parallel()
	up := newUpstream(t)
	rc := newReceiver(t, 0)
	s := startAsync(t, t.TempDir(), up.srv.URL, rc.srv.URL)
	token := tokenFrom(t, s.admin.ok("token", "create", "--name", "rt", "--role", "runtime"))
	rtData := t.TempDir()
	rtEnv := baseEnv(t, "PORTICO_TOKEN="+token, "PORTICO_CONTROL_PLANE="+s.srv.URL, "PORTICO_ENV=dev")
	rt := startRuntimeProcess(t, rtEnv, "--data", rtData)
	waitRouted(t, rt.URL)

	resp, body := call(t, "POST", rt.URL+"/ws/rest/jobs/v1/run", map[string]string{"X-Max-Wait": "100"})
	if resp.StatusCode != http.StatusAccepted || resp.Header.Get("Location") != s.srv.URL+"/api/v1/executions/"+resp.Header.Get("X-Execution-Id") {
		t.Fatalf("with X-Max-Wait: %d %v %s", resp.StatusCode, resp.Header, body)
	}
	id := resp.Header.Get("X-Execution-Id")
	s.waitStatus(t, id, 10*time.Second, "INPROCESS")
	s.admin.ok("executions", "cancel", id)
	select {
	case <-up.cancelled:
	case <-time.After(10 * time.Second):
		t.Fatal("the standalone runtime did not cancel the process")
	}
	if x := s.waitStatus(t, id, 10*time.Second, "ABORTED", "COMPLETE", "ERROR"); x["status"] != "ABORTED" {
		t.Errorf("after cancel: %v", x)
	}

	resp, body = call(t, "POST", rt.URL+"/ws/rest/jobs/v1/submit", nil)
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("async endpoint: %d %s", resp.StatusCode, body)
	}
	running := resp.Header.Get("X-Execution-Id")
	s.waitStatus(t, running, 10*time.Second, "INPROCESS")
	if err := rt.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-rt.exited
	startRuntimeProcess(t, rtEnv, "--data", rtData)
	go func() { up.release <- struct{}{} }()
	x := s.waitStatus(t, running, 30*time.Second, "ABORTED", "COMPLETE", "ERROR")
	if x["status"] != "COMPLETE" {
		t.Errorf("the execution running at the kill: %v", x)
	}
	h := rc.wait(t, 30*time.Second)
	if err := verifyStandardWebhook(webhookSecret, h.header, h.body, time.Now()); err != nil {
		t.Errorf("signature: %v", err)
	}
	if h.header.Get("webhook-id") != "msg_"+running || !strings.Contains(string(h.body), `"execution.completed"`) {
		t.Errorf("webhook after the restart: %v %s", h.header, h.body)
	}
}

func waitRouted(t *testing.T, gw string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !routed(gw) {
		if time.Now().After(deadline) {
			t.Fatal("the jobs API was not served within 30s")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestCancelInterruptsADatabaseStatement: cancelling an execution whose
// process is inside a long SQL statement interrupts the statement, and its
// write rolls back.
func TestCancelInterruptsADatabaseStatement(t *testing.T) {
	t.Parallel()
	up := newUpstream(t)
	rc := newReceiver(t, 0)
	s := startAsync(t, t.TempDir(), up.srv.URL, rc.srv.URL)
	dbPath := filepath.Join(t.TempDir(), "counters.db")
	db, err := sql.Open("sqlite", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE TABLE counters (id INTEGER PRIMARY KEY, n INTEGER NOT NULL); INSERT INTO counters VALUES (1, 0)`); err != nil {
		t.Fatal(err)
	}
	manifest := `kind: Connection
name: counters
spec:
  type: database
  database:
    driver: sqlite
    dsn: "file:` + dbPath + `"
---
kind: Process
name: slowUpdate
spec:
  steps:
    - exec:
        connection: counters
        sql: >
          UPDATE counters SET n = n + 1 WHERE id = 1 AND (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL
          SELECT x + 1 FROM c WHERE x < 2000000000) SELECT count(*) FROM c) > 0
    - return: {}
---
kind: API
name: counters
spec:
  basePath: counters
  version: v1
  endpoints:
    - name: bump
      method: POST
      path: /bump
      process: slowUpdate
      input: none
`
	file := filepath.Join(t.TempDir(), "counters.yaml")
	if err := os.WriteFile(file, []byte(manifest), 0o600); err != nil {
		t.Fatal(err)
	}
	s.admin.ok("apply", "-f", file)
	s.admin.ok("package", "counters", "--version", "1.0.0")
	s.admin.ok("deploy", "counters@1.0.0", "--env", "dev")
	var resp *http.Response
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, _ = call(t, "POST", s.gw+"/ws/rest/counters/v1/bump", map[string]string{"X-Max-Wait": "200"})
		if resp.StatusCode != http.StatusNotFound || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("with X-Max-Wait: %d", resp.StatusCode)
	}
	id := resp.Header.Get("X-Execution-Id")
	s.waitStatus(t, id, 10*time.Second, "INPROCESS")
	start := time.Now()
	s.admin.ok("executions", "cancel", id)
	x := s.waitStatus(t, id, 30*time.Second, "ABORTED", "COMPLETE", "ERROR")
	if x["status"] != "ABORTED" {
		t.Errorf("after cancel: %v", x)
	}
	t.Logf("the statement stopped %s after the cancel", time.Since(start))
	var n int
	if err := db.QueryRow(`SELECT n FROM counters WHERE id = 1`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("the interrupted UPDATE left n = %d, want 0", n)
	}
}
