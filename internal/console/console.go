// Package console is the web console of the control plane, served at "/":
// server-rendered pages (html/template) over the platform API, called
// in-process with the signed-in user's token, and a little vanilla
// JavaScript for the live dashboard. Its assets are embedded; nothing comes
// from a CDN.
//
// The session token lives in an HttpOnly, SameSite=Strict cookie set by the
// console's own sign-in; every form that changes something carries a CSRF
// token derived from the session, and cross-origin posts are refused.
package console

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"time"

	"github.com/portico-dev/portico/internal/client"
	"github.com/portico-dev/portico/internal/model"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed assets
var assetFS embed.FS

// CookieName is the session cookie.
const CookieName = "portico_session"

// Config holds the dependencies of the console.
type Config struct {
	// API is the platform API handler (/api/v1), called in-process.
	API http.Handler
	// GatewayURL is where the runtime of environment dev serves, for the
	// links to API docs, WSDL and $metadata ("" hides them).
	GatewayURL string
	// Logger receives unexpected failures (default: discard).
	Logger *slog.Logger
}

// Console serves the pages.
type Console struct {
	api     http.Handler
	gateway string
	log     *slog.Logger
	csrfKey []byte
	pages   map[string]*template.Template
	mux     *http.ServeMux
}

// New builds the console.
func New(cfg Config) (*Console, error) {
	if cfg.API == nil {
		return nil, errors.New("console: Config.API is required")
	}
	c := &Console{api: cfg.API, gateway: strings.TrimRight(cfg.GatewayURL, "/"), log: cfg.Logger, csrfKey: make([]byte, 32), pages: map[string]*template.Template{}}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if _, err := rand.Read(c.csrfKey); err != nil {
		return nil, fmt.Errorf("console: CSRF key: %w", err)
	}
	funcs := template.FuncMap{
		"time": func(t time.Time) string {
			if t.IsZero() {
				return "—"
			}
			return t.UTC().Format("2006-01-02 15:04:05Z")
		},
		"ms": func(f float64) string { return fmt.Sprintf("%.1f ms", f) },
	}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", n)
		if err != nil {
			return nil, fmt.Errorf("console: template %s: %w", n, err)
		}
		c.pages[base] = t
	}
	assets, _ := fs.Sub(assetFS, "assets")
	m := http.NewServeMux()
	m.Handle("GET /assets/", http.StripPrefix("/assets/", cacheAssets(http.FileServerFS(assets))))
	m.HandleFunc("GET /login", c.loginPage)
	m.HandleFunc("POST /login", c.login)
	m.HandleFunc("POST /logout", c.session(c.logout))
	m.HandleFunc("GET /{$}", c.session(c.dashboard))
	m.HandleFunc("GET /live", c.session(c.live))
	m.HandleFunc("GET /apis", c.session(c.apis))
	m.HandleFunc("POST /apis/deploy", c.session(c.deploy))
	m.HandleFunc("POST /apis/rollback", c.session(c.rollback))
	m.HandleFunc("GET /executions", c.session(c.executions))
	m.HandleFunc("GET /executions/{id}", c.session(c.execution))
	m.HandleFunc("GET /users", c.session(c.users))
	m.HandleFunc("GET /environments", c.session(c.environments))
	m.HandleFunc("/", c.notFound)
	c.mux = m
	return c, nil
}

// ServeHTTP serves the console.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	c.mux.ServeHTTP(w, r)
}

func cacheAssets(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		h.ServeHTTP(w, r)
	})
}

// sessionCtx is a signed-in request.
type sessionCtx struct {
	token  string
	client *client.Client
	user   *client.Identity
	csrf   string
}

type sessionHandler func(w http.ResponseWriter, r *http.Request, s *sessionCtx)

// session checks the cookie and, for posts, the CSRF token and origin; a
// request without a valid session goes to the sign-in page.
func (c *Console) session(h sessionHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ck, err := r.Cookie(CookieName)
		if err != nil || ck.Value == "" {
			c.toLogin(w, r)
			return
		}
		cl := c.client(ck.Value)
		id, err := cl.Whoami(r.Context())
		if err != nil {
			clearCookie(w, r)
			c.toLogin(w, r)
			return
		}
		s := &sessionCtx{token: ck.Value, client: cl, user: id, csrf: c.csrfFor(ck.Value)}
		if r.Method == http.MethodPost {
			if !sameOrigin(r) || !hmac.Equal([]byte(r.PostFormValue("csrf")), []byte(s.csrf)) {
				c.render(w, r, http.StatusForbidden, "error", s, pageData{Title: "Refused", Error: "This form was not sent from this console (a missing or stale CSRF token). Reload the page and try again."})
				return
			}
		}
		h(w, r, s)
	}
}

func (c *Console) toLogin(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet || r.URL.Path == "/live" {
		http.Error(w, "sign in first", http.StatusUnauthorized)
		return
	}
	next := r.URL.RequestURI()
	http.Redirect(w, r, "/login?next="+url.QueryEscape(next), http.StatusSeeOther)
}

