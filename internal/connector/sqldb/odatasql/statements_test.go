package odatasql_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/connector/sqldb/odatasql"
	"github.com/portico-dev/portico/internal/endpoint/odata/query"
	"github.com/portico-dev/portico/internal/model"
)

func lines(t *testing.T) *query.EntitySet {
	t.Helper()
	f := false
	svc, err := query.NewService(&model.ODataSpec{EntitySets: []model.ODataEntitySet{{
		Name: "Lines", Connection: "db", Table: "sales.order_lines", Key: []string{"orderId", "lineNo"},
		Properties: []model.ODataProperty{
			{Name: "orderId", Column: "order_id", Type: "Edm.Int32", Nullable: &f},
			{Name: "lineNo", Column: "line_no", Type: "Edm.Int32", Nullable: &f},
			{Name: "sku", Type: "Edm.String"},
			{Name: "at", Type: "Edm.DateTimeOffset"},
			{Name: "version", Type: "Edm.Int32"},
		},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	return svc.Set("Lines")
}

func TestSelect(t *testing.T) {
	t.Parallel()
	set := lines(t)
	filter, err := query.ParseFilter("sku eq 'A'", set, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	sku, order := set.Property("sku"), set.Property("orderId")
	sel := &odatasql.Select{Set: set, Columns: []*query.Property{sku}, Filter: filter,
		Match:   []odatasql.Match{{Prop: order, Value: int64(7)}},
		OrderBy: []query.Order{{Expr: &query.PropertyRef{Prop: sku}, Desc: true}}, Limit: 11, Offset: 20}
	tests := []struct {
		d    odatasql.Dialect
		want string
	}{
		{odatasql.SQLite, `SELECT "sku" AS "sku" FROM "sales"."order_lines" WHERE "order_id" = ? AND (("sku" = ?)) ORDER BY "sku" DESC, "order_id" ASC, "line_no" ASC LIMIT 11 OFFSET 20`},
		{odatasql.Postgres, `SELECT "sku" AS "sku" FROM "sales"."order_lines" WHERE "order_id" = CAST($1 AS bigint) AND (("sku" = CAST($2 AS text))) ORDER BY "sku" DESC, "order_id" ASC, "line_no" ASC LIMIT 11 OFFSET 20`},
		{odatasql.MySQL, "SELECT `sku` AS `sku` FROM `sales`.`order_lines` WHERE `order_id` = ? AND ((`sku` = ?)) ORDER BY `sku` DESC, `order_id` ASC, `line_no` ASC LIMIT 11 OFFSET 20"},
	}
	for _, tc := range tests {
		got, args, err := tc.d.Select(sel)
		if err != nil || got != tc.want || !reflect.DeepEqual(args, []any{int64(7), "A"}) {
			t.Errorf("dialect %d:\n got %s %v %v\nwant %s", tc.d, got, args, err, tc.want)
		}
	}
	// An offset without a limit still needs LIMIT on SQLite and MySQL.
	sel.Limit = -1
	if got, _, _ := odatasql.MySQL.Select(sel); !strings.Contains(got, "LIMIT 18446744073709551615 OFFSET 20") {
		t.Errorf("MySQL offset only: %s", got)
	}
	if got, _, _ := odatasql.SQLite.Select(sel); !strings.Contains(got, "LIMIT -1 OFFSET 20") {
		t.Errorf("SQLite offset only: %s", got)
	}
	// Expanded children of several parents.
	in := &odatasql.Select{Set: set, InProps: []*query.Property{order}, InRows: [][]any{{int64(1)}, {int64(2)}}, Limit: -1}
	if got, args, _ := odatasql.SQLite.Select(in); !strings.Contains(got, `WHERE (("order_id" = ?) OR ("order_id" = ?))`) || len(args) != 2 {
		t.Errorf("children: %s %v", got, args)
	}
	if got, _, _ := odatasql.Postgres.Count(&odatasql.Select{Set: set, Filter: filter}); got != `SELECT COUNT(*) AS "n" FROM "sales"."order_lines" WHERE (("sku" = CAST($1 AS text)))` {
		t.Errorf("count: %s", got)
	}
}

func TestWrites(t *testing.T) {
	t.Parallel()
	set := lines(t)
	p := set.Property
	at := time.Date(2024, 1, 5, 10, 0, 0, 0, time.UTC)
	vals := []odatasql.Value{{Prop: p("orderId"), Value: int64(1)}, {Prop: p("sku"), Value: "x'); DROP TABLE y; --"}, {Prop: p("at"), Value: at}}
	ins, args := odatasql.SQLite.Insert(set, vals, set.Key)
	if ins != `INSERT INTO "sales"."order_lines" ("order_id", "sku", "at") VALUES (?, ?, ?) RETURNING "order_id" AS "orderId", "line_no" AS "lineNo"` ||
		!reflect.DeepEqual(args, []any{int64(1), "x'); DROP TABLE y; --", "2024-01-05 10:00:00"}) {
		t.Errorf("insert: %s %v", ins, args)
	}
	if ins, _ := odatasql.MySQL.Insert(set, vals, set.Key); strings.Contains(ins, "RETURNING") {
		t.Errorf("MySQL has no RETURNING: %s", ins)
	}
	key := []odatasql.Match{{Prop: p("orderId"), Value: int64(1)}, {Prop: p("lineNo"), Value: int64(2)}}
	upd, args := odatasql.Postgres.Update(set, vals[1:2], key, &odatasql.Value{Prop: p("version")})
	if upd != `UPDATE "sales"."order_lines" SET "sku" = CAST($1 AS text), "version" = COALESCE("version", 0) + 1 WHERE "order_id" = CAST($2 AS bigint) AND "line_no" = CAST($3 AS bigint)` || len(args) != 3 {
		t.Errorf("update: %s %v", upd, args)
	}
	del, args := odatasql.MySQL.Delete(set, key)
	if del != "DELETE FROM `sales`.`order_lines` WHERE `order_id` = ? AND `line_no` = ?" || len(args) != 2 {
		t.Errorf("delete: %s %v", del, args)
	}
	if _, err := odatasql.DialectOf("oracle"); err == nil {
		t.Error("an unknown driver has a dialect")
	}
}
