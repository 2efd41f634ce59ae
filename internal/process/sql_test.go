package process_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/process"
)

func TestQueryExecOnSQLite(t *testing.T) {
	t.Parallel()
	cases := []runCase{
		{name: "query by id from props",
			spec:  "steps:\n- query:\n    connection: erp\n    sql: SELECT id, name, country, balance FROM customers WHERE id = :id\n    params: {id: '$props.param_id | tonumber'}",
			props: obj("param_id", "1"),
			want:  []any{obj("id", 1, "name", "Ada", "country", "GB", "balance", 10.5)}},
		{name: "no rows, no documents",
			spec:  "steps:\n- query:\n    connection: erp\n    sql: SELECT id FROM customers WHERE id = :id\n    params: {id: '$props.param_id | tonumber'}",
			props: obj("param_id", "99"), want: []any{}},
		{name: "once per document, rows concatenated; null and blob",
			spec: "steps:\n- query:\n    connection: erp\n    sql: SELECT id, balance, photo FROM customers WHERE id = :id\n    params: {id: .id}",
			docs: []any{obj("id", 3), obj("id", 2)},
			want: []any{obj("id", 3, "balance", nil, "photo", nil), obj("id", 2, "balance", 0.0, "photo", "/wA=")}},
		{name: "a parameter used twice",
			spec:  "steps:\n- query:\n    connection: erp\n    sql: SELECT id FROM customers WHERE (:c IS NULL OR country = :c) ORDER BY id\n    params: {c: '$props.query_country'}",
			props: obj(), want: []any{obj("id", 1), obj("id", 2), obj("id", 3)}},
		{name: "parameter yields two values",
			spec: "steps:\n- query:\n    connection: erp\n    sql: SELECT id FROM customers WHERE id = :id\n    params: {id: '1, 2'}",
			err:  "spec.steps[0].query: params.id: yields more than one value", is: process.ErrStep},
		{name: "parameter yields nothing: NULL",
			spec: "steps:\n- query:\n    connection: erp\n    sql: SELECT :id IS NULL AS missing\n    params: {id: empty}",
			want: []any{obj("missing", 1)}},
		{name: "database error",
			spec: "steps:\n- query:\n    connection: erp\n    sql: SELECT * FROM nowhere WHERE id = :id\n    params: {id: '1'}",
			err:  "spec.steps[0].query: SQL logic error: no such table: nowhere", is: process.ErrStep},
	}
	db := openSQLite(t, customersSchema)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.run(t, &resources{sql: map[string]process.SQL{"erp": db}})
		})
	}
}

func TestExecPassesDocumentsAndCountsRows(t *testing.T) {
	t.Parallel()
	db := openSQLite(t, customersSchema)
	res := &resources{sql: map[string]process.SQL{"erp": db}}
	p := res.define(t, "bump", `
steps:
- exec:
    connection: erp
    sql: UPDATE customers SET balance = coalesce(balance, 0) + :amount WHERE country = :country
    params: {amount: .amount, country: .country}
- map: {jq: '{country, rows: $props.rowsaffected}'}
`)
	docs := []any{obj("country", "GB", "amount", 1), obj("country", "FI", "amount", 2), obj("country", "XX", "amount", 3)}
	got, err := p.Run(context.Background(), process.Input{Documents: docs})
	if err != nil {
		t.Fatal(err)
	}
	want := []any{obj("country", "GB", "rows", 2), obj("country", "FI", "rows", 2), obj("country", "XX", "rows", 2)}
	if len(got.Documents) != 3 {
		t.Fatalf("documents %v", got.Documents)
	}
	for i := range want {
		if g, w := got.Documents[i].(map[string]any), want[i].(map[string]any); g["country"] != w["country"] || g["rows"] != w["rows"] {
			t.Errorf("document %d: %v, want %v", i, g, w)
		}
	}
	var gb, fi float64
	if err := db.db.QueryRow(`SELECT (SELECT balance FROM customers WHERE id = 1), (SELECT balance FROM customers WHERE id = 3)`).Scan(&gb, &fi); err != nil {
		t.Fatal(err)
	}
	if gb != 11.5 || fi != 2 {
		t.Errorf("balances after exec: GB %v FI %v, want 11.5 and 2", gb, fi)
	}
}

// downConn is a connection whose database went away; the connector reports
// that with model.ErrUnavailable, which must survive the engine's wrapping.
type downConn struct{ *sqliteConn }

func (c downConn) Prepare(text string) (process.Statement, error) {
	s, err := c.sqliteConn.Prepare(text)
	if err != nil {
		return nil, err
	}
	return downStmt{s}, nil
}

type downStmt struct{ process.Statement }

func (s downStmt) Exec(ctx context.Context, args map[string]any) (int64, error) {
	n, err := s.Statement.Exec(ctx, args)
	if err != nil {
		err = fmt.Errorf("%w: %v", model.ErrUnavailable, err)
	}
	return n, err
}

func TestExecOnClosedDatabase(t *testing.T) {
	t.Parallel()
	db := openSQLite(t, customersSchema)
	res := &resources{sql: map[string]process.SQL{"erp": downConn{db}}}
	p := res.define(t, "p", "steps:\n- exec:\n    connection: erp\n    sql: DELETE FROM customers WHERE id = :id\n    params: {id: '1'}")
	if err := db.db.Close(); err != nil {
		t.Fatal(err)
	}
	_, err := p.Run(context.Background(), process.Input{})
	if !errors.Is(err, process.ErrStep) || !errors.Is(err, model.ErrUnavailable) || !strings.Contains(err.Error(), "database is closed") {
		t.Fatalf("err %v, want a step error wrapping model.ErrUnavailable", err)
	}
}
