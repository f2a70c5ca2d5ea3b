package openai

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prefscope/prefscope/lib/model"
)

func TestChatRoundTrip(t *testing.T) {
	var got wireRequest
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/chat/completions" || r.Header.Get("Authorization") != "Bearer k" {
			http.Error(w, "bad path or key", 400)
			return
		}
		json.NewDecoder(r.Body).Decode(&got)
		w.Write([]byte(`{"choices":[{"message":{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"submit_choice","arguments":"{\"choice\":\"Task B\"}"}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":12,"completion_tokens":5}}`))
	}))
	defer srv.Close()
	c, _ := New(srv.URL+"/v1/", "m", WithAPIKey("k"))
	resp, err := c.Chat(context.Background(), model.Request{
		Messages: []model.Message{{Role: "user", Content: "pick"}},
		Tools:    []model.Tool{{Name: "submit_choice", Parameters: map[string]any{"type": "object"}}},
		Seed:     7, Temperature: 0.5,
	})
	if err != nil {
		t.Fatal(err)
	}
	if got.Model != "m" || got.Seed != 7 || got.Temperature != 0.5 || len(got.Tools) != 1 || got.Tools[0].Type != "function" || got.Tools[0].Function.Name != "submit_choice" {
		t.Errorf("request on the wire: %+v", got)
	}
	if resp.FinishReason != model.FinishToolCalls || len(resp.ToolCalls) != 1 || resp.ToolCalls[0].Arguments != `{"choice":"Task B"}` || resp.PromptTokens != 12 {
		t.Errorf("response %+v", resp)
	}
}

func TestRetries(t *testing.T) {
	cases := []struct {
		name      string
		failures  int
		code      int
		wantCalls int32
		wantErr   string
	}{
		{"429 then success", 2, 429, 3, ""},
		{"503 then success", 1, 503, 2, ""},
		{"400 is not retried", 1, 400, 1, "400"},
		{"500 beyond retries", 10, 500, 4, "after 4 attempts"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var calls atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if int(calls.Add(1)) <= c.failures {
					w.WriteHeader(c.code)
					w.Write([]byte(`{"error":{"message":"nope"}}`))
					return
				}
				w.Write([]byte(`{"choices":[{"message":{"role":"assistant","content":"Task A"},"finish_reason":"stop"}]}`))
			}))
			defer srv.Close()
			cl, _ := New(srv.URL, "m", WithRetries(3, time.Millisecond))
			resp, err := cl.Chat(context.Background(), model.Request{Messages: []model.Message{{Role: "user", Content: "x"}}})
			if calls.Load() != c.wantCalls {
				t.Errorf("%d calls, want %d", calls.Load(), c.wantCalls)
			}
			if c.wantErr == "" {
				if err != nil || resp.Text != "Task A" {
					t.Fatalf("got %+v, %v", resp, err)
				}
				return
			}
			var se *StatusError
			if err == nil || !strings.Contains(err.Error(), c.wantErr) || !errors.As(err, &se) || !strings.Contains(err.Error(), "nope") {
				t.Fatalf("error %v, want %q with the server's message", err, c.wantErr)
			}
		})
	}
}

func TestConcurrencyBound(t *testing.T) {
	var inFlight, peak atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(20 * time.Millisecond)
		inFlight.Add(-1)
		w.Write([]byte(`{"choices":[{"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}]}`))
	}))
	defer srv.Close()
	cl, _ := New(srv.URL, "m", WithConcurrency(3))
	done := make(chan error)
	for i := 0; i < 12; i++ {
		go func() {
			_, err := cl.Chat(context.Background(), model.Request{Messages: []model.Message{{Role: "user", Content: "x"}}})
			done <- err
		}()
	}
	for i := 0; i < 12; i++ {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if peak.Load() > 3 {
		t.Errorf("peak %d requests in flight, limit 3", peak.Load())
	}
}
