package compile

import (
	"net/http"

	"github.com/portico-dev/portico/internal/model"
)

// proxyStyle serves proxy components (not built yet: they are logged).
type proxyStyle struct{ c *Compiler }

func newProxyStyle(c *Compiler, _ *model.Snapshot) *proxyStyle { return &proxyStyle{c: c} }

func (s *proxyStyle) add(u *unit) error {
	if _, ok := u.root.Spec.(*model.ProxySpec); ok {
		s.c.log.Warn("proxy components are not served by this runtime yet", "proxy", u.root.Name)
	}
	return nil
}

func (s *proxyStyle) mount(*http.ServeMux) error { return nil }
