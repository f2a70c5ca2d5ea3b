// Package activations owns the activation store of a study: extraction of
// residual-stream vectors for a list of conversations from any
// model.ActivationModel, written resumably as safetensors shards with a JSON
// lines index, and reading one layer back as rows joined to task ids.
//
// # Store layout (DESIGN.md section 5)
//
// <study>/activations/<model>/ holds shard-NNNNN.safetensors (one float32
// tensor per layer and position, rows aligned with the index: "layer_<l>"
// for the first position, "layer_<l>.<position name>" for the others, see
// PositionTensorName), index.jsonl (one line per item: id, shard, row, the
// model that wrote the completion, meta such as the task's origin) and
// extract.yaml (the layers and positions, checked on every resume). Python
// reads the same files with the safetensors package.
//
// # Extraction
//
// A model.CaptureModel (local Llama weights, synth) gets the items sorted by
// encoded length and a shard at a time, and batches them itself (length
// buckets, positions selected on the device, lib/model/llama); other models
// are asked one item and one position at a time. Progress shows
// conversations/s and tokens/s.
//
// # Reading back
//
// The index is never trusted: every shard name it gives is checked to stay
// inside the store (layout.Within) before anything is opened or renamed,
// shards are opened without following symlinks and only as regular files
// (a FIFO is refused, not waited on), and Load refuses a negative row, a
// row past its shard, two items on one row, and a tensor that is not
// float32 of rank 2 or 3, with errors naming the index line.
package activations
