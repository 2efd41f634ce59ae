package telemetry

import (
	"sync"
	"time"

	"github.com/portico-dev/portico/internal/model"
)

// maxPendingSeconds bounds the completed seconds a cell keeps while nobody
// takes them (no reporter, or the control plane is down).
const maxPendingSeconds = 60

// Collector accumulates a runtime's requests in one-second blocks per
// (API, endpoint, process). Observe is on the hot path: one lock-free map
// read and one lock per endpoint, never one shared by all.
type Collector struct {
	cells sync.Map // model.MetricsKey → *cell
	now   func() time.Time
}

// cell is one key's current second and its completed, untaken seconds.
type cell struct {
	mu      sync.Mutex
	sec     int64 // unix second of cur
	cur     acc
	done    []secAcc
	dead    bool // removed from the map; observers retry
	idleFor int  // takes in a row that found nothing
}

type secAcc struct {
	sec int64
	acc acc
}

// NewCollector returns an empty collector; now nil means time.Now.
func NewCollector(now func() time.Time) *Collector {
	if now == nil {
		now = time.Now
	}
	return &Collector{now: now}
}

// Observe counts one request that ended now with status after d.
func (c *Collector) Observe(k model.MetricsKey, status int, d time.Duration) {
	sec := c.now().Unix()
	for {
		v, ok := c.cells.Load(k)
		if !ok {
			v, _ = c.cells.LoadOrStore(k, &cell{sec: sec})
		}
		ce := v.(*cell)
		ce.mu.Lock()
		if ce.dead {
			ce.mu.Unlock()
			continue
		}
		ce.roll(sec)
		ce.cur.observe(status, d)
		ce.mu.Unlock()
		return
	}
}

// roll moves cur to done when sec is a later second. The caller holds mu.
func (ce *cell) roll(sec int64) {
	if sec <= ce.sec {
		return
	}
	if ce.cur.count > 0 {
		if len(ce.done) >= maxPendingSeconds {
			ce.done = ce.done[1:]
		}
		ce.done = append(ce.done, secAcc{sec: ce.sec, acc: ce.cur})
	}
	ce.sec, ce.cur = sec, acc{}
}

// Take returns the completed seconds (those before now's) of every key and
// forgets them. Keys idle for a minute are dropped, so that the endpoints
// of an old snapshot do not stay forever.
func (c *Collector) Take() []model.MetricsBlock {
	sec := c.now().Unix()
	var out []model.MetricsBlock
	c.cells.Range(func(key, v any) bool {
		k, ce := key.(model.MetricsKey), v.(*cell)
		ce.mu.Lock()
		ce.roll(sec)
		if len(ce.done) == 0 && ce.cur.count == 0 {
			ce.idleFor++
			if ce.idleFor > 60 {
				ce.dead = true
				c.cells.Delete(k)
			}
		} else {
			ce.idleFor = 0
		}
		for _, d := range ce.done {
			out = append(out, d.acc.block(k, time.Unix(d.sec, 0)))
		}
		ce.done = ce.done[:0]
		ce.mu.Unlock()
		return true
	})
	return out
}
