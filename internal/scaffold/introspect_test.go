package scaffold_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/scaffold"
)

func TestIntrospect(t *testing.T) {
	t.Parallel()
	forEachDriver(t, func(t *testing.T, b backend) {
		b.erpSchema(t)
		db, err := scaffold.Introspect(context.Background(), b.db, b.driver, nil)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, tb := range db.Tables {
			names = append(names, tb.Name)
		}
		if want := []string{"audit", "customers", "order", "order_lines"}; !slices.Equal(names, want) {
			t.Fatalf("tables = %v, want %v", names, want)
		}
		cust := db.Tables[1]
		if !slices.Equal(cust.PrimaryKey, []string{"id"}) || !cust.Column("id").Generated {
			t.Errorf("customers key = %v, generated %v", cust.PrimaryKey, cust.Column("id").Generated)
		}
		if diff := cmp.Diff([][]string{{"email"}}, cust.Uniques); diff != "" {
			t.Errorf("customers uniques (-want +got):\n%s", diff)
		}
		checks := []struct {
			col      string
			typ      scaffold.JSONType
			nullable bool
			def      bool
		}{
			{"name", scaffold.TypeString, false, false},
			{"country", scaffold.TypeString, true, false},
			{"since", scaffold.TypeDate, true, false},
			{"active", map[string]scaffold.JSONType{"mysql": scaffold.TypeInteger}[b.driver], false, true},
		}
		for _, c := range checks {
			got := cust.Column(c.col)
			want := c.typ
			if want == "" {
				want = scaffold.TypeBoolean
			}
			if got == nil || got.Type != want || got.Nullable != c.nullable || (got.Default != "") != c.def {
				t.Errorf("column %s = %+v, want type %s nullable %v default %v", c.col, got, want, c.nullable, c.def)
			}
		}
		if n := cust.Column("name").MaxLength; n != 100 {
			t.Errorf("name max length = %d, want 100", n)
		}
		lines := db.Tables[3]
		if !slices.Equal(lines.PrimaryKey, []string{"order_id", "line_no"}) {
			t.Errorf("order_lines key = %v", lines.PrimaryKey)
		}
		if len(lines.ForeignKeys) != 1 || lines.ForeignKeys[0].RefTable != "order" ||
			!slices.Equal(lines.ForeignKeys[0].Columns, []string{"order_id"}) || !slices.Equal(lines.ForeignKeys[0].RefColumns, []string{"id"}) {
			t.Errorf("order_lines foreign keys = %+v", lines.ForeignKeys)
		}
		if c := db.Tables[2].Column("first name"); c == nil || c.Nullable {
			t.Errorf(`order."first name" = %+v`, c)
		}
		if len(db.Warnings) != 1 || !strings.Contains(db.Warnings[0], "audit has no primary key") {
			t.Errorf("warnings = %q", db.Warnings)
		}
		if _, err := scaffold.Introspect(context.Background(), b.db, b.driver, []string{"nope"}); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("unknown table: err = %v, want ErrNotFound", err)
		}
	})
}
