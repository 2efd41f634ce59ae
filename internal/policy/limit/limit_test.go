package limit

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/execution/pool"
	"github.com/portico-dev/portico/internal/policy/ratelimit"
)

var ok = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	if _, err := io.Copy(io.Discard, r.Body); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			TooLarge(w, r, mbe.Limit)
			return
		}
	}
	w.WriteHeader(http.StatusOK)
})

func TestRateAnswers429WithHeaders(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	h := &Rate{
		Limiter: ratelimit.NewLocal(func() time.Time { return now }),
		Limit:   ratelimit.Limit{Rate: 2, Period: time.Minute},
		Key:     "api:dev:erp:v1", What: "the API's rate limit", Log: slog.Default(), Next: ok,
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	for i, want := range []string{"1", "0"} {
		res, err := http.Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 || res.Header.Get("RateLimit-Remaining") != want || res.Header.Get("RateLimit-Limit") != "2" {
			t.Fatalf("request %d: %d, RateLimit-Remaining %q Limit %q", i, res.StatusCode, res.Header.Get("RateLimit-Remaining"), res.Header.Get("RateLimit-Limit"))
		}
	}
	res, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var p struct {
		Status int    `json:"status"`
		Detail string `json:"detail"`
	}
	json.NewDecoder(res.Body).Decode(&p)
	if res.StatusCode != 429 || p.Status != 429 || res.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("third request: %d %+v", res.StatusCode, p)
	}
	if res.Header.Get("Retry-After") != "30" || res.Header.Get("RateLimit-Reset") != "60" || res.Header.Get("RateLimit-Remaining") != "0" {
		t.Fatalf("Retry-After %q RateLimit-Reset %q Remaining %q, want 30, 60, 0", res.Header.Get("Retry-After"), res.Header.Get("RateLimit-Reset"), res.Header.Get("RateLimit-Remaining"))
	}
	if !strings.Contains(p.Detail, "the API's rate limit") {
		t.Fatalf("detail %q does not say which limit", p.Detail)
	}
}

type failing struct{ err error }

func (f failing) Allow(context.Context, string, ratelimit.Limit) (ratelimit.Decision, error) {
	return ratelimit.Decision{}, f.err
}

func TestRateWhenLimitsCannotBeChecked(t *testing.T) {
	h := &Rate{Limiter: failing{ratelimit.ErrUnavailable}, Limit: ratelimit.PerSecond(1), Key: "k", Log: slog.Default(), Next: ok}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/ws/rest/erp/v1/x", nil))
	if rec.Code != 503 || rec.Header().Get("Retry-After") != "1" {
		t.Fatalf("got %d Retry-After %q, want 503 with Retry-After 1", rec.Code, rec.Header().Get("Retry-After"))
	}
}

func TestBodyLimit(t *testing.T) {
	srv := httptest.NewServer(&Body{Max: 10, Next: ok})
	defer srv.Close()
	for _, tc := range []struct {
		name    string
		body    io.Reader
		chunked bool
		want    int
	}{
		{"under the limit", strings.NewReader("0123456789"), false, 200},
		{"declared length over the limit", strings.NewReader("0123456789A"), false, 413},
		{"chunked over the limit", strings.NewReader(strings.Repeat("x", 1<<20)), true, 413},
		{"chunked under the limit", strings.NewReader("short"), true, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", srv.URL, tc.body)
			if tc.chunked {
				req.ContentLength = -1
				req.Body = io.NopCloser(tc.body) // hide the length: sent chunked
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != tc.want {
				t.Fatalf("got %d, want %d", res.StatusCode, tc.want)
			}
		})
	}
}

func TestPoolFullAnswers503(t *testing.T) {
	p, _ := pool.New(pool.Config{Name: "shared", MaxRunning: 1, MaxQueued: 0})
	inside := make(chan struct{})
	leave := make(chan struct{})
	h := &Pool{Pool: p, Next: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(inside)
		<-leave
	})}
	var wg sync.WaitGroup
	wg.Go(func() { h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil)) })
	<-inside
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	close(leave)
	wg.Wait()
	if rec.Code != 503 || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("got %d Retry-After %q, want 503 with Retry-After", rec.Code, rec.Header().Get("Retry-After"))
	}
	if s := p.Stats(); s.Rejected != 1 || s.Running != 0 {
		t.Fatalf("pool stats %+v", s)
	}
}

func BenchmarkRateAllowed(b *testing.B) {
	h := &Rate{Limiter: ratelimit.NewLocal(nil), Limit: ratelimit.Limit{Rate: 1 << 20, Period: time.Second}, Key: "api:dev:erp:v1",
		Log: slog.Default(), Next: http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})}
	req := httptest.NewRequest("GET", "/ws/rest/erp/v1/customers/1", nil)
	w := httptest.NewRecorder()
	b.ReportAllocs()
	for b.Loop() {
		h.ServeHTTP(w, req)
	}
}
