package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/portico-dev/portico/internal/client"
	"github.com/portico-dev/portico/internal/model"
)

// newEnvCommand groups the environment verbs; environments can also be
// applied as YAML documents of kind Environment.
func newEnvCommand(e *env) *cobra.Command {
	cmd := groupCommand("env", "Create, list, show and delete environments")
	cmd.Aliases = []string{"environments"}
	cmd.AddCommand(newEnvCreateCommand(e),
		newNamedListCommand(e, "List environments", (*client.Client).AllEnvironments, printEnvironments),
		newNamedGetCommand(e, "Show an environment", (*client.Client).GetEnvironment, printEnvironments),
		newNamedDeleteCommand(e, "environment", "NAME", "Delete an environment with nothing deployed", (*client.Client).DeleteEnvironment))
	return cmd
}

func newEnvCreateCommand(e *env) *cobra.Command {
	var description, publicURL string
	cmd := &cobra.Command{
		Use:     "create NAME [--description TEXT] [--public-url URL]",
		Short:   "Create an environment",
		Example: `  portico env create prod --public-url https://api.example.com`,
		Args:    exactArgs("NAME"),
	}
	cmd.Flags().StringVar(&description, "description", "", "what the environment is for")
	cmd.Flags().StringVar(&publicURL, "public-url", "", "address callers use to reach its runtimes")
	o := addClientFlags(cmd, e, outText, outJSON, outYAML)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		want := &model.Environment{Name: args[0], Description: description, Spec: model.EnvironmentSpec{PublicURL: publicURL}}
		if err := want.Validate(); err != nil {
			return &usageError{err: err}
		}
		c, err := o.client()
		if err != nil {
			return err
		}
		env, err := c.CreateEnvironment(cmd.Context(), want)
		if err != nil {
			return fmt.Errorf("create environment %s: %w", want.Name, err)
		}
		if o.output != outText {
			return printEnvironments(e.stdout, o.output, []model.Environment{*env}, true)
		}
		fmt.Fprintf(e.stdout, "environment/%s created\n", env.Name)
		return nil
	}
	return cmd
}
