package openai

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/model/openai/fakeserver"
)

const hostileKey = "sk-hostile-0123456789abcdefghij"

// keyPart returns the longest piece of hostileKey (8 characters or more)
// that s holds, or "".
func keyPart(s string) string {
	for n := len(hostileKey); n >= 8; n-- {
		for i := 0; i+n <= len(hostileKey); i++ {
			if strings.Contains(s, hostileKey[i:i+n]) {
				return hostileKey[i : i+n]
			}
		}
	}
	return ""
}

// target is a server a redirect points at: it answers 200 with a chat
// reply to anything and records the Authorization headers it saw.
type target struct {
	mu    sync.Mutex
	hits  int
	auths []string
}

func startTarget(t *testing.T) (*target, string) {
	tg := &target{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tg.mu.Lock()
		tg.hits++
		tg.auths = append(tg.auths, r.Header.Get("Authorization"))
		tg.mu.Unlock()
		w.Write([]byte(`{"choices":[{"message":{"role":"assistant","content":"Task A"},"finish_reason":"stop"}]}`))
	}))
	t.Cleanup(srv.Close)
	return tg, srv.URL + "/v1/chat/completions"
}

// TestRedirectsAreNeverFollowed: a server answering any redirect, to
// another port of the same host, gets one request; the call fails at once
// with a permanent error naming the status and the target, and the target
// never sees a request (so neither the key nor a body-less GET whose 200
// would pass for the model's answer). A key the server put in the Location
// is redacted from the error.
func TestRedirectsAreNeverFollowed(t *testing.T) {
	for _, code := range []int{301, 302, 303, 307, 308} {
		tg, to := startTarget(t)
		fs := fakeserver.Start(fakeserver.Config{Model: echoModel{}, APIKey: hostileKey, FaultRate: 1, Faults: []string{fmt.Sprint(code)},
			RedirectTo: to + "?token=" + hostileKey})
		c := fastClient(t, []string{fs.URL()}, func(c *Config) { c.APIKey = hostileKey })
		resp, err := ask(c, "x")
		hits := len(fs.Hits())
		fs.Close()
		if err == nil || model.Retryable(err) || !strings.Contains(err.Error(), fmt.Sprint(code)) || !strings.Contains(err.Error(), to) ||
			!strings.Contains(err.Error(), "not followed") {
			t.Errorf("%d: reply %+v, error %v; want a permanent error naming the status, the target and that redirects are not followed", code, resp, err)
		}
		if p := keyPart(err.Error()); p != "" {
			t.Errorf("%d: error %v holds %q of the key (from the Location)", code, err, p)
		}
		if hits != 1 || tg.hits != 0 {
			t.Errorf("%d: server got %d requests, redirect target %d (Authorization %q); want 1 and 0", code, hits, tg.hits, tg.auths)
		}
	}
}

// TestEchoedKeyRedactedInEveryStoredString: a server that echoes the
// Authorization header into the text, tool-call ids, names and arguments
// and the finish reason hands back none of the key.
func TestEchoedKeyRedactedInEveryStoredString(t *testing.T) {
	fs := fakeserver.Start(fakeserver.Config{Model: toolModel{}, APIKey: hostileKey, EchoAuthInReply: true})
	defer fs.Close()
	c := fastClient(t, []string{fs.URL()}, func(c *Config) { c.APIKey = hostileKey })
	resp, err := ask(c, "x")
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.ToolCalls) != 1 || !strings.Contains(resp.Text, "[redacted]") {
		t.Fatalf("reply %+v: want one tool call and the echo redacted in the text", resp)
	}
	tc := resp.ToolCalls[0]
	for name, s := range map[string]string{"text": resp.Text, "finish_reason": string(resp.FinishReason), "tool call id": tc.ID, "tool call name": tc.Name, "tool call arguments": tc.Arguments} {
		if p := keyPart(s); p != "" {
			t.Errorf("%s %q holds the key (%q)", name, s, p)
		}
	}
}

// TestKeyAtTheCutIsRedacted: an error body with the key across the point
// where its message is shortened keeps none of the key, not even a part.
func TestKeyAtTheCutIsRedacted(t *testing.T) {
	for _, start := range []int{280, 290, 295, 299, 300, 301} {
		// The message is "injected fault" + pad + "; request had Authorization: Bearer " + key.
		pad := start - len("injected fault") - len("; request had Authorization: Bearer ")
		fs := fakeserver.Start(fakeserver.Config{Model: echoModel{}, APIKey: hostileKey, EchoAuth: true, EchoPad: pad, FaultRate: 1, Faults: []string{"400"}})
		c := fastClient(t, []string{fs.URL()}, func(c *Config) { c.APIKey = hostileKey })
		_, err := ask(c, "x")
		fs.Close()
		if err == nil {
			t.Fatalf("key at %d: no error", start)
		}
		if p := keyPart(err.Error()); p != "" {
			t.Errorf("key at %d: error %q holds %q of the key", start, err, p)
		}
	}
}

// toolModel answers every request with one tool call.
type toolModel struct{}

func (toolModel) Name() string { return "tool" }
func (toolModel) Chat(context.Context, model.Request) (model.Response, error) {
	return model.Response{Text: "calling", FinishReason: model.FinishToolCalls,
		ToolCalls: []model.ToolCall{{ID: "call_0", Name: "submit_choice", Arguments: `{"choice":"Task A"}`}}}, nil
}

func TestShortenCutsAtARune(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int // bytes kept before "..."; -1: unchanged
	}{
		{strings.Repeat("a", maxMessage), -1},
		{strings.Repeat("a", maxMessage+1), maxMessage},
		{strings.Repeat("a", maxMessage-1) + "é" + "b", maxMessage - 1}, // é would straddle the cut
		{strings.Repeat("é", maxMessage), maxMessage},
	} {
		got := shorten(c.in)
		if c.want < 0 && got != c.in || c.want >= 0 && got != c.in[:c.want]+"..." {
			t.Errorf("shorten(%d bytes) = %d bytes %q...", len(c.in), len(got), got[max(0, len(got)-8):])
		}
	}
}
