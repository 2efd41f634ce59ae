package query

import "time"

// Document is the query as a JSON document, as a process-backed entity
// set receives it: {"filter": expr, "select": [...], "orderby": [{"expr",
// "desc"}], "top", "skip", "count"}. An expression is one of
// {"property": name}, {"literal": value, "type": "Edm.X"},
// {"op": "eq", "left": e, "right": e}, {"not": e}, {"negate": e},
// {"in": e, "list": [e...]} and {"function": name, "args": [e...]}.
func (q *Query) Document() map[string]any {
	doc := map[string]any{"skip": q.Skip + q.SkipToken, "count": q.Count}
	if q.Top >= 0 {
		doc["top"] = q.Top
	}
	if q.Filter != nil {
		doc["filter"] = ExprDocument(q.Filter)
	}
	if q.Select != nil {
		sel := make([]any, len(q.Select))
		for i, p := range q.Select {
			sel[i] = p.Name
		}
		doc["select"] = sel
	}
	if len(q.OrderBy) > 0 {
		ob := make([]any, len(q.OrderBy))
		for i, o := range q.OrderBy {
			ob[i] = map[string]any{"expr": ExprDocument(o.Expr), "desc": o.Desc}
		}
		doc["orderby"] = ob
	}
	return doc
}

// ExprDocument writes one expression as a JSON document.
func ExprDocument(e Expr) map[string]any {
	switch x := e.(type) {
	case *Literal:
		v := x.Value
		if t, ok := v.(time.Time); ok {
			v = t.Format(time.RFC3339Nano)
		}
		if x.T == TInt {
			v = int(x.Value.(int64))
		}
		return map[string]any{"literal": v, "type": x.T.String()}
	case *PropertyRef:
		return map[string]any{"property": x.Prop.Name}
	case *Binary:
		return map[string]any{"op": x.Op.String(), "left": ExprDocument(x.L), "right": ExprDocument(x.R)}
	case *Not:
		return map[string]any{"not": ExprDocument(x.X)}
	case *Negate:
		return map[string]any{"negate": ExprDocument(x.X)}
	case *In:
		list := make([]any, len(x.List))
		for i, l := range x.List {
			list[i] = ExprDocument(l)
		}
		return map[string]any{"in": ExprDocument(x.X), "list": list}
	case *Call:
		args := make([]any, len(x.Args))
		for i, a := range x.Args {
			args[i] = ExprDocument(a)
		}
		return map[string]any{"function": x.Fn, "args": args}
	}
	return nil
}
