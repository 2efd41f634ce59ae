package endpoint

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/portico-dev/portico/internal/endpoint/problem"
	"github.com/portico-dev/portico/internal/model"
)

// queryParam is a compiled declared query parameter.
type queryParam struct {
	name     string
	prop     string // query_{name}
	typ      string // string | integer | number | boolean
	required bool
}

func compileQuery(decl []model.QueryParam) []queryParam {
	out := make([]queryParam, 0, len(decl))
	for _, q := range decl {
		typ := q.Type
		if typ == "" {
			typ = "string"
		}
		out = append(out, queryParam{name: q.Name, prop: "query_" + q.Name, typ: typ, required: q.Required})
	}
	return out
}

// inQuery puts the query parameters into props: declared ones typed
// (integer → int, number → float64, boolean → bool), the others as strings.
// Only the first value of a repeated parameter counts. The paging token
// is the runtime's, not the process's.
func inQuery(props map[string]any, q url.Values, decl []queryParam) error {
	for _, d := range decl {
		vs := q[d.name]
		if len(vs) == 0 || vs[0] == "" && d.typ != "string" {
			if d.required {
				return problem.New(http.StatusBadRequest, fmt.Sprintf("query parameter %q is required", d.name))
			}
			continue
		}
		v, err := parseQuery(d.typ, vs[0])
		if err != nil {
			return problem.New(http.StatusBadRequest, fmt.Sprintf("query parameter %q: %q is not %s", d.name, vs[0], article(d.typ)))
		}
		props[d.prop] = v
	}
	for k, vs := range q {
		if k == MoreDataParam || len(vs) == 0 || declared(decl, k) {
			continue
		}
		props["query_"+k] = vs[0]
	}
	return nil
}

func declared(decl []queryParam, name string) bool {
	for _, d := range decl {
		if d.name == name {
			return true
		}
	}
	return false
}

func parseQuery(typ, s string) (any, error) {
	switch typ {
	case "integer":
		i, err := strconv.ParseInt(s, 10, 0)
		return int(i), err
	case "number":
		f, err := strconv.ParseFloat(s, 64)
		if err == nil && (f != f || f > 1.7976931348623157e308 || f < -1.7976931348623157e308) {
			err = strconv.ErrRange // NaN and ±Inf are not JSON numbers
		}
		return f, err
	case "boolean":
		return strconv.ParseBool(s)
	}
	return s, nil
}

func article(typ string) string {
	switch typ {
	case "integer":
		return "an integer"
	case "number":
		return "a number"
	case "boolean":
		return "a boolean (true or false)"
	}
	return "a string"
}
