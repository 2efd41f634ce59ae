package sqldb

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseNamed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		sx      syntax
		in      string
		query   string
		params  []string
		order   []int
		wantErr string
	}{
		{name: "none", sx: syntaxSQLite, in: "SELECT 1", query: "SELECT 1"},
		{name: "one", sx: syntaxSQLite, in: "SELECT * FROM t WHERE id = :id", query: "SELECT * FROM t WHERE id = ?", params: []string{"id"}, order: []int{0}},
		{name: "repeated positional", sx: syntaxMySQL, in: "SELECT :a, :b, :a", query: "SELECT ?, ?, ?", params: []string{"a", "b"}, order: []int{0, 1, 0}},
		{name: "repeated numbered", sx: syntaxPostgres, in: "SELECT :a, :b, :a", query: "SELECT $1, $2, $1", params: []string{"a", "b"}},
		{name: "underscores digits", sx: syntaxPostgres, in: "x = :param_id2 AND y=:_q", query: "x = $1 AND y=$2", params: []string{"param_id2", "_q"}},
		{name: "cast", sx: syntaxPostgres, in: "SELECT :n::int, x::text", query: "SELECT $1::int, x::text", params: []string{"n"}},
		{name: "colon in string", sx: syntaxSQLite, in: "SELECT ':a', :b", query: "SELECT ':a', ?", params: []string{"b"}, order: []int{0}},
		{name: "doubled quote", sx: syntaxSQLite, in: "SELECT 'it''s :a', :b", query: "SELECT 'it''s :a', ?", params: []string{"b"}, order: []int{0}},
		{name: "mysql backslash quote", sx: syntaxMySQL, in: `SELECT 'a\' :x', :y`, query: `SELECT 'a\' :x', ?`, params: []string{"y"}, order: []int{0}},
		{name: "postgres backslash is literal", sx: syntaxPostgres, in: `SELECT 'a\', :y`, query: `SELECT 'a\', $1`, params: []string{"y"}},
		{name: "postgres E string", sx: syntaxPostgres, in: `SELECT E'a\' :x', :y`, query: `SELECT E'a\' :x', $1`, params: []string{"y"}},
		{name: "quoted identifier", sx: syntaxPostgres, in: `SELECT "a:b" FROM t WHERE c = :c`, query: `SELECT "a:b" FROM t WHERE c = $1`, params: []string{"c"}},
		{name: "backtick identifier", sx: syntaxMySQL, in: "SELECT `a:b` FROM t WHERE c = :c", query: "SELECT `a:b` FROM t WHERE c = ?", params: []string{"c"}, order: []int{0}},
		{name: "bracket identifier", sx: syntaxSQLite, in: "SELECT [a:b] FROM t WHERE c = :c", query: "SELECT [a:b] FROM t WHERE c = ?", params: []string{"c"}, order: []int{0}},
		{name: "line comment", sx: syntaxSQLite, in: "SELECT 1 -- :x\n, :y", query: "SELECT 1 -- :x\n, ?", params: []string{"y"}, order: []int{0}},
		{name: "comment at end", sx: syntaxPostgres, in: "SELECT :y -- :x", query: "SELECT $1 -- :x", params: []string{"y"}},
		{name: "block comment", sx: syntaxSQLite, in: "SELECT /* :x */ :y", query: "SELECT /* :x */ ?", params: []string{"y"}, order: []int{0}},
		{name: "nested comment", sx: syntaxPostgres, in: "SELECT /* a /* :x */ :z */ :y", query: "SELECT /* a /* :x */ :z */ $1", params: []string{"y"}},
		{name: "mysql hash comment", sx: syntaxMySQL, in: "SELECT 1 # :x\n, :y", query: "SELECT 1 # :x\n, ?", params: []string{"y"}, order: []int{0}},
		{name: "mysql double dash without space", sx: syntaxMySQL, in: "SELECT 5--:x", query: "SELECT 5--?", params: []string{"x"}, order: []int{0}},
		{name: "dollar quoted", sx: syntaxPostgres, in: "SELECT $$ :x $$, $tag$ ' :y $tag$, :z", query: "SELECT $$ :x $$, $tag$ ' :y $tag$, $1", params: []string{"z"}},
		{name: "dollar in identifier", sx: syntaxPostgres, in: "SELECT a$b, :z", query: "SELECT a$b, $1", params: []string{"z"}},
		{name: "mysql assignment", sx: syntaxMySQL, in: "SET @a := :v", query: "SET @a := ?", params: []string{"v"}, order: []int{0}},
		{name: "lone colon", sx: syntaxPostgres, in: "SELECT a[1:2], ':'", query: "SELECT a[1:2], ':'"},
		{name: "colon at end", sx: syntaxSQLite, in: "SELECT :", query: "SELECT :"},
		{name: "postgres question mark operator", sx: syntaxPostgres, in: "SELECT j ? 'k' FROM t WHERE id = :id", query: "SELECT j ? 'k' FROM t WHERE id = $1", params: []string{"id"}},
		{name: "positional question mark", sx: syntaxSQLite, in: "SELECT ?", wantErr: "positional"},
		{name: "positional dollar", sx: syntaxPostgres, in: "SELECT $1", wantErr: "positional"},
		{name: "unterminated string", sx: syntaxSQLite, in: "SELECT ':a", wantErr: "unterminated"},
		{name: "unterminated comment", sx: syntaxSQLite, in: "SELECT /* :a", wantErr: "unterminated"},
		{name: "unterminated dollar", sx: syntaxPostgres, in: "SELECT $x$ :a", wantErr: "unterminated"},
		{name: "unterminated bracket", sx: syntaxSQLite, in: "SELECT [a", wantErr: "unterminated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := parseNamed(tt.in, tt.sx)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("parseNamed(%q) error = %v, want one containing %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseNamed(%q): %v", tt.in, err)
			}
			want := named{query: tt.query, params: tt.params, order: tt.order}
			if diff := cmp.Diff(want, got, cmp.AllowUnexported(named{})); diff != "" {
				t.Errorf("parseNamed(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

// FuzzParseNamed checks invariants on any input: no panic; every
// placeholder is accounted for by params/order; text outside placeholders
// is kept byte for byte (a statement without ':' comes back unchanged).
func FuzzParseNamed(f *testing.F) {
	for _, s := range []string{
		"SELECT * FROM t WHERE a = :a AND b = :b OR c = :a",
		"SELECT ':x' -- :y\n/* :z */ :w::int",
		"SELECT $$ :a $$, $t$ :b $t$, E'\\' :c', \"q:q\" , `b:b`, [s:s]",
		"SET @v := :v # :h\n",
		"SELECT /* /* */ :x */ :y",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, sx := range []syntax{syntaxSQLite, syntaxPostgres, syntaxMySQL} {
			n, err := parseNamed(s, sx)
			if err != nil {
				continue
			}
			seen := map[string]bool{}
			for _, p := range n.params {
				if seen[p] || p == "" {
					t.Fatalf("params %q: duplicate or empty", n.params)
				}
				seen[p] = true
			}
			if sx.numbered {
				if n.order != nil {
					t.Fatalf("numbered dialect has an order")
				}
			} else {
				for _, k := range n.order {
					if k < 0 || k >= len(n.params) {
						t.Fatalf("order %v out of range of %d params", n.order, len(n.params))
					}
				}
				if len(n.params) > 0 && len(n.order) < len(n.params) {
					t.Fatalf("order %v shorter than params %v", n.order, n.params)
				}
				if strings.Count(n.query, "?") < len(n.order) {
					t.Fatalf("query %q has fewer ? than order %v", n.query, n.order)
				}
			}
			if !strings.Contains(s, ":") && n.query != s {
				t.Fatalf("statement without parameters changed: %q → %q", s, n.query)
			}
			// Parsing the output again finds no parameter: every one was
			// rewritten. (It may fail: "$a:b" becomes "$a$1", a dollar-quote
			// opener, from input that was no valid SQL in the first place.)
			if !sx.numbered {
				continue
			}
			again, err := parseNamed(n.query, sx)
			if err == nil && len(again.params) != 0 {
				t.Fatalf("reparse of %q found params %v", n.query, again.params)
			}
		}
	})
}
