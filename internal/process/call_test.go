package process_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/portico-dev/portico/internal/process"
)

func TestCall(t *testing.T) {
	t.Parallel()
	res := &resources{}
	// Declared before its callee exists: the call step keeps the pointer.
	caller := res.define(t, "caller", `
steps:
- set: {properties: {who: '"caller"'}}
- call: {process: enrich}
- map: {jq: '{v: ., who: $props.who, seen: $props.seen}'}
`)
	res.define(t, "enrich", `
steps:
- set: {properties: {seen: '$props.who', who: '"enrich"'}}
- map: {jq: '. * 10'}
- return: {status: 299}
- fail: {message: not reached}
`)
	got, err := caller.Run(context.Background(), process.Input{Documents: []any{1, 2}})
	if err != nil {
		t.Fatal(err)
	}
	want := []any{obj("v", 10, "who", "enrich", "seen", "caller"), obj("v", 20, "who", "enrich", "seen", "caller")}
	if diff := cmp.Diff(want, got.Documents); diff != "" {
		t.Errorf("documents (-want +got):\n%s", diff)
	}
	if got.Status != 0 {
		t.Errorf("status %d: a callee's return must not set the caller's status", got.Status)
	}
}

func TestCallRecursion(t *testing.T) {
	t.Parallel()
	res := &resources{}
	countdown := res.define(t, "countdown", `
steps:
- decide:
    if: doc > 0
    then:
    - map: {jq: '. - 1'}
    - call: {process: countdown}
    - map: {jq: '. + 100'}
`)
	got, err := countdown.Run(context.Background(), process.Input{Documents: []any{process.MaxCallDepth}})
	if err != nil {
		t.Fatalf("%d nested calls must work: %v", process.MaxCallDepth, err)
	}
	if diff := cmp.Diff([]any{100 * process.MaxCallDepth}, got.Documents); diff != "" {
		t.Errorf("documents (-want +got):\n%s", diff)
	}
	_, err = countdown.Run(context.Background(), process.Input{Documents: []any{process.MaxCallDepth + 1}})
	if !errors.Is(err, process.ErrRecursion) || !errors.Is(err, process.ErrStep) {
		t.Fatalf("err %v, want ErrRecursion", err)
	}
	if !strings.Contains(err.Error(), "process countdown: spec.steps[0].decide.then[1].call") {
		t.Errorf("err %q does not locate the call step", err)
	}
	forever := res.define(t, "forever", "steps:\n- call: {process: forever}")
	if _, err := forever.Run(context.Background(), process.Input{}); !errors.Is(err, process.ErrRecursion) {
		t.Fatalf("err %v, want ErrRecursion", err)
	}
}

func TestCallUndefined(t *testing.T) {
	t.Parallel()
	res := &resources{}
	p := res.define(t, "p", "steps:\n- call: {process: ghost}")
	_, err := p.Run(context.Background(), process.Input{})
	if !errors.Is(err, process.ErrUndefined) || !errors.Is(err, process.ErrStep) {
		t.Fatalf("err %v, want ErrUndefined", err)
	}
	ghost, _ := res.Process("ghost")
	if _, err := ghost.Run(context.Background(), process.Input{}); !errors.Is(err, process.ErrUndefined) {
		t.Fatalf("running a declared process: %v, want ErrUndefined", err)
	}
	if err := p.Define(parseSpec(t, "steps:\n- return: {}"), res); err == nil {
		t.Error("defining a process twice must fail")
	}
}

func TestCancellation(t *testing.T) {
	t.Parallel()
	res := &resources{}
	p := res.define(t, "p", "steps:\n- map: {jq: .}\n- map: {jq: '[range(1e9)] | length'}")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := p.Run(ctx, process.Input{Documents: []any{1}}); !errors.Is(err, context.Canceled) ||
		!strings.Contains(err.Error(), "before spec.steps[0].map") {
		t.Fatalf("canceled before the run: %v", err)
	}
	ctx, cancel = context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := p.Run(ctx, process.Input{Documents: []any{1}})
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "spec.steps[1].map") {
		t.Fatalf("deadline inside jq: %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the jq program ran %v past its deadline", d)
	}
}

func TestAllowSimultaneousFalseRunsOneAtATime(t *testing.T) {
	t.Parallel()
	db := openSQLite(t, "CREATE TABLE c (n INTEGER); INSERT INTO c VALUES (0);")
	res := &resources{sql: map[string]process.SQL{"db": db}}
	// Read, then write what was read plus one: lost updates show when two
	// executions interleave.
	p := res.define(t, "p", `
allowSimultaneous: false
steps:
- query:
    connection: db
    sql: SELECT n FROM c WHERE :x IS NULL
    params: {x: 'null'}
- exec:
    connection: db
    sql: UPDATE c SET n = :n
    params: {n: '.n + 1'}
`)
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if _, err := p.Run(context.Background(), process.Input{}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	var n int
	if err := db.db.QueryRow("SELECT n FROM c").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 20 {
		t.Errorf("counter %d after 20 serialized executions, want 20", n)
	}
}
