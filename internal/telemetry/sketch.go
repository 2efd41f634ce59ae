package telemetry

import (
	"math"
	"time"
)

// SketchBuckets is the number of latency buckets of a Sketch.
const SketchBuckets = 128

// sketchBase is the lower bound of bucket 1; bucket 0 holds everything at
// or below it.
const sketchBase = time.Microsecond

// sketchSteps is the number of buckets per doubling: bucket i holds
// durations in (base·2^((i-1)/4), base·2^(i/4)], so a percentile read from
// the buckets is at most 19 % above the true value. The last bucket holds
// everything beyond base·2^(127/4), about an hour.
const sketchSteps = 4

// Sketch is a latency histogram with fixed log-scale buckets. Every runtime
// uses the same buckets, so sketches merge by adding counts: percentiles
// of an environment are read from the merged buckets, never averaged.
type Sketch [SketchBuckets]int64

// bucketOf returns the bucket of d.
func bucketOf(d time.Duration) int {
	if d <= sketchBase {
		return 0
	}
	i := int(math.Ceil(math.Log2(float64(d)/float64(sketchBase)) * sketchSteps))
	return min(max(i, 1), SketchBuckets-1)
}

// BucketUpper is the upper bound of bucket i.
func BucketUpper(i int) time.Duration {
	return time.Duration(float64(sketchBase) * math.Exp2(float64(i)/sketchSteps))
}

// Add counts one duration.
func (s *Sketch) Add(d time.Duration) { s[bucketOf(d)]++ }

// Merge adds o's counts to s.
func (s *Sketch) Merge(o *Sketch) {
	for i, n := range o {
		s[i] += n
	}
}

// Quantile returns the upper bound of the bucket holding the q-quantile
// (0 < q ≤ 1), capped at max when max is known; 0 for an empty sketch.
func (s *Sketch) Quantile(q float64, maxSeen time.Duration) time.Duration {
	var total int64
	for _, n := range s {
		total += n
	}
	if total == 0 {
		return 0
	}
	rank := int64(math.Ceil(q * float64(total)))
	rank = min(max(rank, 1), total)
	var seen int64
	for i, n := range s {
		seen += n
		if seen >= rank {
			v := BucketUpper(i)
			if maxSeen > 0 && v > maxSeen {
				v = maxSeen
			}
			return v
		}
	}
	return maxSeen
}

// Compact returns the counts up to the last non-zero bucket: the form sent
// over the wire.
func (s *Sketch) Compact() []int64 {
	last := -1
	for i, n := range s {
		if n != 0 {
			last = i
		}
	}
	return append([]int64(nil), s[:last+1]...)
}

// FromCompact fills s from a compact form; extra buckets fold into the last.
func (s *Sketch) FromCompact(c []int64) {
	*s = Sketch{}
	for i, n := range c {
		if n < 0 {
			continue
		}
		s[min(i, SketchBuckets-1)] += n
	}
}
