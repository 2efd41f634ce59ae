package cli

import (
	"github.com/spf13/cobra"

	"github.com/portico-dev/portico/internal/client"
)

func newDeploymentsCommand(e *env) *cobra.Command {
	var envName, kind string
	var history bool
	cmd := &cobra.Command{
		Use:   "deployments [NAME] [--env ENV] [--history]",
		Short: "List what is deployed where, or the deployment history",
		Example: `  portico deployments
  portico deployments --env dev --history
  portico deployments erp --env prod --history -o json`,
		Args: rangeArgs(0, 1, "[NAME]"),
	}
	cmd.Flags().StringVar(&envName, "env", "", "only this environment")
	cmd.Flags().BoolVar(&history, "history", false, "every deploy, rollback and undeploy, newest first")
	cmd.Flags().StringVar(&kind, "kind", "", "api, proxy or process, when NAME alone is ambiguous")
	o := addClientFlags(cmd, e, outTable, outJSON, outYAML)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		c, err := o.client()
		if err != nil {
			return err
		}
		q := client.DeploymentQuery{Environment: envName, History: history}
		if len(args) == 1 {
			ref, err := resolveRoot(cmd.Context(), c, args[0], kind)
			if err != nil {
				return err
			}
			q.Component = &ref
		}
		ds, err := c.AllDeployments(cmd.Context(), q)
		if err != nil {
			return err
		}
		return printDeployments(e.stdout, o.output, ds)
	}
	return cmd
}
