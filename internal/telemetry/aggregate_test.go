package telemetry

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/model"
)

// exact returns the q-quantile of sorted durations (nearest rank).
func exact(sorted []time.Duration, q float64) time.Duration {
	r := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[max(r, 0)]
}

// TestSketchPercentilesOfAKnownDistribution checks p50/p95/p99 read from the
// sketch against the exact values of a log-normal sample: within the
// bucket width (one step of 2^(1/4), 19 %), never below the truth.
func TestSketchPercentilesOfAKnownDistribution(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var s Sketch
	var all []time.Duration
	var maxSeen time.Duration
	for range 100_000 {
		d := time.Duration(math.Exp(rng.NormFloat64()*0.8 + math.Log(5e6))) // median 5 ms
		s.Add(d)
		all = append(all, d)
		maxSeen = max(maxSeen, d)
	}
	slices.Sort(all)
	for _, q := range []float64{0.5, 0.95, 0.99} {
		got, want := s.Quantile(q, maxSeen), exact(all, q)
		if got < want || float64(got) > float64(want)*math.Exp2(0.25)*1.0001 {
			t.Errorf("p%v = %v, exact %v: outside [exact, exact·2^¼]", q*100, got, want)
		}
	}
	if got := s.Quantile(1, maxSeen); got != maxSeen {
		t.Errorf("p100 = %v, want the max %v", got, maxSeen)
	}
	var empty Sketch
	if got := empty.Quantile(0.5, 0); got != 0 {
		t.Errorf("empty sketch p50 = %v, want 0", got)
	}
}

func TestSketchCompactRoundTripAndEdges(t *testing.T) {
	var s Sketch
	s.Add(0)
	s.Add(time.Nanosecond)
	s.Add(3 * time.Millisecond)
	s.Add(100 * time.Hour) // beyond the last bound: the last bucket
	var back Sketch
	back.FromCompact(s.Compact())
	if back != s {
		t.Fatalf("compact round trip changed the sketch")
	}
	if s[0] != 2 || s[SketchBuckets-1] != 1 {
		t.Errorf("edge buckets: first %d (want 2), last %d (want 1)", s[0], s[SketchBuckets-1])
	}
	if d := 3 * time.Millisecond; BucketUpper(bucketOf(d)) < d || BucketUpper(bucketOf(d)-1) >= d {
		t.Errorf("3ms is not in the bucket whose bounds hold it")
	}
}

// TestHubMergesRuntimes sends the same second from two runtimes, each with
// half of a known distribution, and checks the environment's block equals
// the one a single runtime would have reported for all of it.
func TestHubMergesRuntimes(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 30, 0, time.UTC)
	clock := func() time.Time { return now }
	key := model.MetricsKey{API: "erp", Endpoint: "GET /customers/{id}", Process: "getCustomer"}
	var runtimes [2]*Collector
	single := NewCollector(func() time.Time { return now.Add(-2 * time.Second) })
	for i := range runtimes {
		runtimes[i] = NewCollector(func() time.Time { return now.Add(-2 * time.Second) })
	}
	for i := 1; i <= 1000; i++ {
		d := time.Duration(i) * 100 * time.Microsecond // 0.1 .. 100 ms, uniform
		status := 200
		switch {
		case i%50 == 0:
			status = 503
		case i%10 == 0:
			status = 404
		}
		runtimes[i%2].Observe(key, status, d)
		single.Observe(key, status, d)
	}
	hub := NewHub(clock, nil)
	for i, c := range runtimes {
		c.now = clock // the second has ended
		rep := &model.MetricsReport{Environment: "dev", Runtime: []string{"a", "b"}[i], Blocks: c.Take()}
		if len(rep.Blocks) != 1 {
			t.Fatalf("runtime %d: %d blocks, want 1", i, len(rep.Blocks))
		}
		if err := hub.Ingest(context.Background(), rep); err != nil {
			t.Fatal(err)
		}
	}
	single.now = clock
	want := single.Take()[0]
	for _, res := range []time.Duration{time.Second, time.Minute} {
		got := summary(t, hub, Query{Environment: "dev", Resolution: res})
		if len(got) != 1 {
			t.Fatalf("%v: %d blocks, want 1", res, len(got))
		}
		b := got[0]
		if b.Count != 1000 || b.Errors.Client != 80 || b.Errors.Server != 20 || b.ErrorRate != 0.1 {
			t.Errorf("%v: count %d errors %+v rate %v; want 1000, 80 4xx, 20 5xx, 0.1", res, b.Count, b.Errors, b.ErrorRate)
		}
		if b.MaxMS != 100 {
			t.Errorf("%v: max %v ms, want 100", res, b.MaxMS)
		}
		// Uniform 0.1..100 ms: exact p50 50 ms, p95 95 ms, p99 99 ms.
		for _, c := range []struct {
			got, exact float64
		}{{b.P50MS, 50}, {b.P95MS, 95}, {b.P99MS, 99}} {
			if c.got < c.exact || c.got > c.exact*1.19 {
				t.Errorf("%v: percentile %v ms, exact %v", res, c.got, c.exact)
			}
		}
		var ws Sketch
		ws.FromCompact(want.Buckets)
		wantP99 := ms(ws.Quantile(0.99, 100*time.Millisecond))
		if b.P99MS != wantP99 {
			t.Errorf("%v: merged p99 %v, one runtime with all the traffic %v", res, b.P99MS, wantP99)
		}
	}
	ev, _ := hub.Live(context.Background(), "dev", want.Start)
	if ev.Total.Count != 1000 || len(ev.APIs) != 1 || ev.APIs[0].API != "erp" {
		t.Errorf("live event: %+v", ev)
	}
	if ev, _ := hub.Live(context.Background(), "prod", want.Start); ev.Total.Count != 0 || ev.APIs == nil {
		t.Errorf("live event of an environment without traffic: %+v", ev)
	}
}

