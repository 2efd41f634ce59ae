package cli

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/portico-dev/portico/internal/client"
	"github.com/portico-dev/portico/internal/model"
)

// newDeliveriesCommand groups the verbs of webhook deliveries.
func newDeliveriesCommand(e *env) *cobra.Command {
	cmd := groupCommand("deliveries", "List, show and re-send the webhook deliveries of async executions")
	cmd.Aliases = []string{"delivery"}
	cmd.AddCommand(newDeliveriesListCommand(e), newDeliveriesGetCommand(e), newDeliveriesResendCommand(e))
	return cmd
}

func newDeliveriesListCommand(e *env) *cobra.Command {
	var (
		q     client.DeliveryQuery
		limit int
	)
	cmd := &cobra.Command{
		Use:     "list [--execution ID] [--status PENDING|DELIVERED|FAILED]",
		Short:   "List webhook deliveries, newest first",
		Example: `  portico deliveries list --status failed`,
		Args:    exactArgs(),
	}
	cmd.Flags().StringVar(&q.Execution, "execution", "", "only this execution's")
	cmd.Flags().StringVar(&q.Status, "status", "", "only this status: PENDING, DELIVERED or FAILED")
	cmd.Flags().IntVar(&limit, "limit", 50, "show at most this many (0: all)")
	o := addClientFlags(cmd, e, outTable, outJSON, outYAML)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if limit < 0 {
			return usagef("--limit must be 0 (all) or more")
		}
		q.Status = strings.ToUpper(q.Status)
		c, err := o.client()
		if err != nil {
			return err
		}
		var ds []model.Delivery
		opts := client.ListOptions{}
		for {
			opts.Limit = 500
			if limit > 0 {
				opts.Limit = min(500, limit-len(ds))
			}
			p, err := c.ListDeliveries(cmd.Context(), q, opts)
			if err != nil {
				return err
			}
			ds = append(ds, p.Items...)
			if p.NextCursor == "" || len(p.Items) == 0 || (limit > 0 && len(ds) >= limit) {
				break
			}
			opts.Cursor = p.NextCursor
		}
		return printDeliveries(e.stdout, o.output, ds)
	}
	return cmd
}

func newDeliveriesGetCommand(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "get ID",
		Short:   "Show a delivery with its attempts",
		Example: `  portico deliveries get msg_0195f0a0-1c2d-7e3f-8a4b-5c6d7e8f9a0b`,
		Args:    exactArgs("ID"),
	}
	o := addClientFlags(cmd, e, outText, outJSON, outYAML)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		c, err := o.client()
		if err != nil {
			return err
		}
		d, err := c.GetDelivery(cmd.Context(), args[0])
		if err != nil {
			return fmt.Errorf("delivery %s: %w", args[0], err)
		}
		if o.output != outText {
			return printList(e.stdout, o.output, []model.Delivery{*d}, true)
		}
		return printDelivery(e.stdout, d)
	}
	return cmd
}

func newDeliveriesResendCommand(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "resend ID",
		Short:   "Send a delivery again, whatever its status",
		Example: `  portico deliveries resend msg_0195f0a0-1c2d-7e3f-8a4b-5c6d7e8f9a0b`,
		Args:    exactArgs("ID"),
	}
	o := addClientFlags(cmd, e)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		c, err := o.client()
		if err != nil {
			return err
		}
		if _, err := c.ResendDelivery(cmd.Context(), args[0]); err != nil {
			return fmt.Errorf("delivery %s: %w", args[0], err)
		}
		fmt.Fprintf(e.stdout, "delivery %s: queued to be sent again\n", args[0])
		return nil
	}
	return cmd
}

func printDeliveries(w io.Writer, format string, ds []model.Delivery) error {
	if format != outTable || len(ds) == 0 {
		return printList(w, format, ds, false)
	}
	t := newTable(w, "ID", "CREATED", "EXECUTION", "STATUS", "ATTEMPTS", "NEXT", "URL", "LAST ERROR")
	for _, d := range ds {
		t.row(d.ID, fmtTime(d.CreatedAt), d.ExecutionID, d.Status, strconv.Itoa(d.AttemptCount), fmtTimePtr(d.NextAttemptAt),
			truncate(d.URL, 50), truncate(d.LastError, 40))
	}
	return t.flush()
}

func printDelivery(w io.Writer, d *model.Delivery) error {
	t := newTable(w, "ID:", d.ID)
	for _, kv := range [][2]string{
		{"EXECUTION:", d.ExecutionID}, {"ENVIRONMENT:", d.Environment}, {"URL:", d.URL}, {"STATUS:", d.Status},
		{"CREATED:", fmtTime(d.CreatedAt)}, {"DELIVERED:", fmtTimePtr(d.DeliveredAt)}, {"NEXT ATTEMPT:", fmtTimePtr(d.NextAttemptAt)},
		{"LAST ERROR:", d.LastError},
	} {
		t.row(kv[0], kv[1])
	}
	if err := t.flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nAttempts (%d):\n", len(d.Attempts))
	at := newTable(w, "  AT", "HTTP", "DURATION", "ERROR")
	for _, a := range d.Attempts {
		at.row("  "+fmtTime(a.At), httpStatus(a.HTTPStatus), fmtMillis(a.DurationMS), truncate(a.Error, 80))
	}
	return at.flush()
}
