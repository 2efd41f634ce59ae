package runtime

import (
	"net/http"
	"sync"
	"sync/atomic"
)

// Compiled is one snapshot made ready to serve: its routes behind one
// http.Handler and the resources (database pools, clients) they hold. It is
// immutable once built; the runtime swaps whole values, never edits one.
//
// Its resources are reference counted: the runtime holds one reference while
// the value serves, and every request holds one while it runs. Close drops
// the runtime's reference, so the resources are released when the last
// request that started on this value ends, never under a running request.
type Compiled struct {
	revision int64
	handler  http.Handler
	release  func()

	// refs counts the runtime's reference and the requests in flight; once it
	// reaches zero the value can never be acquired again.
	refs      atomic.Int64
	closeOnce sync.Once
	released  chan struct{}
}

// NewCompiled wraps the compiled handler of a snapshot revision. release,
// which may be nil, frees the resources the handler uses; it runs once, after
// Close and after every request on the handler has ended. A compiler that
// shares a resource with the previous Compiled must not free it in release
// (or must count its users itself).
func NewCompiled(revision int64, handler http.Handler, release func()) *Compiled {
	c := &Compiled{revision: revision, handler: handler, release: release, released: make(chan struct{})}
	c.refs.Store(1)
	return c
}

// Revision is the snapshot revision this value was compiled from.
func (c *Compiled) Revision() int64 { return c.revision }

// Handler serves the requests under /ws/ for this revision.
func (c *Compiled) Handler() http.Handler { return c.handler }

// Close drops the owner's reference; the resources are released once no
// request uses them any more. Calling it more than once is harmless.
func (c *Compiled) Close() {
	c.closeOnce.Do(c.unref)
}

// Released is closed once the resources have been released.
func (c *Compiled) Released() <-chan struct{} { return c.released }

// acquire takes a reference for one request. It fails only when the value
// has already been released, which happens solely after it was swapped out:
// the caller then loads the pointer again and finds its successor.
func (c *Compiled) acquire() bool {
	for {
		n := c.refs.Load()
		if n <= 0 {
			return false
		}
		if c.refs.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

// unref drops one reference and releases the resources with the last one.
func (c *Compiled) unref() {
	if c.refs.Add(-1) != 0 {
		return
	}
	if c.release != nil {
		c.release()
	}
	close(c.released)
}
