package sqlstore

import (
	"encoding/base64"
	"encoding/json"
	"fmt"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/store"
)

// limit returns the page size to use.
func limit(p store.Page) int {
	switch {
	case p.Limit <= 0:
		return store.DefaultPageLimit
	case p.Limit > store.MaxPageLimit:
		return store.MaxPageLimit
	}
	return p.Limit
}

// encodeCursor makes the opaque cursor for a row's sort key.
func encodeCursor(key ...any) string {
	b, err := json.Marshal(key)
	if err != nil {
		// Keys are strings and integers: this cannot fail.
		return ""
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor reads a cursor into the pointers of key; an empty cursor
// reports false.
func decodeCursor(cursor string, key ...any) (bool, error) {
	if cursor == "" {
		return false, nil
	}
	bad := fmt.Errorf("%w: invalid cursor %q", model.ErrInvalid, cursor)
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		return false, bad
	}
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil || len(raw) != len(key) {
		return false, bad
	}
	for i, r := range raw {
		if err := json.Unmarshal(r, key[i]); err != nil {
			return false, bad
		}
	}
	return true, nil
}

// trim cuts a page fetched with limit+1 rows and returns the next cursor
// made by key from the last kept row, or "" on the last page.
func trim[T any](items []T, n int, key func(T) string) ([]T, string) {
	if len(items) <= n {
		return items, ""
	}
	items = items[:n]
	return items, key(items[n-1])
}
