package platform

import (
	"context"
	"errors"

	"github.com/portico-dev/portico/internal/model"
)

// redactEnv returns a copy of env fit for any reader: its webhook secret
// shows as RedactedSecret.
func redactEnv(env *model.Environment) *model.Environment {
	cp := *env
	cp.Spec = model.RedactEnvironmentSpec(env.Spec)
	return &cp
}

// keepEnvSecrets replaces a webhook secret sent back as RedactedSecret (what
// `portico get environment` shows) with the stored one, so that a setup read
// and applied again keeps its secret.
func (s *Server) keepEnvSecrets(ctx context.Context, envs ...*model.Environment) error {
	for _, env := range envs {
		x := env.Spec.Executions
		if x == nil || x.WebhookSecret != model.RedactedSecret {
			continue
		}
		cur, err := s.store.GetEnvironment(ctx, env.Name)
		if err != nil && !errors.Is(err, model.ErrNotFound) {
			return err
		}
		if cur == nil || cur.Spec.Executions == nil || cur.Spec.Executions.WebhookSecret == "" {
			return model.Invalidf("spec.executions.webhookSecret", "%q keeps the stored secret, and environment %s has none: give the secret", model.RedactedSecret, env.Name)
		}
		x.WebhookSecret = cur.Spec.Executions.WebhookSecret
	}
	return nil
}
