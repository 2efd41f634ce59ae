package proxy_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/model"
)

func count(t *testing.T, url string, n int) map[string]int {
	t.Helper()
	got := map[string]int{}
	for range n {
		a := do(t, "GET", url, nil)
		if a.status != 200 {
			got[fmt.Sprint(a.status)]++
			continue
		}
		got[a.body]++
	}
	return got
}

func TestRoundRobinAndWeighted(t *testing.T) {
	t.Parallel()
	a, b, c := newOrigin(t, named("a")), newOrigin(t, named("b")), newOrigin(t, named("c"))
	gw, _ := gateway(t, &model.ProxySpec{Targets: targets(a.URL, b.URL, c.URL)})
	if got := count(t, gw+root+"/x", 30); got["a"] != 10 || got["b"] != 10 || got["c"] != 10 {
		t.Errorf("round robin: %v", got)
	}
	wt := []model.ProxyTarget{{URL: a.URL, Weight: 3}, {URL: b.URL, Weight: 1}}
	gw, _ = gateway(t, &model.ProxySpec{Targets: wt, Balancing: model.BalanceWeighted})
	if got := count(t, gw+root+"/x", 40); got["a"] != 30 || got["b"] != 10 {
		t.Errorf("weighted 3:1: %v", got)
	}
}

func TestLeastConnections(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	var slowIn sync.WaitGroup
	slowIn.Add(1)
	slow := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/hold" {
			slowIn.Done()
			<-release
		}
		_, _ = w.Write([]byte("slow"))
	})
	fast := newOrigin(t, named("fast"))
	gw, _ := gateway(t, &model.ProxySpec{Targets: targets(slow.URL, fast.URL), Balancing: model.BalanceLeastConnections})
	// Hold one call on the slow target (the calls that land on fast return).
	var wg sync.WaitGroup
	held := 0
	for held < 1 {
		a := make(chan answer, 1)
		wg.Add(1)
		go func() {
			defer wg.Done()
			a <- do(t, "GET", gw+root+"/hold", nil)
		}()
		select {
		case r := <-a:
			if r.body != "fast" {
				t.Fatalf("unexpected %d %q", r.status, r.body)
			}
		case <-time.After(200 * time.Millisecond):
			held++
		}
	}
	slowIn.Wait()
	if got := count(t, gw+root+"/x", 10); got["fast"] != 10 {
		t.Errorf("with the slow target busy: %v", got)
	}
	close(release)
	wg.Wait()
}
