package cli

import (
	"net/http"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/portico-dev/portico/internal/client"
)

// defaultServer is where the CLI looks for the control plane unless told.
const defaultServer = "http://127.0.0.1:8080"

// requestTimeout bounds one platform API call; none of the CLI's calls waits
// on purpose.
const requestTimeout = 60 * time.Second

// clientOpts are the flags every client verb takes.
type clientOpts struct {
	e      *env
	server string
	token  string
	output string
}

// addClientFlags registers --server, --token and -o on cmd. outputs lists
// the formats the command offers, the first being the default.
func addClientFlags(cmd *cobra.Command, e *env, outputs ...string) *clientOpts {
	o := &clientOpts{e: e}
	server := e.getenv("PORTICO_SERVER")
	if server == "" {
		server = defaultServer
	}
	cmd.Flags().StringVar(&o.server, "server", server, "control plane address (env PORTICO_SERVER)")
	cmd.Flags().StringVar(&o.token, "token", "", "bearer token (default: env PORTICO_TOKEN, then the token saved by 'portico login')")
	if len(outputs) > 0 {
		cmd.Flags().StringVarP(&o.output, "output", "o", outputs[0], "output format: "+strings.Join(outputs, ", "))
		allowed := outputs
		prev := cmd.PreRunE
		cmd.PreRunE = func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(o.output, allowed); err != nil {
				return err
			}
			if prev != nil {
				return prev(cmd, args)
			}
			return nil
		}
	}
	return o
}

// serverKey is the server address as the credentials file keys it.
func (o *clientOpts) serverKey() string { return strings.TrimRight(strings.TrimSpace(o.server), "/") }

// resolveToken picks the token: the flag, then PORTICO_TOKEN, then a saved
// login for this server that has not expired.
func (o *clientOpts) resolveToken() string {
	// Tokens pasted or captured with $(...) may carry a newline.
	if t := strings.TrimSpace(o.token); t != "" {
		return t
	}
	if t := strings.TrimSpace(o.e.getenv("PORTICO_TOKEN")); t != "" {
		return t
	}
	path, err := credentialsPath(o.e.getenv)
	if err != nil {
		return ""
	}
	creds, err := loadCredentials(path)
	if err != nil {
		return ""
	}
	if s, ok := creds.Servers[o.serverKey()]; ok && (s.ExpiresAt.IsZero() || time.Now().Before(s.ExpiresAt)) {
		return s.Token
	}
	return ""
}

// client returns a platform API client for these flags.
func (o *clientOpts) client() (*client.Client, error) {
	c, err := client.New(o.serverKey(), o.resolveToken(), &http.Client{Timeout: requestTimeout})
	if err != nil {
		return nil, usagef("--server: %v", err)
	}
	return c, nil
}
