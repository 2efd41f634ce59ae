package odata

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/portico-dev/portico/internal/connector/sqldb/odatasql"
	"github.com/portico-dev/portico/internal/endpoint"
	"github.com/portico-dev/portico/internal/endpoint/odata/query"
	"github.com/portico-dev/portico/internal/model"
)

// request is one request's view of the service.
type request struct {
	s    *Service
	w    http.ResponseWriter
	r    *http.Request
	ctx  context.Context
	root string // absolute URL of the service root, with its slash
	rel  string // escaped path below the root
	path *query.Path
	// query is the URL query split on '&' only (see query.SplitQuery).
	query url.Values
}

// serve answers one request below the service root (root is its path).
func (s *Service) serve(w http.ResponseWriter, r *http.Request, root, rel string) {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	started := time.Now()
	sw := &statusWriter{ResponseWriter: w}
	rq := &request{s: s, w: sw, r: r, ctx: r.Context(), root: scheme + "://" + r.Host + root, rel: rel}
	if err := rq.serve(); err != nil {
		sw.message = s.fail(sw, r, err)
	}
	s.record(sw, r, rel, started)
}

// fail writes err, logging what the client only sees as an execution id;
// it returns the message the client got.
func (s *Service) fail(w http.ResponseWriter, r *http.Request, err error) string {
	status, msg := writeError(w, err)
	if status >= 500 && status != http.StatusNotImplemented {
		s.log.Error("odata request failed", "api", s.name, "method", r.Method, "path", r.URL.Path,
			"execution", w.Header().Get(endpoint.ExecutionIDHeader), "status", status, "err", err)
	}
	return msg
}

func (rq *request) serve() error {
	var err error
	if rq.query, err = query.SplitQuery(rq.r.URL.RawQuery); err != nil {
		return err
	}
	if rq.path, err = query.ParsePath(rq.rel, rq.s.svc); err != nil {
		return err
	}
	method := rq.r.Method
	switch rq.path.Kind {
	case query.KService, query.KMetadata:
		if method != http.MethodGet && method != http.MethodHead {
			return methodNotAllowed("GET")
		}
		if rq.path.Kind == query.KService {
			return rq.serviceDocument()
		}
		return rq.metadata()
	}
	set := rq.path.Target()
	if b := rq.s.backends[set]; b.proc != nil {
		return rq.process(b)
	}
	if rq.path.Nav != nil && rq.s.backends[rq.path.Set].proc != nil {
		return query.NotImplemented(rq.path.Nav.Name, "navigation from a process-backed entity set")
	}
	switch method {
	case http.MethodGet, http.MethodHead:
		return rq.read()
	case http.MethodPost:
		if rq.path.Kind == query.KCollection && rq.path.Nav == nil {
			return rq.create()
		}
		if rq.path.Kind == query.KCollection {
			return query.NotImplemented(rq.path.Nav.Name, "creating an entity through a navigation property")
		}
	case http.MethodPatch, http.MethodPut, http.MethodDelete:
		if rq.path.Kind == query.KEntity && rq.path.Nav == nil {
			if method == http.MethodDelete {
				return rq.remove()
			}
			return rq.update(method == http.MethodPut)
		}
		if rq.path.Kind == query.KProperty && rq.path.Nav == nil {
			return query.NotImplemented(rq.path.Prop.Name, "writing a single property")
		}
	}
	switch rq.path.Kind {
	case query.KCollection:
		return methodNotAllowed("GET, POST")
	case query.KEntity:
		return methodNotAllowed("GET, PATCH, PUT, DELETE")
	}
	return methodNotAllowed("GET")
}

func methodNotAllowed(allow string) error {
	return errorf(http.StatusMethodNotAllowed, "methodNotAllowed", "", "the resource allows "+allow)
}

func (rq *request) serviceDocument() error {
	type entry struct {
		Name string `json:"name"`
		Kind string `json:"kind"`
		URL  string `json:"url"`
	}
	doc := struct {
		Context string  `json:"@odata.context"`
		Value   []entry `json:"value"`
	}{Context: rq.root + "$metadata", Value: []entry{}}
	for _, set := range rq.s.svc.Sets {
		doc.Value = append(doc.Value, entry{Name: set.Name, Kind: "EntitySet", URL: set.Name})
	}
	body, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	rq.write(http.StatusOK, jsonType, body)
	return nil
}

const jsonType = "application/json; odata.metadata=minimal"

