package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/portico-dev/portico/internal/model"
)

// newEnvCommand groups the environment verbs; environments can also be
// applied as YAML documents of kind Environment.
func newEnvCommand(e *env) *cobra.Command {
	cmd := groupCommand("env", "Create, list, show and delete environments")
	cmd.Aliases = []string{"environments"}
	cmd.AddCommand(newEnvCreateCommand(e), newEnvListCommand(e), newEnvGetCommand(e), newEnvDeleteCommand(e))
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

func newEnvListCommand(e *env) *cobra.Command {
	cmd := &cobra.Command{Use: "list", Short: "List environments", Args: exactArgs()}
	o := addClientFlags(cmd, e, outTable, outJSON, outYAML)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		c, err := o.client()
		if err != nil {
			return err
		}
		envs, err := c.AllEnvironments(cmd.Context())
		if err != nil {
			return err
		}
		return printEnvironments(e.stdout, o.output, envs, false)
	}
	return cmd
}

func newEnvGetCommand(e *env) *cobra.Command {
	cmd := &cobra.Command{Use: "get NAME", Short: "Show an environment", Args: exactArgs("NAME")}
	o := addClientFlags(cmd, e, outTable, outJSON, outYAML)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		c, err := o.client()
		if err != nil {
			return err
		}
		env, err := c.GetEnvironment(cmd.Context(), args[0])
		if err != nil {
			return err
		}
		return printEnvironments(e.stdout, o.output, []model.Environment{*env}, true)
	}
	return cmd
}

func newEnvDeleteCommand(e *env) *cobra.Command {
	cmd := &cobra.Command{Use: "delete NAME", Short: "Delete an environment with nothing deployed", Args: exactArgs("NAME")}
	o := addClientFlags(cmd, e)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		c, err := o.client()
		if err != nil {
			return err
		}
		if err := c.DeleteEnvironment(cmd.Context(), args[0]); err != nil {
			return fmt.Errorf("delete environment %s: %w", args[0], err)
		}
		fmt.Fprintf(e.stdout, "environment/%s deleted\n", args[0])
		return nil
	}
	return cmd
}
