package cli

import (
	"context"

	"github.com/spf13/cobra"
)

func serve(ctx context.Context, e *env, cfg *serveConfig, note string) error { return nil }
func newServeCommand(e *env) *cobra.Command {
	cmd := &cobra.Command{Use: "serve"}
	cfg := addServeFlags(cmd, e)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error { return serve(cmd.Context(), e, cfg, "") }
	return cmd
}
