// Package safetensors reads and writes tensors in the safetensors format used
// by Hugging Face checkpoints, and stores prefscope's captured activations in
// the same format so that Python can read them.
//
// # Format
//
// A file is
//
//	[8 bytes: N, little-endian uint64] [N bytes: JSON header] [data]
//
// The header maps each tensor name to {"dtype", "shape", "data_offsets"},
// where data_offsets = [begin, end) are byte offsets relative to the start of
// the data section, and may hold a "__metadata__" object of string pairs.
// Tensor bytes are row-major (C order) and little-endian.
//
// # Reading
//
// Open memory-maps a file (on Unix; elsewhere it reads it whole) and returns
// views of each tensor's bytes without copying: a 16 GB bf16 checkpoint costs
// page-cache pages, not heap. OpenCheckpoint opens a Hugging Face checkpoint
// directory: either a single model.safetensors or the shards listed by
// model.safetensors.index.json ("weight_map": tensor name -> shard file).
// Both satisfy Source. Float32 converts F32, F16, BF16 and F64 tensors to
// float32 for callers that want numbers rather than bytes.
//
// The header parser validates everything it reads (header length, JSON,
// known dtypes, shape products against byte ranges, ranges inside the file,
// no overlaps) and returns an error naming the file and the tensor; it never
// panics on malformed input (fuzzed by FuzzParse).
//
// # Writing
//
// Write and WriteFile store tensors, one per unique name, in the order given,
// with the header padded by spaces to a multiple of 8 bytes as the reference
// implementation does. Conversions to and from bfloat16 and float16 are GoMLX's
// dtypes packages; bfloat16 rounds to nearest-even, the rounding PyTorch uses
// for float32 -> bfloat16.
package safetensors
