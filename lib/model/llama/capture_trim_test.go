package llama

import (
	"context"
	"strings"
	"testing"

	"github.com/prefscope/prefscope/lib/model"
)

// TestCaptureTrimsAfterLastPosition: positions that end before the reply
// (prompt_last, user_end) run only the tokens up to them, and their vectors
// equal those read from the whole conversation (end_of_turn asked too).
func TestCaptureTrimsAfterLastPosition(t *testing.T) {
	tm := openTinyChat(t)
	convs := [][]model.Message{
		conv("Rate this task, please: write a haiku.", strings.Repeat("An old silent pond. ", 6)),
		conv("Hi", strings.Repeat("ok ", 20)),
	}
	full := 0
	for _, c := range convs {
		n, err := tm.m.ConversationLength(c)
		if err != nil {
			t.Fatal(err)
		}
		full += n
	}
	early := []model.Positions{{Kind: model.PosPromptLast}, {Kind: model.PosUserEnd}}
	var tokens int
	req := model.CaptureRequest{Conversations: convs, Layers: []int{1, 2}, Positions: early, Progress: func(_, n int) { tokens += n }}
	cut, err := tm.m.Capture(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if tokens <= 0 || tokens > full-2*20 {
		t.Errorf("ran %d tokens of %d: the replies (20+ tokens each) were not cut", tokens, full)
	}
	req.Positions, req.Progress = append([]model.Positions{{Kind: model.PosEndOfTurn}}, early...), nil
	whole, err := tm.m.Capture(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	for i := range convs {
		for k := range req.Layers {
			for p := range early {
				if e := relErr([][]float32{cut[i][k][p]}, toF64([][]float32{whole[i][k][p+1]})); e > 1e-5 {
					t.Errorf("conversation %d layer %d %s: cut vs whole rel err %.2e", i, req.Layers[k], early[p].Name(), e)
				}
			}
		}
	}
}

// TestPlanBatchesFillsSpareRows: a bucket's partial batch takes the longest
// sequences of the shorter buckets into its spare rows, so only the last
// batch has dummy rows, and every sequence is planned once, within its
// batch's length.
func TestPlanBatchesFillsSpareRows(t *testing.T) {
	// Buckets 256 (3 sequences), 192 (2), 128 (4); budget 1024: full rows
	// 4 at 256 and 192, 8 at 128. The 256 batch takes 180 into its fourth
	// row, leaving 170 alone at 192; the last batch has no dummy row.
	lengths := []int{250, 240, 230, 180, 170, 120, 110, 100, 90}
	plan, err := PlanBatches(lengths, 1024)
	if err != nil {
		t.Fatal(err)
	}
	want := []Batch{{Items: []int{0, 1, 2, 3}, Len: 256, Rows: 4}, {Items: []int{4}, Len: 192, Rows: 1}, {Items: []int{5, 6, 7, 8}, Len: 128, Rows: 4}}
	if len(plan) != len(want) {
		t.Fatalf("plan %v, want %v", plan, want)
	}
	for i, b := range plan {
		if b.Len != want[i].Len || b.Rows != want[i].Rows || !equalInts(b.Items, want[i].Items) {
			t.Errorf("batch %d: %v, want %v", i, b, want[i])
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestFineBuckets: the go backend's buckets are multiples of 8, and a plan
// in them keeps every sequence within its batch's length and the budget.
func TestFineBuckets(t *testing.T) {
	for n, want := range map[int]int{1: 8, 8: 8, 9: 16, 100: 104, 2000: 2000} {
		if got := FineBucketLength(n); got != want {
			t.Errorf("FineBucketLength(%d) = %d, want %d", n, got, want)
		}
	}
	lengths := []int{100, 20, 2000, 110, 120, 30, 1000, 101, 99, 7}
	plan, err := planBatches(lengths, 1024, FineBucketLength)
	if err != nil {
		t.Fatal(err)
	}
	checkPlan(t, plan, lengths, 1024, 8)
}
