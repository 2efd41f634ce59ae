package scaffold

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
)

type mysqlIntrospector struct {
	db      *sql.DB
	mariadb bool
}

// returning detects MariaDB 10.5+, the only MySQL flavour with INSERT ...
// RETURNING; it also tells how the catalog spells defaults.
func (m *mysqlIntrospector) returning(ctx context.Context) (bool, error) {
	var v string
	if err := m.db.QueryRowContext(ctx, `SELECT VERSION()`).Scan(&v); err != nil {
		return false, err
	}
	m.mariadb = strings.Contains(strings.ToLower(v), "mariadb")
	if !m.mariadb {
		return false, nil
	}
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return false, nil
	}
	major, _ := strconv.Atoi(parts[0])
	minor, _ := strconv.Atoi(parts[1])
	return major > 10 || (major == 10 && minor >= 5), nil
}

func (m *mysqlIntrospector) tables(ctx context.Context) ([]string, error) {
	return queryStrings(ctx, m.db, `SELECT TABLE_NAME FROM information_schema.TABLES
		WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME`)
}

func (m *mysqlIntrospector) table(ctx context.Context, t *Table) error {
	rows, err := m.db.QueryContext(ctx, `SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE = 'YES', COLUMN_DEFAULT, EXTRA,
			COALESCE(CHARACTER_MAXIMUM_LENGTH, 0)
		FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`, t.Name)
	if err != nil {
		return err
	}
	for rows.Next() {
		var c Column
		var def sql.NullString
		var extra string
		var maxLen int64
		if err := rows.Scan(&c.Name, &c.SQLType, &c.Nullable, &def, &extra, &maxLen); err != nil {
			rows.Close()
			return err
		}
		if maxLen > 0 && maxLen < 1<<31 {
			c.MaxLength = int(maxLen)
		}
		x := strings.ToLower(extra)
		c.Generated = strings.Contains(x, "auto_increment")
		c.Always = strings.Contains(x, "virtual") || strings.Contains(x, "stored") || strings.Contains(x, "persistent")
		c.Default = m.defaultExpr(def, x)
		t.Columns = append(t.Columns, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	irows, err := m.db.QueryContext(ctx, `SELECT INDEX_NAME, COLUMN_NAME FROM information_schema.STATISTICS
		WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND NON_UNIQUE = 0 AND COLUMN_NAME IS NOT NULL
		ORDER BY INDEX_NAME <> 'PRIMARY', INDEX_NAME, SEQ_IN_INDEX`, t.Name)
	if err != nil {
		return err
	}
	var uniques groupedColumns
	for irows.Next() {
		var idx, col string
		if err := irows.Scan(&idx, &col); err != nil {
			irows.Close()
			return err
		}
		if idx == "PRIMARY" {
			t.PrimaryKey = append(t.PrimaryKey, col)
		} else {
			uniques.add(idx, col)
		}
	}
	irows.Close()
	if err := irows.Err(); err != nil {
		return err
	}
	t.Uniques = uniques.lists()
	frows, err := m.db.QueryContext(ctx, `SELECT CONSTRAINT_NAME, REFERENCED_TABLE_NAME, COLUMN_NAME, REFERENCED_COLUMN_NAME
		FROM information_schema.KEY_COLUMN_USAGE
		WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND REFERENCED_TABLE_NAME IS NOT NULL
		ORDER BY CONSTRAINT_NAME, ORDINAL_POSITION`, t.Name)
	if err != nil {
		return err
	}
	return scanForeignKeys(frows, t)
}

// defaultExpr turns COLUMN_DEFAULT into SQL text. MariaDB (10.2.7+) already
// quotes literals and spells a missing default NULL; MySQL gives literals
// bare and marks expressions DEFAULT_GENERATED.
func (m *mysqlIntrospector) defaultExpr(def sql.NullString, extra string) string {
	if !def.Valid {
		return ""
	}
	if m.mariadb {
		if def.String == "NULL" {
			return ""
		}
		return def.String
	}
	if strings.Contains(extra, "default_generated") {
		return "(" + def.String + ")"
	}
	upper := strings.ToUpper(def.String)
	if upper == "CURRENT_TIMESTAMP" || strings.HasPrefix(upper, "CURRENT_TIMESTAMP(") {
		return def.String
	}
	return "'" + strings.ReplaceAll(strings.ReplaceAll(def.String, `\`, `\\`), "'", "''") + "'"
}
