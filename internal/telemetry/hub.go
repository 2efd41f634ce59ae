package telemetry

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/portico-dev/portico/internal/model"
)

// Retention of the Hub's blocks.
const (
	SecondRetention = 10 * time.Minute
	MinuteRetention = 24 * time.Hour
	// sweepEvery spaces out the deletion of blocks beyond the retention.
	sweepEvery = time.Minute
)

// ErrTooOld is returned for blocks outside the retention window.
var ErrTooOld = errors.New("block outside the retention window")

// BlockStore keeps the blocks: store.MetricsBlocks (the control plane's
// store, shared by its replicas) or, without a store, memory.
type BlockStore interface {
	AddMetricsBlocks(ctx context.Context, env string, res int, blocks []model.MetricsBlock) error
	ListMetricsBlocks(ctx context.Context, env string, res int, api string, since, until time.Time) ([]model.MetricsBlock, error)
	DeleteMetricsBlocksBefore(ctx context.Context, res int, t time.Time) (int, error)
}

// Hub is the control plane's view of the live aggregates: the blocks every
// runtime reports, summed per environment into one-second blocks (kept
// SecondRetention) and one-minute blocks (kept MinuteRetention). With a
// shared store every control-plane replica answers for all runtimes,
// whichever replica their reports reach.
type Hub struct {
	blocks    BlockStore
	now       func() time.Time
	lastSweep atomic.Int64 // unix seconds
}

// NewHub returns a hub over bs (nil: in memory); now nil means time.Now.
func NewHub(now func() time.Time, bs BlockStore) *Hub {
	if now == nil {
		now = time.Now
	}
	if bs == nil {
		bs = newMemBlocks()
	}
	return &Hub{blocks: bs, now: now}
}

// Ingest adds a runtime's report. Blocks older than SecondRetention or from
// the future are refused as a whole, before any is added.
func (h *Hub) Ingest(ctx context.Context, rep *model.MetricsReport) error {
	if err := rep.Validate(); err != nil {
		return err
	}
	now := h.now()
	secs := make([]model.MetricsBlock, 0, len(rep.Blocks))
	mins := map[minuteKey]*acc{}
	for i, b := range rep.Blocks {
		if b.Start.Before(now.Add(-SecondRetention)) || b.Start.After(now.Add(5*time.Second)) {
			return fmt.Errorf("block %d starts at %s: %w (the last %s, clocks in sync)", i, b.Start.Format(time.RFC3339), ErrTooOld, SecondRetention)
		}
		b.Start = b.Start.Truncate(time.Second).UTC()
		a := fromBlock(&b)
		secs = append(secs, a.block(b.MetricsKey, b.Start))
		mk := minuteKey{b.Start.Truncate(time.Minute).Unix(), b.MetricsKey}
		if mins[mk] == nil {
			mins[mk] = &acc{}
		}
		mins[mk].merge(&a)
	}
	minBlocks := make([]model.MetricsBlock, 0, len(mins))
	for k, a := range mins {
		minBlocks = append(minBlocks, a.block(k.key, time.Unix(k.start, 0)))
	}
	if err := h.blocks.AddMetricsBlocks(ctx, rep.Environment, 1, secs); err != nil {
		return fmt.Errorf("store the second blocks: %w", err)
	}
	if err := h.blocks.AddMetricsBlocks(ctx, rep.Environment, 60, minBlocks); err != nil {
		return fmt.Errorf("store the minute blocks: %w", err)
	}
	h.sweep(ctx, now)
	return nil
}

type minuteKey struct {
	start int64
	key   model.MetricsKey
}