func (rq *request) metadata() error {
	f := strings.ToLower(rq.query.Get("$format"))
	accept := rq.r.Header.Get("Accept")
	if f == "json" || strings.HasPrefix(f, "application/json") || (f == "" && strings.Contains(accept, "application/json") && !strings.Contains(accept, "xml")) {
		rq.write(http.StatusOK, "application/json", rq.s.json)
		return nil
	}
	if f != "" && f != "xml" && !strings.HasPrefix(f, "application/xml") {
		return query.NotImplemented("$format", "the $metadata format %s", f)
	}
	rq.write(http.StatusOK, "application/xml", rq.s.xml)
	return nil
}

func (rq *request) write(status int, ctype string, body []byte) {
	h := rq.w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	rq.w.WriteHeader(status)
	_, _ = rq.w.Write(body)
}

// options parses the query options, refusing those that do not apply to
// a single entity or a count.
func (rq *request) options(set *query.EntitySet) (*query.Query, error) {
	raw := rq.query
	kind := rq.path.Kind
	if kind != query.KCollection {
		allowed := map[string]bool{"$select": true, "$expand": true, "$format": true}
		if kind == query.KCount {
			allowed = map[string]bool{"$filter": true, "$format": true}
		}
		if kind == query.KProperty {
			allowed = map[string]bool{"$format": true}
		}
		for k := range raw {
			if strings.HasPrefix(k, "$") && !allowed[strings.ToLower(k)] {
				return nil, query.Errorf(query.CodeBadRequest, k, "%s does not apply to this resource", k)
			}
		}
	}
	return query.ParseOptions(raw, set, query.Options{MaxExpandDepth: rq.s.svc.MaxExpandDepth, Now: time.Now()})
}

// scope returns the conditions that restrict the target set to what the
// path addresses (its key, or the entities related to the navigation's
// source). found is false when the source entity does not exist.
func (rq *request) scope() (match []odatasql.Match, found bool, err error) {
	p := rq.path
	if p.Nav == nil {
		for i, k := range p.Set.Key {
			if p.Key != nil {
				match = append(match, odatasql.Match{Prop: k, Value: p.Key[i]})
			}
		}
		return match, true, nil
	}
	src, err := rq.fetchOne(p.Set, keyMatch(p.Set, p.Key), nil)
	if err != nil || src == nil {
		return nil, false, err
	}
	for i, l := range p.Nav.Local {
		v := src[l.Name]
		if v == nil {
			// A null foreign key relates to nothing.
			return nil, true, errNoRelated
		}
		match = append(match, odatasql.Match{Prop: p.Nav.Remote[i], Value: v})
	}
	if p.NavKey != nil {
		match = append(match, keyMatch(p.Nav.Target, p.NavKey)...)
	}
	return match, true, nil
}

// errNoRelated marks a navigation whose foreign key is null.
var errNoRelated = fmt.Errorf("%w: no related entity", model.ErrNotFound)

func keyMatch(set *query.EntitySet, key []any) []odatasql.Match {
	m := make([]odatasql.Match, len(set.Key))
	for i, k := range set.Key {
		m[i] = odatasql.Match{Prop: k, Value: key[i]}
	}
	return m
}

func (rq *request) fetchOne(set *query.EntitySet, match []odatasql.Match, filter query.Expr) (map[string]any, error) {
	b := rq.s.backends[set]
	q, args, err := b.dialect.Select(&odatasql.Select{Set: set, Match: match, Filter: filter, Limit: 1})
	if err != nil {
		return nil, err
	}
	rows, err := b.db.QueryBuilt(rq.ctx, q, args)
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	return rows[0], nil
}

func (rq *request) notFound() error {
	return errorf(http.StatusNotFound, query.CodeNotFound, "", "no entity at "+rq.r.URL.Path)
}

