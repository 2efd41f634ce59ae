package model

import (
	"encoding/base64"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// ExecutionSettings tune the executions that outlive their request in an
// environment: X-Max-Wait, async endpoints, their kept results and their
// webhooks. The zero value is usable: every field has a default.
type ExecutionSettings struct {
	// MaxWaitMS caps X-Max-Wait (DefaultMaxWaitMS when zero).
	MaxWaitMS int `json:"maxWaitMs,omitempty"`
	// ResultRetention is how long the result of an execution that answered
	// 202 is kept for polling, a Go duration (DefaultResultRetention).
	ResultRetention string `json:"resultRetention,omitempty"`
	// ResultMaxBytes caps a kept result's body (DefaultResultMaxBytes, at
	// most MaxResultBytes); a bigger result is not kept, only its status.
	ResultMaxBytes int `json:"resultMaxBytes,omitempty"`
	// WebhookSecret signs webhook deliveries (Standard Webhooks): "whsec_"
	// and the base64 of 24 to 64 random bytes. Deliveries are unsigned
	// without one.
	WebhookSecret Secret `json:"webhookSecret,omitempty"`
	// CallbackHosts are the hosts webhooks may be sent to: "hooks.example.com",
	// "*.example.com" (any subdomain) or "*" (any host). None: no callback
	// is accepted.
	CallbackHosts []string `json:"callbackHosts,omitempty"`
	// AllowPrivateCallbacks lets webhooks reach loopback, private and
	// link-local addresses, which are refused otherwise even when a host
	// pattern matches (a name may resolve to one).
	AllowPrivateCallbacks bool `json:"allowPrivateCallbacks,omitempty"`
	// DeliveryHorizon is how long a webhook delivery is retried before it
	// is given up, a Go duration (DefaultDeliveryHorizon).
	DeliveryHorizon string `json:"deliveryHorizon,omitempty"`
	// PlatformURL is the platform API's address as callers reach it, for
	// the status link of a 202; the runtime's control-plane address when
	// empty.
	PlatformURL string `json:"platformURL,omitempty"`
	// QueueLease is how long a runtime holds a queued async execution
	// without renewing its lease, a Go duration (DefaultQueueLease, at
	// least MinQueueLease): once it passes, another runtime of the
	// environment takes the work over.
	QueueLease string `json:"queueLease,omitempty"`
}

// Defaults and bounds of ExecutionSettings.
const (
	DefaultMaxWaitMS       = 60_000
	MaxMaxWaitMS           = 3_600_000
	DefaultResultRetention = 24 * time.Hour
	DefaultResultMaxBytes  = 1 << 20
	MaxResultBytes         = 2 << 20
	DefaultDeliveryHorizon = 24 * time.Hour
	DefaultQueueLease      = 30 * time.Second
	MinQueueLease          = time.Second
	MaxQueueLease          = time.Hour
	// WebhookSecretPrefix starts every webhook secret.
	WebhookSecretPrefix = "whsec_"
)

// MaxWait returns the X-Max-Wait cap; s may be nil.
func (s *ExecutionSettings) MaxWait() time.Duration {
	if s == nil || s.MaxWaitMS <= 0 {
		return DefaultMaxWaitMS * time.Millisecond
	}
	return time.Duration(min(s.MaxWaitMS, MaxMaxWaitMS)) * time.Millisecond
}

// Retention returns how long results are kept; s may be nil.
func (s *ExecutionSettings) Retention() time.Duration {
	if s == nil {
		return DefaultResultRetention
	}
	return durationOr(s.ResultRetention, DefaultResultRetention)
}

// ResultLimit returns the most body bytes a kept result holds; s may be nil.
func (s *ExecutionSettings) ResultLimit() int {
	if s == nil || s.ResultMaxBytes <= 0 {
		return DefaultResultMaxBytes
	}
	return min(s.ResultMaxBytes, MaxResultBytes)
}

// Horizon returns how long deliveries are retried; s may be nil.
func (s *ExecutionSettings) Horizon() time.Duration {
	if s == nil {
		return DefaultDeliveryHorizon
	}
	return durationOr(s.DeliveryHorizon, DefaultDeliveryHorizon)
}

// Lease returns how long a runtime holds queued work between renewals;
// s may be nil.
func (s *ExecutionSettings) Lease() time.Duration {
	if s == nil {
		return DefaultQueueLease
	}
	return min(max(durationOr(s.QueueLease, DefaultQueueLease), MinQueueLease), MaxQueueLease)
}

// WebhookKey decodes the webhook secret; nil when none is set.
func (s *ExecutionSettings) WebhookKey() []byte {
	if s == nil || s.WebhookSecret == "" {
		return nil
	}
	k, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(s.WebhookSecret.Reveal(), WebhookSecretPrefix))
	if err != nil {
		return nil
	}
	return k
}

