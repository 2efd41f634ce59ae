package runtime

import (
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
)

func TestCompiledReleasesAfterLastReference(t *testing.T) {
	t.Parallel()
	var releases atomic.Int32
	c := NewCompiled(7, http.NotFoundHandler(), func() { releases.Add(1) })
	if c.Revision() != 7 || c.Handler() == nil {
		t.Fatalf("revision %d, handler %v", c.Revision(), c.Handler())
	}
	for i := range 2 {
		if !c.acquire() {
			t.Fatalf("acquire %d failed on a serving value", i)
		}
	}
	c.Close()
	c.Close() // twice is harmless
	if releases.Load() != 0 {
		t.Fatal("released while two requests hold it")
	}
	c.unref()
	if releases.Load() != 0 {
		t.Fatal("released while one request holds it")
	}
	c.unref()
	<-c.Released()
	if releases.Load() != 1 {
		t.Fatalf("released %d times, want 1", releases.Load())
	}
	if c.acquire() {
		t.Fatal("a released value was acquired again")
	}
}

func TestCompiledNilReleaseAndConcurrentUse(t *testing.T) {
	t.Parallel()
	c := NewCompiled(1, http.NotFoundHandler(), nil)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 1000 {
				if c.acquire() {
					c.unref()
				}
			}
		})
	}
	c.Close()
	wg.Wait()
	select {
	case <-c.Released():
	default:
		t.Fatal("not released after Close and every request ended")
	}
}
