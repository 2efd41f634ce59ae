package compile

import (
	"net/http"

	"github.com/portico-dev/portico/internal/model"
)

// odataStyle serves the OData entity sets of deployed APIs (not built yet).
type odataStyle struct{ c *Compiler }

func newODataStyle(c *Compiler, _ *model.Snapshot) *odataStyle { return &odataStyle{c: c} }

func (s *odataStyle) add(*unit) error { return nil }

func (s *odataStyle) mount(*http.ServeMux) error { return nil }
