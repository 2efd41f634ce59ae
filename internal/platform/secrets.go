package platform

import (
	"context"
	"errors"
	"fmt"

	"github.com/portico-dev/portico/internal/model"
)

// The platform API never returns a secret in clear: every role reads
// non-empty secrets as model.RedactedSecret. Written back, that placeholder
// means "keep the current value", so a component read with get and applied
// again is unchanged. Snapshots are not redacted: runtimes need the values.

// redacted returns copies of comps with every non-empty secret redacted.
func redacted(comps ...*model.Component) []*model.Component {
	out := make([]*model.Component, len(comps))
	for i, comp := range comps {
		cp := *comp
		cp.Spec = model.RedactSecrets(comp.Spec)
		out[i] = &cp
	}
	return out
}

// hasPlaceholder reports whether spec holds a secret that reads "******".
func hasPlaceholder(spec model.Spec) bool {
	found := false
	_, _ = model.MapSecrets(spec, func(_ string, s model.Secret) (model.Secret, error) {
		found = found || s == model.RedactedSecret
		return s, nil
	})
	return found
}

// keepSecrets replaces, in each of comps, every secret that reads "******"
// by the value at the same path in the component's current revision. A
// placeholder with no current value to keep is a validation error at
// prefix(i) + its path (e.g. components[2].spec.database.dsn).
func (s *Server) keepSecrets(ctx context.Context, comps []*model.Component, prefix func(i int) string) error {
	var all model.ValidationError
	for i, comp := range comps {
		if !hasPlaceholder(comp.Spec) {
			continue
		}
		current := map[string]model.Secret{}
		cur, err := s.store.GetComponent(ctx, comp.Ref())
		switch {
		case errors.Is(err, model.ErrNotFound):
		case err != nil:
			return fmt.Errorf("read %s to keep its secrets: %w", comp.Ref(), err)
		default:
			_, _ = model.MapSecrets(cur.Spec, func(path string, s model.Secret) (model.Secret, error) {
				current[path] = s
				return s, nil
			})
		}
		spec, _ := model.MapSecrets(comp.Spec, func(path string, sec model.Secret) (model.Secret, error) {
			if sec != model.RedactedSecret {
				return sec, nil
			}
			v := current[path]
			if v == "" {
				what := "has no current value"
				if cur == nil {
					what = "does not exist yet"
				}
				appendFields(&all, prefix(i), model.Invalidf(path,
					"is %q, which means \"keep the current value\", but %s %s: give the value", model.RedactedSecret, comp.Ref(), what))
			}
			return v, nil
		})
		comp.Spec = spec
	}
	if len(all.Fields) > 0 {
		return &all
	}
	return nil
}