// sweep forgets blocks beyond the retention, at most every sweepEvery.
func (h *Hub) sweep(ctx context.Context, now time.Time) {
	last := h.lastSweep.Load()
	if now.Unix()-last < int64(sweepEvery/time.Second) || !h.lastSweep.CompareAndSwap(last, now.Unix()) {
		return
	}
	_, _ = h.blocks.DeleteMetricsBlocksBefore(ctx, 1, now.Add(-SecondRetention))
	_, _ = h.blocks.DeleteMetricsBlocksBefore(ctx, 60, now.Add(-MinuteRetention))
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
func (h *Hub) Summary(ctx context.Context, q Query) ([]model.MetricsSummary, error) {
	res, keep := 1, SecondRetention
	if q.Resolution == time.Minute {
		res, keep = 60, MinuteRetention
	}
	since := h.now().Add(-keep)
	if q.Since.After(since) {
		since = q.Since.Truncate(q.Resolution)
	}
	blocks, err := h.blocks.ListMetricsBlocks(ctx, q.Environment, res, q.API, since, time.Time{})
	if err != nil {
		return nil, err
	}
	out := make([]model.MetricsSummary, 0, len(blocks))
	for i := range blocks {
		a := fromBlock(&blocks[i])
		out = append(out, a.summary(blocks[i].MetricsKey, blocks[i].Start))
	}
	slices.SortFunc(out, func(a, b model.MetricsSummary) int {
		if c := a.Start.Compare(b.Start); c != 0 {
			return c
		}
		return compareKeys(a.MetricsKey, b.MetricsKey)
	})
	return out, nil
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
func (h *Hub) Live(ctx context.Context, env string, start time.Time) (model.MetricsLiveEvent, error) {
	start = start.Truncate(time.Second).UTC()
	ev := model.MetricsLiveEvent{Environment: env, Start: start, APIs: []model.MetricsSummary{}}
	blocks, err := h.blocks.ListMetricsBlocks(ctx, env, 1, "", start, start.Add(time.Second))
	if err != nil {
		return ev, err
	}
	var total acc
	perAPI := map[string]*acc{}
	for i := range blocks {
		a := fromBlock(&blocks[i])
		total.merge(&a)
		p := perAPI[blocks[i].API]
		if p == nil {
			p = &acc{}
			perAPI[blocks[i].API] = p
		}
		p.merge(&a)
	}
	ev.Total = total.summary(model.MetricsKey{}, start)
	for api, a := range perAPI {
		ev.APIs = append(ev.APIs, a.summary(model.MetricsKey{API: api}, start))
	}
	slices.SortFunc(ev.APIs, func(a, b model.MetricsSummary) int { return strings.Compare(a.API, b.API) })
	return ev, nil
}

// memBlocks keeps blocks in memory, for a hub without a store (tests, tools).
type memBlocks struct {
	mu     sync.Mutex
	blocks map[memKey]*acc
}

type memKey struct {
	env   string
	res   int
	start int64
	key   model.MetricsKey
}

func newMemBlocks() *memBlocks { return &memBlocks{blocks: map[memKey]*acc{}} }

func (m *memBlocks) AddMetricsBlocks(_ context.Context, env string, res int, blocks []model.MetricsBlock) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := range blocks {
		k := memKey{env, res, blocks[i].Start.Unix(), blocks[i].MetricsKey}
		if m.blocks[k] == nil {
			m.blocks[k] = &acc{}
		}
		a := fromBlock(&blocks[i])
		m.blocks[k].merge(&a)
	}
	return nil
}

func (m *memBlocks) ListMetricsBlocks(_ context.Context, env string, res int, api string, since, until time.Time) ([]model.MetricsBlock, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []model.MetricsBlock
	for k, a := range m.blocks {
		if k.env != env || k.res != res || k.start < since.Unix() || (!until.IsZero() && k.start >= until.Unix()) || (api != "" && k.key.API != api) {
			continue
		}
		out = append(out, a.block(k.key, time.Unix(k.start, 0)))
	}
	slices.SortFunc(out, func(a, b model.MetricsBlock) int {
		if c := a.Start.Compare(b.Start); c != 0 {
			return c
		}
		return compareKeys(a.MetricsKey, b.MetricsKey)
	})
	return out, nil
}

func (m *memBlocks) DeleteMetricsBlocksBefore(_ context.Context, res int, t time.Time) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for k := range m.blocks {
		if k.res == res && k.start < t.Unix() {
			delete(m.blocks, k)
			n++
		}
	}
	return n, nil
}
