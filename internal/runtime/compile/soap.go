package compile

import (
	"net/http"

	"github.com/portico-dev/portico/internal/model"
)

// soapStyle serves the SOAP operations of deployed APIs (not built yet).
type soapStyle struct{ c *Compiler }

func newSOAPStyle(c *Compiler, _ *model.Snapshot) *soapStyle { return &soapStyle{c: c} }

func (s *soapStyle) add(*unit) error { return nil }

func (s *soapStyle) mount(*http.ServeMux) error { return nil }
