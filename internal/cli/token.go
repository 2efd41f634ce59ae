package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/portico-dev/portico/internal/client"
	"github.com/portico-dev/portico/internal/model"
)

// newTokenCommand groups the verbs of long-lived API tokens (for CI and
// runtimes).
func newTokenCommand(e *env) *cobra.Command {
	cmd := groupCommand("token", "Create, list and revoke platform API tokens")
	cmd.Aliases = []string{"tokens"}
	cmd.AddCommand(newTokenCreateCommand(e), newTokenListCommand(e), newTokenRevokeCommand(e))
	return cmd
}

func newTokenCreateCommand(e *env) *cobra.Command {
	var name, role string
	var expires time.Duration
	cmd := &cobra.Command{
		Use:   "create --name NAME --role ROLE [--expires 720h]",
		Short: "Create a long-lived token (its value is printed once)",
		Long: `Create makes a token of your own user for automation. Its role is at most yours:
admin, publisher, operator, viewer, or runtime (for standalone runtimes). The value is
printed once; the control plane keeps only its hash.`,
		Example: `  portico token create --name ci --role publisher --expires 720h
  export PORTICO_TOKEN=$(portico token create --name ci --role publisher -o value)`,
		Args: exactArgs(),
	}
	cmd.Flags().StringVar(&name, "name", "", "what the token is for (required)")
	cmd.Flags().StringVar(&role, "role", "", "admin, publisher, operator, viewer or runtime (required)")
	cmd.Flags().DurationVar(&expires, "expires", 0, "lifetime, e.g. 720h (default: never expires)")
	o := addClientFlags(cmd, e, outText, "value", outJSON, outYAML)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if err := requireFlags(cmd, "name", "role"); err != nil {
			return err
		}
		r, err := model.ParseRole(role)
		if err != nil {
			return &usageError{err: err}
		}
		if expires < 0 {
			return usagef("--expires must be positive")
		}
		req := client.CreateTokenRequest{Name: name, Role: r}
		if expires > 0 {
			req.ExpiresIn = expires.String()
		}
		c, err := o.client()
		if err != nil {
			return err
		}
		t, err := c.CreateToken(cmd.Context(), req)
		if err != nil {
			return fmt.Errorf("create token %s: %w", name, err)
		}
		switch o.output {
		case "value":
			fmt.Fprintln(e.stdout, t.Token)
			return nil
		case outJSON:
			return writeJSON(e.stdout, t)
		case outYAML:
			return writeYAMLDocs(e.stdout, []*client.CreatedToken{t})
		}
		exp := "never expires"
		if t.ExpiresAt != nil {
			exp = "expires " + fmtTime(*t.ExpiresAt)
		}
		fmt.Fprintf(e.stdout, "token %q created (id %s, role %s, %s)\n", t.Name, t.ID, t.Role, exp)
		fmt.Fprintf(e.stdout, "token: %s\n", t.Token)
		fmt.Fprintln(e.stdout, "This value is shown once; use it as PORTICO_TOKEN or Authorization: Bearer ...")
		return nil
	}
	return cmd
}

func newTokenListCommand(e *env) *cobra.Command {
	var user string
	cmd := &cobra.Command{
		Use:   "list [--user NAME]",
		Short: "List tokens: your own (admins: everyone's, or --user's)",
		Args:  exactArgs(),
	}
	cmd.Flags().StringVar(&user, "user", "", "only this user's tokens (admins only)")
	o := addClientFlags(cmd, e, outTable, outJSON, outYAML)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		c, err := o.client()
		if err != nil {
			return err
		}
		ts, err := c.AllTokens(cmd.Context(), user)
		if err != nil {
			return err
		}
		return printTokens(e.stdout, o.output, ts)
	}
	return cmd
}

func newTokenRevokeCommand(e *env) *cobra.Command {
	cmd := &cobra.Command{Use: "revoke ID", Short: "Revoke a token", Args: exactArgs("ID")}
	o := addClientFlags(cmd, e)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		c, err := o.client()
		if err != nil {
			return err
		}
		if err := c.RevokeToken(cmd.Context(), args[0]); err != nil {
			return fmt.Errorf("revoke token %s: %w", args[0], err)
		}
		fmt.Fprintf(e.stdout, "token %s revoked\n", args[0])
		return nil
	}
	return cmd
}
