package runtime

import (
	"encoding/json"
	"net/http"
	"strings"
)

// problemBase prefixes the type URI of every problem, as the platform API does.
const problemBase = "https://portico.dev/problems/"

// problem is an RFC 9457 problem details object.
type problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail,omitempty"`
	Instance string `json:"instance,omitempty"`
	// Extension members of the readiness problem.
	Environment string `json:"environment,omitempty"`
	LastError   string `json:"lastError,omitempty"`
}

// writeProblem answers status as problem+json.
func writeProblem(w http.ResponseWriter, r *http.Request, status int, detail string) {
	writeProblemValue(w, r, &problem{Status: status, Detail: detail})
}

func writeProblemValue(w http.ResponseWriter, r *http.Request, p *problem) {
	p.Title = http.StatusText(p.Status)
	p.Type = problemBase + strings.ReplaceAll(strings.ToLower(p.Title), " ", "-")
	p.Instance = r.URL.Path
	writeJSON(w, p.Status, "application/problem+json", p)
}

// writeJSON writes v with the given status and media type.
func writeJSON(w http.ResponseWriter, status int, mediaType string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		// Only our own plain structs are written; this cannot happen.
		http.Error(w, "encoding the answer failed", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", mediaType)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}
