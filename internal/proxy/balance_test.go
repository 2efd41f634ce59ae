package proxy_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"

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
	release, arrived := make(chan struct{}), make(chan struct{}, 1)
	slow := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/hold" {
			arrived <- struct{}{}
			<-release
		}
		_, _ = w.Write([]byte("slow"))
	})
	fast := newOrigin(t, named("fast"))
	gw, _ := gateway(t, &model.ProxySpec{Targets: targets(slow.URL, fast.URL), Balancing: model.BalanceLeastConnections})
	// Send /hold calls one by one until one is held on the slow target (the
	// calls that land on fast return at once).
	var wg sync.WaitGroup
	defer wg.Wait()
	defer close(release)
	for held := false; !held; {
		answered := make(chan answer, 1)
		wg.Add(1)
		go func() {
			defer wg.Done()
			answered <- do(t, "GET", gw+root+"/hold", nil)
		}()
		select {
		case a := <-answered:
			if a.body != "fast" {
				t.Fatalf("unexpected %d %q", a.status, a.body)
			}
		case <-arrived:
			held = true
		}
	}
	if got := count(t, gw+root+"/x", 10); got["fast"] != 10 {
		t.Errorf("with the slow target busy: %v", got)
	}
}
