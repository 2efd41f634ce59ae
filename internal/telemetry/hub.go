package telemetry

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/portico-dev/portico/internal/model"
)

// Retention of the Hub's blocks.
const (
	SecondRetention = 10 * time.Minute
	MinuteRetention = 24 * time.Hour
	// maxKeysPerBlock bounds the keys of one environment in one block, so
	// that a runtime sending nonsense cannot exhaust memory.
	maxKeysPerBlock = 10_000
)

// ErrTooOld is returned for blocks outside the retention window.
var ErrTooOld = errors.New("block outside the retention window")

// Hub is the control plane's store of live aggregates: the blocks every
// runtime reports, merged per environment into one-second blocks (kept
// SecondRetention) and one-minute blocks (kept MinuteRetention). It is in
// memory: with several control-plane replicas each runtime's reports reach
// one replica only (docs/monitoring.md says what that means).
type Hub struct {
	mu   sync.Mutex
	envs map[string]*envBlocks
	now  func() time.Time
}

type envBlocks struct {
	secs map[int64]map[model.MetricsKey]*acc
	mins map[int64]map[model.MetricsKey]*acc
}

// NewHub returns an empty hub; now nil means time.Now.
func NewHub(now func() time.Time) *Hub {
	if now == nil {
		now = time.Now
	}
	return &Hub{envs: map[string]*envBlocks{}, now: now}
}

// Ingest merges a runtime's report. Blocks older than SecondRetention or
// from the future are refused as a whole, before any is merged.
func (h *Hub) Ingest(rep *model.MetricsReport) error {
	if err := rep.Validate(); err != nil {
		return err
	}
	now := h.now()
	for i, b := range rep.Blocks {
		if b.Start.Before(now.Add(-SecondRetention)) || b.Start.After(now.Add(5*time.Second)) {
			return fmt.Errorf("block %d starts at %s: %w (the last %s, clocks in sync)", i, b.Start.Format(time.RFC3339), ErrTooOld, SecondRetention)
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	e := h.envs[rep.Environment]
	if e == nil {
		e = &envBlocks{secs: map[int64]map[model.MetricsKey]*acc{}, mins: map[int64]map[model.MetricsKey]*acc{}}
		h.envs[rep.Environment] = e
	}
	for i := range rep.Blocks {
		b := &rep.Blocks[i]
		a := fromBlock(b)
		sec := b.Start.Unix()
		mergeInto(e.secs, sec, b.MetricsKey, &a)
		mergeInto(e.mins, sec-sec%60, b.MetricsKey, &a)
	}
	h.sweepLocked(now)
	return nil
}

func mergeInto(m map[int64]map[model.MetricsKey]*acc, t int64, k model.MetricsKey, a *acc) {
	keys := m[t]
	if keys == nil {
		keys = map[model.MetricsKey]*acc{}
		m[t] = keys
	}
	cur := keys[k]
	if cur == nil {
		if len(keys) >= maxKeysPerBlock {
			k = model.MetricsKey{API: "(other)"}
			if cur = keys[k]; cur == nil {
				cur = &acc{}
				keys[k] = cur
			}
		} else {
			cur = &acc{}
			keys[k] = cur
		}
	}
	cur.merge(a)
}

// sweepLocked forgets blocks beyond the retention. The caller holds mu.
func (h *Hub) sweepLocked(now time.Time) {
	oldSec, oldMin := now.Add(-SecondRetention).Unix(), now.Add(-MinuteRetention).Unix()
	for _, e := range h.envs {
		for t := range e.secs {
			if t < oldSec {
				delete(e.secs, t)
			}
		}
		for t := range e.mins {
			if t < oldMin {
				delete(e.mins, t)
			}
		}
	}
}

// Query selects blocks of Hub.Summary.
type Query struct {
	Environment string
	API         string        // "" for all
	Resolution  time.Duration // time.Second or time.Minute
	Since       time.Time     // zero: the whole retention
}

// Summary returns the blocks of q, oldest first, then by API, endpoint and
// process.
func (h *Hub) Summary(q Query) []model.MetricsSummary {
	h.mu.Lock()
	defer h.mu.Unlock()
	e := h.envs[q.Environment]
	if e == nil {
		return nil
	}
	m := e.secs
	if q.Resolution == time.Minute {
		m = e.mins
	}
	var out []model.MetricsSummary
	for t, keys := range m {
		start := time.Unix(t, 0)
		if !q.Since.IsZero() && start.Add(q.Resolution).Before(q.Since) {
			continue
		}
		for k, a := range keys {
			if q.API != "" && k.API != q.API {
				continue
			}
			out = append(out, a.summary(k, start))
		}
	}
	slices.SortFunc(out, func(a, b model.MetricsSummary) int {
		if c := a.Start.Compare(b.Start); c != 0 {
			return c
		}
		return compareKeys(a.MetricsKey, b.MetricsKey)
	})
	return out
}

func compareKeys(a, b model.MetricsKey) int {
	if c := strings.Compare(a.API, b.API); c != 0 {
		return c
	}
	if c := strings.Compare(a.Endpoint, b.Endpoint); c != 0 {
		return c
	}
	return strings.Compare(a.Process, b.Process)
}

// Live returns the one-second block starting at start, in total and per
// API (endpoints and processes merged).
func (h *Hub) Live(env string, start time.Time) model.MetricsLiveEvent {
	ev := model.MetricsLiveEvent{Environment: env, Start: start.UTC(), APIs: []model.MetricsSummary{}}
	h.mu.Lock()
	var total acc
	perAPI := map[string]*acc{}
	if e := h.envs[env]; e != nil {
		for k, a := range e.secs[start.Unix()] {
			total.merge(a)
			p := perAPI[k.API]
			if p == nil {
				p = &acc{}
				perAPI[k.API] = p
			}
			p.merge(a)
		}
	}
	h.mu.Unlock()
	ev.Total = total.summary(model.MetricsKey{}, start)
	for api, a := range perAPI {
		ev.APIs = append(ev.APIs, a.summary(model.MetricsKey{API: api}, start))
	}
	slices.SortFunc(ev.APIs, func(a, b model.MetricsSummary) int { return strings.Compare(a.API, b.API) })
	return ev
}
