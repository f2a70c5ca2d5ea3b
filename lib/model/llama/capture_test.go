package llama

import (
	"context"
	"strings"
	"testing"

	"github.com/prefscope/prefscope/lib/model"
)

// allPositions are every position kind batched capture takes.
var allPositions = []model.Positions{
	{Kind: model.PosEndOfTurn}, {Kind: model.PosUserEnd}, {Kind: model.PosAssistantMean}, {Kind: model.PosPromptLast},
	{Kind: model.PosLast}, {Kind: model.PosToken, Token: "<|end_header_id|>"}, {Kind: model.PosIndices, Indices: []int{2}},
}

func conv(user, reply string) []model.Message {
	return []model.Message{{Role: model.RoleUser, Content: user}, {Role: model.RoleAssistant, Content: reply}}
}

// TestRightPadPositionIDs: every real token keeps the slot and position id
// it has alone (0..len-1, mask 1); pads are masked; dummy rows hold one
// token.
func TestRightPadPositionIDs(t *testing.T) {
	seqs := [][]int{{7, 8, 9}, {4}, {1, 2, 3, 4, 5}}
	bt := rightPad(seqs, 4, 8)
	for r := 0; r < 4; r++ {
		n := 1
		if r < len(seqs) {
			n = len(seqs[r])
		}
		for j := 0; j < 8; j++ {
			k := r*8 + j
			if bt.pos[k] != int32(j) {
				t.Errorf("row %d slot %d: position id %d, want %d", r, j, bt.pos[k], j)
			}
			if want := int32(0); j < n {
				want = 1
				if bt.mask[k] != want || (r < len(seqs) && bt.ids[k] != int32(seqs[r][j])) {
					t.Errorf("row %d token %d: id %d mask %d", r, j, bt.ids[k], bt.mask[k])
				}
			} else if bt.mask[k] != want {
				t.Errorf("row %d pad %d: mask %d, want 0", r, j, bt.mask[k])
			}
		}
	}
}

// TestCapturePaddingInvariance: a conversation's vectors at every position
// kind are the same (1e-5 relative, float32, go backend) alone without
// padding, and in one batch with a much shorter and a much longer
// neighbour (right padding to the longest, plus a dummy row), and equal to
// the unbatched Forward's hidden states at the same tokens.
func TestCapturePaddingInvariance(t *testing.T) {
	tm := openTinyChat(t)
	mid := conv("Rate this task, please: write a haiku.", "An old silent pond, a frog jumps in.")
	short := conv("Hi", "ok")
	long := conv(strings.Repeat("Prove that the square root of two is irrational. ", 6), strings.Repeat("Suppose it were rational. ", 8))
	layers := []int{0, 1, 2}
	convs := [][]model.Message{short, mid, long}
	seqs := make([][]int, 3)
	sels := make([][]selection, 3)
	for i, c := range convs {
		ids, err := tm.m.encodeChat(c, nil, false)
		if err != nil {
			t.Fatal(err)
		}
		seqs[i] = ids
		for _, p := range allPositions {
			s, err := tm.m.selectOne(c, ids, p)
			if err != nil {
				t.Fatalf("%s: %v", p.Name(), err)
			}
			sels[i] = append(sels[i], s)
		}
	}
	if len(seqs[2]) < 4*len(seqs[1]) || len(seqs[0]) > len(seqs[1])/3 {
		t.Fatalf("neighbours not much longer and shorter: %d, %d, %d tokens", len(seqs[0]), len(seqs[1]), len(seqs[2]))
	}
	alone, err := tm.m.captureBatch(seqs[1:2], sels[1:2], layers, 1, len(seqs[1]))
	if err != nil {
		t.Fatal(err)
	}
	batched, err := tm.m.captureBatch(seqs, sels, layers, 4, BucketLength(len(seqs[2])))
	if err != nil {
		t.Fatal(err)
	}
	full, err := tm.m.Forward(seqs[1:2], layers, false)
	if err != nil {
		t.Fatal(err)
	}
	for k, l := range layers {
		for p, pos := range allPositions {
			s := sels[1][p]
			want := make([]float64, tm.m.HiddenSize())
			span := []int{s.at}
			if s.mean {
				span = nil
				for j := s.start; j < s.end; j++ {
					span = append(span, j)
				}
			}
			for _, j := range span {
				for h := range want {
					want[h] += float64(full.Hidden[k][0][j][h]) / float64(len(span))
				}
			}
			if e := relErr([][]float32{alone[0][k][p]}, [][]float64{want}); e > 1e-5 {
				t.Errorf("layer %d %s: alone vs Forward rel err %.2e", l, pos.Name(), e)
			}
			if e := relErr([][]float32{batched[1][k][p]}, toF64([][]float32{alone[0][k][p]})); e > 1e-5 {
				t.Errorf("layer %d %s: batched vs alone rel err %.2e", l, pos.Name(), e)
			}
		}
	}
	// The positions are distinct tokens of the conversation.
	at := map[int]string{}
	for p, s := range sels[1][:4] {
		if s.mean {
			continue
		}
		if prev, dup := at[s.at]; dup {
			t.Errorf("%s and %s select the same token %d", allPositions[p].Name(), prev, s.at)
		}
		at[s.at] = allPositions[p].Name()
	}
}

