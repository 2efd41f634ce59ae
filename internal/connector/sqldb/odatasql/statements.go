package odatasql

import (
	"strconv"

	"github.com/portico-dev/portico/internal/endpoint/odata/query"
)

// Match is the condition "property = value" that keys and navigation add.
type Match struct {
	Prop  *query.Property
	Value any
}

// Select describes one read of an entity set.
type Select struct {
	Set *query.EntitySet
	// Columns are read, each aliased to its property name; nil reads all.
	Columns []*query.Property
	Filter  query.Expr
	Match   []Match
	// InProps and InRows restrict the rows to those whose InProps equal
	// one of the rows (the children of a page of expanded parents).
	InProps []*query.Property
	InRows  [][]any
	OrderBy []query.Order
	// Limit is the row cap (-1: none); Offset the rows skipped.
	Limit, Offset int
}

// Select writes the SELECT of s. Rows come keyed by property name, in a
// total order: the set's key breaks the ties of $orderby, so that paging
// neither repeats nor skips an entity.
func (d Dialect) Select(s *Select) (string, []any, error) {
	w := &builder{d: d}
	w.sql("SELECT ")
	cols := s.Columns
	if cols == nil {
		cols = s.Set.Props
	}
	w.aliased(cols)
	w.sql(" FROM ")
	w.ident(s.Set.Table)
	if err := w.where(s); err != nil {
		return "", nil, err
	}
	w.sql(" ORDER BY ")
	ordered := map[*query.Property]bool{}
	for i, o := range s.OrderBy {
		if i > 0 {
			w.sql(", ")
		}
		if err := w.expr(o.Expr); err != nil {
			return "", nil, err
		}
		if pr, ok := o.Expr.(*query.PropertyRef); ok {
			ordered[pr.Prop] = true
		}
		if o.Desc {
			w.sql(" DESC")
		} else {
			w.sql(" ASC")
		}
	}
	first := len(s.OrderBy) == 0
	for _, k := range s.Set.Key {
		if ordered[k] {
			continue
		}
		if !first {
			w.sql(", ")
		}
		first = false
		w.ident(k.Column)
		w.sql(" ASC")
	}
	if s.Limit >= 0 {
		w.sql(" LIMIT ", strconv.Itoa(s.Limit))
	}
	if s.Offset > 0 {
		if s.Limit < 0 {
			switch d {
			case SQLite:
				w.sql(" LIMIT -1")
			case MySQL:
				w.sql(" LIMIT 18446744073709551615")
			}
		}
		w.sql(" OFFSET ", strconv.Itoa(s.Offset))
	}
	q, args := w.finish()
	return q, args, nil
}

// aliased writes the columns of props, each aliased to its property name,
// so that rows come keyed by property name.
func (w *builder) aliased(props []*query.Property) {
	for i, p := range props {
		if i > 0 {
			w.sql(", ")
		}
		w.ident(p.Column)
		w.sql(" AS ")
		w.ident(p.Name)
	}
}

// Count writes the SELECT COUNT(*) of the rows s selects, before any
// limit or offset: $count and @odata.count count the whole result.
func (d Dialect) Count(s *Select) (string, []any, error) {
	w := &builder{d: d}
	w.sql("SELECT COUNT(*) AS ")
	w.ident("n")
	w.sql(" FROM ")
	w.ident(s.Set.Table)
	if err := w.where(s); err != nil {
		return "", nil, err
	}
	q, args := w.finish()
	return q, args, nil
}

func (w *builder) where(s *Select) error {
	and := " WHERE "
	for _, m := range s.Match {
		w.sql(and)
		and = " AND "
		w.match(m)
	}
	if len(s.InProps) > 0 {
		w.sql(and, "(")
		and = " AND "
		if len(s.InRows) == 0 {
			w.sql("1 = 0")
		}
		for i, row := range s.InRows {
			if i > 0 {
				w.sql(" OR ")
			}
			w.sql("(")
			for j, p := range s.InProps {
				if j > 0 {
					w.sql(" AND ")
				}
				w.match(Match{Prop: p, Value: row[j]})
			}
			w.sql(")")
		}
		w.sql(")")
	}
	if s.Filter != nil {
		w.sql(and, "(")
		if err := w.expr(s.Filter); err != nil {
			return err
		}
		w.sql(")")
	}
	return nil
}

