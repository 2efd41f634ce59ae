package cli

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/portico-dev/portico/internal/policy/ratelimit"
	"github.com/portico-dev/portico/internal/runtime/compile"
)

// sharedLimits connects to the Redis of --redis, where the runtimes of a
// cluster keep their rate limits and quotas. No URL: each runtime counts
// its own (nil). A Redis that does not answer at start is logged, not fatal:
// the environment says whether runtimes then count locally or refuse.
func sharedLimits(ctx context.Context, url string, log *slog.Logger) (compile.SharedLimits, func(), error) {
	if url == "" {
		return nil, func() {}, nil
	}
	opts, err := redis.ParseURL(url)
	if err != nil {
		return nil, nil, usagef("--redis (or PORTICO_REDIS): %v", err)
	}
	// One attempt per call: a limit check must not wait through retries.
	opts.MaxRetries = -1
	opts.DialTimeout = time.Second
	opts.ReadTimeout = 500 * time.Millisecond
	opts.WriteTimeout = 500 * time.Millisecond
	rdb := redis.NewClient(opts)
	pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := rdb.Ping(pctx).Err(); err != nil {
		log.Warn("Redis does not answer yet; limits fall back as the environment says until it does", "redis", opts.Addr, "err", err)
	}
	return ratelimit.NewRedis(rdb, "portico:", nil), func() { rdb.Close() }, nil
}

// redisLabel describes --redis for the banner, without its password.
func redisLabel(url string) string {
	if url == "" {
		return "none (limits are counted by each runtime)"
	}
	opts, err := redis.ParseURL(url)
	if err != nil {
		return "invalid"
	}
	return fmt.Sprintf("redis://%s/%d", opts.Addr, opts.DB)
}
