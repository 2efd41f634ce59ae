package cli

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newLoginCommand(e *env) *cobra.Command {
	var username string
	var passwordStdin bool
	cmd := &cobra.Command{
		Use:   "login [--username NAME] [--password-stdin]",
		Short: "Sign in and save a session token for this server",
		Long: `Login signs in to a control plane and saves the session token (valid 12 hours) in
$XDG_CONFIG_HOME/portico/credentials.json (or ~/.config/portico/credentials.json), readable
by you only. Later commands against the same --server use it unless --token or
PORTICO_TOKEN is given.`,
		Example: `  portico login --username admin
  echo "$PASSWORD" | portico login --username admin --password-stdin`,
		Args: exactArgs(),
	}
	cmd.Flags().StringVarP(&username, "username", "u", "admin", "user to sign in as")
	cmd.Flags().BoolVar(&passwordStdin, "password-stdin", false, "read the password from stdin")
	o := addClientFlags(cmd, e)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		c, err := o.client()
		if err != nil {
			return err
		}
		pw, err := readPassword(e, fmt.Sprintf("Password for %s at %s: ", username, c.BaseURL()), passwordStdin, false)
		if err != nil {
			return err
		}
		s, err := c.SignIn(cmd.Context(), username, pw)
		if err != nil {
			return fmt.Errorf("sign in as %s: %w", username, err)
		}
		path, err := credentialsPath(e.getenv)
		if err != nil {
			return err
		}
		creds, err := loadCredentials(path)
		if err != nil {
			return err
		}
		creds.Servers[o.serverKey()] = savedLogin{Username: s.Username, Token: s.Token, ExpiresAt: s.ExpiresAt}
		if err := creds.save(path); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "signed in to %s as %s (role %s) until %s\n", c.BaseURL(), s.Username, s.Role, fmtTime(s.ExpiresAt))
		return nil
	}
	return cmd
}
