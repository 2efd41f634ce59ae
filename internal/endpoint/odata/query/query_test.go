package query_test

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/connector/sqldb/odatasql"
	"github.com/portico-dev/portico/internal/endpoint/odata/query"
	"github.com/portico-dev/portico/internal/model"
)

func ptr[T any](v T) *T { return &v }

// service is a small model: Products(id, name, price, released, created, code).
func service(tb testing.TB) *query.Service {
	tb.Helper()
	spec := &model.ODataSpec{EntitySets: []model.ODataEntitySet{{
		Name: "Products", Connection: "db", Table: "products", Key: []string{"id"},
		Properties: []model.ODataProperty{
			{Name: "id", Type: "Edm.Int64", Nullable: ptr(false)},
			{Name: "name", Type: "Edm.String"},
			{Name: "price", Type: "Edm.Decimal"},
			{Name: "released", Type: "Edm.Date"},
			{Name: "created", Type: "Edm.DateTimeOffset"},
			{Name: "code", Type: "Edm.Guid"},
			{Name: "active", Type: "Edm.Boolean"},
		},
	}}}
	svc, err := query.NewService(spec)
	if err != nil {
		tb.Fatal(err)
	}
	return svc
}

// TestFilterSQL checks the SQL and arguments each dialect gets.
func TestFilterSQL(t *testing.T) {
	t.Parallel()
	set := service(t).Set("Products")
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		filter  string
		dialect odatasql.Dialect
		sql     string
		args    []any
	}{
		{"name eq 'x'' or 1=1'", odatasql.SQLite, `("name" = ?)`, []any{"x' or 1=1"}},
		{"name eq 'a'", odatasql.Postgres, `("name" = CAST($1 AS text))`, []any{"a"}},
		{"name eq 'a'", odatasql.MySQL, "(`name` = ?)", []any{"a"}},
		{"name ne 'a'", odatasql.SQLite, `("name" IS NOT ?)`, []any{"a"}},
		{"name ne 'a'", odatasql.Postgres, `("name" IS DISTINCT FROM CAST($1 AS text))`, []any{"a"}},
		{"name ne 'a'", odatasql.MySQL, "(NOT (`name` <=> ?))", []any{"a"}},
		{"id ne 1", odatasql.SQLite, `("id" <> ?)`, []any{int64(1)}},
		{"not (id eq 1)", odatasql.SQLite, `((("id" = ?)) IS NOT TRUE)`, []any{int64(1)}},
		{"name eq null", odatasql.SQLite, `("name" IS NULL)`, nil},
		{"price gt 10.5 and contains(name,'%_')", odatasql.Postgres, `(("price" > CAST($1 AS numeric)) AND (strpos("name", CAST($2 AS text)) > 0))`, []any{"10.5", "%_"}},
		{"id in (1,2)", odatasql.MySQL, "(`id` IN (?, ?))", []any{int64(1), int64(2)}},
		{"released eq 2024-01-05", odatasql.Postgres, `("released" = CAST($1 AS date))`, []any{"2024-01-05"}},
		{"created lt now()", odatasql.SQLite, `(strftime('%Y-%m-%d %H:%M:%f', "created") < strftime('%Y-%m-%d %H:%M:%f', ?))`, []any{"2026-01-02 03:04:05"}},
		{"created lt 2024-01-05T10:00:00+02:00", odatasql.Postgres, `("created" < CAST($1 AS timestamptz))`, []any{time.Date(2024, 1, 5, 8, 0, 0, 0, time.UTC)}},
		{"code eq 01234567-89ab-cdef-0123-456789ABCDEF", odatasql.Postgres, `("code" = CAST($1 AS uuid))`, []any{"01234567-89ab-cdef-0123-456789abcdef"}},
		{"id div 2 eq 1", odatasql.MySQL, "((`id` DIV NULLIF(?, 0)) = ?)", []any{int64(2), int64(1)}},
		{"active", odatasql.SQLite, `"active"`, nil},
	}
	for _, tc := range tests {
		e, err := query.ParseFilter(tc.filter, set, now)
		if err != nil {
			t.Errorf("ParseFilter(%q): %v", tc.filter, err)
			continue
		}
		sql, args, err := tc.dialect.Filter(e)
		if err != nil {
			t.Errorf("Filter(%q): %v", tc.filter, err)
			continue
		}
		if sql != tc.sql || !equalArgs(args, tc.args) {
			t.Errorf("%q in dialect %d:\n got %s %#v\nwant %s %#v", tc.filter, tc.dialect, sql, args, tc.sql, tc.args)
		}
	}
}

