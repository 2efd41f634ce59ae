package rest_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/portico-dev/portico/internal/endpoint"
	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/process"
)

// runFunc is an in-test Runner: the engine's interface, not a database.
type runFunc func(ctx context.Context, in process.Input) (*process.Result, error)

func (f runFunc) Run(ctx context.Context, in process.Input) (*process.Result, error) {
	return f(ctx, in)
}

// echo answers one document holding what the process received.
var echo = runFunc(func(_ context.Context, in process.Input) (*process.Result, error) {
	return &process.Result{Documents: []any{map[string]any{"docs": in.Documents, "props": in.Props}}}, nil
})

// docsOnly answers the input documents as they came.
var docsOnly = runFunc(func(_ context.Context, in process.Input) (*process.Result, error) {
	return &process.Result{Documents: in.Documents}, nil
})

// returns answers a fixed result or error.
func returns(res *process.Result, err error) runFunc {
	return func(context.Context, process.Input) (*process.Result, error) { return res, err }
}

// numbered answers n documents {"n": 0..n-1}.
func numbered(n int) runFunc {
	return func(context.Context, process.Input) (*process.Result, error) {
		docs := make([]any, n)
		for i := range docs {
			docs[i] = map[string]any{"n": i}
		}
		return &process.Result{Documents: docs}, nil
	}
}

func proc(r endpoint.Runner, spec *model.ProcessSpec) endpoint.RunnerWithSpec {
	if spec == nil {
		spec = &model.ProcessSpec{}
	}
	return endpoint.RunnerWithSpec{Runner: r, Spec: spec}
}

// answer is a response read whole.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// do sends a request; chunked hides the body length so that the client
// sends it chunked.
func do(t *testing.T, method, url string, header map[string]string, body string, chunked bool) answer {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
		if chunked {
			rd = io.MultiReader(rd)
		}
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{status: res.StatusCode, header: res.Header, body: b}
}

// at returns the value at an RFC 6901 pointer in a JSON body, and whether
// it exists.
func at(body []byte, ptr string) (any, bool) {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return nil, false
	}
	if ptr == "" {
		return v, true
	}
	for _, tok := range strings.Split(ptr[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[tok]; !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}
