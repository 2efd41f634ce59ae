package odata

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/portico-dev/portico/internal/endpoint"
	"github.com/portico-dev/portico/internal/endpoint/odata/query"
	"github.com/portico-dev/portico/internal/process"
)

// process answers a request on a process-backed entity set. The process
// receives the parsed request in its properties — odata_set, odata_key (an
// object of key values, absent for the collection), odata_query (the
// query options as a document, see query.Query.Document) — besides
// inmethod, inpath, inuser and execution_id; a POST, PATCH or PUT body is
// its one input document. It returns the entities as its documents (the
// collection's page, or one entity) and may set odata_count for
// $count=true. It does its own filtering and paging.
func (rq *request) process(b *backend) error {
	p := rq.path
	set := p.Target()
	if p.Nav != nil {
		return query.NotImplemented(p.Nav.Name, "navigation to a process-backed entity set")
	}
	if p.Kind == query.KProperty || p.Kind == query.KCount {
		return query.NotImplemented(rq.rel, "properties and $count of a process-backed entity set")
	}
	q, err := rq.options(set)
	if err != nil {
		return err
	}
	if len(q.Expand) > 0 {
		return query.NotImplemented("$expand", "expanding a process-backed entity set")
	}
	method := rq.r.Method
	switch {
	case method == http.MethodGet || method == http.MethodHead:
	case method == http.MethodPost && p.Kind == query.KCollection,
		(method == http.MethodPatch || method == http.MethodPut || method == http.MethodDelete) && p.Kind == query.KEntity:
		if err := rq.readOnly(set); err != nil {
			return err
		}
	default:
		return methodNotAllowed("GET, POST, PATCH, PUT, DELETE as OData allows on the resource")
	}
	props := map[string]any{
		"odata_set": set.Name, "odata_query": q.Document(), "odata_filter": rq.query.Get("$filter"),
		"inmethod": method, "inpath": rq.r.URL.Path, "inuser": endpoint.User(rq.ctx),
		"execution_id": rq.w.Header().Get(endpoint.ExecutionIDHeader),
	}
	if p.Key != nil {
		key := map[string]any{}
		for i, k := range set.Key {
			key[k.Name] = jsonable(p.Key[i])
		}
		props["odata_key"] = key
	}
	var docs []any
	if method == http.MethodPost || method == http.MethodPatch || method == http.MethodPut {
		obj, err := rq.body()
		if err != nil {
			return err
		}
		if _, err := values(set, obj); err != nil {
			return err
		}
		docs = []any{numbersToValues(obj)}
	}
	res, err := b.proc.Runner.Run(rq.ctx, process.Input{Documents: docs, Props: props})
	if err != nil {
		var f *process.Failure
		if errors.As(err, &f) && f.Status == http.StatusNotFound {
			return rq.notFound()
		}
		return err
	}
	switch {
	case method == http.MethodDelete, method != http.MethodPost && method != http.MethodGet && method != http.MethodHead:
		rq.w.WriteHeader(http.StatusNoContent)
		return nil
	}
	var buf bytes.Buffer
	buf.WriteString(`{"@odata.context":`)
	if p.Kind == query.KEntity || method == http.MethodPost {
		if len(res.Documents) == 0 {
			return rq.notFound()
		}
		row, _ := res.Documents[0].(map[string]any)
		writeJSON(&buf, rq.root+"$metadata#"+set.Name+"/$entity")
		rq.entity(&buf, set, row, q.Select, nil, true)
		status := http.StatusOK
		if method == http.MethodPost {
			status = http.StatusCreated
		}
		rq.write(status, jsonType, buf.Bytes())
		return nil
	}
	writeJSON(&buf, rq.root+"$metadata#"+set.Name+selectContext(q))
	if q.Count {
		if n, ok := res.Props["odata_count"]; ok {
			buf.WriteString(`,"@odata.count":`)
			writeJSON(&buf, n)
		}
	}
	buf.WriteString(`,"value":[`)
	for i, d := range res.Documents {
		if i > 0 {
			buf.WriteByte(',')
		}
		row, _ := d.(map[string]any)
		rq.entity(&buf, set, row, q.Select, nil, false)
	}
	buf.WriteString("]}")
	rq.write(http.StatusOK, jsonType, buf.Bytes())
	return nil
}

// jsonable turns a bound key value into a process document's value.
func jsonable(v any) any {
	switch x := v.(type) {
	case int64:
		return int(x)
	case time.Time:
		return x.Format(time.RFC3339Nano)
	}
	return v
}

// numbersToValues turns json.Number into int or float64, as documents hold.
func numbersToValues(v any) any {
	switch x := v.(type) {
	case json.Number:
		if n, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return int(n)
		}
		f, _ := x.Float64()
		return f
	case map[string]any:
		for k, e := range x {
			x[k] = numbersToValues(e)
		}
	case []any:
		for i, e := range x {
			x[i] = numbersToValues(e)
		}
	}
	return v
}
