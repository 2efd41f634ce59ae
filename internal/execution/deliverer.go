package execution

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/portico-dev/portico/internal/model"
)

// OutboxStore is what a Deliverer reads and writes (store.Store).
type OutboxStore interface {
	ClaimDeliveries(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]*model.Delivery, error)
	RecordDeliveryAttempt(ctx context.Context, id string, a model.DeliveryAttempt, status string, next *time.Time) error
	GetEnvironment(ctx context.Context, name string) (*model.Environment, error)
}

// DelivererConfig holds the dependencies and settings of a Deliverer.
type DelivererConfig struct {
	// Store holds the outbox (required).
	Store OutboxStore
	// Logger receives failed attempts (default: discard).
	Logger *slog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Interval is how often the outbox is read for due deliveries
	// (default 1s).
	Interval time.Duration
	// RetryMin and RetryMax bound the backoff between attempts (defaults
	// 5s and 1h); each wait doubles the previous one, with jitter.
	RetryMin, RetryMax time.Duration
	// Timeout bounds one attempt (default 15s).
	Timeout time.Duration
	// Batch is the most deliveries claimed at once (default 16).
	Batch int
}

// Defaults of DelivererConfig.
const (
	DefaultDeliverInterval = time.Second
	DefaultDeliverRetryMin = 5 * time.Second
	DefaultDeliverRetryMax = time.Hour
	DefaultDeliverTimeout  = 15 * time.Second
	DefaultDeliverBatch    = 16
)

// maxErrorBody is how much of a refusing receiver's answer an attempt keeps.
const maxErrorBody = 256

// Deliverer sends the webhooks of the store's outbox. Every control-plane
// replica may run one: a delivery is claimed for the time of one attempt,
// so that replicas do not send it twice, and a claim left by a replica that
// died comes back once it lapses. Delivery is at least once; receivers
// deduplicate on webhook-id.
type Deliverer struct {
	cfg    DelivererConfig
	log    *slog.Logger
	client *http.Client
}

