package scaffold

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/portico-dev/portico/internal/model"
)

// Introspect reads the named tables (all base tables when names is empty)
// of the database db speaks dialect (sqlite, postgres or mysql). PostgreSQL
// tables are read from the connection's current schema (its search_path)
// and MySQL ones from its current database, as the generated SQL names
// them unqualified. A named table that does not exist is model.ErrNotFound.
func Introspect(ctx context.Context, db *sql.DB, dialect string, names []string) (*Database, error) {
	var in introspector
	switch dialect {
	case "sqlite":
		in = sqliteIntrospector{db}
	case "postgres":
		in = postgresIntrospector{db}
	case "mysql":
		in = &mysqlIntrospector{db: db}
	default:
		return nil, fmt.Errorf("%w: database driver %q is not supported (want sqlite, postgres or mysql)", model.ErrInvalid, dialect)
	}
	returning, err := in.returning(ctx)
	if err != nil {
		return nil, err
	}
	all, err := in.tables(ctx)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	if len(names) == 0 {
		names = all
	}
	out := &Database{Dialect: dialect, Returning: returning}
	for _, n := range names {
		if !slices.Contains(all, n) {
			return nil, fmt.Errorf("%w: table %q does not exist (tables: %v)", model.ErrNotFound, n, all)
		}
		t := Table{Name: n}
		if err := in.table(ctx, &t); err != nil {
			return nil, fmt.Errorf("table %s: %w", n, err)
		}
		for i := range t.Columns {
			c := &t.Columns[i]
			typ, ok := MapType(dialect, c.SQLType)
			c.Type = typ
			if !ok {
				out.Warnings = append(out.Warnings, fmt.Sprintf("table %s: column %s has type %q, which Portico does not know: it is exposed as a string", n, c.Name, c.SQLType))
			}
		}
		if len(t.PrimaryKey) == 0 {
			out.Warnings = append(out.Warnings, fmt.Sprintf("table %s has no primary key: only its list endpoint is generated (read-only)", n))
		}
		out.Tables = append(out.Tables, t)
	}
	return out, nil
}

// introspector is one dialect's catalog reader.
type introspector interface {
	returning(ctx context.Context) (bool, error)
	tables(ctx context.Context) ([]string, error)
	table(ctx context.Context, t *Table) error
}

// queryStrings runs a one-column query.
func queryStrings(ctx context.Context, db *sql.DB, q string, args ...any) ([]string, error) {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// groupedColumns collects (group, column) rows, ordered by the query, into
// column lists in order of first appearance of each group.
type groupedColumns struct {
	order []string
	cols  map[string][]string
}

func (g *groupedColumns) add(group, col string) {
	if g.cols == nil {
		g.cols = map[string][]string{}
	}
	if _, ok := g.cols[group]; !ok {
		g.order = append(g.order, group)
	}
	g.cols[group] = append(g.cols[group], col)
}

func (g *groupedColumns) lists() [][]string {
	out := make([][]string, 0, len(g.order))
	for _, k := range g.order {
		out = append(out, g.cols[k])
	}
	return out
}

// scanForeignKeys reads rows of (constraint name, referenced table, column,
// referenced column), ordered by constraint and column position, into t's
// foreign keys; it closes rows. The catalog queries of PostgreSQL and MySQL
// both answer in this shape.
func scanForeignKeys(rows *sql.Rows, t *Table) error {
	defer rows.Close()
	for rows.Next() {
		var name, ref, col, refCol string
		if err := rows.Scan(&name, &ref, &col, &refCol); err != nil {
			return err
		}
		if n := len(t.ForeignKeys); n == 0 || t.ForeignKeys[n-1].Name != name {
			t.ForeignKeys = append(t.ForeignKeys, ForeignKey{Name: name, RefTable: ref})
		}
		fk := &t.ForeignKeys[len(t.ForeignKeys)-1]
		fk.Columns = append(fk.Columns, col)
		fk.RefColumns = append(fk.RefColumns, refCol)
	}
	return rows.Err()
}
