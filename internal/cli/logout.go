package cli

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newLogoutCommand(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "logout",
		Short: "Revoke and forget the session token saved for this server",
		Args:  exactArgs(),
	}
	o := addClientFlags(cmd, e)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		path, err := credentialsPath(e.getenv)
		if err != nil {
			return err
		}
		creds, err := loadCredentials(path)
		if err != nil {
			return err
		}
		saved, ok := creds.Servers[o.serverKey()]
		if !ok {
			fmt.Fprintf(e.stdout, "not signed in to %s\n", o.serverKey())
			return nil
		}
		c, err := o.client()
		if err != nil {
			return err
		}
		// Revoke on the server first, but forget the token locally even when
		// the server is gone: logging out must always work.
		c = c.WithToken(saved.Token)
		if id, err := c.Whoami(cmd.Context()); err == nil {
			if err := c.RevokeToken(cmd.Context(), id.TokenID); err != nil {
				fmt.Fprintf(e.stderr, "warning: could not revoke the session on the server: %v\n", err)
			}
		}
		delete(creds.Servers, o.serverKey())
		if err := creds.save(path); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "signed out of %s\n", o.serverKey())
		return nil
	}
	return cmd
}
