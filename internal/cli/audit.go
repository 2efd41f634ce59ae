package cli

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/portico-dev/portico/internal/client"
	"github.com/portico-dev/portico/internal/model"
)

func newAuditCommand(e *env) *cobra.Command {
	var (
		f            client.AuditFilter
		since, until string
		limit        int
	)
	cmd := &cobra.Command{
		Use:   "audit [--user U] [--action A] [--kind K] [--name N] [--since 1h|TIME] [--until TIME] [--limit N]",
		Short: "Show the audit log: who changed what, when and from where (newest first)",
		Example: `  portico audit --since 24h
  portico audit --action deploy --name prod -o json
  portico audit --kind consumer --name erp-reader`,
		Args: exactArgs(),
	}
	cmd.Flags().StringVar(&f.User, "user", "", "only changes by this platform user")
	cmd.Flags().StringVar(&f.Action, "action", "", "only this action (create, update, delete, apply, package, deploy, rollback, undeploy, sign-in, revoke)")
	cmd.Flags().StringVar(&f.Kind, "kind", "", "only changes to this kind (api, environment, package, user, consumer, token, ...)")
	cmd.Flags().StringVar(&f.Name, "name", "", "only changes to this name")
	cmd.Flags().StringVar(&since, "since", "", "at or after: how long ago (30m, 1h, 7d) or an RFC 3339 time")
	cmd.Flags().StringVar(&until, "until", "", "before: how long ago or an RFC 3339 time")
	cmd.Flags().IntVar(&limit, "limit", 100, "at most this many entries (0: all)")
	o := addClientFlags(cmd, e, outTable, outJSON, outYAML)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if limit < 0 {
			return usagef("--limit must be 0 or more")
		}
		now := time.Now()
		var err error
		if f.Since, err = pastTime("since", since, now); err != nil {
			return err
		}
		if f.Until, err = pastTime("until", until, now); err != nil {
			return err
		}
		c, err := o.client()
		if err != nil {
			return err
		}
		var items []model.AuditEntry
		opts := client.ListOptions{Limit: 500}
		for {
			if limit > 0 {
				opts.Limit = min(500, limit-len(items))
			}
			p, err := c.ListAudit(cmd.Context(), f, opts)
			if err != nil {
				return err
			}
			items = append(items, p.Items...)
			if p.NextCursor == "" || (limit > 0 && len(items) >= limit) {
				break
			}
			opts.Cursor = p.NextCursor
		}
		return printAudit(e.stdout, o.output, items)
	}
	return cmd
}

func printAudit(w io.Writer, format string, items []model.AuditEntry) error {
	if format != outTable || len(items) == 0 {
		return printList(w, format, items, false)
	}
	t := newTable(w, "TIME", "USER", "ADDRESS", "ACTION", "KIND", "NAME", "DETAILS")
	for _, it := range items {
		var details []string
		for _, k := range slices.Sorted(maps.Keys(it.Details)) {
			details = append(details, fmt.Sprintf("%s=%s", k, it.Details[k]))
		}
		t.row(fmtTime(it.Time), it.User, it.Address, it.Action, it.Kind, it.Name, truncate(strings.Join(details, " "), 80))
	}
	return t.flush()
}
