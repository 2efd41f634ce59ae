package model

import (
	"fmt"
	"time"
)

// Status says whether an application, an API key or a plan may be used.
// Empty means active.
type Status string

// The statuses of applications, keys and plans.
const (
	StatusActive   Status = "active"
	StatusDisabled Status = "disabled"
)

// Active reports whether s lets requests through ("" is active).
func (s Status) Active() bool { return s == "" || s == StatusActive }

func (s Status) validate(e *errs, path string) {
	if s != "" && s != StatusActive && s != StatusDisabled {
		e.add(path, "%q is not a status (want active or disabled)", s)
	}
}

// Plan is a level of service that applications subscribe to APIs under: a
// rate limit, a quota and a maximum message size. Plans are global: every
// environment's snapshot carries them.
type Plan struct {
	Name        string    `json:"name"`
	Description string    `json:"description,omitempty"`
	Spec        PlanSpec  `json:"spec"`
	CreatedAt   time.Time `json:"createdAt,omitzero"`
	UpdatedAt   time.Time `json:"updatedAt,omitzero"`
}

// PlanSpec holds what a plan allows.
type PlanSpec struct {
	// Status disabled refuses every subscription under the plan (403).
	Status Status `json:"status,omitempty"`
	// Rate limits requests per second, minute or hour; nil is no limit.
	Rate *PlanRate `json:"rate,omitempty"`
	// Quota caps requests per UTC day, ISO week or month; nil is no quota.
	Quota *PlanQuota `json:"quota,omitempty"`
	// MaxMessageSize caps request bodies in bytes (413); 0 is no cap.
	MaxMessageSize int64 `json:"maxMessageSize,omitempty"`
	// Keyless admits callers without an API key under the subscription to
	// this plan, counting them by client IP address.
	Keyless bool `json:"keyless,omitempty"`
}

// PlanRate is Requests per one Per unit, of which up to Burst may come at
// once (Requests when zero).
type PlanRate struct {
	Requests int    `json:"requests"`
	Per      string `json:"per"` // second | minute | hour
	Burst    int    `json:"burst,omitempty"`
}

// PlanQuota is Requests per calendar Per window, starting again at UTC
// boundaries (midnight, Monday midnight, the first of the month).
type PlanQuota struct {
	Requests int64  `json:"requests"`
	Per      string `json:"per"` // day | week | month
}

// RatePeriod returns the length of a rate's unit.
func RatePeriod(per string) (time.Duration, bool) {
	switch per {
	case "second":
		return time.Second, true
	case "minute":
		return time.Minute, true
	case "hour":
		return time.Hour, true
	}
	return 0, false
}

// maxRequests bounds rates and quotas to numbers every counter stores exactly.
const maxRequests = 1 << 40

// Validate checks the plan.
func (p *Plan) Validate() error {
	var e errs
	if !ValidName(p.Name) {
		e.add("name", "%q is not a valid plan name", p.Name)
	}
	if len(p.Description) > 4096 {
		e.add("description", "longer than 4096 characters")
	}
	s := &p.Spec
	s.Status.validate(&e, "spec.status")
	if r := s.Rate; r != nil {
		if r.Requests <= 0 || r.Requests > maxRequests {
			e.add("spec.rate.requests", "must be between 1 and %d", maxRequests)
		}
		if period, ok := RatePeriod(r.Per); !ok {
			e.add("spec.rate.per", "%q is not second, minute or hour", r.Per)
		} else if r.Requests > 0 && period/time.Duration(r.Requests) <= 0 {
			e.add("spec.rate.requests", "%d per %s is finer than a nanosecond", r.Requests, r.Per)
		}
		if r.Burst < 0 || r.Burst > maxRequests {
			e.add("spec.rate.burst", "must be between 0 and %d", maxRequests)
		}
	}
	if q := s.Quota; q != nil {
		if q.Requests <= 0 || q.Requests > maxRequests {
			e.add("spec.quota.requests", "must be between 1 and %d", maxRequests)
		}
		switch q.Per {
		case "day", "week", "month":
		default:
			e.add("spec.quota.per", "%q is not day, week or month", q.Per)
		}
	}
	if s.MaxMessageSize < 0 {
		e.add("spec.maxMessageSize", "must not be negative")
	}
	return e.err()
}

// String describes the plan's limits in a few words ("100/second, 10000/month").
func (s PlanSpec) String() string {
	out := ""
	add := func(v string) {
		if out != "" {
			out += ", "
		}
		out += v
	}
	if s.Rate != nil {
		add(fmt.Sprintf("%d/%s", s.Rate.Requests, s.Rate.Per))
	}
	if s.Quota != nil {
		add(fmt.Sprintf("%d/%s", s.Quota.Requests, s.Quota.Per))
	}
	if s.MaxMessageSize > 0 {
		add(fmt.Sprintf("max %d bytes", s.MaxMessageSize))
	}
	if s.Keyless {
		add("keyless")
	}
	if out == "" {
		return "unlimited"
	}
	return out
}
