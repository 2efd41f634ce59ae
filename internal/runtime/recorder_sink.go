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

// SendExecutions sends one batch; records the control plane already holds
// count for nothing, so a batch sent again after a lost answer is harmless.
func (s *ControlPlaneSink) SendExecutions(ctx context.Context, recs []*model.Execution) error {
	items := make([]model.Execution, len(recs))
	for i, r := range recs {
		items[i] = *r
	}
	_, err := s.client.ReportExecutions(ctx, items)
	return err
}
