package proxy

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/textproto"
	"sync/atomic"
	"time"
)

// errHeaderTooLarge is the lean path's answer to an upstream whose response
// headers exceed MaxResponseHeaderBytes.
var errHeaderTooLarge = errors.New("proxy: upstream response headers exceeded the limit")

// h1Pool holds the idle HTTP/1.1 connections of one plain-http target for
// the lean path (lean.go). A channel is the free list: taking and giving
// back a connection is one non-blocking channel operation, and no
// goroutine is parked per connection, unlike net/http's transport, whose
// read and write loops cost two goroutine hand-offs per call.
type h1Pool struct {
	addr        string
	dialer      *net.Dialer
	idle        chan *h1Conn
	idleTimeout time.Duration
	clock       clock
	closed      atomic.Bool
}

// h1Conn is one upstream connection with its buffers.
type h1Conn struct {
	conn     net.Conn
	cr       capReader
	br       *bufio.Reader
	bw       *bufio.Writer
	tp       textproto.Reader
	fields   []headField // reused by each answer's head
	deadline time.Time   // the read deadline last set, zero for none
	limited  io.LimitedReader
	lastUsed int64
	reused   bool

	// The call under way: see watch.
	ctx     context.Context
	stop    func() bool
	abortFn func()
	final   bool // the last flush of a request head, which needs no watch
}

// watch makes the cancellation of the call's context end blocked I/O on
// the connection, from now on. A call registers only when it may block
// for long (see quickWait): registering costs an allocation and a lock.
func (c *h1Conn) watch() {
	if c.stop == nil {
		c.stop = context.AfterFunc(c.ctx, c.abortFn)
	}
}

// setReadDeadline sets the read deadline to at, unless the one set
// already is at most slack earlier.
func (c *h1Conn) setReadDeadline(at time.Time, slack time.Duration) {
	if at.IsZero() && c.deadline.IsZero() {
		return // none set, none wanted
	}
	if slack > 0 && !c.deadline.IsZero() && !c.deadline.After(at) && at.Sub(c.deadline) <= slack {
		return
	}
	_ = c.conn.SetReadDeadline(at)
	c.deadline = at
}

func (c *h1Conn) abort() { _ = c.conn.SetDeadline(aLongTimeAgo) }

// upWriter writes a request head to the connection: a head larger than
// the write buffer may block on an upstream that does not read, so it is
// watched first.
type upWriter struct{ c *h1Conn }

func (w upWriter) Write(p []byte) (int, error) {
	if !w.c.final {
		w.c.watch()
	}
	return w.c.conn.Write(p)
}

// capReader bounds what may be read from the connection while response
// headers are parsed; n < 0 means unbounded.
type capReader struct {
	c net.Conn
	n int64
}

func (r *capReader) Read(p []byte) (int, error) {
	if r.n < 0 {
		return r.c.Read(p)
	}
	if r.n == 0 {
		return 0, errHeaderTooLarge
	}
	if int64(len(p)) > r.n {
		p = p[:r.n]
	}
	n, err := r.c.Read(p)
	r.n -= int64(n)
	return n, err
}

func newH1Pool(addr string, dialer *net.Dialer, c clock) *h1Pool {
	return &h1Pool{addr: addr, dialer: dialer, idle: make(chan *h1Conn, maxIdlePerHost), idleTimeout: idleConnTimeout, clock: c}
}

// get returns an idle connection that has not idled too long, or dials.
func (p *h1Pool) get(ctx context.Context) (*h1Conn, error) {
	for {
		select {
		case c := <-p.idle:
			if p.clock.now()-c.lastUsed > int64(p.idleTimeout) {
				_ = c.conn.Close()
				continue
			}
			c.reused = true
			return c, nil
		default:
		}
		return p.dial(ctx)
	}
}

func (p *h1Pool) dial(ctx context.Context) (*h1Conn, error) {
	nc, err := p.dialer.DialContext(ctx, "tcp", p.addr)
	if err != nil {
		return nil, err
	}
	c := &h1Conn{conn: nc}
	c.abortFn = c.abort
	c.cr = capReader{c: nc, n: -1}
	c.br = bufio.NewReaderSize(&c.cr, 16<<10)
	c.bw = bufio.NewWriterSize(upWriter{c}, 4<<10)
	c.tp.R = c.br
	return c, nil
}

// put gives a healthy connection back, or closes it when the pool is full
// or closed.
func (p *h1Pool) put(c *h1Conn) {
	if p.closed.Load() {
		_ = c.conn.Close()
		return
	}
	c.lastUsed = p.clock.now()
	select {
	case p.idle <- c:
		if p.closed.Load() {
			p.drain()
		}
	default:
		_ = c.conn.Close()
	}
}

// close closes the idle connections; those in use are closed when given back.
func (p *h1Pool) close() {
	p.closed.Store(true)
	p.drain()
}

func (p *h1Pool) drain() {
	for {
		select {
		case c := <-p.idle:
			_ = c.conn.Close()
		default:
			return
		}
	}
}
