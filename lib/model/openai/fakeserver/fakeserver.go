// Package fakeserver is an OpenAI-compatible chat-completions server on
// loopback for tests and benchmarks. A model.Model (usually the simulated
// respondent, lib/model/synth) writes the answers, so outcomes stay
// checkable against planted truth, while the server adds a latency
// distribution, injected faults (429 with Retry-After, 5xx, redirects,
// dropped connections, hangs, malformed JSON, truncated bodies, the API key
// echoed back) and a queueing mode
// in which, as in vLLM, only so many requests are served at once and the
// rest wait, so latency grows with requests in flight.
package fakeserver

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prefscope/prefscope/lib/model"
)

// Fault kinds. A number ("400", "429", "500", "503", ...) answers that
// status with a JSON error body.
const (
	Drop      = "drop"      // close the connection without a reply
	Hang      = "hang"      // never answer (until the client gives up)
	Malformed = "malformed" // 200 with a body that is not JSON
	Truncate  = "truncate"  // 200 whose body stops half-way
)

// Config shapes the server.
type Config struct {
	// Model answers every request that is not faulted.
	Model model.Model
	// APIKey, if set, must come as "Authorization: Bearer <key>" (401
	// otherwise).
	APIKey string
	// EchoAuth makes error bodies quote the request's Authorization header,
	// as careless proxies do (to test redaction), after EchoPad characters
	// of filler (to place the key where a message is cut).
	EchoAuth bool
	EchoPad  int
	// EchoAuthInReply makes answered replies carry the Authorization
	// header in every string the client keeps: the text, each tool call's
	// id, name and arguments, and the finish reason.
	EchoAuthInReply bool
	// RedirectTo is the Location sent with a 3xx fault ("301", "307", ...).
	RedirectTo string
	// Latency is the median service time; Spread the log-normal sigma
	// (0: every request takes exactly Latency).
	Latency time.Duration
	Spread  float64
	// Knee > 0 is queueing mode: at most Knee requests are served at once,
	// the others wait in arrival order.
	Knee int
	// FaultRate is the share of requests faulted, each with a kind drawn
	// from Faults (default 429, 500, 503, drop, hang, malformed, truncate).
	FaultRate float64
	Faults    []string
	// Decide, if set, replaces FaultRate: it gets the request body's hash,
	// how many times that body came before and the request, and returns a
	// fault kind or "" to answer. Calls are serialised.
	Decide func(hash string, seen int, req model.Request) string
	// RetryAfter is the Retry-After header sent with 429s ("1" if empty).
	RetryAfter string
	Seed       uint64
}

// Hit is one request the server got.
type Hit struct {
	Hash  string // of the request body: the same call sent again
	Fault string // "" if answered
}

// Server is a running fake.
type Server struct {
	cfg     Config
	srv     *httptest.Server
	closing chan struct{}
	slots   chan struct{}

	mu   sync.Mutex
	rng  *rand.Rand
	seen map[string]int
	hits []Hit

	inflight, peak atomic.Int64
}

// Start runs a server on loopback.
func Start(cfg Config) *Server {
	if len(cfg.Faults) == 0 {
		cfg.Faults = []string{"429", "500", "503", Drop, Hang, Malformed, Truncate}
	}
	if cfg.RetryAfter == "" {
		cfg.RetryAfter = "1"
	}
	s := &Server{cfg: cfg, closing: make(chan struct{}), rng: rand.New(rand.NewPCG(cfg.Seed, 0x5eed)), seen: map[string]int{}}
	if cfg.Knee > 0 {
		s.slots = make(chan struct{}, cfg.Knee)
	}
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	s.srv.Start()
	return s
}

// URL is the API root to give a client, ending in /v1.
func (s *Server) URL() string { return s.srv.URL + "/v1" }

// Close stops the server, releasing hung requests.
func (s *Server) Close() {
	close(s.closing)
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// Hits lists every request so far, in arrival order.
func (s *Server) Hits() []Hit {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Hit(nil), s.hits...)
}

// PeakInFlight is the most requests the server held at once.
func (s *Server) PeakInFlight() int { return int(s.peak.Load()) }

