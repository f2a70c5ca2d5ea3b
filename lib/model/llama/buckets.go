package llama

import (
	"cmp"
	"fmt"
	"slices"
)

// Length buckets of batched extraction. A compiled graph is specialised on
// its input shape [rows, length], and each compilation of an 8B graph costs
// about 20 s on a GPU, so sequences are padded up to a small fixed set of
// lengths: geometric steps of about √2 (alternately ×1.5 and ×4/3) from
// MinBucket: 16, 24, 32, 48, 64, 96, 128, 192, ..., 2048, 3072, 4096, ...
// Steps of √2 waste at most a third of a padded batch on pads (a sequence of
// 65 tokens in the 96 bucket) and about 15% on average over a spread of
// lengths, half of what powers of two waste, for twice their (still
// logarithmic) number of buckets: lengths 16 to 2,048 take 15 buckets, and a
// realistic mix of 100 to 2,000 tokens uses 9.
const MinBucket = 16

// BucketLength is the padded length of a sequence of n tokens: the smallest
// bucket >= n.
func BucketLength(n int) int {
	b := MinBucket
	for k := 0; b < n; k++ {
		if k%2 == 0 {
			b = b * 3 / 2
		} else {
			b = b * 4 / 3
		}
	}
	return b
}

// DefaultMaxBatchTokens is the padded-token budget of one batch when a
// request sets none: 16,384 tokens (8 x 2,048) keep an 8B model's float32
// attention scores for one layer under 5 GB on a GPU.
const DefaultMaxBatchTokens = 16384

// Batch is one padded batch of a plan: the sequences Items (indices into
// the planned lengths), padded to Len tokens and Rows rows (Rows >=
// len(Items); the extra rows are dummies).
type Batch struct {
	Items     []int
	Len, Rows int
}

// Shape is the [rows, length] a batch is compiled for.
func (b Batch) Shape() [2]int { return [2]int{b.Rows, b.Len} }

// bucketRows is the full batch height of a bucket: the largest power of two
// whose padded tokens fit maxBatchTokens (at least 1).
func bucketRows(length, maxBatchTokens int) int {
	r := 1
	for 2*r*length <= maxBatchTokens {
		r *= 2
	}
	return r
}

// PlanBatches groups sequences of the given lengths into batches, longest
// first (ties by index): each bucket is cut into full batches of bucketRows
// rows, and its last, partial batch gets the next power of two rows, its
// spare rows filled with the longest sequences of the shorter buckets
// rather than with dummies (a dummy row costs a whole row of padding; a
// borrowed sequence costs only its gap to the bucket, and leaves its own
// bucket one shorter). Dummy rows remain only in the very last batch. A
// bucket thus compiles at most 1 + log2(full rows) graphs, whatever the
// number of sequences. maxBatchTokens <= 0 means DefaultMaxBatchTokens; a
// sequence longer than maxBatchTokens gets a batch of its own.
func PlanBatches(lengths []int, maxBatchTokens int) ([]Batch, error) {
	return planBatches(lengths, maxBatchTokens, BucketLength)
}

// FineBucketLength is the padded length of a sequence of n tokens on the go
// backend: n rounded up to a multiple of 8. That backend builds a graph for
// a new shape in milliseconds (BenchmarkExtract's batched-compile-s is
// about 0), so there padding, not the number of graphs, is the cost, and
// the geometric buckets' 20% padding of a realistic mix (pad-frac) falls to
// a few percent. The graphs stay bounded by max_position_embeddings/8 times
// the row counts.
func FineBucketLength(n int) int { return max(8, roundUp(n, 8)) }

// planBatches is PlanBatches with the bucket lengths of bucket.
func planBatches(lengths []int, maxBatchTokens int, bucket func(int) int) ([]Batch, error) {
	if maxBatchTokens <= 0 {
		maxBatchTokens = DefaultMaxBatchTokens
	}
	order := make([]int, len(lengths))
	for i, n := range lengths {
		if n <= 0 {
			return nil, fmt.Errorf("llama: sequence %d has %d tokens", i, n)
		}
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(lengths[b], lengths[a]) })
	var out []Batch
	for start := 0; start < len(order); {
		L := bucket(lengths[order[start]])
		end := start
		for end < len(order) && bucket(lengths[order[end]]) == L {
			end++
		}
		full := bucketRows(L, maxBatchTokens)
		for ; end-start >= full; start += full {
			out = append(out, Batch{Items: slices.Clone(order[start : start+full]), Len: L, Rows: full})
		}
		if start < end {
			rows := 1
			for rows < end-start {
				rows *= 2
			}
			take := min(rows, len(order)-start)
			out = append(out, Batch{Items: slices.Clone(order[start : start+take]), Len: L, Rows: rows})
			start += take
		}
	}
	return out, nil
}

// CountShapes is the number of distinct graphs (batch shapes) the batches
// compile.
func CountShapes(batches []Batch) int {
	seen := map[[2]int]bool{}
	for _, b := range batches {
		seen[b.Shape()] = true
	}
	return len(seen)
}
