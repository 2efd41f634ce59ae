package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/portico-dev/portico/internal/client"
)

func newUndeployCommand(e *env) *cobra.Command {
	var envName, apiVersion, kind string
	cmd := &cobra.Command{
		Use:   "undeploy NAME --env ENV [--api-version V]",
		Short: "Stop serving a component in an environment",
		Example: `  portico undeploy erp --env dev
  portico undeploy erp --env dev --api-version v1`,
		Args: exactArgs("NAME"),
	}
	cmd.Flags().StringVar(&envName, "env", "", "environment (required)")
	cmd.Flags().StringVar(&apiVersion, "api-version", "", "only this API version (default: all of them)")
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
		ds, err := c.Undeploy(cmd.Context(), client.UndeployRequest{Environment: envName, Component: ref, APIVersion: apiVersion})
		if err != nil {
			return fmt.Errorf("undeploy %s from %s: %w", ref, envName, err)
		}
		if o.output != outText {
			return printDeployments(e.stdout, o.output, ds)
		}
		if len(ds) == 0 {
			fmt.Fprintf(e.stdout, "%s was not deployed in %s (unchanged)\n", ref, envName)
		}
		for _, d := range ds {
			fmt.Fprintf(e.stdout, "undeployed %s@%s from %s%s (snapshot revision %d)\n",
				d.Component, d.Version, d.Environment, apiVersionNote(&d), d.SnapshotRevision)
		}
		return nil
	}
	return cmd
}
