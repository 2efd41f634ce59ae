package execution

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/store"
	"github.com/portico-dev/portico/internal/store/sqlite"
)

// clock is a settable time for the deliverer.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func openStore(t *testing.T, settings *model.ExecutionSettings) store.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "portico.db"), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, _, err := st.PutEnvironment(context.Background(), &model.Environment{Name: "dev", Spec: model.EnvironmentSpec{Executions: settings}}); err != nil {
		t.Fatal(err)
	}
	return st
}

// flaky answers 503 to its first fail calls, then 204, and counts them.
type flaky struct {
	mu    sync.Mutex
	fail  int
	calls int
	sigs  []string
}

func (f *flaky) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	f.sigs = append(f.sigs, r.Header.Get(HeaderWebhookSignature))
	if f.calls <= f.fail {
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func enqueue(t *testing.T, st store.Store, id, url string, at time.Time) {
	t.Helper()
	rec := &model.Execution{ID: id, Environment: "dev", Status: model.ExecComplete, StartedAt: at,
		Async: &model.ExecutionAsync{Callback: url, Result: &model.ExecutionResult{Status: 200, Body: []byte(`{"a":1}`),
			Header: map[string][]string{"Content-Type": {"application/json"}}}}}
	if err := SaveOutcomes(context.Background(), st, []*model.Execution{rec}, at); err != nil {
		t.Fatal(err)
	}
}

// TestDelivererRetriesWithBackoffUntilAccepted: refused attempts are
// retried after growing waits, never before, and the delivery ends
// DELIVERED with every attempt recorded.
func TestDelivererRetriesWithBackoffUntilAccepted(t *testing.T) {
	t.Parallel()
	st := openStore(t, &model.ExecutionSettings{CallbackHosts: []string{"127.0.0.1"}, AllowPrivateCallbacks: true,
		WebhookSecret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"})
	rc := &flaky{fail: 3}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	clk := &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	d, err := NewDeliverer(DelivererConfig{Store: st, Now: clk.now, RetryMin: time.Second, RetryMax: 8 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	enqueue(t, st, "x1", srv.URL+"/hook", clk.now())
	ctx := context.Background()
	var waits []time.Duration
	for attempt := 1; attempt <= 4; attempt++ {
		if n := d.Pass(ctx); n != 1 {
			t.Fatalf("attempt %d: claimed %d", attempt, n)
		}
		dl, err := st.GetDelivery(ctx, "msg_x1")
		if err != nil {
			t.Fatal(err)
		}
		if attempt == 4 {
			if dl.Status != model.DeliveryDelivered || len(dl.Attempts) != 4 {
				t.Fatalf("after the 4th attempt: %+v", dl)
			}
			break
		}
		if dl.Status != model.DeliveryPending || dl.NextAttemptAt == nil || dl.LastError == "" {
			t.Fatalf("after attempt %d: %+v", attempt, dl)
		}
		wait := dl.NextAttemptAt.Sub(clk.now())
		waits = append(waits, wait)
		// Not due a moment before its time...
		clk.add(wait - time.Millisecond)
		if n := d.Pass(ctx); n != 0 {
			t.Fatalf("attempt %d retried %s early", attempt+1, time.Millisecond)
		}
		clk.add(time.Millisecond)
	}
	// RetryMin doubled per attempt, each drawn in [half, all].
	for i, w := range waits {
		full := time.Second << i
		if w < full/2 || w > full {
			t.Errorf("wait %d = %s, want within [%s, %s]", i+1, w, full/2, full)
		}
	}
	if len(rc.sigs) != 4 || rc.sigs[0] == "" {
		t.Errorf("signatures sent: %q", rc.sigs)
	}
}

// TestDelivererGivesUpAfterTheHorizon: a receiver that never accepts is
// given up once the environment's delivery horizon has passed; a callback
// the policy refuses fails at once.
func TestDelivererGivesUpAfterTheHorizon(t *testing.T) {
	t.Parallel()
	st := openStore(t, &model.ExecutionSettings{CallbackHosts: []string{"127.0.0.1"}, AllowPrivateCallbacks: true, DeliveryHorizon: "1m"})
	rc := &flaky{fail: 1 << 30}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	clk := &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	d, _ := NewDeliverer(DelivererConfig{Store: st, Now: clk.now, RetryMin: 10 * time.Second, RetryMax: 20 * time.Second})
	ctx := context.Background()
	enqueue(t, st, "x1", srv.URL, clk.now())
	enqueue(t, st, "x2", "http://hooks.elsewhere.example/", clk.now())
	for i := 0; i < 20; i++ {
		d.Pass(ctx)
		clk.add(20 * time.Second)
	}
	for id, want := range map[string]int{"msg_x1": 0, "msg_x2": 1} {
		dl, err := st.GetDelivery(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if dl.Status != model.DeliveryFailed {
			t.Errorf("%s: status %s, want FAILED", id, dl.Status)
		}
		if want == 1 && len(dl.Attempts) != 1 {
			t.Errorf("%s: a refused callback was attempted %d times", id, len(dl.Attempts))
		}
		if want == 0 && (len(dl.Attempts) < 3 || len(dl.Attempts) > 7) {
			t.Errorf("%s: %d attempts within a 1m horizon at 10-20s waits", id, len(dl.Attempts))
		}
	}
}

// TestDelivererDoesNotFollowRedirects: a receiver's redirect is an
// answer, not a way past the policy.
func TestDelivererDoesNotFollowRedirects(t *testing.T) {
	t.Parallel()
	st := openStore(t, &model.ExecutionSettings{CallbackHosts: []string{"127.0.0.1"}, AllowPrivateCallbacks: true})
	hit := make(chan struct{}, 1)
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { hit <- struct{}{} }))
	defer target.Close()
	redirect := httptest.NewServer(http.RedirectHandler(target.URL, http.StatusTemporaryRedirect))
	defer redirect.Close()
	clk := &clock{t: time.Now()}
	d, _ := NewDeliverer(DelivererConfig{Store: st, Now: clk.now})
	enqueue(t, st, "x1", redirect.URL, clk.now())
	d.Pass(context.Background())
	select {
	case <-hit:
		t.Error("the redirect was followed")
	default:
	}
	dl, _ := st.GetDelivery(context.Background(), "msg_x1")
	if dl.Status != model.DeliveryPending || dl.Attempts[0].HTTPStatus != http.StatusTemporaryRedirect {
		t.Errorf("after a redirect: %+v", dl)
	}
}
