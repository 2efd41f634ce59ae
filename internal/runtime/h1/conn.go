package h1

import (
	"bufio"
	"context"
	"errors"
	"net"
	"net/http"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"
)

const (
	// readBufSize bounds a head the lean loop parses; a longer one goes to
	// net/http, which has the configured limit.
	readBufSize = 4096
	// writeBufSize holds a head and a held body in one write.
	writeBufSize = 4096
	// holdSize is how much body is held to give the answer a
	// Content-Length, as net/http's bufferBeforeChunkingSize.
	holdSize = 2048
)

const (
	stateIdle int32 = iota
	stateActive
	stateClosed
)

// aLongTimeAgo is a deadline that makes a blocked read return at once.
var aLongTimeAgo = time.Unix(1, 0)

// conn is one lean connection.
type conn struct {
	srv    *Server
	ctx    context.Context
	rwc    net.Conn
	remote string
	cr     connReader
	br     *bufio.Reader
	bw     *bufio.Writer
	hold   []byte
	head   []byte // the answer's head, formatted at WriteHeader
	state  atomic.Int32
	// deadlineSet and writeDeadlineSet note a handler's deadline (through
	// http.ResponseController) or the watch's, which must not outlive its
	// request.
	deadlineSet      bool
	writeDeadlineSet bool
	// armedWait and armedAt are the wait of the read deadline last set
	// for a request and when: see armReadDeadline.
	armedWait time.Duration
	armedAt   time.Time

	// The watch of a running request: see startWatch.
	watchTimer *time.Timer
	mu         sync.Mutex
	running    bool
	watching   bool
	watchDone  chan struct{}
	cancel     context.CancelFunc
	gone       bool // the watch saw the client leave
}

var bufPool = sync.Pool{New: func() any {
	return &connBufs{br: bufio.NewReaderSize(nil, readBufSize), bw: bufio.NewWriterSize(nil, writeBufSize),
		hold: make([]byte, 0, holdSize), head: make([]byte, 0, 512)}
}}

// connBufs are a connection's buffers, pooled between connections.
type connBufs struct {
	br   *bufio.Reader
	bw   *bufio.Writer
	hold []byte
	head []byte
}

func newConn(s *Server, ctx context.Context, c net.Conn) *conn {
	cn := &conn{srv: s, rwc: c, remote: c.RemoteAddr().String()}
	cn.ctx = context.WithValue(ctx, http.LocalAddrContextKey, c.LocalAddr())
	cn.cr.c = cn
	cn.state.Store(stateIdle)
	return cn
}

// connReader reads from the connection, first the byte a watch may have
// read.
type connReader struct {
	c       *conn
	hasByte bool
	b       [1]byte
}

func (r *connReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if r.hasByte {
		p[0] = r.b[0]
		r.hasByte = false
		return 1, nil
	}
	return r.c.rwc.Read(p)
}

