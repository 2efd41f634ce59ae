// Package odatasql translates the typed OData AST (endpoint/odata/query)
// into parameterised SQL for SQLite, PostgreSQL and MySQL/MariaDB. Every
// literal of the request becomes a bound argument; identifiers come only
// from the entity model, whose table and column names the model
// validates against a strict pattern before they are ever quoted here.
//
// Null semantics follow OData rather than SQL: a comparison with null is
// false (never unknown), eq and ne treat two nulls as equal, and not
// negates a false comparison to true, so "not (name eq 'x')" keeps the
// rows whose name is null.
package odatasql

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/portico-dev/portico/internal/endpoint/odata/query"
)

// Dialect is the SQL flavour of a database driver.
type Dialect uint8

// The dialects.
const (
	SQLite Dialect = iota
	Postgres
	MySQL
)

// DialectOf maps a connection driver name to its dialect.
func DialectOf(driver string) (Dialect, error) {
	switch driver {
	case "sqlite":
		return SQLite, nil
	case "postgres":
		return Postgres, nil
	case "mysql":
		return MySQL, nil
	}
	return 0, fmt.Errorf("odatasql: driver %q has no OData translation", driver)
}

// Returning reports INSERT ... RETURNING support.
func (d Dialect) Returning() bool { return d != MySQL }

// builder accumulates one statement and its arguments, writing each
// argument's placeholder ('?', or PostgreSQL's $n) as it is added.
type builder struct {
	d    Dialect
	b    strings.Builder
	args []any
}

func (w *builder) sql(s ...string) {
	for _, x := range s {
		w.b.WriteString(x)
	}
}

// ident writes a quoted identifier, each part of a dotted name quoted.
func (w *builder) ident(name string) {
	q := `"`
	if w.d == MySQL {
		q = "`"
	}
	for i, part := range strings.Split(name, ".") {
		if i > 0 {
			w.b.WriteByte('.')
		}
		w.b.WriteString(q)
		w.b.WriteString(part)
		w.b.WriteString(q)
	}
}

// arg writes a placeholder for v, whose OData type is t.
func (w *builder) arg(v any, t query.Type) {
	w.args = append(w.args, w.bindValue(v, t))
	switch {
	case w.d == Postgres && pgCast[t] != "":
		w.b.WriteString("CAST(")
		w.placeholder()
		w.b.WriteString(" AS ")
		w.b.WriteString(pgCast[t])
		w.b.WriteByte(')')
	case w.d == SQLite && t == query.TDateTimeOffset:
		w.sql("strftime('%Y-%m-%d %H:%M:%f', ?)")
	default:
		w.placeholder()
	}
}

// placeholder writes the placeholder of the argument added last.
func (w *builder) placeholder() {
	if w.d == Postgres {
		w.b.WriteByte('$')
		w.b.WriteString(strconv.Itoa(len(w.args)))
		return
	}
	w.b.WriteByte('?')
}

// pgCast is the PostgreSQL type each argument is cast to, by query.Type.
var pgCast = [...]string{
	query.TString: "text", query.TInt: "bigint", query.TDecimal: "numeric", query.TDouble: "double precision",
	query.TBool: "boolean", query.TDate: "date", query.TDateTimeOffset: "timestamptz",
	query.TTimeOfDay: "time", query.TGuid: "uuid", query.TBinary: "",
}

// bindValue converts a value to what the driver stores for type t: SQLite
// keeps date-times as UTC text in the form CURRENT_TIMESTAMP writes.
func (w *builder) bindValue(v any, t query.Type) any {
	tm, ok := v.(time.Time)
	if !ok {
		return v
	}
	if w.d == SQLite || t != query.TDateTimeOffset {
		if tm.Nanosecond() != 0 {
			return tm.UTC().Format("2006-01-02 15:04:05.000")
		}
		return tm.UTC().Format(time.DateTime)
	}
	return tm.UTC()
}

// finish returns the statement and its arguments.
func (w *builder) finish() (string, []any) { return w.b.String(), w.args }
