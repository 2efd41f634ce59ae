package cli

import (
	"context"
	"time"

	"github.com/spf13/cobra"

	"github.com/portico-dev/portico/internal/store"
)

// quickstartTimeout bounds setting the sample up: the database, the apply,
// the package, the deployment and the runtime loading it.
const quickstartTimeout = 90 * time.Second

func newQuickstartCommand(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "quickstart",
		Short: "Start Portico with the ERP sample API deployed (serve plus the sample)",
		Long: `Quickstart does what 'portico serve' does (control plane and a runtime for environment
dev, same flags) and then sets up the ERP sample:

  - the SQLite database erp.db in --data (customers, products, orders, order_lines;
    about a thousand rows), unless it is there already;
  - the connection erp and, generated from the tables as 'portico gen db' does, the
    CRUD processes and the REST API erp (base erp, version v1);
  - the package 1.0.0 of api/erp, deployed to dev.

It waits until the runtime serves the API and prints its URLs (API, OpenAPI, docs) and
curl lines to paste. Running it again changes nothing: existing rows, components that
differ from the generated ones, and a package 1.0.0 already made are kept as they are.`,
		Example: `  portico quickstart
  portico quickstart --listen 127.0.0.1:8081 --gateway-listen 127.0.0.1:9091 --data /tmp/portico`,
		Args: exactArgs(),
	}
	cfg := addServeFlags(cmd, e)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		return serve(cmd.Context(), e, cfg, func(ctx context.Context, s *started) error {
			rep, err := setupSample(ctx, s)
			if err != nil {
				return err
			}
			printQuickstart(e, s, rep)
			return nil
		})
	}
	return cmd
}

// startHook runs once serve's control plane and runtime are up.
type startHook func(ctx context.Context, s *started) error

// started is what serve hands its start hook.
type started struct {
	store       store.Store
	cfg         *serveConfig
	platformURL string // http://host:port to dial (loopback for a wildcard address)
	gatewayURL  string // the runtime's shared web server, likewise
	generated   string // the admin password, when this start generated it
}

// runStartHook runs hook with a time limit. Ctrl+C while it runs is a normal
// stop, not an error.
func runStartHook(ctx context.Context, hook startHook, s *started) error {
	hctx, cancel := context.WithTimeout(ctx, quickstartTimeout)
	defer cancel()
	err := hook(hctx, s)
	if ctx.Err() != nil {
		return nil
	}
	return err
}
