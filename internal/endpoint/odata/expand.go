package odata

import (
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/portico-dev/portico/internal/connector/sqldb/odatasql"
	"github.com/portico-dev/portico/internal/endpoint/odata/query"
)

// expandKey prefixes the row entries that hold expanded entities; no
// property name starts with a NUL.
const expandKey = "\x00"

// expandChunk is how many parents one query of related entities serves.
const expandChunk = 500

// expand loads the related entities of rows for each expanded navigation
// property: one query per navigation property for the whole page (never
// one per row), grouped back to their parents here; nested $top and $skip
// apply per parent.
func (rq *request) expand(set *query.EntitySet, rows []map[string]any, exps []*query.Expand) error {
	for _, e := range exps {
		nav := e.Nav
		tb := rq.s.backends[nav.Target]
		if tb.proc != nil || rq.s.backends[set].proc != nil {
			return query.NotImplemented("$expand", "expanding process-backed entity sets")
		}
		var tuples [][]any
		seen := map[string]bool{}
		for _, row := range rows {
			t, ok := tuple(row, nav.Local)
			if !ok {
				continue
			}
			if k := tupleKey(t); !seen[k] {
				seen[k] = true
				tuples = append(tuples, t)
			}
		}
		var children []map[string]any
		// In chunks, so that no statement binds more arguments than a
		// database takes; one parent's children are all in one chunk.
		for len(tuples) > 0 {
			chunk := tuples[:min(len(tuples), expandChunk)]
			tuples = tuples[len(chunk):]
			q, args, err := tb.dialect.Select(&odatasql.Select{Set: nav.Target, Filter: e.Query.Filter,
				InProps: nav.Remote, InRows: chunk, OrderBy: e.Query.OrderBy, Limit: -1})
			if err != nil {
				return err
			}
			rows, err := tb.db.QueryBuilt(rq.ctx, q, args)
			if err != nil {
				return err
			}
			children = append(children, rows...)
		}
		if err := rq.expand(nav.Target, children, e.Query.Expand); err != nil {
			return err
		}
		groups := map[string][]map[string]any{}
		for _, c := range children {
			t, _ := tuple(c, nav.Remote)
			k := tupleKey(t)
			groups[k] = append(groups[k], c)
		}
		for _, row := range rows {
			t, ok := tuple(row, nav.Local)
			if !ok {
				continue
			}
			list := groups[tupleKey(t)]
			if nav.Many {
				list = window(list, e.Query.Skip, e.Query.Top)
			}
			row[expandKey+nav.Name] = list
		}
	}
	return nil
}

func window(list []map[string]any, skip, top int) []map[string]any {
	if skip >= len(list) {
		return nil
	}
	list = list[skip:]
	if top >= 0 && top < len(list) {
		list = list[:top]
	}
	return list
}

// tuple reads props of row; ok is false when one is null.
func tuple(row map[string]any, props []*query.Property) ([]any, bool) {
	t := make([]any, len(props))
	for i, p := range props {
		if t[i] = row[p.Name]; t[i] == nil {
			return nil, false
		}
	}
	return t, true
}

func tupleKey(t []any) string {
	var b strings.Builder
	for _, v := range t {
		fmt.Fprintf(&b, "%v\x00", v)
	}
	return b.String()
}

func base64URLDecode(s string) ([]byte, error) { return base64.URLEncoding.DecodeString(s) }
