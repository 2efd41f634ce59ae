package cli

import (
	"github.com/spf13/cobra"
)

// quickstartNote is honest about what quickstart does today.
const quickstartNote = "quickstart: the ERP sample (database, generated API, curl lines) arrives in a later release; for now this is 'portico serve' — apply the sample yourself with the commands below"

func newQuickstartCommand(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "quickstart",
		Short: "Start Portico for a first try (today: the control plane and a runtime, like serve)",
		Long: `Quickstart will start the control plane and a runtime with the ERP sample database and
API deployed. The sample lands in a later release; until then quickstart does what
'portico serve' does (control plane and a runtime for environment dev), and the sample
components are applied by hand from examples/erp/.`,
		Args: exactArgs(),
	}
	cfg := addServeFlags(cmd, e)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		return serve(cmd.Context(), e, cfg, quickstartNote)
	}
	return cmd
}
