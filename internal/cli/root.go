package cli

import (
	"github.com/spf13/cobra"
)

// newRootCommand builds the whole command tree for one run.
func newRootCommand(e *env) *cobra.Command {
	root := groupCommand("portico", "Portico: API management in one binary")
	root.Long = `Portico is an API management platform in one binary.

Start the control plane with 'portico serve' (or 'portico quickstart'), sign in with
'portico login', then 'apply' components, 'package' a release and 'deploy' it.`
	root.SilenceErrors = true
	root.SilenceUsage = true
	root.SetIn(e.stdin)
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{err: err} })
	root.CompletionOptions.HiddenDefaultCmd = true
	root.RunE = rootRunE(root.RunE)

	root.AddCommand(
		newServeCommand(e),
		newQuickstartCommand(e),
		newGenCommand(e),
		newRuntimeCommand(e),
		newLoginCommand(e),
		newLogoutCommand(e),
		newApplyCommand(e),
		newGetCommand(e),
		newDeleteCommand(e),
		newPackageCommand(e),
		newDeployCommand(e),
		newUndeployCommand(e),
		newRollbackCommand(e),
		newDeploymentsCommand(e),
		newRuntimesCommand(e),
		newExecutionsCommand(e),
		newDeliveriesCommand(e),
		newEnvCommand(e),
		newTokenCommand(e),
		newUsersCommand(e),
		newAppsCommand(e),
		newPlansCommand(e),
		newConsumersCommand(e, "consumers"),
		newAuditCommand(e),
		newVersionCommand(e),
	)
	return root
}

// rootRunE shows the help for a bare `portico` instead of an error.
func rootRunE(next func(*cobra.Command, []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return cmd.Help()
		}
		return next(cmd, args)
	}
}
