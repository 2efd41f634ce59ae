package scaffold

import (
	"context"
	"database/sql"
	"strings"
)

type postgresIntrospector struct{ db *sql.DB }

func (postgresIntrospector) returning(context.Context) (bool, error) { return true, nil }

func (p postgresIntrospector) tables(ctx context.Context) ([]string, error) {
	return queryStrings(ctx, p.db, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`)
}

// pgRelation finds the table in the current schema whatever its name holds.
const pgRelation = `(SELECT c.oid FROM pg_class c WHERE c.relname = $1 AND c.relnamespace = current_schema()::regnamespace)`

func (p postgresIntrospector) table(ctx context.Context, t *Table) error {
	rows, err := p.db.QueryContext(ctx, `SELECT column_name, data_type, udt_name, is_nullable = 'YES',
			coalesce(column_default, ''), is_identity = 'YES', coalesce(identity_generation, ''),
			is_generated = 'ALWAYS', coalesce(character_maximum_length, 0)
		FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`, t.Name)
	if err != nil {
		return err
	}
	for rows.Next() {
		var c Column
		var dataType, udt, identityGen string
		var identity, computed bool
		if err := rows.Scan(&c.Name, &dataType, &udt, &c.Nullable, &c.Default, &identity, &identityGen, &computed, &c.MaxLength); err != nil {
			rows.Close()
			return err
		}
		c.SQLType = dataType
		if dataType == "ARRAY" || dataType == "USER-DEFINED" {
			c.SQLType = udt
		}
		c.Generated = identity || strings.HasPrefix(c.Default, "nextval(")
		c.Always = computed || identityGen == "ALWAYS"
		t.Columns = append(t.Columns, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	// Index columns in key order; expression and partial indexes are not
	// constraints a row can be addressed by.
	irows, err := p.db.QueryContext(ctx, `SELECT i.indexrelid::text, i.indisprimary, a.attname
		FROM pg_index i
		CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
		JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
		WHERE i.indrelid = `+pgRelation+` AND i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL
		ORDER BY i.indisprimary DESC, i.indexrelid, k.ord`, t.Name)
	if err != nil {
		return err
	}
	var uniques groupedColumns
	for irows.Next() {
		var id, col string
		var primary bool
		if err := irows.Scan(&id, &primary, &col); err != nil {
			irows.Close()
			return err
		}
		if primary {
			t.PrimaryKey = append(t.PrimaryKey, col)
		} else {
			uniques.add(id, col)
		}
	}
	irows.Close()
	if err := irows.Err(); err != nil {
		return err
	}
	t.Uniques = uniques.lists()
	frows, err := p.db.QueryContext(ctx, `SELECT c.conname, r.relname, a.attname, fa.attname
		FROM pg_constraint c
		JOIN pg_class r ON r.oid = c.confrelid
		CROSS JOIN LATERAL unnest(c.conkey, c.confkey) WITH ORDINALITY AS k(col, fcol, ord)
		JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.col
		JOIN pg_attribute fa ON fa.attrelid = c.confrelid AND fa.attnum = k.fcol
		WHERE c.contype = 'f' AND c.conrelid = `+pgRelation+`
		ORDER BY c.conname, k.ord`, t.Name)
	if err != nil {
		return err
	}
	return scanForeignKeys(frows, t)
}
