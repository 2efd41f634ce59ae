package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/portico-dev/portico/internal/client"
	"github.com/portico-dev/portico/internal/model"
)

// newExecutionsCommand groups the verbs that read execution records.
func newExecutionsCommand(e *env) *cobra.Command {
	cmd := groupCommand("executions", "List and show process executions")
	cmd.Aliases = []string{"execution"}
	cmd.AddCommand(newExecutionsListCommand(e), newExecutionsGetCommand(e), newExecutionsResultCommand(e), newExecutionsCancelCommand(e))
	return cmd
}

// executionFlags are the filters of `executions list`, as typed.
type executionFlags struct {
	env, process, api, status, since, until string
	limit                                   int
}

// query checks the flags and turns them into a query; now anchors
// relative times such as "1h".
func (f executionFlags) query(now time.Time) (client.ExecutionQuery, error) {
	q := client.ExecutionQuery{Environment: f.env, Process: f.process, API: f.api, Status: strings.ToUpper(f.status)}
	if q.Status != "" && !slices.Contains(model.ExecutionStatuses, q.Status) {
		return q, usagef("--status: unknown status %q (want one of %s)", f.status, strings.Join(model.ExecutionStatuses, ", "))
	}
	var err error
	if q.Since, err = pastTime("since", f.since, now); err != nil {
		return q, err
	}
	if q.Until, err = pastTime("until", f.until, now); err != nil {
		return q, err
	}
	if !q.Since.IsZero() && !q.Until.IsZero() && !q.Since.Before(q.Until) {
		return q, usagef("--since must be before --until")
	}
	if f.limit < 0 {
		return q, usagef("--limit must be 0 (all) or more")
	}
	return q, nil
}

// pastTime reads a time flag: an RFC 3339 time, or how long ago as a Go
// duration ("90m", "1h30m") or in days ("7d"). Empty is the zero time.
func pastTime(flag, v string, now time.Time) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t, nil
	}
	var ago time.Duration
	if days, ok := strings.CutSuffix(v, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil {
			return time.Time{}, usagef("--%s: %q is neither a duration (1h, 30m, 7d) nor an RFC 3339 time", flag, v)
		}
		ago = time.Duration(n) * 24 * time.Hour
	} else {
		d, err := time.ParseDuration(v)
		if err != nil {
			return time.Time{}, usagef("--%s: %q is neither a duration (1h, 30m, 7d) nor an RFC 3339 time", flag, v)
		}
		ago = d
	}
	if ago < 0 {
		return time.Time{}, usagef("--%s: %q lies in the future; give how long ago", flag, v)
	}
	return now.Add(-ago), nil
}

func newExecutionsListCommand(e *env) *cobra.Command {
	var f executionFlags
	cmd := &cobra.Command{
		Use:   "list [--env ENV] [--process NAME] [--api NAME] [--status STATUS] [--since 1h|TIME] [--until TIME]",
		Short: "List executions, newest first",
		Example: `  portico executions list --env dev --since 1h
  portico executions list --process getCustomer --status error -o json`,
		Args: exactArgs(),
	}
	cmd.Flags().StringVar(&f.env, "env", "", "only this environment")
	cmd.Flags().StringVar(&f.process, "process", "", "only this process")
	cmd.Flags().StringVar(&f.api, "api", "", "only this API")
	cmd.Flags().StringVar(&f.status, "status", "", "only this status: "+strings.Join(model.ExecutionStatuses, ", "))
	cmd.Flags().StringVar(&f.since, "since", "", "started at or after: how long ago (30m, 1h, 7d) or an RFC 3339 time")
	cmd.Flags().StringVar(&f.until, "until", "", "started before: how long ago or an RFC 3339 time")
	cmd.Flags().IntVar(&f.limit, "limit", 50, "show at most this many (0: all)")
	o := addClientFlags(cmd, e, outTable, outJSON, outYAML)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		q, err := f.query(time.Now())
		if err != nil {
			return err
		}
		c, err := o.client()
		if err != nil {
			return err
		}
		var xs []model.Execution
		opts := client.ListOptions{}
		for {
			opts.Limit = 500
			if f.limit > 0 {
				opts.Limit = min(500, f.limit-len(xs))
			}
			p, err := c.ListExecutions(cmd.Context(), q, opts)
			if err != nil {
				return err
			}
			xs = append(xs, p.Items...)
			if p.NextCursor == "" || len(p.Items) == 0 || (f.limit > 0 && len(xs) >= f.limit) {
				break
			}
			opts.Cursor = p.NextCursor
		}
		return printExecutions(e.stdout, o.output, xs)
	}
	return cmd
}

