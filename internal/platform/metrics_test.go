package platform

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/model"
)

func runtimeToken(t *testing.T, e *testEnv) string {
	t.Helper()
	var rt struct {
		Token string `json:"token"`
	}
	e.must(http.StatusCreated, "POST", "/tokens", e.admin, map[string]string{"name": "rt-metrics", "role": "runtime"}).json(t, &rt)
	return rt.Token
}

func TestMetricsReportAndSummary(t *testing.T) {
	e := newEnv(t)
	now := time.Now().UTC().Truncate(time.Second)
	rt := runtimeToken(t, e)
	block := func(count, c4 int64, buckets []int64) map[string]any {
		return map[string]any{"api": "erp", "endpoint": "GET /customers/{id}", "process": "getCustomer",
			"start": now.Add(-time.Second), "count": count, "errors": map[string]int64{"4xx": c4}, "maxMs": 2.5, "buckets": buckets}
	}
	// Two runtimes report the same second; the summary merges them.
	e.must(http.StatusNoContent, "POST", "/metrics/report", rt, map[string]any{"environment": "dev", "runtime": "a", "blocks": []any{block(3, 1, []int64{0, 0, 3})}})
	e.must(http.StatusNoContent, "POST", "/metrics/report", rt, map[string]any{"environment": "dev", "runtime": "b", "blocks": []any{block(2, 0, []int64{0, 0, 0, 2})}})

	var got model.MetricsSummaryAnswer
	e.must(http.StatusOK, "GET", "/metrics/summary?environment=dev&resolution=1s&since=5m", e.admin, nil).json(t, &got)
	if len(got.Blocks) != 1 || got.Blocks[0].Count != 5 || got.Blocks[0].Errors.Client != 1 || got.Resolution != "1s" {
		t.Fatalf("summary %+v", got)
	}
	e.must(http.StatusOK, "GET", "/metrics/summary?environment=dev&resolution=1m&api=other", e.admin, nil).json(t, &got)
	if len(got.Blocks) != 0 {
		t.Errorf("summary of another API: %+v", got.Blocks)
	}

	// Bad input: clear problems, nothing merged.
	for _, c := range []struct {
		method, path, token string
		body                any
		want                int
	}{
		{"POST", "/metrics/report", rt, map[string]any{"environment": "dev", "blocks": []any{block(1, 2, nil)}}, http.StatusBadRequest},
		{"POST", "/metrics/report", rt, map[string]any{"environment": "dev", "blocks": []any{map[string]any{"start": now.Add(-time.Hour), "count": 1}}}, http.StatusBadRequest},
		{"POST", "/metrics/report", rt, `{"environment": "dev", "blocks": [`, http.StatusBadRequest},
		{"POST", "/metrics/report", e.admin, map[string]any{"environment": "dev", "blocks": []any{}}, http.StatusNoContent},
		{"POST", "/metrics/report", "", map[string]any{"environment": "dev"}, http.StatusUnauthorized},
		{"GET", "/metrics/summary?environment=dev", rt, nil, http.StatusForbidden},
		{"GET", "/metrics/summary", e.admin, nil, http.StatusBadRequest},
		{"GET", "/metrics/summary?environment=dev&resolution=1h", e.admin, nil, http.StatusBadRequest},
		{"GET", "/metrics/summary?environment=dev&since=yesterday", e.admin, nil, http.StatusBadRequest},
		{"GET", "/metrics/live", e.admin, nil, http.StatusBadRequest},
	} {
		if a := e.do(c.method, c.path, c.token, c.body); a.status != c.want {
			t.Errorf("%s %s: %d %s, want %d", c.method, c.path, a.status, a.body, c.want)
		}
	}
	e.must(http.StatusOK, "GET", "/metrics/summary?environment=dev", e.admin, nil).json(t, &got)
	if len(got.Blocks) != 1 || got.Blocks[0].Count != 5 {
		t.Errorf("refused reports changed the summary: %+v", got.Blocks)
	}
}