func durationOr(v string, def time.Duration) time.Duration {
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return def
	}
	return d
}

// validate adds the settings' errors under path.
func (s *ExecutionSettings) validate(e *errs, path string) {
	if s == nil {
		return
	}
	if s.MaxWaitMS < 0 || s.MaxWaitMS > MaxMaxWaitMS {
		e.add(path+".maxWaitMs", "must be between 0 and %d", MaxMaxWaitMS)
	}
	if s.ResultMaxBytes < 0 || s.ResultMaxBytes > MaxResultBytes {
		e.add(path+".resultMaxBytes", "must be between 0 and %d", MaxResultBytes)
	}
	if v := s.QueueLease; v != "" {
		if d, err := time.ParseDuration(v); err != nil || d < MinQueueLease || d > MaxQueueLease {
			e.add(path+".queueLease", "%q is not a Go duration between 1s and 1h", v)
		}
	}
	for name, v := range map[string]string{"resultRetention": s.ResultRetention, "deliveryHorizon": s.DeliveryHorizon} {
		if v == "" {
			continue
		}
		if d, err := time.ParseDuration(v); err != nil || d <= 0 {
			e.add(path+"."+name, "%q is not a positive Go duration such as 24h", v)
		}
	}
	if sec := s.WebhookSecret.Reveal(); sec != "" && s.WebhookSecret != RedactedSecret {
		k, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(sec, WebhookSecretPrefix))
		if !strings.HasPrefix(sec, WebhookSecretPrefix) || err != nil || len(k) < 24 || len(k) > 64 {
			e.add(path+".webhookSecret", "must be %q followed by the base64 of 24 to 64 bytes", WebhookSecretPrefix)
		}
	}
	for i, h := range s.CallbackHosts {
		if !validHostPattern(h) {
			e.add(path+".callbackHosts["+strconv.Itoa(i)+"]", "%q is not a host, *.domain or *", h)
		}
	}
	if u := s.PlatformURL; u != "" {
		if pu, err := url.Parse(u); err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" {
			e.add(path+".platformURL", "%q is not an absolute http(s) URL", u)
		}
	}
}

// validHostPattern accepts "*", "*.example.com" and a host name or IP
// address without a port.
func validHostPattern(p string) bool {
	if p == "*" {
		return true
	}
	p = strings.TrimPrefix(p, "*.")
	if p == "" || len(p) > 253 || strings.ContainsAny(p, "/:*@ ") {
		// IPv6 literals are written in brackets in URLs; a pattern names
		// hosts, and a bracketed literal is a host too.
		return strings.HasPrefix(p, "[") && strings.HasSuffix(p, "]")
	}
	return true
}

// RedactEnvironmentSpec returns spec with its webhook secret replaced by
// RedactedSecret, for answers that anyone who reads environments sees;
// applied back, RedactedSecret keeps the stored secret. spec is left alone.
func RedactEnvironmentSpec(spec EnvironmentSpec) EnvironmentSpec {
	if spec.Executions == nil || spec.Executions.WebhookSecret == "" {
		return spec
	}
	x := *spec.Executions
	x.WebhookSecret = RedactedSecret
	x.CallbackHosts = append([]string(nil), x.CallbackHosts...)
	spec.Executions = &x
	return spec
}
