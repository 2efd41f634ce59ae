package process

import (
	"context"

	"github.com/portico-dev/portico/internal/model"
)

// returnStep ends the process with the current documents and, when set,
// a status.
type returnStep struct{ status int }

func compileReturn(s *model.ReturnStep) step { return &returnStep{status: s.Status} }

func (s *returnStep) Run(_ context.Context, x *execution) error {
	x.done, x.status = true, s.status
	return nil
}
