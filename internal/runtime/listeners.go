package runtime

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sort"
	"sync/atomic"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/policy"
	"github.com/portico-dev/portico/internal/runtime/h1"
)

// ListenerStatus is one listener the environment declared, as the runtime
// serves it.
type ListenerStatus struct {
	Name string `json:"name"`
	// Address is where it listens, with the real port.
	Address string `json:"address"`
	TLS     bool   `json:"tls"`
	// Authentication is the listener's authentication type.
	Authentication string `json:"authentication"`
}

// managedListener is one address of the environment's listeners. It keeps
// its socket while the address stays in the snapshots; its name, TLS
// settings and authentication may change under it with no restart: a new
// connection reads the current state.
type managedListener struct {
	address string // as declared (":0" stays ":0")
	ln      net.Listener
	srv     server
	state   atomic.Pointer[listenerState]
	done    chan struct{}
	// accepted is the state the last connection was accepted with. Only
	// the server's accept loop touches it (see Accept).
	accepted *listenerState
}

// listenerState is what a connection accepted now gets.
type listenerState struct {
	spec    model.ListenerSpec
	tlsKey  string      // the TLS spec as JSON, to reuse the config while it holds
	tls     *tls.Config // nil: plain HTTP
	address string
}

// Accept hands out plain or TLS connections as the current state says.
// The server calls it and then ConnContext on one goroutine, one
// connection at a time (net/http's and h1's accept loops alike).
func (m *managedListener) Accept() (net.Conn, error) {
	c, err := m.ln.Accept()
	if err != nil {
		return nil, err
	}
	st := m.state.Load()
	m.accepted = st
	if st.tls != nil {
		return tls.Server(c, st.tls), nil
	}
	return c, nil
}

type connStateKey struct{}

// connContext names the listener on the connection's context, with the
// state it was accepted with.
func (m *managedListener) connContext(ctx context.Context, _ net.Conn) context.Context {
	st := m.accepted
	return context.WithValue(policy.WithListener(ctx, st.spec.Name), connStateKey{}, st)
}

// serve refuses requests of a connection accepted under settings the
// listener no longer has (another name, so another authentication, or
// other TLS settings): a keep-alive connection must not keep the old
// rules. The client connects again and gets the new ones.
func (m *managedListener) serve(rt *Runtime) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st, _ := r.Context().Value(connStateKey{}).(*listenerState)
		if cur := m.state.Load(); st != cur && (st == nil || st.spec.Name != cur.spec.Name || st.tlsKey != cur.tlsKey) {
			w.Header().Set("Connection", "close")
			w.Header().Set("Retry-After", "0")
			writeProblem(w, r, http.StatusServiceUnavailable, "the listener's settings changed; connect again")
			return
		}
		if r.URL.Path == "/readyz" {
			// The environment's listeners face the API callers: readiness
			// without the errors and addresses the default listener shows.
			if checkMethod(w, r) {
				s := rt.Status()
				status := http.StatusOK
				if !s.Ready {
					status = http.StatusServiceUnavailable
				}
				writeJSON(w, status, "application/json", map[string]any{"ready": s.Ready, "revision": s.Revision})
			}
			return
		}
		rt.ServeHTTP(w, r)
	})
}

// Close implements net.Listener.
func (m *managedListener) Close() error { return m.ln.Close() }

// Addr implements net.Listener.
func (m *managedListener) Addr() net.Addr { return m.ln.Addr() }

// listenerPlan is the listeners a snapshot asks for, prepared (sockets
// bound, certificates read) but not serving yet.
type listenerPlan struct {
	states map[string]*listenerState // by declared address
	bound  map[string]net.Listener   // new addresses
}

