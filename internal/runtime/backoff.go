package runtime

import (
	"math/rand/v2"
	"time"
)

// backoff spaces out retries: exponential from min up to max, with jitter so
// that the runtimes of a cluster do not all knock at the same instant when
// the control plane comes back.
type backoff struct {
	min, max time.Duration
	attempt  int
}

// next returns how long to wait before the next attempt: a random duration
// in [d/2, d] where d doubles with each attempt up to max.
func (b *backoff) next() time.Duration {
	d := b.min
	for i := 0; i < b.attempt && d < b.max; i++ {
		d *= 2
	}
	d = min(d, b.max)
	b.attempt++
	half := d / 2
	return half + rand.N(d-half+1)
}

// reset starts over after a success.
func (b *backoff) reset() { b.attempt = 0 }