// sameOrigin refuses a post whose Origin (or, failing it, Referer) names
// another host; browsers send one of them on every form post.
func sameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" {
		o = r.Header.Get("Referer")
	}
	if o == "" {
		return true
	}
	u, err := url.Parse(o)
	return err == nil && u.Host == r.Host
}

func (c *Console) csrfFor(token string) string {
	m := hmac.New(sha256.New, c.csrfKey)
	m.Write([]byte(token))
	return hex.EncodeToString(m.Sum(nil))
}

// client calls the platform API in-process with token.
func (c *Console) client(token string) *client.Client {
	cl, _ := client.New("http://console.internal", token, &http.Client{Transport: inProcess{c.api}})
	return cl
}

// inProcess is a RoundTripper that serves requests with a handler, so that
// the console uses the platform API exactly as any client does, without a
// network hop.
type inProcess struct{ h http.Handler }

// RoundTrip implements http.RoundTripper.
func (p inProcess) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	r.RequestURI = r.URL.RequestURI()
	r.RemoteAddr = "127.0.0.1:0"
	p.h.ServeHTTP(rec, r)
	return rec.Result(), nil
}

func setCookie(w http.ResponseWriter, r *http.Request, token string, expires time.Time) {
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: token, Path: "/", Expires: expires,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
}

func clearCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
}

// pageData is what every template gets.
type pageData struct {
	Title   string
	Nav     string
	User    *client.Identity
	CSRF    string
	Error   string
	Notice  string
	Gateway string
	Data    any
}

func (c *Console) render(w http.ResponseWriter, r *http.Request, status int, page string, s *sessionCtx, d pageData) {
	t := c.pages[page]
	if s != nil {
		d.User, d.CSRF = s.user, s.csrf
	}
	d.Gateway = c.gateway
	if d.Notice == "" {
		d.Notice = r.URL.Query().Get("notice")
	}
	var b strings.Builder
	if err := t.Execute(&b, d); err != nil {
		c.log.Error("console: render", "page", page, "err", err)
		http.Error(w, "the page could not be rendered", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(b.String()))
}

// problemText is an error as a user reads it.
func problemText(err error) string {
	var p *client.Problem
	if errors.As(err, &p) {
		if p.Detail != "" {
			return p.Detail
		}
		return p.Title
	}
	return err.Error()
}

func (c *Console) notFound(w http.ResponseWriter, r *http.Request) {
	c.render(w, r, http.StatusNotFound, "error", nil, pageData{Title: "Not found", Error: "There is no console page at " + r.URL.Path + "."})
}

func (c *Console) loginPage(w http.ResponseWriter, r *http.Request) {
	c.render(w, r, http.StatusOK, "login", nil, pageData{Title: "Sign in", Data: loginData{Next: safeNext(r.URL.Query().Get("next"))}})
}

type loginData struct{ Username, Next string }

// safeNext keeps a redirect target on this site.
func safeNext(n string) string {
	if !strings.HasPrefix(n, "/") || strings.HasPrefix(n, "//") || strings.HasPrefix(n, "/\\") {
		return "/"
	}
	return n
}

func (c *Console) login(w http.ResponseWriter, r *http.Request) {
	if !sameOrigin(r) {
		http.Error(w, "cross-origin sign-in refused", http.StatusForbidden)
		return
	}
	user, pass, next := r.PostFormValue("username"), r.PostFormValue("password"), safeNext(r.PostFormValue("next"))
	ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
	defer cancel()
	sess, err := c.client("").SignIn(ctx, user, pass)
	if err != nil {
		msg := "The username or password is wrong."
		var p *client.Problem
		if !errors.As(err, &p) || p.Status != http.StatusUnauthorized {
			msg = "Sign-in failed: " + problemText(err)
		}
		c.render(w, r, http.StatusUnauthorized, "login", nil, pageData{Title: "Sign in", Error: msg, Data: loginData{Username: user, Next: next}})
		return
	}
	setCookie(w, r, sess.Token, sess.ExpiresAt)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (c *Console) logout(w http.ResponseWriter, r *http.Request, s *sessionCtx) {
	if s.user.TokenID != "" {
		if err := s.client.RevokeToken(r.Context(), s.user.TokenID); err != nil {
			c.log.Warn("console: revoke the session token", "err", err)
		}
	}
	clearCookie(w, r)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// live streams the metrics of an environment: the platform's
// GET /api/v1/metrics/live, called in-process with the session's token
// (EventSource cannot send an Authorization header).
func (c *Console) live(w http.ResponseWriter, r *http.Request, s *sessionCtx) {
	env := r.URL.Query().Get("environment")
	if !model.ValidName(env) {
		http.Error(w, "environment= is required", http.StatusBadRequest)
		return
	}
	r2 := r.Clone(r.Context())
	r2.URL = &url.URL{Path: "/api/v1/metrics/live", RawQuery: url.Values{"environment": {env}}.Encode()}
	r2.RequestURI = r2.URL.RequestURI()
	r2.Header.Set("Authorization", "Bearer "+s.token)
	r2.Header.Del("Cookie")
	c.api.ServeHTTP(w, r2)
}
