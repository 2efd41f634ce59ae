package process

import (
	"context"
	"net/http"

	"github.com/portico-dev/portico/internal/model"
)

// failStep ends the execution with a *Failure.
type failStep struct{ failure Failure }

func compileFail(s *model.FailStep) step {
	f := failStep{failure: Failure{Status: s.Status, Code: s.Code, Message: s.Message}}
	if f.failure.Status == 0 {
		f.failure.Status = http.StatusInternalServerError
	}
	return &f
}

func (s *failStep) Run(context.Context, *execution) error {
	f := s.failure // a copy per execution: callers may keep the error
	return &f
}
