package cli

import "github.com/spf13/cobra"

// addStdHTTPFlag registers --std-http on a command that runs a runtime: the
// operator's way back to net/http's server alone, should the lean HTTP/1.1
// loop (internal/runtime/h1) ever misbehave in their setting.
func addStdHTTPFlag(cmd *cobra.Command, e *env, v *bool) {
	cmd.Flags().BoolVar(v, "std-http", e.getenv("PORTICO_STD_HTTP") == "true",
		"serve API traffic with net/http's server alone, without the lean HTTP/1.1 loop (env PORTICO_STD_HTTP=true)")
}
