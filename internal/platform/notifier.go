package platform

import "sync"

// notifier wakes the snapshot requests waiting on an environment: each
// environment with waiters has a channel that a change closes and forgets,
// so every waiter sees it and the next waiter gets a fresh one. Entries exist
// only while someone waits, so the map stays as small as the waiting set.
type notifier struct {
	mu    sync.Mutex
	chans map[string]chan struct{}
}

func newNotifier() *notifier { return &notifier{chans: map[string]chan struct{}{}} }

// wait returns a channel closed at the next change of env.
func (n *notifier) wait(env string) <-chan struct{} {
	n.mu.Lock()
	defer n.mu.Unlock()
	ch, ok := n.chans[env]
	if !ok {
		ch = make(chan struct{})
		n.chans[env] = ch
	}
	return ch
}

// notify wakes everyone waiting on env.
func (n *notifier) notify(env string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if ch, ok := n.chans[env]; ok {
		close(ch)
		delete(n.chans, env)
	}
}
