package process

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/portico-dev/portico/internal/model"
)

// httpStep sends one request per document (once with null when there are
// none) through an HTTP connection; each response body becomes a document.
type httpStep struct {
	conn    HTTP
	method  string
	path    string
	headers []namedJQ
	body    *jqProgram
}

func (c *compiler) http(p string, s *model.HTTPStep) step {
	conn, err := c.res.HTTP(s.Connection)
	if err != nil {
		c.fail(p+".connection", "%v", err)
	}
	st := &httpStep{conn: conn, method: s.Method, path: s.Path}
	st.headers = c.jqMap(p+".headers", s.Headers)
	ok := err == nil && len(st.headers) == len(s.Headers)
	if s.Body != "" {
		if st.body = c.jq(p+".body", s.Body); st.body == nil {
			ok = false
		}
	}
	if st.method == "" {
		st.method = http.MethodGet
		if s.Body != "" {
			st.method = http.MethodPost
		}
	}
	if !ok {
		return nil
	}
	return st
}

func (s *httpStep) Run(ctx context.Context, x *execution) error {
	in := x.inputs()
	out := make([]any, 0, len(in))
	for _, doc := range in {
		v, ok, err := s.send(ctx, x, doc)
		if err != nil {
			return err
		}
		if ok {
			out = append(out, v)
		}
	}
	x.docs = out
	return nil
}

// send makes one request; ok is false when the response has no body.
func (s *httpStep) send(ctx context.Context, x *execution, doc any) (v any, ok bool, err error) {
	var body io.Reader
	if s.body != nil {
		b, err := s.body.first(ctx, x, doc)
		if err != nil {
			return nil, false, fmt.Errorf("body: %w", err)
		}
		data, err := json.Marshal(b)
		if err != nil {
			return nil, false, fmt.Errorf("body: %w", err)
		}
		body = bytes.NewReader(data)
	}
	req, err := s.conn.NewRequest(ctx, s.method, s.path, body)
	if err != nil {
		return nil, false, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	for _, h := range s.headers {
		hv, err := h.prog.first(ctx, x, doc)
		if err != nil {
			return nil, false, fmt.Errorf("headers.%s: %w", h.name, err)
		}
		str, isStr := hv.(string)
		if !isStr {
			return nil, false, fmt.Errorf("headers.%s: yields %s, not a string", h.name, typeName(hv))
		}
		req.Header.Set(h.name, str)
	}
	resp, err := s.conn.Do(req)
	if err != nil {
		return nil, false, err
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		// Drain a little so that the connection can be reused.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return nil, false, &HTTPStatusError{Method: s.method, Path: s.path, Status: resp.StatusCode}
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxHTTPResponse+1))
	if err != nil {
		return nil, false, fmt.Errorf("reading the response: %w", err)
	}
	if len(data) > MaxHTTPResponse {
		return nil, false, fmt.Errorf("response body larger than %d bytes", MaxHTTPResponse)
	}
	if len(data) == 0 {
		return nil, false, nil
	}
	if !isJSON(resp.Header.Get("Content-Type")) {
		return string(data), true, nil
	}
	var d any
	if err := unmarshalNumbers(data, &d); err != nil {
		return nil, false, fmt.Errorf("response is not JSON: %w", err)
	}
	return Normalize(d), true, nil
}

// isJSON reports a JSON media type: application/json or any +json type.
func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// typeName names a jq value's type as jq does.
func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "number"
}