type wireRequest struct {
	Model    string `json:"model"`
	Messages []struct {
		Role      string  `json:"role"`
		Content   *string `json:"content"`
		ToolCalls []struct {
			ID       string `json:"id"`
			Function struct {
				Name      string `json:"name"`
				Arguments string `json:"arguments"`
			} `json:"function"`
		} `json:"tool_calls"`
	} `json:"messages"`
	Tools []struct {
		Type     string     `json:"type"`
		Function model.Tool `json:"function"`
	} `json:"tools"`
	Temperature float64 `json:"temperature"`
	MaxTokens   int     `json:"max_tokens"`
	Seed        int64   `json:"seed"`
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	n := s.inflight.Add(1)
	defer s.inflight.Add(-1)
	for p := s.peak.Load(); n > p && !s.peak.CompareAndSwap(p, n); p = s.peak.Load() {
	}
	var body wireRequest
	raw, err := readAll(r)
	if err == nil {
		err = json.Unmarshal(raw, &body)
	}
	if r.URL.Path != "/v1/chat/completions" || r.Method != http.MethodPost || err != nil {
		s.fail(w, r, http.StatusBadRequest, fmt.Sprintf("bad request to %s: %v", r.URL.Path, err))
		return
	}
	if s.cfg.APIKey != "" && r.Header.Get("Authorization") != "Bearer "+s.cfg.APIKey {
		s.fail(w, r, http.StatusUnauthorized, "invalid API key")
		return
	}
	sum := sha256.Sum256(raw)
	hash := hex.EncodeToString(sum[:8])
	req, words := toRequest(body)
	fault, delay := s.decide(hash, req)

	if s.slots != nil {
		select {
		case s.slots <- struct{}{}:
			defer func() { <-s.slots }()
		case <-r.Context().Done():
			return
		case <-s.closing:
			return
		}
	}
	if !s.sleep(r.Context(), delay) {
		return
	}
	switch fault {
	case "", Truncate:
	case Hang:
		select {
		case <-r.Context().Done():
		case <-s.closing:
		}
		return
	case Drop:
		s.hijack(w, "")
		return
	case Malformed:
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"choices": [{"message": {"role": "assistant", "content": "Task A"`))
		return
	default:
		var code int
		fmt.Sscan(fault, &code)
		if code == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", s.cfg.RetryAfter)
		}
		if code/100 == 3 && s.cfg.RedirectTo != "" {
			w.Header().Set("Location", s.cfg.RedirectTo)
		}
		s.fail(w, r, code, "injected fault")
		return
	}
	echo := ""
	if s.cfg.EchoAuthInReply {
		echo = r.Header.Get("Authorization")
	}
	reply, err := s.answer(r.Context(), body.Model, req, words, echo)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err.Error())
		return
	}
	if fault == Truncate {
		s.hijack(w, fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(reply), reply[:len(reply)/2]))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(reply)
}

// decide picks the request's fault and service time, and logs the hit.
func (s *Server) decide(hash string, req model.Request) (string, time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fault := ""
	if s.cfg.Decide != nil {
		fault = s.cfg.Decide(hash, s.seen[hash], req)
	} else if s.cfg.FaultRate > 0 && s.rng.Float64() < s.cfg.FaultRate {
		fault = s.cfg.Faults[s.rng.IntN(len(s.cfg.Faults))]
	}
	s.seen[hash]++
	s.hits = append(s.hits, Hit{Hash: hash, Fault: fault})
	d := s.cfg.Latency
	if s.cfg.Spread > 0 {
		d = time.Duration(float64(d) * math.Exp(s.cfg.Spread*s.rng.NormFloat64()))
	}
	return fault, d
}

func (s *Server) sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
	case <-s.closing:
	}
	return false
}

// toRequest turns the wire request into the model's, counting prompt words
// as its token usage.
func toRequest(body wireRequest) (model.Request, int) {
	req := model.Request{Temperature: body.Temperature, MaxTokens: body.MaxTokens, Seed: body.Seed}
	words := 0
	for _, m := range body.Messages {
		msg := model.Message{Role: m.Role}
		if m.Content != nil {
			msg.Content = *m.Content
		}
		for _, tc := range m.ToolCalls {
			msg.ToolCalls = append(msg.ToolCalls, model.ToolCall{ID: tc.ID, Name: tc.Function.Name, Arguments: tc.Function.Arguments})
		}
		words += len(strings.Fields(msg.Content))
		req.Messages = append(req.Messages, msg)
	}
	for _, t := range body.Tools {
		req.Tools = append(req.Tools, t.Function)
	}
	return req, words
}

// answer has the model answer req; a non-empty echo is appended to every
// string of the reply.
func (s *Server) answer(ctx context.Context, modelName string, req model.Request, words int, echo string) ([]byte, error) {
	resp, err := s.cfg.Model.Chat(ctx, req)
	if err != nil {
		return nil, err
	}
	if echo != "" {
		resp.Text += echo
		resp.FinishReason += model.FinishReason(echo)
		for i := range resp.ToolCalls {
			resp.ToolCalls[i].ID += echo
			resp.ToolCalls[i].Name += echo
			resp.ToolCalls[i].Arguments += echo
		}
	}
	type call struct {
		ID       string `json:"id"`
		Type     string `json:"type"`
		Function struct {
			Name      string `json:"name"`
			Arguments string `json:"arguments"`
		} `json:"function"`
	}
	msg := map[string]any{"role": "assistant", "content": resp.Text}
	if len(resp.ToolCalls) > 0 {
		var calls []call
		for i, tc := range resp.ToolCalls {
			c := call{ID: tc.ID, Type: "function"}
			if c.ID == "" {
				c.ID = fmt.Sprintf("call_%d", i)
			}
			c.Function.Name, c.Function.Arguments = tc.Name, tc.Arguments
			calls = append(calls, c)
		}
		msg["tool_calls"] = calls
		if resp.Text == "" {
			msg["content"] = nil
		}
	}
	finish := string(resp.FinishReason)
	if finish == "" {
		finish = "stop"
	}
	return json.Marshal(map[string]any{
		"id": "chatcmpl-fake", "object": "chat.completion", "model": modelName,
		"choices": []any{map[string]any{"index": 0, "message": msg, "finish_reason": finish}},
		"usage":   map[string]int{"prompt_tokens": words, "completion_tokens": len(strings.Fields(resp.Text)) + len(resp.ToolCalls), "total_tokens": 0},
	})
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, code int, msg string) {
	if s.cfg.EchoAuth {
		msg += strings.Repeat(".", s.cfg.EchoPad) + "; request had Authorization: " + r.Header.Get("Authorization")
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": msg, "type": "fake", "code": code}})
}

// hijack writes raw bytes (possibly none) and closes the connection.
func (s *Server) hijack(w http.ResponseWriter, raw string) {
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return
	}
	buf.WriteString(raw)
	buf.Flush()
	conn.Close()
}

func readAll(r *http.Request) ([]byte, error) {
	return io.ReadAll(io.LimitReader(r.Body, 16<<20))
}
