package runtime

import (
	"sync"

	"github.com/portico-dev/portico/internal/model"
)

// recordQueue is a bounded FIFO of records. When full it drops the oldest:
// during a long control-plane outage the records an operator looks at first
// are the recent ones, and the oldest have the least chance of being sent
// before the bound is hit again anyway.
type recordQueue struct {
	mu    sync.Mutex
	buf   []*model.Execution // ring of cap(buf)
	head  int                // index of the oldest
	count int
}

func newRecordQueue(capacity int) *recordQueue {
	return &recordQueue{buf: make([]*model.Execution, capacity)}
}

// push appends rec and reports whether an older record was dropped for it,
// and the length after.
func (q *recordQueue) push(rec *model.Execution) (dropped bool, n int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	tail := (q.head + q.count) % len(q.buf)
	q.buf[tail] = rec
	if q.count == len(q.buf) {
		q.head = (q.head + 1) % len(q.buf)
		return true, q.count
	}
	q.count++
	return false, q.count
}

// take removes and returns up to n of the oldest records.
func (q *recordQueue) take(n int) []*model.Execution {
	q.mu.Lock()
	defer q.mu.Unlock()
	n = min(n, q.count)
	if n == 0 {
		return nil
	}
	out := make([]*model.Execution, n)
	for i := range out {
		j := (q.head + i) % len(q.buf)
		out[i] = q.buf[j]
		q.buf[j] = nil
	}
	q.head = (q.head + n) % len(q.buf)
	q.count -= n
	return out
}

// len is how many records wait.
func (q *recordQueue) len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.count
}
