package odatasql

import (
	"fmt"

	"github.com/portico-dev/portico/internal/endpoint/odata/query"
)

// expr writes e as an SQL expression.
func (w *builder) expr(e query.Expr) error {
	switch x := e.(type) {
	case *query.Literal:
		switch {
		case x.T == query.TNull:
			w.sql("NULL")
		case x.T == query.TDecimal && w.d == Postgres:
			// The exact digits, so numeric compares without a float's error.
			w.args = append(w.args, x.Text)
			w.sql("CAST(")
			w.placeholder()
			w.sql(" AS numeric)")
		default:
			w.arg(x.Value, x.T)
		}
	case *query.PropertyRef:
		w.column(x.Prop)
	case *query.Not:
		// IS NOT TRUE, not NOT: a comparison with null is false in OData,
		// so its negation must be true rather than SQL's unknown.
		w.sql("((")
		if err := w.expr(x.X); err != nil {
			return err
		}
		w.sql(") IS NOT TRUE)")
	case *query.Negate:
		w.sql("(-")
		if err := w.expr(x.X); err != nil {
			return err
		}
		w.sql(")")
	case *query.Binary:
		return w.binary(x)
	case *query.In:
		return w.in(x)
	case *query.Call:
		return w.call(x)
	default:
		return fmt.Errorf("odatasql: unknown expression %T", e)
	}
	return nil
}

// column writes a property's column; SQLite date-times are normalised so
// that text in any of SQLite's time formats compares correctly.
func (w *builder) column(p *query.Property) {
	if w.d == SQLite && p.Type == query.TDateTimeOffset {
		w.sql("strftime('%Y-%m-%d %H:%M:%f', ")
		w.ident(p.Column)
		w.sql(")")
		return
	}
	w.ident(p.Column)
}

func isNull(e query.Expr) bool {
	l, ok := e.(*query.Literal)
	return ok && l.T == query.TNull
}

func isValue(e query.Expr) bool {
	l, ok := e.(*query.Literal)
	return ok && l.T != query.TNull
}

func notNullProp(e query.Expr) bool {
	p, ok := e.(*query.PropertyRef)
	return ok && !p.Prop.Nullable
}

func (w *builder) binary(x *query.Binary) error {
	l, r := x.L, x.R
	if x.Op == query.OpEq || x.Op == query.OpNe {
		if isNull(l) {
			l, r = r, l
		}
		if isNull(r) {
			if isNull(l) {
				if x.Op == query.OpEq {
					w.sql("(1 = 1)")
				} else {
					w.sql("(1 = 0)")
				}
				return nil
			}
			w.sql("(")
			if err := w.expr(l); err != nil {
				return err
			}
			if x.Op == query.OpEq {
				w.sql(" IS NULL)")
			} else {
				w.sql(" IS NOT NULL)")
			}
			return nil
		}
		plain := isValue(l) || isValue(r) // a value never equals null
		if x.Op == query.OpNe {
			plain = (isValue(l) && notNullProp(r)) || (isValue(r) && notNullProp(l)) || (isValue(l) && isValue(r))
		}
		if !plain {
			return w.nullSafe(x.Op == query.OpEq, l, r)
		}
	}
	if x.Op == query.OpDiv || x.Op == query.OpMod {
		return w.division(x)
	}
	w.sql("(")
	if err := w.expr(l); err != nil {
		return err
	}
	w.sql(" ", sqlOps[x.Op], " ")
	if err := w.expr(r); err != nil {
		return err
	}
	w.sql(")")
	return nil
}

var sqlOps = map[query.Op]string{
	query.OpEq: "=", query.OpNe: "<>", query.OpGt: ">", query.OpGe: ">=", query.OpLt: "<", query.OpLe: "<=",
	query.OpAnd: "AND", query.OpOr: "OR", query.OpAdd: "+", query.OpSub: "-", query.OpMul: "*",
}

// nullSafe writes an equality that holds for two nulls (eq) or its
// negation (ne).
func (w *builder) nullSafe(eq bool, l, r query.Expr) error {
	open, mid, end := "(", "", ")"
	switch {
	case w.d == SQLite && eq:
		mid = " IS "
	case w.d == SQLite:
		mid = " IS NOT "
	case w.d == Postgres && eq:
		mid = " IS NOT DISTINCT FROM "
	case w.d == Postgres:
		mid = " IS DISTINCT FROM "
	case eq:
		mid = " <=> "
	default:
		open, mid, end = "(NOT (", " <=> ", "))"
	}
	w.sql(open)
	if err := w.expr(l); err != nil {
		return err
	}
	w.sql(mid)
	if err := w.expr(r); err != nil {
		return err
	}
	w.sql(end)
	return nil
}

// division writes div and mod; a zero divisor gives null (so the row does
// not match) rather than PostgreSQL's error, and integer division
// truncates on every database as OData wants.
func (w *builder) division(x *query.Binary) error {
	integer := x.T == query.TInt
	w.sql("(")
	if w.d == SQLite && !integer && x.Op == query.OpDiv {
		w.sql("CAST(")
		if err := w.expr(x.L); err != nil {
			return err
		}
		w.sql(" AS REAL)")
	} else if err := w.expr(x.L); err != nil {
		return err
	}
	switch {
	case x.Op == query.OpMod:
		w.sql(" % ")
	case integer && w.d == MySQL:
		w.sql(" DIV ")
	default:
		w.sql(" / ")
	}
	w.sql("NULLIF(")
	if err := w.expr(x.R); err != nil {
		return err
	}
	w.sql(", 0))")
	return nil
}

