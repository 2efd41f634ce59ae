package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/portico-dev/portico/internal/client"
)

func newRollbackCommand(e *env) *cobra.Command {
	var envName, to, apiVersion, kind string
	cmd := &cobra.Command{
		Use:   "rollback NAME --env ENV [--to VERSION]",
		Short: "Go back to a package deployed earlier in an environment",
		Long: `Rollback re-deploys an earlier package of a component in an environment: without --to,
the package that was active before the current one; with --to, that version, which must
have been deployed in this environment before.`,
		Example: `  portico rollback erp --env dev
  portico rollback erp --env prod --to 1.0.0 --api-version v1`,
		Args: exactArgs("NAME"),
	}
	cmd.Flags().StringVar(&envName, "env", "", "environment (required)")
	cmd.Flags().StringVar(&to, "to", "", "package version to go back to (default: the previous one)")
	cmd.Flags().StringVar(&apiVersion, "api-version", "", "API version whose slot to roll back, when several are live")
	cmd.Flags().StringVar(&kind, "kind", "", "api, proxy or process, when NAME alone is ambiguous")
	o := addClientFlags(cmd, e, outText, outJSON, outYAML)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if err := requireFlags(cmd, "env"); err != nil {
			return err
		}
		c, err := o.client()
		if err != nil {
			return err
		}
		ref, err := resolveRoot(cmd.Context(), c, args[0], kind)
		if err != nil {
			return err
		}
		d, err := c.Rollback(cmd.Context(), client.RollbackRequest{Environment: envName, Component: ref, ToVersion: to, APIVersion: apiVersion})
		if err != nil {
			return fmt.Errorf("rollback %s in %s: %w", ref, envName, err)
		}
		if o.output != outText {
			return printDeployment(e, o.output, d)
		}
		fmt.Fprintf(e.stdout, "rolled back %s in %s to %s%s (snapshot revision %d)\n",
			d.Component, d.Environment, d.Version, apiVersionNote(d), d.SnapshotRevision)
		return nil
	}
	return cmd
}