func (rq *request) read() error {
	p := rq.path
	set := p.Target()
	q, err := rq.options(set)
	if err != nil {
		return err
	}
	match, found, err := rq.scope()
	switch {
	case err == errNoRelated && p.Kind == query.KCollection:
		match = []odatasql.Match{{Prop: set.Key[0], Value: nil}} // matches nothing: keys are never null
	case err == errNoRelated && p.Kind == query.KCount:
		rq.write(http.StatusOK, "text/plain", []byte("0"))
		return nil
	case err == errNoRelated:
		rq.w.WriteHeader(http.StatusNoContent)
		return nil
	case err != nil:
		return err
	case !found:
		return rq.notFound()
	}
	switch p.Kind {
	case query.KCount:
		n, err := rq.count(set, match, q.Filter)
		if err != nil {
			return err
		}
		rq.write(http.StatusOK, "text/plain", []byte(strconv.FormatInt(n, 10)))
		return nil
	case query.KCollection:
		return rq.collection(set, match, q)
	}
	row, err := rq.fetchOne(set, match, nil)
	if err != nil {
		return err
	}
	if row == nil {
		if p.Nav != nil && !p.Nav.Many {
			rq.w.WriteHeader(http.StatusNoContent)
			return nil
		}
		return rq.notFound()
	}
	if p.Kind == query.KProperty {
		return rq.property(set, row)
	}
	if set.ETag != nil {
		tag := etagOf(set, row)
		if inm := rq.r.Header.Get("If-None-Match"); inm == "*" || (inm != "" && strings.Contains(inm, tag)) {
			rq.w.Header().Set("ETag", tag)
			rq.w.WriteHeader(http.StatusNotModified)
			return nil
		}
	}
	rows := []map[string]any{row}
	if err := rq.expand(set, rows, q.Expand); err != nil {
		return err
	}
	var buf bytes.Buffer
	buf.WriteString(`{"@odata.context":`)
	writeJSON(&buf, rq.root+"$metadata#"+set.Name+selectContext(q)+"/$entity")
	rq.entity(&buf, set, row, q.Select, q.Expand, true)
	if set.ETag != nil {
		rq.w.Header().Set("ETag", etagOf(set, row))
	}
	rq.write(http.StatusOK, jsonType, buf.Bytes())
	return nil
}

func (rq *request) count(set *query.EntitySet, match []odatasql.Match, filter query.Expr) (int64, error) {
	b := rq.s.backends[set]
	q, args, err := b.dialect.Count(&odatasql.Select{Set: set, Match: match, Filter: filter})
	if err != nil {
		return 0, err
	}
	rows, err := b.db.QueryBuilt(rq.ctx, q, args)
	if err != nil {
		return 0, err
	}
	if len(rows) != 1 {
		return 0, fmt.Errorf("odata: count returned %d rows", len(rows))
	}
	switch n := rows[0]["n"].(type) {
	case int:
		return int64(n), nil
	case int64:
		return n, nil
	case float64:
		return int64(n), nil
	case string:
		return strconv.ParseInt(n, 10, 64)
	}
	return 0, fmt.Errorf("odata: count of type %T", rows[0]["n"])
}

// pageSize is the most entities one answer holds: the service's page
// size, or what the client prefers (Prefer: odata.maxpagesize=N) up to
// maxTop.
func (rq *request) pageSize() (int, bool) {
	size := min(rq.s.svc.MaxPageSize, rq.s.svc.MaxTop)
	for _, v := range rq.r.Header.Values("Prefer") {
		for _, pref := range strings.Split(v, ",") {
			name, val, ok := strings.Cut(strings.TrimSpace(pref), "=")
			if !ok || !strings.EqualFold(strings.TrimSpace(name), "odata.maxpagesize") && !strings.EqualFold(strings.TrimSpace(name), "maxpagesize") {
				continue
			}
			if n, err := strconv.Atoi(strings.Trim(strings.TrimSpace(val), `"`)); err == nil && n > 0 {
				return min(n, rq.s.svc.MaxTop), true
			}
		}
	}
	return size, false
}

func (rq *request) collection(set *query.EntitySet, match []odatasql.Match, q *query.Query) error {
	size, preferred := rq.pageSize()
	remaining := -1
	if q.Top >= 0 {
		remaining = max(q.Top-q.SkipToken, 0)
	}
	limit := size
	if remaining >= 0 && remaining < limit {
		limit = remaining
	}
	b := rq.s.backends[set]
	sel := &odatasql.Select{Set: set, Match: match, Filter: q.Filter, OrderBy: q.OrderBy, Limit: limit + 1, Offset: q.Skip + q.SkipToken}
	sqlText, args, err := b.dialect.Select(sel)
	if err != nil {
		return err
	}
	rows, err := b.db.QueryBuilt(rq.ctx, sqlText, args)
	if err != nil {
		return err
	}
	more := len(rows) > limit
	if more {
		rows = rows[:limit]
	}
	if err := rq.expand(set, rows, q.Expand); err != nil {
		return err
	}
	var buf bytes.Buffer
	buf.WriteString(`{"@odata.context":`)
	writeJSON(&buf, rq.root+"$metadata#"+set.Name+selectContext(q))
	if q.Count {
		n, err := rq.count(set, match, q.Filter)
		if err != nil {
			return err
		}
		buf.WriteString(`,"@odata.count":`)
		buf.WriteString(strconv.FormatInt(n, 10))
	}
	buf.WriteString(`,"value":[`)
	for i, row := range rows {
		if i > 0 {
			buf.WriteByte(',')
		}
		rq.entity(&buf, set, row, q.Select, q.Expand, false)
	}
	buf.WriteByte(']')
	if more && (remaining < 0 || remaining > limit) {
		next := url.Values{}
		for k, v := range rq.query {
			next[k] = v
		}
		next.Set("$skiptoken", strconv.Itoa(q.SkipToken+limit))
		buf.WriteString(`,"@odata.nextLink":`)
		writeJSON(&buf, rq.root+rq.rel+"?"+next.Encode())
	}
	buf.WriteByte('}')
	if preferred {
		rq.w.Header().Set("Preference-Applied", "odata.maxpagesize="+strconv.Itoa(size))
	}
	rq.write(http.StatusOK, jsonType, buf.Bytes())
	return nil
}