func equalArgs(a, b []any) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if ta, ok := a[i].(time.Time); ok {
			if tb, ok := b[i].(time.Time); !ok || !ta.Equal(tb) {
				return false
			}
			continue
		}
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	set := service(t).Set("Products")
	tests := []struct {
		filter string
		status int
		want   string
	}{
		{"", 400, "position 0"},
		{"name eq 'a' and", 400, "position 15"},
		{"name eq 'a' )", 400, "position 12"},
		{"name eq #", 400, "position 8"},
		{"1.e5 eq price", 400, "malformed number"},
		{"2024-13-45 eq released", 400, "not a date"},
		{"created eq 2024-01-05T10:00:00", 400, "time zone"},
		{"price eq 'a'", 400, "cannot compare"},
		{"active gt true", 400, "eq and ne"},
		{"name add 1 eq 2", 400, "needs numbers"},
		{"substring(name, 'a') eq 'b'", 400, "argument 2"},
		{"not name", 400, "boolean"},
		{"name has 'a'", 501, "has"},
		{"isof(name, Edm.String)", 501, "isof"},
		{"$it/name eq 'a'", 501, "$it"},
	}
	for _, tc := range tests {
		_, err := query.ParseFilter(tc.filter, set, time.Now())
		var qe *query.Error
		if !errors.As(err, &qe) || qe.Status != tc.status || !strings.Contains(qe.Message, tc.want) {
			t.Errorf("ParseFilter(%q) = %v, want %d mentioning %q", tc.filter, err, tc.status, tc.want)
		}
	}
}

func TestParsePath(t *testing.T) {
	t.Parallel()
	svc := service(t)
	p, err := query.ParsePath("Products(id=5)/name/$value", svc)
	if err != nil || p.Kind != query.KProperty || !p.Value || p.Key[0] != int64(5) {
		t.Errorf("ParsePath = %+v, %v", p, err)
	}
	if _, err := query.ParsePath("Products(5", svc); err == nil {
		t.Error("an unterminated key parses")
	}
	var qe *query.Error
	if _, err := query.ParsePath("Nope", svc); !errors.As(err, &qe) || qe.Status != http.StatusNotFound {
		t.Errorf("an unknown set: %v", err)
	}
}

func TestSplitQueryKeepsSemicolons(t *testing.T) {
	t.Parallel()
	v, err := query.SplitQuery("$expand=Orders($top=1;$select=id)&$top=2")
	if err != nil || v.Get("$expand") != "Orders($top=1;$select=id)" || v.Get("$top") != "2" {
		t.Errorf("SplitQuery = %v, %v", v, err)
	}
	if _, err := query.SplitQuery("$filter=%zz"); err == nil {
		t.Error("a malformed escape splits")
	}
	_ = url.Values{}
}

// FuzzFilter feeds the $filter parser and the SQL writer arbitrary text:
// they must answer an error or SQL whose every literal is an argument,
// never panic.
func FuzzFilter(f *testing.F) {
	for _, s := range []string{
		"name eq 'a'", "price gt 10.5 and contains(name,'x') or not (id eq 1)", "id in (1, 2, null)",
		"created lt now() and year(released) eq 2024", "substring(name, 1, 2) eq 'x''y'",
		"code eq 01234567-89ab-cdef-0123-456789abcdef", "-price add 2 mul 3 div 4 mod 5 sub 6 le 7",
		"((((id eq 1))))", "created ge 2024-01-05T10:00:00.123+02:00", "time(created) eq 10:00:00",
		"name eq '", "1.e5", "@p", "duration'P1D'", "active", "tolower(toupper(trim(name))) eq concat('a', 'b')",
	} {
		f.Add(s)
	}
	set := service(f).Set("Products")
	now := time.Now()
	f.Fuzz(func(t *testing.T, s string) {
		e, err := query.ParseFilter(s, set, now)
		if err != nil {
			var qe *query.Error
			if !errors.As(err, &qe) || qe.Status == 0 || qe.Message == "" {
				t.Fatalf("ParseFilter(%q) = %v: not a request error", s, err)
			}
			return
		}
		for _, d := range []odatasql.Dialect{odatasql.SQLite, odatasql.Postgres, odatasql.MySQL} {
			sql, _, err := d.Filter(e)
			if err != nil {
				t.Fatalf("Filter(%q): %v", s, err)
			}
			if strings.ContainsAny(sql, "\x00;") || strings.Contains(sql, "--") {
				t.Fatalf("Filter(%q) wrote %q", s, sql)
			}
		}
	})
}

// BenchmarkParseTranslate measures a typical $filter: three conditions,
// one function, parsed and written as PostgreSQL.
func BenchmarkParseTranslate(b *testing.B) {
	set := service(b).Set("Products")
	now := time.Now()
	const filter = "price gt 10.5 and startswith(name, 'Wid') and released ge 2024-01-01"
	b.ReportAllocs()
	for b.Loop() {
		e, err := query.ParseFilter(filter, set, now)
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := odatasql.Postgres.Filter(e); err != nil {
			b.Fatal(err)
		}
	}
}
