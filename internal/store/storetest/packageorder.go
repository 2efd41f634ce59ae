package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/store"
)

// testPackageOrderConcurrent creates packages from several goroutines while
// another walks the list page by page, over and over. Newest first must mean
// "created last": a package may only ever appear above everything listed
// before it, never in between, or a walk that had passed that point would
// miss it. A walk never repeats a package.
func testPackageOrderConcurrent(t *testing.T, s store.Store) {
	ctx := context.Background()
	apply(t, s, erp()...)
	const writers, each = 6, 8
	var wg sync.WaitGroup
	done, stop := make(chan struct{}), make(chan struct{})
	// A failed walk stops the writers before the store is closed.
	defer func() { close(stop); <-done }()
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				select {
				case <-stop:
					return
				default:
				}
				v := fmt.Sprintf("%d.%d.0", w, i)
				for {
					_, err := s.CreatePackage(ctx, erpAPI, v, "", "alice")
					if errors.Is(err, model.ErrUnavailable) {
						continue // busy: try again, the order is what is tested
					}
					if err != nil {
						t.Errorf("CreatePackage %s: %v", v, err)
					}
					break
				}
			}
		}()
	}
	go func() { wg.Wait(); close(done) }()

	walk := func() ([]string, error) {
		var ids []string
		page := store.Page{Limit: 3}
		for {
			items, next, err := s.ListPackages(ctx, &erpAPI, page)
			if err != nil {
				return nil, err
			}
			for _, p := range items {
				if slices.Contains(ids, p.Version) {
					return nil, fmt.Errorf("walk repeats %s: %v", p.Version, ids)
				}
				ids = append(ids, p.Version)
			}
			if next == "" {
				return ids, nil
			}
			page.Cursor = next
		}
	}
	var prev []string
	walks := 0
	for finished := false; !finished; {
		select {
		case <-done:
			finished = true // one more walk sees the final state
		default:
		}
		cur, err := walk()
		if errors.Is(err, model.ErrUnavailable) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		walks++
		if len(cur) < len(prev) || !slices.Equal(cur[len(cur)-len(prev):], prev) {
			t.Fatalf("walk %d lists %v; the previous walk's %v should be its tail: a package appeared below older ones", walks, cur, prev)
		}
		prev = cur
	}
	if len(prev) != writers*each {
		t.Fatalf("the last walk lists %d packages, want %d", len(prev), writers*each)
	}
	t.Logf("%d walks", walks)
}
