package runtime

import (
	"context"

	"github.com/portico-dev/portico/internal/client"
	"github.com/portico-dev/portico/internal/model"
)

// ControlPlaneSink sends execution records to the platform API (POST
// /api/v1/executions/batch) with a token whose role writes executions
// (runtime or admin).
type ControlPlaneSink struct {
	client *client.Client
}

var _ ExecutionSink = (*ControlPlaneSink)(nil)

// NewControlPlaneSink sends through c. Unlike the snapshot source, c may
// have a timeout; the recorder bounds each send anyway.
func NewControlPlaneSink(c *client.Client) *ControlPlaneSink {
	return &ControlPlaneSink{client: c}
}

// maxRequestBytes keeps each request under the platform API's body limit
// (4 MiB by default) with room for the records' other fields.
const maxRequestBytes = 2 << 20

// recordOverhead is a generous estimate of a record's fields besides its
// documents, as JSON.
const recordOverhead = 1 << 10

// SendExecutions sends one batch, in as many requests as the platform API's
// body limit needs; records the control plane already holds count for
// nothing, so a batch sent again after a lost answer is harmless.
func (s *ControlPlaneSink) SendExecutions(ctx context.Context, recs []*model.Execution) error {
	for _, chunk := range chunkBySize(recs, maxRequestBytes) {
		items := make([]model.Execution, len(chunk))
		for i, r := range chunk {
			items[i] = *r
		}
		if _, err := s.client.ReportExecutions(ctx, items); err != nil {
			return err
		}
	}
	return nil
}

// chunkBySize splits recs into runs whose documents stay under limit bytes;
// a record bigger than limit travels alone.
func chunkBySize(recs []*model.Execution, limit int) [][]*model.Execution {
	var chunks [][]*model.Execution
	start, size := 0, 0
	for i, r := range recs {
		n := len(r.Input) + len(r.Output) + recordOverhead
		if i > start && size+n > limit {
			chunks = append(chunks, recs[start:i])
			start, size = i, 0
		}
		size += n
	}
	if start < len(recs) {
		chunks = append(chunks, recs[start:])
	}
	return chunks
}
