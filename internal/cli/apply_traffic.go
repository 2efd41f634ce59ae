package cli

import (
	"context"
	"fmt"

	"github.com/portico-dev/portico/internal/client"
	"github.com/portico-dev/portico/internal/manifest"
)

// applyAll applies plans first (applications refer to them), then the
// components and environments in one /apply transaction, then the
// applications. Plans and applications have their own routes, which
// operators may use without the right to change components; every
// document was validated before anything is sent.
func applyAll(ctx context.Context, c *client.Client, docs []manifest.Document, dryRun bool) ([]client.ApplyResult, error) {
	var results []client.ApplyResult
	others := 0
	for _, d := range docs {
		if d.Plan == nil {
			if d.Application == nil {
				others++
			}
			continue
		}
		r, err := c.PutPlan(ctx, d.Plan, dryRun)
		if err != nil {
			return nil, trafficError(results, "plan/"+d.Plan.Name, d.Source, err)
		}
		results = append(results, *r)
	}
	if others > 0 || len(docs) == 0 {
		rs, err := c.Apply(ctx, applyRequest(docs, dryRun))
		if err != nil {
			if len(results) > 0 {
				return nil, trafficError(results, "components", "", err)
			}
			return nil, applyError(err)
		}
		results = append(results, rs...)
	}
	for _, d := range docs {
		if d.Application == nil {
			continue
		}
		r, err := c.PutApplication(ctx, d.Application, dryRun)
		if err != nil {
			return nil, trafficError(results, "application/"+d.Application.Name, d.Source, err)
		}
		results = append(results, *r)
	}
	return results, nil
}

// trafficError names what failed and what was already saved before it.
func trafficError(done []client.ApplyResult, what, source string, err error) error {
	if source != "" {
		what += " (" + source + ")"
	}
	saved := ""
	for _, r := range done {
		if r.Action != "unchanged" {
			if saved != "" {
				saved += ", "
			}
			saved += r.Kind + "/" + r.Name
		}
	}
	if saved == "" {
		return fmt.Errorf("apply %s: %w", what, err)
	}
	return fmt.Errorf("apply %s: %w (already saved: %s)", what, err, saved)
}