// NewDeliverer returns a Deliverer; call Run to start it.
func NewDeliverer(cfg DelivererConfig) (*Deliverer, error) {
	if cfg.Store == nil {
		return nil, errors.New("execution: DelivererConfig.Store is required")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Interval <= 0 {
		cfg.Interval = DefaultDeliverInterval
	}
	if cfg.RetryMin <= 0 {
		cfg.RetryMin = DefaultDeliverRetryMin
	}
	if cfg.RetryMax < cfg.RetryMin {
		cfg.RetryMax = max(DefaultDeliverRetryMax, cfg.RetryMin)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultDeliverTimeout
	}
	if cfg.Batch <= 0 {
		cfg.Batch = DefaultDeliverBatch
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Deliverer{cfg: cfg, log: log.With("component", "webhooks"), client: newWebhookClient()}, nil
}

// newWebhookClient dials through the callback policy, uses no proxy (the
// policy checks the address actually reached) and follows no redirect (a
// redirect would lead past the policy's host check).
func newWebhookClient() *http.Client {
	return &http.Client{
		Transport: &http.Transport{
			DialContext:         dialContext,
			MaxIdleConnsPerHost: 4,
			IdleConnTimeout:     90 * time.Second,
			TLSHandshakeTimeout: 10 * time.Second,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// lease is how long a claimed delivery stays with its replica: longer than
// an attempt.
func (d *Deliverer) lease() time.Duration { return 4*d.cfg.Timeout + time.Minute }

// Run delivers until ctx is cancelled.
func (d *Deliverer) Run(ctx context.Context) {
	t := time.NewTicker(d.cfg.Interval)
	defer t.Stop()
	for {
		for d.Pass(ctx) == d.cfg.Batch && ctx.Err() == nil {
			// A full batch: more may be due at once.
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Pass claims the due deliveries and attempts each once; it returns how
// many it claimed.
func (d *Deliverer) Pass(ctx context.Context) int {
	due, err := d.cfg.Store.ClaimDeliveries(ctx, d.cfg.Now(), d.lease(), d.cfg.Batch)
	if err != nil {
		if ctx.Err() == nil {
			d.log.Warn("reading the webhook outbox", "err", err)
		}
		return 0
	}
	envs := map[string]*model.ExecutionSettings{}
	for _, dl := range due {
		s, seen := envs[dl.Environment]
		if !seen {
			if env, err := d.cfg.Store.GetEnvironment(ctx, dl.Environment); err == nil {
				s = env.Spec.Executions
			}
			envs[dl.Environment] = s
		}
		d.attempt(ctx, dl, s)
	}
	return len(due)
}

// attempt POSTs one delivery and records the outcome: delivered on 2xx;
// otherwise retried after a backoff, or failed once the environment's
// delivery horizon has passed or the policy refuses the URL.
func (d *Deliverer) attempt(ctx context.Context, dl *model.Delivery, s *model.ExecutionSettings) {
	start := d.cfg.Now()
	a := model.DeliveryAttempt{At: start}
	status, err := d.post(ctx, dl, s, start)
	a.DurationMS = float64(d.cfg.Now().Sub(start).Microseconds()) / 1000
	a.HTTPStatus = status
	state := model.DeliveryDelivered
	var next *time.Time
	switch {
	case err == nil && status >= 200 && status < 300:
	case errors.Is(err, ErrCallbackRefused):
		a.Error = err.Error()
		state = model.DeliveryFailed
	default:
		if err != nil {
			a.Error = err.Error()
		} else if a.Error == "" {
			a.Error = fmt.Sprintf("the receiver answered %d", status)
		}
		at := start.Add(d.backoff(dl.AttemptCount + 1))
		if at.After(dl.CreatedAt.Add(s.Horizon())) {
			state = model.DeliveryFailed
			a.Error += "; given up: the delivery horizon has passed"
		} else {
			state, next = model.DeliveryPending, &at
		}
	}
	if state != model.DeliveryDelivered {
		d.log.Info("webhook attempt failed", "delivery", dl.ID, "url", dl.URL, "attempt", dl.AttemptCount+1, "status", state, "err", a.Error)
	}
	// The outcome is written even when ctx ends, so that an attempt made
	// is never forgotten; a short bound keeps shutdown quick.
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := d.cfg.Store.RecordDeliveryAttempt(wctx, dl.ID, a, state, next); err != nil {
		d.log.Warn("recording a webhook attempt", "delivery", dl.ID, "err", err)
	}
}

// post sends one attempt and returns the receiver's status.
func (d *Deliverer) post(ctx context.Context, dl *model.Delivery, s *model.ExecutionSettings, at time.Time) (int, error) {
	policy := NewCallbackPolicy(s)
	if err := policy.Check(dl.URL); err != nil {
		return 0, err
	}
	ctx, cancel := context.WithTimeout(withPolicy(ctx, policy), d.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, dl.URL, bytes.NewReader(dl.Payload))
	if err != nil {
		return 0, fmt.Errorf("%w: %v", ErrCallbackRefused, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Portico-Webhooks/1")
	NewSigner(s.WebhookKey()).Sign(req.Header, dl.ID, at, dl.Payload)
	resp, err := d.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	if resp.StatusCode >= 300 && len(b) > 0 {
		return resp.StatusCode, fmt.Errorf("the receiver answered %d: %s", resp.StatusCode, b)
	}
	return resp.StatusCode, nil
}

// backoff returns the wait before attempt n+1: RetryMin doubled per
// attempt, capped at RetryMax, then drawn between half and all of it, so
// that deliveries failing together do not retry together.
func (d *Deliverer) backoff(n int) time.Duration {
	w := d.cfg.RetryMin
	for i := 1; i < n && w < d.cfg.RetryMax; i++ {
		w *= 2
	}
	w = min(w, d.cfg.RetryMax)
	half := w / 2
	return half + rand.N(w-half+1)
}