func TestHubRefusesBadReports(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	hub := NewHub(func() time.Time { return now }, nil)
	for name, rep := range map[string]*model.MetricsReport{
		"bad environment": {Environment: "Not Valid", Blocks: []model.MetricsBlock{{Start: now, Count: 1}}},
		"errors > count":  {Environment: "dev", Blocks: []model.MetricsBlock{{Start: now, Count: 1, Errors: model.MetricsErrors{Server: 2}}}},
		"too old":         {Environment: "dev", Blocks: []model.MetricsBlock{{Start: now.Add(-time.Hour), Count: 1}}},
		"future":          {Environment: "dev", Blocks: []model.MetricsBlock{{Start: now.Add(time.Minute), Count: 1}}},
		"no start":        {Environment: "dev", Blocks: []model.MetricsBlock{{Count: 1}}},
	} {
		if err := hub.Ingest(context.Background(), rep); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if got := summary(t, hub, Query{Environment: "dev", Resolution: time.Second}); len(got) != 0 {
		t.Errorf("refused reports left blocks: %+v", got)
	}
}

func TestHubRetention(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	hub := NewHub(func() time.Time { return now }, nil)
	if err := hub.Ingest(context.Background(), &model.MetricsReport{Environment: "dev", Blocks: []model.MetricsBlock{{Start: now.Add(-time.Second), Count: 1}}}); err != nil {
		t.Fatal(err)
	}
	now = now.Add(SecondRetention + time.Minute)
	if err := hub.Ingest(context.Background(), &model.MetricsReport{Environment: "dev", Blocks: []model.MetricsBlock{{Start: now.Add(-time.Second), Count: 2}}}); err != nil {
		t.Fatal(err)
	}
	if got := summary(t, hub, Query{Environment: "dev", Resolution: time.Second}); len(got) != 1 || got[0].Count != 2 {
		t.Errorf("second blocks after the retention: %+v, want only the new one", got)
	}
	if got := summary(t, hub, Query{Environment: "dev", Resolution: time.Minute}); len(got) != 2 {
		t.Errorf("minute blocks: %d, want 2 (kept 24 h)", len(got))
	}
	if got := summary(t, hub, Query{Environment: "dev", Resolution: time.Minute, Since: now.Add(-time.Minute)}); len(got) != 1 {
		t.Errorf("minute blocks since a minute ago: %d, want 1", len(got))
	}
}

func TestCollectorKeepsTheSecondUnderWay(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	c := NewCollector(func() time.Time { return now })
	k := model.MetricsKey{API: "a", Endpoint: "e"}
	c.Observe(k, 200, time.Millisecond)
	if got := c.Take(); len(got) != 0 {
		t.Fatalf("the second under way was taken: %+v", got)
	}
	now = now.Add(time.Second)
	c.Observe(k, 500, time.Millisecond)
	got := c.Take()
	if len(got) != 1 || got[0].Count != 1 || got[0].Errors.Server != 0 || !got[0].Start.Equal(now.Add(-time.Second)) {
		t.Fatalf("Take = %+v, want the one request of the previous second", got)
	}
	now = now.Add(time.Second)
	if got := c.Take(); len(got) != 1 || got[0].Errors.Server != 1 {
		t.Fatalf("Take = %+v, want the 500 of the next second", got)
	}
}

func summary(t *testing.T, h *Hub, q Query) []model.MetricsSummary {
	t.Helper()
	out, err := h.Summary(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