// TestMetricsLiveStream reads the server-sent events: one per second with
// the second that just ended, the reported traffic within two seconds, and
// a clean end when the server closes.
func TestMetricsLiveStream(t *testing.T) {
	e := newEnv(t)
	rt := runtimeToken(t, e)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", e.url+apiPrefix+"/metrics/live?environment=dev", nil)
	req.Header.Set("Authorization", "Bearer "+e.admin)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("live: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	events := make(chan model.MetricsLiveEvent)
	ended := make(chan struct{})
	go func() {
		defer close(ended)
		sc := bufio.NewScanner(res.Body)
		name := ""
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: ") && name == "metrics":
				var ev model.MetricsLiveEvent
				if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &ev); err != nil {
					t.Errorf("event data: %v", err)
					return
				}
				events <- ev
			case strings.HasPrefix(line, "data: ") && name == "end":
				return
			}
		}
	}()
	first := <-events // the stream runs before any traffic
	if first.Environment != "dev" || first.Total.Count != 0 {
		t.Fatalf("first event %+v", first)
	}
	// A runtime reports the second under way as it ends.
	sec := time.Now().UTC().Truncate(time.Second)
	time.Sleep(time.Until(sec.Add(time.Second)))
	e.must(http.StatusNoContent, "POST", "/metrics/report", rt, map[string]any{"environment": "dev", "blocks": []any{
		map[string]any{"api": "erp", "endpoint": "GET /x", "start": sec, "count": 7, "errors": map[string]int64{"5xx": 1}, "maxMs": 4, "buckets": []int64{0, 0, 0, 7}}}})
	deadline := time.After(3 * time.Second)
	for {
		select {
		case ev := <-events:
			if !ev.Start.Equal(sec) {
				continue
			}
			if ev.Total.Count != 7 || ev.Total.Errors.Server != 1 || len(ev.APIs) != 1 || ev.APIs[0].API != "erp" || ev.APIs[0].Count != 7 {
				t.Fatalf("event of the reported second: %+v", ev)
			}
			e.srv.Close()
			select {
			case <-ended:
			case <-time.After(5 * time.Second):
				t.Fatal("the stream did not end when the server closed")
			}
			return
		case <-deadline:
			t.Fatal("no event carried the reported second within 3 s")
		}
	}
}

// TestMetricsAcrossReplicas: two control planes over one store; runtimes
// report to either, and each answers for all of them.
func TestMetricsAcrossReplicas(t *testing.T) {
	a := newEnv(t)
	b := newEnvOn(t, a.store)
	sec := time.Now().UTC().Truncate(time.Second).Add(-time.Second)
	for i, e := range []*testEnv{a, b} {
		e.must(http.StatusNoContent, "POST", "/metrics/report", runtimeTokenNamed(t, e, fmt.Sprintf("rt-%d", i)), map[string]any{"environment": "dev", "runtime": fmt.Sprint(i), "blocks": []any{
			map[string]any{"api": "erp", "endpoint": "GET /x", "start": sec, "count": 10 * (i + 1), "maxMs": float64(i + 1), "buckets": []int64{0, 0, int64(10 * (i + 1))}}}})
	}
	for _, e := range []*testEnv{a, b} {
		for _, res := range []string{"1s", "1m"} {
			var got model.MetricsSummaryAnswer
			e.must(http.StatusOK, "GET", "/metrics/summary?environment=dev&resolution="+res, e.admin, nil).json(t, &got)
			if len(got.Blocks) != 1 || got.Blocks[0].Count != 30 || got.Blocks[0].MaxMS != 2 {
				t.Errorf("%s summary from one replica: %+v, want both runtimes' 30 requests", res, got.Blocks)
			}
		}
	}
}

func runtimeTokenNamed(t *testing.T, e *testEnv, name string) string {
	t.Helper()
	var rt struct {
		Token string `json:"token"`
	}
	e.must(http.StatusCreated, "POST", "/tokens", e.admin, map[string]string{"name": name, "role": "runtime"}).json(t, &rt)
	return rt.Token
}
