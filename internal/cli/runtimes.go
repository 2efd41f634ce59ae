package cli

import (
	"io"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/portico-dev/portico/internal/model"
)

func newRuntimesCommand(e *env) *cobra.Command {
	var envName string
	cmd := &cobra.Command{
		Use:   "runtimes [--env ENV]",
		Short: "List the runtimes: status, the snapshot revision each serves, when last seen",
		Example: `  portico runtimes
  portico runtimes --env prod -o json`,
		Args: rangeArgs(0, 0, ""),
	}
	cmd.Flags().StringVar(&envName, "env", "", "only this environment")
	o := addClientFlags(cmd, e, outTable, outJSON, outYAML)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		c, err := o.client()
		if err != nil {
			return err
		}
		rs, err := c.ListRuntimes(cmd.Context(), envName)
		if err != nil {
			return err
		}
		return printRuntimes(e.stdout, o.output, rs)
	}
	return cmd
}

// printRuntimes writes runtimes as the control plane last heard of them.
func printRuntimes(w io.Writer, format string, rs []model.RuntimeInstance) error {
	if format != outTable || len(rs) == 0 {
		return printList(w, format, rs, false)
	}
	t := newTable(w, "ID", "ENVIRONMENT", "STATUS", "READY", "SNAPSHOT", "ADDRESS", "VERSION", "LAST-SEEN", "STARTED")
	for _, r := range rs {
		t.row(r.ID, r.Environment, r.Status, yesNo(r.Ready), strconv.FormatInt(r.Revision, 10), r.Address, r.Version,
			fmtTime(r.LastSeen), fmtTime(r.StartedAt))
	}
	return t.flush()
}