func (w *builder) in(x *query.In) error {
	var vals []query.Expr
	hasNull := false
	for _, e := range x.List {
		if isNull(e) {
			hasNull = true
		} else {
			vals = append(vals, e)
		}
	}
	w.sql("(")
	if len(vals) > 0 {
		if err := w.expr(x.X); err != nil {
			return err
		}
		w.sql(" IN (")
		for i, e := range vals {
			if i > 0 {
				w.sql(", ")
			}
			if err := w.expr(e); err != nil {
				return err
			}
		}
		w.sql(")")
	}
	if hasNull {
		if len(vals) > 0 {
			w.sql(" OR ")
		}
		if err := w.expr(x.X); err != nil {
			return err
		}
		w.sql(" IS NULL")
	}
	w.sql(")")
	return nil
}

// call writes a canonical function; tmpl holds %[1]s, %[2]s, ... for the
// arguments, each written as often as the template names it.
func (w *builder) call(x *query.Call) error {
	tmpl := functionSQL(w.d, x)
	for i := 0; i < len(tmpl); i++ {
		c := tmpl[i]
		if c == '%' && i+1 < len(tmpl) && tmpl[i+1] >= '1' && tmpl[i+1] <= '9' {
			n := int(tmpl[i+1] - '1')
			i++
			if n >= len(x.Args) {
				return fmt.Errorf("odatasql: %s: template names argument %d", x.Fn, n+1)
			}
			if err := w.expr(x.Args[n]); err != nil {
				return err
			}
			continue
		}
		if c == '%' && i+1 < len(tmpl) && tmpl[i+1] == '%' {
			i++
		}
		w.b.WriteByte(c)
	}
	return nil
}

// functionSQL is the template of a function call: %1..%9 are the
// arguments, %% a literal percent sign.
func functionSQL(d Dialect, x *query.Call) string {
	switch x.Fn {
	case "tolower":
		return "LOWER(%1)"
	case "toupper":
		return "UPPER(%1)"
	case "trim":
		return "TRIM(%1)"
	case "concat":
		if d == MySQL {
			return "CONCAT(%1, %2)"
		}
		return "(%1 || %2)"
	}
	switch d {
	case SQLite:
		switch x.Fn {
		case "contains":
			return "(instr(%1, %2) > 0)"
		case "startswith":
			return "(substr(%1, 1, length(%2)) = %2)"
		case "endswith":
			return "(length(%1) >= length(%2) AND substr(%1, length(%1) - length(%2) + 1) = %2)"
		case "length":
			return "length(%1)"
		case "indexof":
			return "(instr(%1, %2) - 1)"
		case "substring":
			if len(x.Args) == 3 {
				return "substr(%1, %2 + 1, %3)"
			}
			return "substr(%1, %2 + 1)"
		case "year":
			return "CAST(strftime('%%Y', %1) AS INTEGER)"
		case "month":
			return "CAST(strftime('%%m', %1) AS INTEGER)"
		case "day":
			return "CAST(strftime('%%d', %1) AS INTEGER)"
		case "hour":
			return "CAST(strftime('%%H', %1) AS INTEGER)"
		case "minute":
			return "CAST(strftime('%%M', %1) AS INTEGER)"
		case "second":
			return "CAST(strftime('%%S', %1) AS INTEGER)"
		case "date":
			return "date(%1)"
		case "time":
			return "time(%1)"
		}
	case Postgres:
		switch x.Fn {
		case "contains":
			return "(strpos(%1, %2) > 0)"
		case "startswith":
			return "(left(%1, length(%2)) = %2)"
		case "endswith":
			return "(right(%1, length(%2)) = %2)"
		case "length":
			return "length(%1)"
		case "indexof":
			return "(strpos(%1, %2) - 1)"
		case "substring":
			if len(x.Args) == 3 {
				return "substr(%1, CAST(%2 AS integer) + 1, CAST(%3 AS integer))"
			}
			return "substr(%1, CAST(%2 AS integer) + 1)"
		case "year", "month", "day", "hour", "minute":
			return "CAST(EXTRACT(" + x.Fn + " FROM %1) AS integer)"
		case "second":
			return "CAST(FLOOR(EXTRACT(second FROM %1)) AS integer)"
		case "date":
			return "CAST(%1 AS date)"
		case "time":
			return "CAST(%1 AS time)"
		}
	case MySQL:
		switch x.Fn {
		case "contains":
			return "(LOCATE(%2, %1) > 0)"
		case "startswith":
			return "(LEFT(%1, CHAR_LENGTH(%2)) = %2)"
		case "endswith":
			return "(RIGHT(%1, CHAR_LENGTH(%2)) = %2)"
		case "length":
			return "CHAR_LENGTH(%1)"
		case "indexof":
			return "(LOCATE(%2, %1) - 1)"
		case "substring":
			if len(x.Args) == 3 {
				return "SUBSTRING(%1, %2 + 1, %3)"
			}
			return "SUBSTRING(%1, %2 + 1)"
		case "year", "month", "day", "hour", "minute", "second", "date", "time":
			return x.Fn + "(%1)"
		}
	}
	return "NULL"
}
