package compile

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/portico-dev/portico/internal/endpoint/odata"
	"github.com/portico-dev/portico/internal/endpoint/problem"
	"github.com/portico-dev/portico/internal/endpoint/soap"
)

// styleRefusals answers the refusals of the layers in front of the styles
// (security, limits, plans: they write problem+json) in the error format of
// the style the path belongs to: a SOAP Fault under /ws/soap and /ws/soap12,
// the OData error format under /ws/odata. Other paths pass untouched, at no
// cost.
func styleRefusals(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		format := refusalFormat(r.URL.Path)
		if format == "" {
			next.ServeHTTP(w, r)
			return
		}
		rw := &refusalWriter{ResponseWriter: w}
		next.ServeHTTP(rw, r)
		if !rw.held {
			return
		}
		var p problem.Problem
		if err := json.Unmarshal(rw.body.Bytes(), &p); err != nil || p.Status == 0 {
			p = problem.Problem{Status: rw.status, Detail: http.StatusText(rw.status)}
		}
		h := w.Header()
		h.Del("Content-Type")
		h.Del("Content-Length")
		p.Header = h.Clone()
		switch format {
		case "soap11":
			soap.WriteProblem(w, "1.1", &p)
		case "soap12":
			soap.WriteProblem(w, "1.2", &p)
		default:
			odata.WriteProblem(w, &p)
		}
	})
}

// refusalFormat tells the error format of a path: "soap11", "soap12",
// "odata" or "" (problem+json as written).
func refusalFormat(path string) string {
	switch {
	case strings.HasPrefix(path, soap.Prefix12+"/"):
		return "soap12"
	case strings.HasPrefix(path, soap.Prefix11+"/"):
		return "soap11"
	case strings.HasPrefix(path, odata.DefaultPrefix+"/"):
		return "odata"
	}
	return ""
}

// refusalWriter holds back an answer written as problem+json, which only
// the layers in front of a style write on its paths, so that it can be
// written again in the style's format; every other answer goes through.
type refusalWriter struct {
	http.ResponseWriter
	held   bool
	passed bool
	status int
	body   bytes.Buffer
}

// WriteHeader implements http.ResponseWriter.
func (rw *refusalWriter) WriteHeader(code int) {
	if rw.held || rw.passed {
		return
	}
	if code >= 400 && strings.HasPrefix(rw.Header().Get("Content-Type"), problem.ContentType) {
		rw.held, rw.status = true, code
		return
	}
	rw.passed = true
	rw.ResponseWriter.WriteHeader(code)
}

// Write implements http.ResponseWriter.
func (rw *refusalWriter) Write(b []byte) (int, error) {
	if !rw.held && !rw.passed {
		rw.WriteHeader(http.StatusOK)
	}
	if rw.held {
		return rw.body.Write(b)
	}
	return rw.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (rw *refusalWriter) Unwrap() http.ResponseWriter { return rw.ResponseWriter }
