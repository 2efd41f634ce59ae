package scaffold

import (
	"context"
	"database/sql"
	"slices"
	"strings"
)

type sqliteIntrospector struct{ db *sql.DB }

func (sqliteIntrospector) returning(context.Context) (bool, error) { return true, nil }

func (s sqliteIntrospector) tables(ctx context.Context) ([]string, error) {
	return queryStrings(ctx, s.db, `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name`)
}

func (s sqliteIntrospector) table(ctx context.Context, t *Table) error {
	// table_xinfo also lists generated columns (hidden 2 and 3); hidden 1
	// marks a virtual table's hidden columns, which are not data.
	rows, err := s.db.QueryContext(ctx, `SELECT name, type, "notnull", dflt_value, pk, hidden FROM pragma_table_xinfo(?) ORDER BY cid`, t.Name)
	if err != nil {
		return err
	}
	type keyed struct {
		name string
		pos  int
	}
	var pk []keyed
	for rows.Next() {
		var c Column
		var notNull, pos, hidden int
		var def sql.NullString
		if err := rows.Scan(&c.Name, &c.SQLType, &notNull, &def, &pos, &hidden); err != nil {
			rows.Close()
			return err
		}
		if hidden == 1 {
			continue
		}
		c.Nullable = notNull == 0 && pos == 0
		c.Default = def.String
		c.Always = hidden >= 2
		c.MaxLength = declaredLength(c.SQLType)
		if pos > 0 {
			pk = append(pk, keyed{c.Name, pos})
		}
		t.Columns = append(t.Columns, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	t.PrimaryKey = make([]string, len(pk))
	for _, k := range pk {
		t.PrimaryKey[k.pos-1] = k.name
	}
	// A single INTEGER PRIMARY KEY is the rowid: SQLite assigns it.
	if len(t.PrimaryKey) == 1 {
		if c := t.Column(t.PrimaryKey[0]); strings.EqualFold(c.SQLType, "INTEGER") {
			c.Generated = true
			c.Nullable = false
		}
	}
	if err := s.foreignKeys(ctx, t); err != nil {
		return err
	}
	return s.uniques(ctx, t)
}

func (s sqliteIntrospector) foreignKeys(ctx context.Context, t *Table) error {
	rows, err := s.db.QueryContext(ctx, `SELECT id, "table", "from", coalesce("to", '') FROM pragma_foreign_key_list(?) ORDER BY id, seq`, t.Name)
	if err != nil {
		return err
	}
	defer rows.Close()
	byID := map[int]int{}
	for rows.Next() {
		var id int
		var ref, from, to string
		if err := rows.Scan(&id, &ref, &from, &to); err != nil {
			return err
		}
		i, ok := byID[id]
		if !ok {
			i = len(t.ForeignKeys)
			byID[id] = i
			t.ForeignKeys = append(t.ForeignKeys, ForeignKey{RefTable: ref})
		}
		fk := &t.ForeignKeys[i]
		fk.Columns = append(fk.Columns, from)
		fk.RefColumns = append(fk.RefColumns, to)
	}
	return rows.Err()
}

func (s sqliteIntrospector) uniques(ctx context.Context, t *Table) error {
	idx, err := queryStrings(ctx, s.db, `SELECT name FROM pragma_index_list(?) WHERE "unique" = 1 AND origin <> 'pk' AND partial = 0 ORDER BY name`, t.Name)
	if err != nil {
		return err
	}
	for _, name := range idx {
		cols, err := queryStrings(ctx, s.db, `SELECT coalesce(name, '') FROM pragma_index_info(?) ORDER BY seqno`, name)
		if err != nil {
			return err
		}
		if !slices.Contains(cols, "") { // an expression index names no column
			t.Uniques = append(t.Uniques, cols)
		}
	}
	return nil
}

// declaredLength reads n from "VARCHAR(n)"; 0 when absent.
func declaredLength(sqlType string) int {
	l := strings.ToLower(sqlType)
	if !strings.Contains(l, "char") {
		return 0
	}
	i := strings.IndexByte(l, '(')
	j := strings.IndexByte(l, ')')
	if i < 0 || j < i {
		return 0
	}
	n := 0
	for _, r := range strings.TrimSpace(l[i+1 : j]) {
		if r < '0' || r > '9' {
			return 0
		}
		n = n*10 + int(r-'0')
	}
	return n
}
