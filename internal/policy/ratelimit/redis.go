package ratelimit

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// gcraScript is gcra() in Lua, run atomically by Redis on Redis's own clock
// (TIME), so that every runtime of a cluster shares one timeline. Times are
// microseconds; %.0f keeps them exact where Lua's default format would not.
var gcraScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local nxt = tat + interval
local allow_at = nxt - capacity
if now < allow_at then
  return {0, 0, string.format('%.0f', tat - now), string.format('%.0f', allow_at - now)}
end
redis.call('SET', KEYS[1], string.format('%.0f', nxt), 'PX', math.ceil((nxt - now) / 1000) + 1)
return {1, math.floor((now - allow_at) / interval), string.format('%.0f', nxt - now), '0'}
`)

// quotaScript counts one request in a window's key, which expires when the
// window ends; a refused request is not counted.
var quotaScript = redis.NewScript(`
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIREAT', KEYS[1], ARGV[2]) end
if n > tonumber(ARGV[1]) then
  redis.call('DECR', KEYS[1])
  return {0, 0}
end
return {1, tonumber(ARGV[1]) - n}
`)

// Redis enforces rate limits and quotas in Redis, exactly across every
// runtime that shares it: each decision is one script call, one round trip.
type Redis struct {
	rdb    redis.UniversalClient
	prefix string
	now    func() time.Time
}

// NewRedis returns limits kept in rdb under keys starting with prefix
// ("portico:" when empty). now places quota windows (time.Now when nil).
func NewRedis(rdb redis.UniversalClient, prefix string, now func() time.Time) *Redis {
	if prefix == "" {
		prefix = "portico:"
	}
	if now == nil {
		now = time.Now
	}
	return &Redis{rdb: rdb, prefix: prefix, now: now}
}

var (
	_ Limiter = (*Redis)(nil)
	_ Counter = (*Redis)(nil)
)

// Allow implements Limiter.
func (r *Redis) Allow(ctx context.Context, key string, l Limit) (Decision, error) {
	if err := l.Valid(); err != nil {
		return Decision{}, err
	}
	interval := l.interval().Microseconds()
	if interval <= 0 {
		return Decision{}, fmt.Errorf("rate limit %d per %s is finer than Redis's microsecond clock", l.Rate, l.Period)
	}
	res, err := gcraScript.Run(ctx, r.rdb, []string{r.prefix + "rl:" + key}, interval, interval*int64(l.burst())).Slice()
	if err != nil {
		return Decision{}, fmt.Errorf("redis rate limit: %w", err)
	}
	if len(res) != 4 {
		return Decision{}, fmt.Errorf("redis rate limit: unexpected reply %v", res)
	}
	d := Decision{Limit: l.burst(), Allowed: asInt(res[0]) == 1, Remaining: int(asInt(res[1]))}
	d.ResetAfter = time.Duration(asInt(res[2])) * time.Microsecond
	d.RetryAfter = time.Duration(asInt(res[3])) * time.Microsecond
	return d, nil
}

// Take implements Counter.
func (r *Redis) Take(ctx context.Context, key string, q Quota) (Decision, error) {
	if q.Max <= 0 {
		return Decision{}, fmt.Errorf("quota of %d per %s: the maximum must be positive", q.Max, q.Window)
	}
	now := r.now()
	start, end, err := q.Window.Bounds(now)
	if err != nil {
		return Decision{}, err
	}
	k := r.prefix + "q:" + key + ":" + strconv.FormatInt(start.Unix(), 10)
	// The key outlives its window by a minute so that runtimes whose clocks
	// lag a little still count into it rather than into a fresh one.
	res, err := quotaScript.Run(ctx, r.rdb, []string{k}, q.Max, end.Unix()+60).Slice()
	if err != nil {
		return Decision{}, fmt.Errorf("redis quota: %w", err)
	}
	if len(res) != 2 {
		return Decision{}, fmt.Errorf("redis quota: unexpected reply %v", res)
	}
	d := Decision{Limit: int(q.Max), Allowed: asInt(res[0]) == 1, Remaining: int(asInt(res[1])), ResetAfter: end.Sub(now)}
	if !d.Allowed {
		d.RetryAfter = d.ResetAfter
	}
	return d, nil
}

// asInt reads an integer reply, which Redis sends as a number or, for the
// script's formatted microseconds, as a string.
func asInt(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case string:
		n, _ := strconv.ParseInt(x, 10, 64)
		return n
	}
	return 0
}
