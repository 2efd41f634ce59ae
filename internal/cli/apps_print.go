package cli

import (
	"context"
	"io"
	"strconv"
	"strings"

	"github.com/portico-dev/portico/internal/client"
	"github.com/portico-dev/portico/internal/manifest"
	"github.com/portico-dev/portico/internal/model"
)

// printPlans writes plans; YAML is the apply-able form.
func printPlans(w io.Writer, format string, ps []model.Plan, single bool) error {
	if format == outYAML {
		docs := make([][]byte, 0, len(ps))
		for i := range ps {
			b, err := manifest.EncodePlan(&ps[i])
			if err != nil {
				return err
			}
			docs = append(docs, b)
		}
		_, err := w.Write(manifest.Join(docs))
		return err
	}
	if format != outTable || len(ps) == 0 {
		return printList(w, format, ps, single)
	}
	t := newTable(w, "NAME", "STATUS", "LIMITS", "UPDATED", "DESCRIPTION")
	for _, p := range ps {
		t.row(p.Name, string(p.Spec.Status), p.Spec.String(), fmtTime(p.UpdatedAt), truncate(p.Description, 50))
	}
	return t.flush()
}

// printApplications writes applications; YAML is the apply-able form,
// without keys.
func printApplications(w io.Writer, format string, as []model.Application, single bool) error {
	if format == outYAML {
		docs := make([][]byte, 0, len(as))
		for i := range as {
			b, err := manifest.EncodeApplication(&as[i])
			if err != nil {
				return err
			}
			docs = append(docs, b)
		}
		_, err := w.Write(manifest.Join(docs))
		return err
	}
	if format != outTable || len(as) == 0 {
		return printList(w, format, as, single)
	}
	t := newTable(w, "NAME", "STATUS", "OWNER", "CONTACT", "KEYS", "SUBSCRIPTIONS")
	for _, a := range as {
		subs := make([]string, len(a.Spec.Subscriptions))
		for i, s := range a.Spec.Subscriptions {
			subs[i] = s.Target() + ":" + s.Plan
		}
		t.row(a.Name, string(a.Spec.Status), a.Spec.Owner, a.Spec.Contact, strconv.Itoa(len(a.Keys)), truncate(strings.Join(subs, ", "), 60))
	}
	return t.flush()
}

// printAPIKeys writes an application's keys: prefixes, never the keys.
func printAPIKeys(w io.Writer, format string, ks []model.APIKey) error {
	if format != outTable || len(ks) == 0 {
		return printList(w, format, ks, false)
	}
	t := newTable(w, "ID", "PREFIX", "STATUS", "EXPIRES", "CREATED")
	for _, k := range ks {
		t.row(k.ID, k.Prefix+"…", string(k.Status), fmtTimePtr(k.ExpiresAt), fmtTime(k.CreatedAt))
	}
	return t.flush()
}

// traffic gets plans or applications for `portico get`.
func (g *getOpts) traffic(ctx context.Context, c *client.Client, res resource, name string) error {
	w := g.e.stdout
	if res == resPlan {
		if name != "" {
			p, err := c.GetPlan(ctx, name)
			if err != nil {
				return err
			}
			return printPlans(w, g.output, []model.Plan{*p}, true)
		}
		ps, err := c.AllPlans(ctx)
		if err != nil {
			return err
		}
		return printPlans(w, g.output, ps, false)
	}
	if name != "" {
		a, err := c.GetApplication(ctx, name)
		if err != nil {
			return err
		}
		return printApplications(w, g.output, []model.Application{*a}, true)
	}
	as, err := c.AllApplications(ctx)
	if err != nil {
		return err
	}
	return printApplications(w, g.output, as, false)
}