func newExecutionsGetCommand(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "get ID",
		Short:   "Show one execution with its input and output documents",
		Example: `  portico executions get 0195f0a0-1c2d-7e3f-8a4b-5c6d7e8f9a0b -o yaml`,
		Args:    exactArgs("ID"),
	}
	o := addClientFlags(cmd, e, outText, outJSON, outYAML)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		c, err := o.client()
		if err != nil {
			return err
		}
		x, err := c.GetExecution(cmd.Context(), args[0])
		if err != nil {
			return fmt.Errorf("execution %s: %w", args[0], err)
		}
		if o.output != outText {
			return printList(e.stdout, o.output, []model.Execution{*x}, true)
		}
		return printExecution(e.stdout, x)
	}
	return cmd
}

// printExecutions writes execution records, newest first.
func printExecutions(w io.Writer, format string, xs []model.Execution) error {
	if format != outTable || len(xs) == 0 {
		return printList(w, format, xs, false)
	}
	t := newTable(w, "ID", "STARTED", "ENVIRONMENT", "PROCESS", "API", "STATUS", "HTTP", "DURATION", "IN/OUT", "ERROR")
	for _, x := range xs {
		t.row(x.ID, fmtTime(x.StartedAt), x.Environment, x.Process, x.API, x.Status, httpStatus(x.HTTPStatus),
			fmtMillis(x.DurationMS), fmt.Sprintf("%d/%d", x.InputDocs, x.OutputDocs), truncate(x.Error, 40))
	}
	return t.flush()
}

// printExecution writes one record for people, its documents indented.
func printExecution(w io.Writer, x *model.Execution) error {
	t := newTable(w, "ID:", x.ID)
	api := x.API
	if api != "" && x.APIVersion != "" {
		api += " " + x.APIVersion
	}
	status := x.Status
	if x.HTTPStatus != 0 {
		status += " (HTTP " + strconv.Itoa(x.HTTPStatus) + ")"
	}
	for _, kv := range [][2]string{
		{"ENVIRONMENT:", x.Environment}, {"PROCESS:", x.Process}, {"API:", api}, {"ENDPOINT:", x.Endpoint},
		{"TRIGGER:", strings.TrimSpace(x.Trigger + " " + modeNote(x.Mode))}, {"STATUS:", status}, {"ERROR:", x.Error},
		{"USER:", x.User}, {"RUNTIME:", x.Runtime}, {"STARTED:", fmtTime(x.StartedAt)}, {"ENDED:", fmtTimePtr(x.EndedAt)},
		{"DURATION:", fmtMillis(x.DurationMS)},
	} {
		t.row(kv[0], kv[1])
	}
	if err := t.flush(); err != nil {
		return err
	}
	for _, d := range []struct {
		name string
		n    int
		doc  json.RawMessage
	}{{"Input", x.InputDocs, x.Input}, {"Output", x.OutputDocs, x.Output}} {
		note := ""
		if x.Truncated {
			note = ", truncated"
		}
		if _, err := fmt.Fprintf(w, "\n%s (%s%s):\n%s\n", d.name, plural(d.n, "document"), note, prettyJSON(d.doc)); err != nil {
			return err
		}
	}
	return nil
}

// prettyJSON indents a document for reading; none reads "(not recorded)".
func prettyJSON(doc json.RawMessage) string {
	if len(doc) == 0 {
		return "  (not recorded)"
	}
	var b bytes.Buffer
	if err := json.Indent(&b, doc, "  ", "  "); err != nil {
		return "  " + string(doc)
	}
	return "  " + b.String()
}

func modeNote(mode string) string {
	if mode == "" {
		return ""
	}
	return "(" + mode + ")"
}

func httpStatus(code int) string {
	if code == 0 {
		return ""
	}
	return strconv.Itoa(code)
}

// fmtMillis writes a duration given in milliseconds.
func fmtMillis(ms float64) string {
	return time.Duration(ms * float64(time.Millisecond)).Round(time.Microsecond).String()
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}
