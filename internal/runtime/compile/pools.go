package compile

import (
	"context"
	"log/slog"
	"sync"

	"github.com/portico-dev/portico/internal/connector/httpc"
	"github.com/portico-dev/portico/internal/connector/sqldb"
	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/process"
	"github.com/portico-dev/portico/internal/proxy"
)

// pools keeps one database pool or HTTP client per connection content hash
// (and one proxy upstream, with its transport and health checks, per proxy
// content hash),
// shared by every compiled snapshot that uses it and closed when the last
// one is released. Only compiling and releasing touch it, never a request.
type pools struct {
	log     *slog.Logger
	mu      sync.Mutex
	entries map[string]*poolEntry
}

type poolEntry struct {
	refs     int
	db       *sqldb.DB
	http     *httpc.Client
	upstream *proxy.Upstream
}

func newPools(log *slog.Logger) *pools {
	return &pools{log: log, entries: map[string]*poolEntry{}}
}

// lease is what one compiled snapshot holds of the pools.
type lease struct {
	p    *pools
	once sync.Once
	mu   sync.Mutex
	held map[string]bool
}

func (p *pools) lease() *lease { return &lease{p: p, held: map[string]bool{}} }

// database returns the pool for a database connection, opening it on first use.
func (l *lease) database(ctx context.Context, hash string, spec *model.DatabaseConnection) (*sqldb.DB, error) {
	e, err := l.acquire(hash, func() (*poolEntry, error) {
		db, err := sqldb.Open(ctx, spec, sqldb.WithLogger(l.p.log))
		if err != nil {
			return nil, err
		}
		return &poolEntry{db: db}, nil
	})
	if err != nil {
		return nil, err
	}
	return e.db, nil
}

// http returns the client for an HTTP connection.
func (l *lease) http(hash string, spec *model.HTTPConnection) (*httpc.Client, error) {
	e, err := l.acquire(hash, func() (*poolEntry, error) {
		cl, err := httpc.New(spec)
		if err != nil {
			return nil, err
		}
		return &poolEntry{http: cl}, nil
	})
	if err != nil {
		return nil, err
	}
	return e.http, nil
}

// upstream returns the upstream of a proxy: a deploy that leaves the proxy
// unchanged keeps its warm connections and its targets' health.
func (l *lease) upstream(hash string, open func() (*proxy.Upstream, error)) (*proxy.Upstream, error) {
	e, err := l.acquire("proxy:"+hash, func() (*poolEntry, error) {
		up, err := open()
		if err != nil {
			return nil, err
		}
		return &poolEntry{upstream: up}, nil
	})
	if err != nil {
		return nil, err
	}
	return e.upstream, nil
}

func (l *lease) acquire(hash string, open func() (*poolEntry, error)) (*poolEntry, error) {
	l.p.mu.Lock()
	defer l.p.mu.Unlock()
	e, ok := l.p.entries[hash]
	if !ok {
		var err error
		if e, err = open(); err != nil {
			return nil, err
		}
		l.p.entries[hash] = e
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.held[hash] {
		l.held[hash] = true
		e.refs++
	}
	return e, nil
}

// release drops the lease's references, closing pools no snapshot uses.
func (l *lease) release() {
	l.once.Do(func() {
		l.p.mu.Lock()
		defer l.p.mu.Unlock()
		l.mu.Lock()
		defer l.mu.Unlock()
		for hash := range l.held {
			e := l.p.entries[hash]
			if e == nil {
				continue
			}
			if e.refs--; e.refs <= 0 {
				delete(l.p.entries, hash)
				e.close(l.p.log)
			}
		}
		l.held = nil
	})
}

func (p *pools) closeAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for hash, e := range p.entries {
		delete(p.entries, hash)
		e.close(p.log)
	}
}

func (e *poolEntry) close(log *slog.Logger) {
	if e.db != nil {
		if err := e.db.Close(); err != nil {
			log.Warn("closing a database pool", "err", err)
		}
	}
	if e.http != nil {
		e.http.Close()
	}
	if e.upstream != nil {
		e.upstream.Close()
	}
}

// sqlConn adapts *sqldb.DB to process.SQL, whose Prepare returns the
// interface rather than the concrete statement.
type sqlConn struct{ db *sqldb.DB }

// Prepare implements process.SQL.
func (c sqlConn) Prepare(sql string) (process.Statement, error) {
	st, err := c.db.Prepare(sql)
	if err != nil {
		return nil, err
	}
	return st, nil
}
