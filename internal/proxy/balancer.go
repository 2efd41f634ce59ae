package proxy

import (
	"sync/atomic"

	"github.com/portico-dev/portico/internal/model"
)

// balancer picks the target of one attempt among those not yet tried (a bit
// per index in tried), skipping unavailable ones; nil when none is left.
type balancer interface {
	pick(tried uint64) *target
}

func newBalancer(policy string, ts []*target, now func() int64) balancer {
	switch policy {
	case model.BalanceLeastConnections:
		return &leastConn{ts: ts, now: now}
	case model.BalanceWeighted:
		return newWeighted(ts, now)
	default:
		return &roundRobin{ts: ts, now: now}
	}
}

// roundRobin takes the targets in turn.
type roundRobin struct {
	ts   []*target
	now  func() int64
	next atomic.Uint64
}

func (b *roundRobin) pick(tried uint64) *target {
	n := uint64(len(b.ts))
	if n == 1 {
		return onlyTarget(b.ts[0], tried, b.now)
	}
	start := b.next.Add(1)
	return scan(b.ts, start%n, tried, b.now)
}

// onlyTarget is the single-target case, which needs no counter.
func onlyTarget(t *target, tried uint64, now func() int64) *target {
	if tried&1 == 0 && t.available(now) {
		return t
	}
	return nil
}

// scan returns the first available, untried target from index start on.
func scan(ts []*target, start uint64, tried uint64, now func() int64) *target {
	n := uint64(len(ts))
	for i := range n {
		j := (start + i) % n
		if tried&(1<<j) == 0 && ts[j].available(now) {
			return ts[j]
		}
	}
	return nil
}

// weighted follows a precomputed smooth weighted round-robin sequence
// (weights 3 and 1 give a a b a, not a a a b), falling back to the next
// available target when the scheduled one is out.
type weighted struct {
	ts   []*target
	seq  []uint64
	now  func() int64
	next atomic.Uint64
}

// maxWeightedSeq bounds the precomputed sequence; larger weights are
// scaled down proportionally.
const maxWeightedSeq = 4096

func newWeighted(ts []*target, now func() int64) *weighted {
	ws := make([]int, len(ts))
	total := 0
	g := 0
	for i, t := range ts {
		ws[i] = t.weight
		g = gcd(g, t.weight)
	}
	for i := range ws {
		ws[i] /= g
		total += ws[i]
	}
	if total > maxWeightedSeq {
		sum := 0
		for i := range ws {
			ws[i] = max(1, ws[i]*maxWeightedSeq/total)
			sum += ws[i]
		}
		total = sum
	}
	// Nginx's smooth weighted round robin, run once for a full cycle.
	cur := make([]int, len(ws))
	seq := make([]uint64, 0, total)
	for range total {
		best := 0
		for i, w := range ws {
			cur[i] += w
			if cur[i] > cur[best] {
				best = i
			}
		}
		cur[best] -= total
		seq = append(seq, uint64(best))
	}
	return &weighted{ts: ts, seq: seq, now: now}
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

func (b *weighted) pick(tried uint64) *target {
	if len(b.ts) == 1 {
		return onlyTarget(b.ts[0], tried, b.now)
	}
	j := b.seq[b.next.Add(1)%uint64(len(b.seq))]
	if tried&(1<<j) == 0 && b.ts[j].available(b.now) {
		return b.ts[j]
	}
	return scan(b.ts, j+1, tried, b.now)
}

// leastConn takes the available target with the fewest calls in flight;
// ties go round robin so that an idle pool is still spread.
type leastConn struct {
	ts   []*target
	now  func() int64
	next atomic.Uint64
}

func (b *leastConn) pick(tried uint64) *target {
	n := uint64(len(b.ts))
	if n == 1 {
		return onlyTarget(b.ts[0], tried, b.now)
	}
	start := b.next.Add(1)
	var best *target
	var bestN int64
	for i := range n {
		j := (start + i) % n
		t := b.ts[j]
		if tried&(1<<j) != 0 || !t.available(b.now) {
			continue
		}
		if c := t.inflight.Load(); best == nil || c < bestN {
			best, bestN = t, c
		}
	}
	return best
}
