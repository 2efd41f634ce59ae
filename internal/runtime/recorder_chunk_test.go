package runtime

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/portico-dev/portico/internal/model"
)

func TestChunkBySizeKeepsRequestsUnderTheBodyLimit(t *testing.T) {
	t.Parallel()
	doc := json.RawMessage(`["` + strings.Repeat("x", 600<<10) + `"]`) // ~600 KiB
	var recs []*model.Execution
	for range 10 {
		recs = append(recs, &model.Execution{Input: doc, Output: doc}) // ~1.2 MiB each
	}
	recs = append(recs, &model.Execution{}, &model.Execution{})
	chunks := chunkBySize(recs, maxRequestBytes)
	total := 0
	for i, c := range chunks {
		size := 0
		for _, r := range c {
			size += len(r.Input) + len(r.Output) + recordOverhead
		}
		if size > maxRequestBytes && len(c) > 1 {
			t.Errorf("chunk %d holds %d records of %d bytes, over the limit", i, len(c), size)
		}
		total += len(c)
	}
	if total != len(recs) {
		t.Fatalf("chunks hold %d records, want %d", total, len(recs))
	}
	if len(chunks) < 10 {
		t.Errorf("%d chunks for ten 1.2 MiB records, want one request each", len(chunks))
	}
	if got := chunkBySize(nil, maxRequestBytes); len(got) != 0 {
		t.Errorf("no records gave %d chunks", len(got))
	}
}