// serve runs the connection's requests until it closes or is handed off.
func (c *conn) serve() {
	bufs := bufPool.Get().(*connBufs)
	bufs.br.Reset(&c.cr)
	bufs.bw.Reset(c.rwc)
	c.br, c.bw, c.hold, c.head = bufs.br, bufs.bw, bufs.hold[:0], bufs.head[:0]
	handed := false
	defer func() {
		if !handed {
			_ = c.rwc.Close()
			bufs.br.Reset(nil)
			bufs.bw.Reset(nil)
			if cap(c.head) <= 4096 {
				// Keep a head buffer that grew, within reason.
				bufs.head = c.head[:0]
			}
			bufPool.Put(bufs)
		}
		c.srv.forget(c)
	}()
	c.watchTimer = time.AfterFunc(time.Hour, c.startWatch)
	c.watchTimer.Stop()

	std := c.srv.Std
	idle := std.IdleTimeout
	if idle <= 0 {
		idle = std.ReadTimeout
	}
	hdrTimeout := std.ReadHeaderTimeout
	if hdrTimeout <= 0 {
		hdrTimeout = std.ReadTimeout
	}
	first := true
	for {
		// One deadline per request: the wait for it and its head. A
		// keep-alive wait gets the idle timeout, a first request or a
		// pipelined one the header timeout.
		wait, idleWait := idle, true
		if first || c.br.Buffered() > 0 || wait <= 0 {
			wait, idleWait = hdrTimeout, false
		}
		if wait > 0 {
			c.armReadDeadline(wait)
		} else if c.deadlineSet {
			_ = c.rwc.SetReadDeadline(time.Time{})
			c.armedWait = 0
		}
		c.deadlineSet = false
		if c.writeDeadlineSet {
			_ = c.rwc.SetWriteDeadline(time.Time{})
			c.writeDeadlineSet = false
		}
		if _, err := c.br.Peek(1); err != nil {
			return
		}
		if !c.state.CompareAndSwap(stateIdle, stateActive) {
			return // closed by Shutdown
		}
		end, err := c.readHead(idleWait, hdrTimeout)
		if err != nil {
			if errors.Is(err, errHandOff) {
				handed = true
				c.handOff(bufs)
			}
			return
		}
		buf, _ := c.br.Peek(end)
		h, ok := parseHead(buf)
		if !ok {
			handed = true
			c.handOff(bufs)
			return
		}
		_, _ = c.br.Discard(end)
		first = false
		if !c.serveRequest(&h) {
			return
		}
		if !c.state.CompareAndSwap(stateActive, stateIdle) || c.srv.closing.Load() {
			return
		}
	}
}

// armReadDeadline sets the read deadline of a request's wait to wait
// from now, unless the deadline set for the previous request is still
// within a 64th of that: on a busy connection most requests then change
// no timer, and a deadline ends at most 1.6 % early.
func (c *conn) armReadDeadline(wait time.Duration) {
	now := time.Now()
	if !c.deadlineSet && wait == c.armedWait && now.Sub(c.armedAt) <= wait/64 {
		return
	}
	_ = c.rwc.SetReadDeadline(now.Add(wait))
	c.armedWait, c.armedAt = wait, now
}

// errHandOff asks serve to pass the connection to net/http.
var errHandOff = errors.New("h1: hand off")

// readHead waits until the buffer holds a whole head and returns its
// length. A head that does not fit the buffer is handed off. After a
// keep-alive wait (idleWait) the header timeout starts once the head has
// begun and is still incomplete.
func (c *conn) readHead(idleWait bool, hdrTimeout time.Duration) (int, error) {
	from := 0
	for {
		n := c.br.Buffered()
		buf, _ := c.br.Peek(n)
		if from == 0 && n > 0 && (buf[0] == '\r' || buf[0] == '\n' || buf[0] == 0x16) {
			// Leading empty lines, or a TLS handshake on a plain port.
			return 0, errHandOff
		}
		if end := findHeadEnd(buf[max(0, from-2):]); end >= 0 {
			return max(0, from-2) + end, nil
		}
		if n >= readBufSize {
			return 0, errHandOff
		}
		from = n
		if idleWait && hdrTimeout > 0 {
			idleWait = false
			c.armedWait = 0
			_ = c.rwc.SetReadDeadline(time.Now().Add(hdrTimeout))
		}
		if _, err := c.br.Peek(n + 1); err != nil {
			// As net/http: a head cut short or too slow gets no answer.
			return 0, err
		}
	}
}

// handOff passes the connection, with what is buffered, to net/http.
func (c *conn) handOff(bufs *connBufs) {
	_ = c.rwc.SetReadDeadline(time.Time{})
	// A watch's byte is never pending here: the Peek that starts each
	// request moved it into br.
	var hc net.Conn = c.rwc
	if n := c.br.Buffered(); n > 0 {
		pending, _ := c.br.Peek(n)
		hc = &replayConn{Conn: c.rwc, pending: append([]byte(nil), pending...)}
	}
	c.state.Store(stateClosed)
	c.srv.forget(c)
	c.srv.handOff(c.ctx, hc)
}

// replayConn is a connection whose first bytes were read already.
type replayConn struct {
	net.Conn
	pending []byte
}

func (r *replayConn) Read(p []byte) (int, error) {
	if len(r.pending) > 0 {
		n := copy(p, r.pending)
		r.pending = r.pending[n:]
		if len(r.pending) == 0 {
			r.pending = nil // let the copy go
		}
		return n, nil
	}
	return r.Conn.Read(p)
}