// TestCaptureThroughPlan: Capture over a mix of lengths returns each
// conversation's vectors in request order, equal to capturing it alone.
func TestCaptureThroughPlan(t *testing.T) {
	tm := openTinyChat(t)
	var convs [][]model.Message
	for i := 0; i < 7; i++ {
		convs = append(convs, conv(strings.Repeat("task ", 1+i*i), strings.Repeat("reply ", 1+(7-i)*2)))
	}
	req := model.CaptureRequest{Conversations: convs, Layers: []int{2, 1}, Positions: allPositions[:4], MaxBatchTokens: 256}
	var seen, tokens int
	req.Progress = func(c, n int) { seen += c; tokens += n }
	all, err := tm.m.Capture(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if seen != len(convs) || tokens == 0 {
		t.Fatalf("progress saw %d conversations, %d tokens", seen, tokens)
	}
	for i, c := range convs {
		one := req
		one.Conversations, one.Progress = [][]model.Message{c}, nil
		alone, err := tm.m.Capture(context.Background(), one)
		if err != nil {
			t.Fatal(err)
		}
		for k := range req.Layers {
			for p := range req.Positions {
				if e := relErr([][]float32{all[i][k][p]}, toF64([][]float32{alone[0][k][p]})); e > 1e-5 {
					t.Errorf("conversation %d layer %d position %d: rel err %.2e", i, req.Layers[k], p, e)
				}
			}
		}
	}
	if _, err := tm.m.Capture(context.Background(), model.CaptureRequest{Conversations: convs[:1], Layers: []int{1}, Positions: []model.Positions{{Kind: model.PosIndices, Indices: []int{0, 1}}}}); err == nil || !strings.Contains(err.Error(), "one per position") {
		t.Errorf("two indices in one position: %v", err)
	}
	if _, err := tm.m.Capture(context.Background(), model.CaptureRequest{Conversations: [][]model.Message{convs[0][:1]}, Layers: []int{1}, Positions: allPositions[:1]}); err == nil || !strings.Contains(err.Error(), "assistant turn") {
		t.Errorf("no assistant turn: %v", err)
	}
}

// checkPlan checks that plan places every one of lengths exactly once, in
// a batch at least as long as it, within budget tokens (a batch of one
// row may exceed it), with batch lengths multiples of multiple.
func checkPlan(t *testing.T, plan []Batch, lengths []int, budget, multiple int) {
	t.Helper()
	seen := map[int]bool{}
	for _, b := range plan {
		if b.Rows*b.Len > budget && b.Rows > 1 || b.Len%multiple != 0 {
			t.Errorf("batch %v over the budget of %d tokens or off the multiples of %d", b, budget, multiple)
		}
		for _, i := range b.Items {
			if lengths[i] > b.Len || seen[i] {
				t.Errorf("item %d (%d tokens) in batch %v", i, lengths[i], b)
			}
			seen[i] = true
		}
	}
	if len(seen) != len(lengths) {
		t.Errorf("%d of %d items planned", len(seen), len(lengths))
	}
}

func TestPlanBatches(t *testing.T) {
	if got := []int{BucketLength(1), BucketLength(16), BucketLength(17), BucketLength(100), BucketLength(2000)}; got[0] != 16 || got[1] != 16 || got[2] != 24 || got[3] != 128 || got[4] != 2048 {
		t.Fatalf("buckets %v", got)
	}
	lengths := []int{100, 20, 2000, 110, 120, 30, 1000}
	plan, err := PlanBatches(lengths, 1024)
	if err != nil {
		t.Fatal(err)
	}
	checkPlan(t, plan, lengths, 1024, 1)
	if _, err := PlanBatches([]int{3, 0}, 0); err == nil {
		t.Error("an empty sequence should be refused")
	}
}
