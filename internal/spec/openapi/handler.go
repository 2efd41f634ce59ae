package openapi

import (
	"bytes"
	"embed"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	swaggerfiles "github.com/swaggo/files/v2"
)

// Paths below an API's root that a Handler serves.
const (
	PathJSON = "/openapi.json"
	PathYAML = "/openapi.yaml"
	PathDocs = "/docs"
)

//go:embed assets/docs.html assets/portico-docs.js
var assets embed.FS

var docsPage = template.Must(template.ParseFS(assets, "assets/docs.html"))

// swaggerAssets are the files of github.com/swaggo/files/v2 (Swagger UI's
// dist) the page loads; the rest of that module (source maps, the
// standalone layout) is not served.
var swaggerAssets = map[string]bool{
	"swagger-ui.css":       true,
	"swagger-ui-bundle.js": true,
	"favicon-32x32.png":    true,
	"favicon-16x16.png":    true,
}

// Handler serves one API version's document below the API's root:
// openapi.json, openapi.yaml, the docs page at docs and its assets at
// docs/{file}. It is immutable; build one per compiled API.
type Handler struct {
	doc       *Document
	prefix    string // the API's root, "/ws/rest/erp/v1"
	publicURL string
	page      []byte
}

// NewHandler serves doc for the API at prefix ("/ws/rest/erp/v1");
// publicURL is the environment's public address ("" to use the
// request's).
func NewHandler(doc *Document, prefix, publicURL string) (*Handler, error) {
	var page bytes.Buffer
	if err := docsPage.Execute(&page, struct{ Title string }{doc.Title()}); err != nil {
		return nil, err
	}
	return &Handler{
		doc:       doc,
		prefix:    "/" + strings.Trim(prefix, "/"),
		publicURL: publicURL,
		page:      page.Bytes(),
	}, nil
}

// New generates the document of in and returns a handler serving it for
// the API at prefix: what the runtime calls once per compiled API.
func New(in Input, prefix, publicURL string) (*Handler, error) {
	gen, err := Generate(in)
	if err != nil {
		return nil, err
	}
	doc, err := NewDocument(gen)
	if err != nil {
		return nil, err
	}
	return NewHandler(doc, prefix, publicURL)
}

// Document is the rendered document the handler serves.
func (h *Handler) Document() *Document { return h.doc }

// Patterns are the http.ServeMux patterns the handler answers, to register
// beside the API's endpoints.
func (h *Handler) Patterns() []string {
	return []string{
		"GET " + h.prefix + PathJSON,
		"GET " + h.prefix + PathYAML,
		"GET " + h.prefix + PathDocs,
		"GET " + h.prefix + PathDocs + "/{$}",
		"GET " + h.prefix + PathDocs + "/{file}",
	}
}

// ServeHTTP answers GET and HEAD for the paths of Patterns and 404 for
// others below the root.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, h.prefix)
	if !ok {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "only GET and HEAD are served here", http.StatusMethodNotAllowed)
		return
	}
	switch {
	case rest == PathJSON:
		h.serveDocument(w, r, "application/json", h.doc.JSON)
	case rest == PathYAML:
		h.serveDocument(w, r, "application/yaml", h.doc.YAML)
	case rest == PathDocs:
		h.serveDocs(w, r)
	case rest == PathDocs+"/":
		// Relative asset paths only work from .../docs itself. The
		// Location stays relative (http.Redirect would make it absolute)
		// so that it holds behind a proxy that adds a path prefix.
		w.Header().Set("Location", "../docs")
		w.WriteHeader(http.StatusMovedPermanently)
	case strings.HasPrefix(rest, PathDocs+"/"):
		serveAsset(w, r, rest[len(PathDocs)+1:])
	default:
		http.NotFound(w, r)
	}
}

// forwardedVary names the request headers the servers list depends on.
const forwardedVary = "Forwarded, X-Forwarded-Proto, X-Forwarded-Host, X-Forwarded-Prefix"

func (h *Handler) serveDocument(w http.ResponseWriter, r *http.Request, ctype string, render func([]string) []byte) {
	body := render(ServersFromRequest(r, h.prefix, h.publicURL))
	hd := w.Header()
	hd.Set("Content-Type", ctype)
	hd.Set("Content-Length", strconv.Itoa(len(body)))
	hd.Set("Cache-Control", "no-cache")
	hd.Set("Vary", forwardedVary)
	hd.Set("X-Content-Type-Options", "nosniff")
	// Browsers may call the API from another origin's docs tools.
	hd.Set("Access-Control-Allow-Origin", "*")
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(body)
}

func (h *Handler) serveDocs(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Content-Length", strconv.Itoa(len(h.page)))
	hd.Set("Cache-Control", "no-cache")
	hd.Set("Vary", forwardedVary)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "same-origin")
	hd.Set("Content-Security-Policy", docsCSP(ServersFromRequest(r, h.prefix, h.publicURL)))
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(h.page)
}

// docsCSP allows the page only its own assets; Swagger UI sets inline
// styles and draws icons from data: URIs, and try-it calls the servers.
func docsCSP(servers []string) string {
	connect := "'self'"
	for _, s := range servers {
		if u, err := url.Parse(s); err == nil && u.Host != "" {
			connect += " " + u.Scheme + "://" + u.Host
		}
	}
	return "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
		"connect-src " + connect + "; frame-ancestors 'self'; base-uri 'none'; form-action 'self'; object-src 'none'"
}

// serveAsset serves one of Swagger UI's files or the page's own script.
// They change only with the binary, so they may be cached for a day.
func serveAsset(w http.ResponseWriter, r *http.Request, name string) {
	var (
		f   fs.File
		err error
	)
	switch {
	case name == "portico-docs.js":
		f, err = assets.Open("assets/portico-docs.js")
	case swaggerAssets[name]:
		f, err = swaggerfiles.FS.Open(name)
	default:
		http.NotFound(w, r)
		return
	}
	if err != nil {
		http.Error(w, "asset unavailable", http.StatusInternalServerError)
		return
	}
	defer f.Close()
	// Embedded files seek, so ServeContent answers ranges and HEAD
	// without copying the 1.4 MB bundle per request.
	rs, ok := f.(io.ReadSeeker)
	if !ok {
		http.Error(w, "asset unavailable", http.StatusInternalServerError)
		return
	}
	hd := w.Header()
	hd.Set("Cache-Control", "public, max-age=86400")
	hd.Set("X-Content-Type-Options", "nosniff")
	http.ServeContent(w, r, name, time.Time{}, rs)
}
