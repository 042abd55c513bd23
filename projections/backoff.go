package projections

import (
	"math/rand/v2"
	"time"
)

// baseBackoff is the first wait after a failure.
const baseBackoff = 100 * time.Millisecond

// backoff is the wait between a projection's retries: it doubles after
// each failure up to a cap and starts again from the base after a success,
// so a projection that failed once an hour ago does not wait the cap now.
type backoff struct {
	cur, max time.Duration
}

func newBackoff(maxWait time.Duration) *backoff {
	return &backoff{cur: baseBackoff, max: max(maxWait, baseBackoff)}
}

// next returns the wait before the coming retry, with "equal jitter": a
// random point in the upper half of the current step, so that projections
// (or processes) that failed together do not retry in lockstep, while the
// wait still grows.
func (b *backoff) next() time.Duration {
	d := b.cur
	b.cur = min(2*b.cur, b.max)
	return d/2 + rand.N(d/2+1) //nolint:gosec // jitter needs no secure randomness
}

// reset starts the next series of retries from the base wait.
func (b *backoff) reset() { b.cur = baseBackoff }