// planListeners prepares the listeners of sec. Nothing changes yet; on error
// what was bound is closed again and the serving listeners are untouched.
func (r *Runtime) planListeners(sec *model.SecuritySpec) (*listenerPlan, error) {
	plan := &listenerPlan{states: map[string]*listenerState{}, bound: map[string]net.Listener{}}
	if sec == nil {
		return plan, nil
	}
	for _, spec := range sec.Listeners {
		st := &listenerState{spec: spec, address: spec.Address}
		if spec.TLS != nil {
			key, _ := json.Marshal(spec.TLS)
			st.tlsKey = string(key)
			if m := r.listeners[spec.Address]; m != nil && m.state.Load().tlsKey == st.tlsKey {
				st.tls = m.state.Load().tls
			} else {
				cfg, err := newTLSConfig(spec.TLS, spec.Address, r.log)
				if err != nil {
					plan.abort()
					return nil, fmt.Errorf("listener %s: TLS: %w", spec.Name, err)
				}
				st.tls = cfg
			}
		}
		plan.states[spec.Address] = st
		if r.listeners[spec.Address] == nil {
			ln, err := net.Listen("tcp", spec.Address)
			if err != nil {
				plan.abort()
				return nil, fmt.Errorf("listener %s: %w", spec.Name, err)
			}
			plan.bound[spec.Address] = ln
		}
	}
	return plan, nil
}

func (p *listenerPlan) abort() {
	for _, ln := range p.bound {
		_ = ln.Close()
	}
}

// applyListeners makes the plan serve: new addresses start, kept ones take
// their new state, removed ones stop (draining in the background).
func (r *Runtime) applyListeners(plan *listenerPlan) {
	for addr, m := range r.listeners {
		if _, keep := plan.states[addr]; !keep {
			delete(r.listeners, addr)
			r.log.Info("closing listener", "listener", m.state.Load().spec.Name, "address", m.ln.Addr().String())
			go r.stopListener(m)
		}
	}
	for addr, st := range plan.states {
		if m := r.listeners[addr]; m != nil {
			st.address = m.ln.Addr().String()
			m.state.Store(st)
			continue
		}
		ln := plan.bound[addr]
		st.address = ln.Addr().String()
		m := &managedListener{address: addr, ln: ln, done: make(chan struct{})}
		m.state.Store(st)
		m.srv = r.newServer(m.serve(r), m.connContext)
		r.listeners[addr] = m
		r.log.Info("listening", "listener", st.spec.Name, "address", st.address, "tls", st.tls != nil,
			"authentication", authType(st.spec.Authentication.Type))
		go func() {
			defer close(m.done)
			if err := m.srv.Serve(m); err != nil && !errors.Is(err, http.ErrServerClosed) {
				r.log.Error("listener stopped", "listener", m.state.Load().spec.Name, "err", err)
			}
		}()
	}
	r.publish(func(s *Status) { s.Listeners = r.listenerStatus() })
}

func (r *Runtime) listenerStatus() []ListenerStatus {
	out := make([]ListenerStatus, 0, len(r.listeners))
	for _, m := range r.listeners {
		st := m.state.Load()
		out = append(out, ListenerStatus{Name: st.spec.Name, Address: st.address, TLS: st.tls != nil, Authentication: authType(st.spec.Authentication.Type)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func authType(t string) string {
	if t == "" {
		return model.AuthNone
	}
	return t
}

// stopListener drains one listener.
func (r *Runtime) stopListener(m *managedListener) {
	ctx, cancel := context.WithTimeout(context.Background(), r.cfg.ShutdownTimeout)
	defer cancel()
	if err := m.srv.Shutdown(ctx); err != nil {
		_ = m.srv.Close()
	}
	<-m.done
}

// stopListeners drains every declared listener at shutdown.
func (r *Runtime) stopListeners() {
	done := make(chan struct{})
	n := len(r.listeners)
	for addr, m := range r.listeners {
		delete(r.listeners, addr)
		go func() {
			r.stopListener(m)
			done <- struct{}{}
		}()
	}
	for range n {
		<-done
	}
}

// server is what serves a listener: net/http's server, or the lean
// HTTP/1.1 loop in front of one.
type server interface {
	Serve(net.Listener) error
	Shutdown(context.Context) error
	Close() error
}

// newServer returns the server of one listener, with the shared web
// server's limits.
func (r *Runtime) newServer(h http.Handler, connContext func(context.Context, net.Conn) context.Context) server {
	if r.cfg.Wrap != nil {
		h = r.cfg.Wrap(h)
	}
	std := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ConnContext:       connContext,
		ErrorLog:          slog.NewLogLogger(r.log.Handler(), slog.LevelWarn),
	}
	if r.cfg.StdHTTP {
		return std
	}
	return &h1.Server{Std: std, Log: r.log, RequestContext: r.cfg.RequestContext}
}