// CloseWrite lets net/http half-close before closing after an error
// answer, so that the answer is not lost to a reset.
func (r *replayConn) CloseWrite() error {
	if cw, ok := r.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// serveRequest runs the handler for h and reports whether the connection
// may carry another request.
func (c *conn) serveRequest(h *head) bool {
	ctx, cancel := context.WithCancel(c.ctx)
	if f := c.srv.RequestContext; f != nil {
		ctx = f(ctx)
	}
	r := (&http.Request{
		Method:     h.method,
		URL:        h.url,
		Proto:      "HTTP/1.1",
		ProtoMajor: 1,
		ProtoMinor: 1,
		Header:     h.header,
		Body:       http.NoBody,
		Host:       h.host,
		RemoteAddr: c.remote,
		RequestURI: h.target,
		Close:      h.close,
	}).WithContext(ctx)
	w := &response{c: c, req: r, header: make(http.Header, 4), declared: -1, closeAfter: h.close}

	if wt := c.srv.Std.WriteTimeout; wt > 0 {
		_ = c.rwc.SetWriteDeadline(time.Now().Add(wt))
		c.writeDeadlineSet = true
	}
	c.mu.Lock()
	c.running, c.cancel = true, cancel
	c.mu.Unlock()
	c.watchTimer.Reset(c.srv.watchAfter())
	ok := c.runHandler(w, r)
	gone := c.endWatch()
	keep := false
	if ok {
		// A client that only half-closed still reads the answer, as with
		// net/http; the connection ends after it.
		keep = w.finish() && !gone
	}
	cancel()
	return keep
}

// runHandler calls the handler; false means it panicked.
func (c *conn) runHandler(w *response, r *http.Request) (ok bool) {
	defer func() {
		if p := recover(); p != nil {
			ok = false
			if p != http.ErrAbortHandler && c.srv.Log != nil {
				c.srv.Log.Error("h1: panic serving request", "remote", c.remote, "method", r.Method,
					"path", r.URL.Path, "panic", p, "stack", string(debug.Stack()))
			}
		}
	}()
	c.srv.handler.ServeHTTP(w, r)
	return true
}

// startWatch runs on the timer's goroutine once a request has run for
// WatchAfter: it reads the connection so that a client going away cancels
// the request's context, as net/http's background read does.
func (c *conn) startWatch() {
	c.mu.Lock()
	if !c.running || c.watching || c.br.Buffered() > 0 {
		// Ended already, watched already (a late timer of the request
		// before), or a pipelined request waits: the client is there.
		c.mu.Unlock()
		return
	}
	// The request may run long: the read deadline of its head must not end
	// the watch. Cleared under the lock, so that endWatch's abort comes
	// after it.
	_ = c.rwc.SetReadDeadline(time.Time{})
	c.watching = true
	c.watchDone = make(chan struct{})
	done := c.watchDone
	c.mu.Unlock()
	defer close(done)
	n, err := c.rwc.Read(c.cr.b[:])
	if n == 1 {
		// A pipelined request: the client is there. Keep the byte.
		c.cr.hasByte = true
		return
	}
	c.mu.Lock()
	aborted := !c.running
	c.mu.Unlock()
	var ne net.Error
	if err != nil && aborted && errors.As(err, &ne) && ne.Timeout() {
		return // endWatch stopped it
	}
	c.mu.Lock()
	c.gone = true
	cancel := c.cancel
	c.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

// endWatch stops the watch of the request that ended and reports whether
// it saw the client go.
func (c *conn) endWatch() (gone bool) {
	c.watchTimer.Stop()
	c.mu.Lock()
	c.running = false
	c.cancel = nil
	watching, done := c.watching, c.watchDone
	c.watching, c.watchDone = false, nil
	c.mu.Unlock()
	if watching {
		_ = c.rwc.SetReadDeadline(aLongTimeAgo)
		<-done
		c.deadlineSet = true // on this goroutine: the next wait resets it
	}
	c.mu.Lock()
	gone, c.gone = c.gone, false
	c.mu.Unlock()
	return gone
}
