package model

import (
	"fmt"
	"slices"
	"time"
)

// LimitsSpec bounds what an environment's runtimes accept. Rates are per
// second and, when the runtimes share Redis (--redis), counted for the whole
// runtime cluster; without Redis each runtime counts its own.
type LimitsSpec struct {
	// RequestsPerSecond caps every request to the environment's APIs.
	RequestsPerSecond int `json:"requestsPerSecond,omitempty"`
	// APIRequestsPerSecond caps each API (every version together) unless
	// APIs names it with a limit of its own.
	APIRequestsPerSecond int        `json:"apiRequestsPerSecond,omitempty"`
	APIs                 []APILimit `json:"apis,omitempty"`
	// MaxBodyBytes caps request bodies (413), counted while they stream:
	// a chunked body is refused at the limit, never read whole first.
	MaxBodyBytes int64 `json:"maxBodyBytes,omitempty"`
	// MaxConcurrent caps the requests each listener runs at once; more
	// wait in a queue (MaxQueued, QueueTimeout) or are refused with 503.
	MaxConcurrent int      `json:"maxConcurrent,omitempty"`
	MaxQueued     int      `json:"maxQueued,omitempty"`
	QueueTimeout  Duration `json:"queueTimeout,omitempty"`
	// ExecutionTimeLimit cancels a process that runs longer; the caller
	// gets 522 and the process's database work is rolled back.
	ExecutionTimeLimit Duration `json:"executionTimeLimit,omitempty"`
	// Pools are the worker pools of each runtime: a pool without APIs is
	// shared by every API it does not leave to a dedicated pool; a
	// workload narrows a pool to general or low-latency processes.
	Pools []PoolSpec `json:"pools,omitempty"`
	// OnRedisFailure is what runtimes do when Redis does not answer:
	// "local" (default: count locally, and say so in logs) or "refuse"
	// (answer 503 until Redis is back).
	OnRedisFailure string `json:"onRedisFailure,omitempty"`
}

// PoolSpec is one worker pool of each runtime.
type PoolSpec struct {
	Name string `json:"name"`
	// APIs dedicates the pool to these APIs; none: the shared pool.
	APIs []string `json:"apis,omitempty"`
	// Workload is general or low-latency (the process's mode); empty
	// takes both.
	Workload     string   `json:"workload,omitempty"`
	MaxRunning   int      `json:"maxRunning"`
	MaxQueued    int      `json:"maxQueued,omitempty"`
	QueueTimeout Duration `json:"queueTimeout,omitempty"`
}

// APILimit is one API's own rate.
type APILimit struct {
	API               string `json:"api"`
	RequestsPerSecond int    `json:"requestsPerSecond"`
}

// What runtimes do when Redis fails.
const (
	RedisFailureLocal  = "local"
	RedisFailureRefuse = "refuse"
)

func (l *LimitsSpec) validate(e *errs, path string) {
	nonNegative := func(field string, v int64) {
		if v < 0 {
			e.add(path+"."+field, "must not be negative")
		}
	}
	nonNegative("requestsPerSecond", int64(l.RequestsPerSecond))
	nonNegative("apiRequestsPerSecond", int64(l.APIRequestsPerSecond))
	nonNegative("maxBodyBytes", l.MaxBodyBytes)
	nonNegative("maxConcurrent", int64(l.MaxConcurrent))
	nonNegative("maxQueued", int64(l.MaxQueued))
	nonNegative("queueTimeout", int64(l.QueueTimeout))
	nonNegative("executionTimeLimit", int64(l.ExecutionTimeLimit))
	if l.MaxConcurrent == 0 && (l.MaxQueued > 0 || l.QueueTimeout > 0) {
		e.add(path+".maxQueued", "a queue needs maxConcurrent")
	}
	if t := time.Duration(l.ExecutionTimeLimit); t > 0 && t < time.Millisecond {
		e.add(path+".executionTimeLimit", "%s is shorter than a millisecond", t)
	}
	seen := map[string]bool{}
	for i, a := range l.APIs {
		p := fmt.Sprintf("%s.apis[%d]", path, i)
		if !ValidName(a.API) {
			e.add(p+".api", "%q is not an API name", a.API)
		} else if seen[a.API] {
			e.add(p+".api", "%q is listed twice", a.API)
		}
		seen[a.API] = true
		if a.RequestsPerSecond <= 0 {
			e.add(p+".requestsPerSecond", "must be positive")
		}
	}
	names := map[string]bool{}
	for i, p := range l.Pools {
		pp := fmt.Sprintf("%s.pools[%d]", path, i)
		if !ValidName(p.Name) {
			e.add(pp+".name", "%q is not a pool name", p.Name)
		} else if names[p.Name] {
			e.add(pp+".name", "%q is declared twice", p.Name)
		}
		names[p.Name] = true
		for j, a := range p.APIs {
			if !ValidName(a) {
				e.add(fmt.Sprintf("%s.apis[%d]", pp, j), "%q is not an API name", a)
			}
		}
		if !slices.Contains([]string{"", "general", "low-latency"}, p.Workload) {
			e.add(pp+".workload", "%q is not general or low-latency", p.Workload)
		}
		if p.MaxRunning <= 0 {
			e.add(pp+".maxRunning", "must be positive")
		}
		if p.MaxQueued < 0 {
			e.add(pp+".maxQueued", "must not be negative")
		}
		if p.QueueTimeout < 0 {
			e.add(pp+".queueTimeout", "must not be negative")
		}
	}
	if !slices.Contains([]string{"", RedisFailureLocal, RedisFailureRefuse}, l.OnRedisFailure) {
		e.add(path+".onRedisFailure", "%q is not local or refuse", l.OnRedisFailure)
	}
}

// PoolFor returns the index in Pools of the pool that runs api's
// executions of the workload: the first dedicated pool naming api, else the
// first shared one; -1 when none applies.
func (l *LimitsSpec) PoolFor(api, workload string) int {
	shared := -1
	for i, p := range l.Pools {
		if p.Workload != "" && p.Workload != workload {
			continue
		}
		if len(p.APIs) == 0 {
			if shared < 0 {
				shared = i
			}
			continue
		}
		if slices.Contains(p.APIs, api) {
			return i
		}
	}
	return shared
}

// APIRate is the rate limit of api: its own, else the default for APIs
// (0: none).
func (l *LimitsSpec) APIRate(api string) int {
	for _, a := range l.APIs {
		if a.API == api {
			return a.RequestsPerSecond
		}
	}
	return l.APIRequestsPerSecond
}