func (w *builder) match(m Match) {
	if m.Value == nil {
		w.ident(m.Prop.Column)
		w.sql(" IS NULL")
		return
	}
	w.column(m.Prop)
	w.sql(" = ")
	w.arg(m.Value, m.Prop.Type)
}

// Value is a property and the value to write into its column.
type Value = Match

// Insert writes the INSERT of one entity; returning lists the columns
// RETURNING reads back (ignored where the dialect lacks it).
func (d Dialect) Insert(set *query.EntitySet, vals []Value, returning []*query.Property) (string, []any) {
	w := &builder{d: d}
	w.sql("INSERT INTO ")
	w.ident(set.Table)
	if len(vals) == 0 {
		if d == MySQL {
			w.sql(" () VALUES ()")
		} else {
			w.sql(" DEFAULT VALUES")
		}
	} else {
		w.sql(" (")
		for i, v := range vals {
			if i > 0 {
				w.sql(", ")
			}
			w.ident(v.Prop.Column)
		}
		w.sql(") VALUES (")
		for i, v := range vals {
			if i > 0 {
				w.sql(", ")
			}
			w.value(v)
		}
		w.sql(")")
	}
	if d.Returning() && len(returning) > 0 {
		w.sql(" RETURNING ")
		w.aliased(returning)
	}
	return w.finish()
}

// value writes a value to store; SQLite stores date-times as they come.
func (w *builder) value(v Value) {
	if v.Value == nil {
		w.sql("NULL")
		return
	}
	if w.d == SQLite {
		w.args = append(w.args, w.bindValue(v.Value, v.Prop.Type))
		w.placeholder()
		return
	}
	w.arg(v.Value, v.Prop.Type)
}

// Update writes the UPDATE of the entity that match selects. A non-nil
// version is the set's ETag property: its column is incremented (numbers)
// or set to now (date-times) with the write.
func (d Dialect) Update(set *query.EntitySet, vals []Value, match []Match, version *Value) (string, []any) {
	w := &builder{d: d}
	w.sql("UPDATE ")
	w.ident(set.Table)
	w.sql(" SET ")
	n := 0
	for _, v := range vals {
		if n > 0 {
			w.sql(", ")
		}
		n++
		w.ident(v.Prop.Column)
		w.sql(" = ")
		w.value(v)
	}
	if version != nil {
		if n > 0 {
			w.sql(", ")
		}
		n++
		w.ident(version.Prop.Column)
		w.sql(" = ")
		if version.Prop.Type == query.TInt || version.Prop.Type == query.TDecimal {
			w.sql("COALESCE(")
			w.ident(version.Prop.Column)
			w.sql(", 0) + 1")
		} else {
			w.value(*version)
		}
	}
	if n == 0 { // nothing to change: a no-op that still finds the row
		w.ident(set.Key[0].Column)
		w.sql(" = ")
		w.ident(set.Key[0].Column)
	}
	w.whereAll(match)
	return w.finish()
}

// Delete writes the DELETE of the entity that match selects.
func (d Dialect) Delete(set *query.EntitySet, match []Match) (string, []any) {
	w := &builder{d: d}
	w.sql("DELETE FROM ")
	w.ident(set.Table)
	w.whereAll(match)
	return w.finish()
}

// whereAll writes the WHERE of an entity's matches, all of them true.
func (w *builder) whereAll(match []Match) {
	for i, m := range match {
		if i == 0 {
			w.sql(" WHERE ")
		} else {
			w.sql(" AND ")
		}
		w.match(m)
	}
}

// Filter writes only the condition of a $filter, for tests and benchmarks.
func (d Dialect) Filter(e query.Expr) (string, []any, error) {
	w := &builder{d: d, args: make([]any, 0, 8)}
	w.b.Grow(128)
	if err := w.expr(e); err != nil {
		return "", nil, err
	}
	q, args := w.finish()
	return q, args, nil
}
