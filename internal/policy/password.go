package policy

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/argon2"
)

// phc is a parsed argon2id hash: $argon2id$v=19$m=..,t=..,p=..$salt$key.
type phc struct {
	memory, time uint32
	threads      uint8
	salt, key    []byte
}

var errBadHash = errors.New("the password hash is not an argon2id PHC string")

// Bounds on the costs of a stored hash, so that a hash from the snapshot
// cannot make one request allocate gigabytes.
const (
	maxArgonMemory = 256 * 1024 // KiB
	maxArgonTime   = 16
)

func parsePHC(s string) (*phc, error) {
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return nil, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return nil, errBadHash
	}
	h := &phc{}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &h.memory, &h.time, &h.threads); err != nil ||
		h.time < 1 || h.time > maxArgonTime || h.threads < 1 || h.memory < 8*uint32(h.threads) || h.memory > maxArgonMemory {
		return nil, errBadHash
	}
	var err error
	if h.salt, err = base64.RawStdEncoding.DecodeString(parts[4]); err != nil {
		return nil, errBadHash
	}
	if h.key, err = base64.RawStdEncoding.DecodeString(parts[5]); err != nil || len(h.key) == 0 {
		return nil, errBadHash
	}
	return h, nil
}

// verify compares pw with the hash in constant time.
func (h *phc) verify(pw string) bool {
	got := argon2.IDKey([]byte(pw), h.salt, h.time, h.memory, h.threads, uint32(len(h.key)))
	return subtle.ConstantTimeCompare(got, h.key) == 1
}

// dummyHash is verified against when the user is unknown, so that an
// unknown user takes as long as a wrong password and timing tells nothing.
var dummyHash = &phc{memory: 19 * 1024, time: 2, threads: 1, salt: make([]byte, 16), key: make([]byte, 32)}

// basicCache remembers successful basic-auth verifications briefly, so that
// a client repeating its credentials on every call pays argon2id once. It is
// direct mapped (a fixed array of atomic slots indexed by the key), so it is
// bounded and lock free; a collision only evicts. The key is a SHA-256 of
// the name and password: the cache never holds a password.
type basicCache struct {
	slots [basicCacheSlots]atomic.Pointer[basicEntry]
	ttl   time.Duration
}

const (
	basicCacheSlots = 1024
	basicCacheTTL   = 5 * time.Minute
)

type basicEntry struct {
	key     [sha256.Size]byte
	c       *Consumer
	expires int64 // unix nanoseconds
}

func newBasicCache() *basicCache { return &basicCache{ttl: basicCacheTTL} }

func basicKey(name, pw string) [sha256.Size]byte {
	h := sha256.New()
	h.Write([]byte(name))
	h.Write([]byte{0})
	h.Write([]byte(pw))
	return [sha256.Size]byte(h.Sum(nil))
}

func (bc *basicCache) slot(k *[sha256.Size]byte) *atomic.Pointer[basicEntry] {
	return &bc.slots[(int(k[0])|int(k[1])<<8)%basicCacheSlots]
}

func (bc *basicCache) get(k [sha256.Size]byte, now time.Time) *Consumer {
	e := bc.slot(&k).Load()
	if e == nil || now.UnixNano() > e.expires || subtle.ConstantTimeCompare(e.key[:], k[:]) != 1 {
		return nil
	}
	return e.c
}

func (bc *basicCache) put(k [sha256.Size]byte, c *Consumer, now time.Time) {
	bc.slot(&k).Store(&basicEntry{key: k, c: c, expires: now.Add(bc.ttl).UnixNano()})
}

// VerifyPassword authenticates name and pw: the consumer, or nil whichever
// half was wrong. Unknown users cost a verification too.
func (idx *Consumers) VerifyPassword(name, pw string) *Consumer {
	now := time.Now()
	k := basicKey(name, pw)
	if c := idx.basic.get(k, now); c != nil {
		return c
	}
	c := idx.byName[name]
	h := dummyHash
	if c != nil && c.hash != nil {
		h = c.hash
	}
	ok := h.verify(pw)
	if c == nil || c.hash == nil || !ok {
		return nil
	}
	idx.basic.put(k, c, now)
	return c
}
