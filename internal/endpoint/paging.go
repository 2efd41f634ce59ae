package endpoint

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"net/url"
)

// MoreDataParam is the query parameter that carries a paging token.
const MoreDataParam = "moreDataToken"

// errBadToken marks a moreDataToken that was forged, truncated or issued
// for another request.
var errBadToken = errors.New("moreDataToken is not valid for this request")

// pager issues and checks moreDataToken values. A token is the offset of
// the next page plus an HMAC over the offset and the request's identity
// (method, path, query without the token), so that a client can neither
// move the offset nor replay a token against another request. The server
// keeps no state: the next request re-runs the process and skips offset
// documents.
type pager struct {
	key []byte
}

const macLen = 16

func newPager(key []byte) (*pager, error) {
	if len(key) == 0 {
		key = make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, err
		}
	}
	return &pager{key: key}, nil
}

// identity is the part of a request a token is bound to; query is the
// canonical query (sorted, without the token).
func identity(method, path, query string) string {
	return method + " " + path + "?" + query
}

func (p *pager) mac(id string, offset uint64) []byte {
	m := hmac.New(sha256.New, p.key)
	var b [binary.MaxVarintLen64]byte
	n := binary.PutUvarint(b[:], offset)
	m.Write(b[:n])
	m.Write([]byte(id))
	return m.Sum(nil)[:macLen]
}

func (p *pager) token(id string, offset int) string {
	var b [binary.MaxVarintLen64 + macLen]byte
	n := binary.PutUvarint(b[:], uint64(offset))
	n += copy(b[n:], p.mac(id, uint64(offset)))
	return base64.RawURLEncoding.EncodeToString(b[:n])
}

// offset checks tok against id and returns the offset it carries.
func (p *pager) offset(id, tok string) (int, error) {
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return 0, errBadToken
	}
	off, n := binary.Uvarint(raw)
	if n <= 0 || len(raw)-n != macLen || off > 1<<31 {
		return 0, errBadToken
	}
	if !hmac.Equal(raw[n:], p.mac(id, off)) {
		return 0, errBadToken
	}
	return int(off), nil
}

// canonicalQuery is q without the token, encoded in sorted key order.
func canonicalQuery(q url.Values) string {
	if _, ok := q[MoreDataParam]; !ok {
		return q.Encode()
	}
	c := make(url.Values, len(q))
	for k, v := range q {
		if k != MoreDataParam {
			c[k] = v
		}
	}
	return c.Encode()
}