// selectContext is the "(a,b,Nav())" part of a context URL.
func selectContext(q *query.Query) string {
	if q.Select == nil && len(q.Expand) == 0 {
		return ""
	}
	var parts []string
	for _, p := range q.Select {
		parts = append(parts, p.Name)
	}
	if q.Select == nil {
		parts = append(parts, "*")
	}
	for _, e := range q.Expand {
		parts = append(parts, e.Nav.Name+"()")
	}
	return "(" + strings.Join(parts, ",") + ")"
}

func (rq *request) property(set *query.EntitySet, row map[string]any) error {
	p := rq.path.Prop
	v := outValue(row[p.Name], p.Type)
	if v == nil {
		rq.w.WriteHeader(http.StatusNoContent)
		return nil
	}
	if rq.path.Value {
		ctype := "text/plain; charset=utf-8"
		var body []byte
		switch x := v.(type) {
		case string:
			body = []byte(x)
			if p.Type == query.TBinary {
				ctype = "application/octet-stream"
				body, _ = base64URLDecode(x)
			}
		default:
			body, _ = json.Marshal(x)
		}
		rq.write(http.StatusOK, ctype, body)
		return nil
	}
	var buf bytes.Buffer
	buf.WriteString(`{"@odata.context":`)
	writeJSON(&buf, rq.root+"$metadata#"+set.Name+"("+keyText(set, keyValues(set, row))+")/"+p.Name)
	buf.WriteString(`,"value":`)
	writeJSON(&buf, v)
	buf.WriteByte('}')
	rq.write(http.StatusOK, jsonType, buf.Bytes())
	return nil
}

func keyValues(set *query.EntitySet, row map[string]any) []any {
	vals := make([]any, len(set.Key))
	for i, k := range set.Key {
		vals[i] = row[k.Name]
	}
	return vals
}

// entity writes one entity: its ETag, its selected properties (all when
// sel is nil) and its expanded navigation properties. open says the
// object's brace and context are already written.
func (rq *request) entity(buf *bytes.Buffer, set *query.EntitySet, row map[string]any, sel []*query.Property, exps []*query.Expand, open bool) {
	sep := ","
	if !open {
		buf.WriteByte('{')
		sep = ""
	}
	if set.ETag != nil {
		buf.WriteString(sep + `"@odata.etag":`)
		writeJSON(buf, etagOf(set, row))
		sep = ","
	}
	props := sel
	if props == nil {
		props = set.Props
	}
	for _, p := range props {
		buf.WriteString(sep)
		sep = ","
		writeJSON(buf, p.Name)
		buf.WriteByte(':')
		writeJSON(buf, outValue(row[p.Name], p.Type))
	}
	for _, e := range exps {
		buf.WriteString(sep)
		sep = ","
		writeJSON(buf, e.Nav.Name)
		buf.WriteByte(':')
		children, _ := row[expandKey+e.Nav.Name].([]map[string]any)
		if !e.Nav.Many {
			if len(children) == 0 {
				buf.WriteString("null")
			} else {
				rq.entity(buf, e.Nav.Target, children[0], e.Query.Select, e.Query.Expand, false)
			}
			continue
		}
		buf.WriteByte('[')
		for i, c := range children {
			if i > 0 {
				buf.WriteByte(',')
			}
			rq.entity(buf, e.Nav.Target, c, e.Query.Select, e.Query.Expand, false)
		}
		buf.WriteByte(']')
	}
	buf.WriteByte('}')
}

func writeJSON(buf *bytes.Buffer, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		buf.WriteString("null")
		return
	}
	buf.Write(b)
}

// etagOf is the weak ETag of an entity: its version property's value.
func etagOf(set *query.EntitySet, row map[string]any) string {
	v := outValue(row[set.ETag.Name], set.ETag.Type)
	s, ok := v.(string)
	if !ok {
		b, _ := json.Marshal(v)
		s = string(b)
	}
	return `W/"` + url.PathEscape(s) + `"`
}
