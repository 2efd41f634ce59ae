package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/portico-dev/portico/internal/client"
	"github.com/portico-dev/portico/internal/model"
)

func newDeployCommand(e *env) *cobra.Command {
	var envName, kind string
	cmd := &cobra.Command{
		Use:   "deploy NAME[@VERSION] --env ENV",
		Short: "Make a package active in an environment",
		Long: `Deploy makes a package active in an environment, replacing the package of the same
component and API version active there (other API versions stay live). Without @VERSION
the newest package is deployed.`,
		Example: `  portico deploy erp@1.0.0 --env dev
  portico deploy api/erp --env prod`,
		Args: exactArgs("NAME[@VERSION]"),
	}
	cmd.Flags().StringVar(&envName, "env", "", "environment (required)")
	cmd.Flags().StringVar(&kind, "kind", "", "api, proxy or process, when NAME alone is ambiguous")
	o := addClientFlags(cmd, e, outText, outJSON, outYAML)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if err := requireFlags(cmd, "env"); err != nil {
			return err
		}
		name, version, err := splitNameVersion(args[0])
		if err != nil {
			return err
		}
		c, err := o.client()
		if err != nil {
			return err
		}
		ref, err := resolveRoot(cmd.Context(), c, name, kind)
		if err != nil {
			return err
		}
		d, changed, err := c.Deploy(cmd.Context(), client.DeployRequest{Environment: envName, Component: &ref, Version: version})
		if err != nil {
			return fmt.Errorf("deploy %s to %s: %w", nameAt(ref, version), envName, err)
		}
		if o.output != outText {
			return printDeployment(e, o.output, d)
		}
		if !changed {
			fmt.Fprintf(e.stdout, "%s@%s is already active in %s (unchanged)\n", d.Component, d.Version, d.Environment)
			return nil
		}
		fmt.Fprintf(e.stdout, "deployed %s@%s to %s%s (snapshot revision %d)\n",
			d.Component, d.Version, d.Environment, apiVersionNote(d), d.SnapshotRevision)
		return nil
	}
	return cmd
}

// nameAt writes ref@version, or ref alone when version is empty.
func nameAt(ref model.Ref, version string) string {
	if version == "" {
		return ref.String()
	}
	return ref.String() + "@" + version
}

// apiVersionNote names the API version a deployment serves, if any.
func apiVersionNote(d *model.Deployment) string {
	if d.APIVersion == "" {
		return ""
	}
	return " as API version " + d.APIVersion
}

// printDeployment writes one deployment as JSON or YAML.
func printDeployment(e *env, format string, d *model.Deployment) error {
	if format == outJSON {
		return writeJSON(e.stdout, d)
	}
	return writeYAMLDocs(e.stdout, []*model.Deployment{d})
}
