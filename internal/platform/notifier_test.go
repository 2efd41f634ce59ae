package platform

import (
	"testing"
	"time"
)

func TestNotifier(t *testing.T) {
	t.Parallel()
	n := newNotifier()
	dev1, dev2, prod := n.wait("dev"), n.wait("dev"), n.wait("prod")
	n.notify("dev")
	for i, ch := range []<-chan struct{}{dev1, dev2} {
		select {
		case <-ch:
		case <-time.After(time.Second):
			t.Fatalf("waiter %d on dev not woken", i)
		}
	}
	select {
	case <-prod:
		t.Fatal("prod woken by a dev change")
	default:
	}
	// A new waiter waits for the next change, and woken entries are forgotten.
	next := n.wait("dev")
	select {
	case <-next:
		t.Fatal("a new waiter saw an old change")
	default:
	}
	n.notify("dev")
	n.notify("nobody-waits")
	<-next
	if len(n.chans) != 1 {
		t.Errorf("%d entries left, want 1 (prod)", len(n.chans))
	}
}

func TestTouchCache(t *testing.T) {
	t.Parallel()
	c := newTouchCache()
	now := time.Now()
	if !c.due("a", now) || c.due("a", now.Add(30*time.Second)) || !c.due("a", now.Add(61*time.Second)) {
		t.Error("a token's use is written at most once a minute")
	}
	c.due("b", now)
	c.prune(now.Add(3 * time.Minute))
	if len(c.last) != 0 {
		t.Errorf("%d entries after prune", len(c.last))
	}
	for i := range touchCacheMax + 5 {
		c.due(string(rune('a'+i%26))+string(rune(i)), now)
	}
	if len(c.last) > touchCacheMax {
		t.Errorf("cache grew to %d", len(c.last))
	}
}
