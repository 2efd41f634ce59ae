package model

import (
	"strings"
	"testing"
	"time"
)

func TestLimitsValidation(t *testing.T) {
	ok := &Environment{Name: "prod", Spec: EnvironmentSpec{Limits: &LimitsSpec{
		RequestsPerSecond: 10, APIRequestsPerSecond: 5, APIs: []APILimit{{API: "erp", RequestsPerSecond: 2}},
		MaxBodyBytes: 1024, MaxConcurrent: 4, MaxQueued: 8, QueueTimeout: Duration(time.Second),
		ExecutionTimeLimit: Duration(30 * time.Second), OnRedisFailure: RedisFailureRefuse,
	}}}
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid limits refused: %v", err)
	}
	if ok.Spec.Limits.APIRate("erp") != 2 || ok.Spec.Limits.APIRate("hr") != 5 {
		t.Fatal("APIRate does not prefer the API's own rate")
	}
	bad := &Environment{Name: "prod", Spec: EnvironmentSpec{Limits: &LimitsSpec{
		RequestsPerSecond: -1, MaxBodyBytes: -5, MaxQueued: 3,
		APIs:               []APILimit{{API: "erp", RequestsPerSecond: 0}, {API: "erp", RequestsPerSecond: 1}, {API: "no such", RequestsPerSecond: 1}},
		ExecutionTimeLimit: Duration(time.Microsecond), OnRedisFailure: "ignore",
	}}}
	err := bad.Validate()
	if err == nil {
		t.Fatal("invalid limits accepted")
	}
	for _, want := range []string{
		"spec.limits.requestsPerSecond", "spec.limits.maxBodyBytes", "spec.limits.maxQueued: a queue needs maxConcurrent",
		"spec.limits.apis[0].requestsPerSecond", "spec.limits.apis[1].api: \"erp\" is listed twice", "spec.limits.apis[2].api",
		"spec.limits.executionTimeLimit", "spec.limits.onRedisFailure",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error does not name %s:\n%v", want, err)
		}
	}
}
