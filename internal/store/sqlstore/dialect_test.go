package sqlstore

import (
	"errors"
	"testing"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/store"
)

func TestBind(t *testing.T) {
	t.Parallel()
	tests := []struct {
		numbered bool
		in, want string
	}{
		{false, "SELECT ? + ?", "SELECT ? + ?"},
		{true, "SELECT ? + ?", "SELECT $1 + $2"},
		{true, "SELECT 1", "SELECT 1"},
		{true, "a = ? AND (b > ? OR c = ?) LIMIT 11", "a = $1 AND (b > $2 OR c = $3) LIMIT 11"},
	}
	for _, tc := range tests {
		d := &Dialect{Numbered: tc.numbered}
		if got := d.bind(tc.in); got != tc.want {
			t.Errorf("bind(%q) numbered=%v = %q, want %q", tc.in, tc.numbered, got, tc.want)
		}
	}
}

func TestCursor(t *testing.T) {
	t.Parallel()
	c := encodeCursor("api", "erp/x", int64(42))
	var (
		k, n string
		v    int64
	)
	ok, err := decodeCursor(c, &k, &n, &v)
	if err != nil || !ok || k != "api" || n != "erp/x" || v != 42 {
		t.Fatalf("round trip = %q %q %d %v %v", k, n, v, ok, err)
	}
	if ok, err := decodeCursor("", &k); ok || err != nil {
		t.Fatalf("empty cursor = %v, %v", ok, err)
	}
	for _, bad := range []string{"!!", encodeCursor("a"), encodeCursor(1, 2), "bnVsbA"} {
		if _, err := decodeCursor(bad, &k, &n); !errors.Is(err, model.ErrInvalid) {
			t.Errorf("decodeCursor(%q) = %v, want ErrInvalid", bad, err)
		}
	}
}

func TestLimit(t *testing.T) {
	t.Parallel()
	for in, want := range map[int]int{0: store.DefaultPageLimit, -1: store.DefaultPageLimit, 7: 7, store.MaxPageLimit: store.MaxPageLimit, store.MaxPageLimit + 1: store.MaxPageLimit} {
		if got := limit(store.Page{Limit: in}); got != want {
			t.Errorf("limit(%d) = %d, want %d", in, got, want)
		}
	}
}
