package openai

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/prefscope/prefscope/lib/model"
)

// A served model cannot steer: a steered request fails without being sent,
// rather than coming back unsteered.
func TestSteeringIsRefused(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { calls.Add(1) }))
	defer srv.Close()
	c := fastClient(t, []string{srv.URL + "/v1/"}, nil)
	_, err := c.Chat(context.Background(), model.Request{Messages: []model.Message{{Role: "user", Content: "pick"}}, Steering: &model.Steering{Mode: model.SteerAll}})
	if !errors.Is(err, model.ErrNoSteering) || calls.Load() != 0 {
		t.Fatalf("err = %v after %d requests, want ErrNoSteering and none sent", err, calls.Load())
	}
}
