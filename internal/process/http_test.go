package process_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/portico-dev/portico/internal/process"
)

// echoHost answers like a small CRM: JSON echoes, text, empty bodies, errors.
func echoHost(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		switch r.URL.Path {
		case "/echo":
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			_ = json.NewEncoder(w).Encode(map[string]any{
				"method": r.Method, "source": r.Header.Get("X-Source"), "type": r.Header.Get("Content-Type"), "body": string(body),
			})
		case "/text":
			w.Header().Set("Content-Type", "text/plain")
			_, _ = io.WriteString(w, "pong")
		case "/empty":
			w.WriteHeader(http.StatusNoContent)
		case "/big":
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, "\"")
			_, _ = io.WriteString(w, strings.Repeat("a", process.MaxHTTPResponse))
			_, _ = io.WriteString(w, "\"")
		case "/broken":
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, "{not json")
		default:
			http.Error(w, "nope", http.StatusTeapot)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestHTTPStep(t *testing.T) {
	t.Parallel()
	srv := echoHost(t)
	cases := []runCase{
		{name: "GET without documents",
			spec: "steps:\n- http: {connection: crm, path: /echo}",
			want: []any{obj("method", "GET", "source", "", "type", "", "body", "")}},
		{name: "POST per document with headers and body",
			spec: "steps:\n- http:\n    connection: crm\n    path: /echo\n    headers: {X-Source: '\"portico-\" + $props.inuser'}\n    body: '{id: .id}'",
			docs: []any{obj("id", 1), obj("id", 2)}, props: obj("inuser", "ada"),
			want: []any{
				obj("method", "POST", "source", "portico-ada", "type", "application/json", "body", `{"id":1}`),
				obj("method", "POST", "source", "portico-ada", "type", "application/json", "body", `{"id":2}`),
			}},
		{name: "explicit method", spec: "steps:\n- http: {connection: crm, method: PUT, path: /echo, body: '.'}", docs: []any{"x"},
			want: []any{obj("method", "PUT", "source", "", "type", "application/json", "body", `"x"`)}},
		{name: "text response", spec: "steps:\n- http: {connection: crm, path: /text}", want: []any{"pong"}},
		{name: "empty response", spec: "steps:\n- http: {connection: crm, path: /empty}", docs: []any{1}, want: []any{}},
		{name: "error status", spec: "steps:\n- http: {connection: crm, path: /missing}",
			err: "spec.steps[0].http: GET /missing: host answered 418", is: process.ErrStep},
		{name: "header not a string", spec: "steps:\n- http:\n    connection: crm\n    path: /echo\n    headers: {X-N: '1'}",
			err: "headers.X-N: yields number, not a string"},
		{name: "body too large", spec: "steps:\n- http: {connection: crm, path: /big}", err: "response body larger than"},
		{name: "invalid JSON", spec: "steps:\n- http: {connection: crm, path: /broken}", err: "response is not JSON"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.run(t, &resources{http: map[string]process.HTTP{"crm": &httpConn{base: srv.URL, client: srv.Client()}}})
		})
	}
}

func TestHTTPStatusErrorIsAs(t *testing.T) {
	t.Parallel()
	srv := echoHost(t)
	res := &resources{http: map[string]process.HTTP{"crm": &httpConn{base: srv.URL, client: srv.Client()}}}
	p := res.define(t, "p", "steps:\n- http: {connection: crm, method: DELETE, path: /x}")
	_, err := p.Run(t.Context(), process.Input{})
	var he *process.HTTPStatusError
	if !errors.As(err, &he) || he.Status != http.StatusTeapot || he.Method != "DELETE" {
		t.Fatalf("err %v, want an HTTPStatusError 418 DELETE", err)
	}
}
