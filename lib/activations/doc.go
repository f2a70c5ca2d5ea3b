// Package activations owns the activation store of a study: extraction of
// residual-stream vectors for a list of conversations from any
// model.ActivationModel, written resumably as safetensors shards with a JSON
// lines index, and reading one layer back as rows joined to task ids.
//
// # Store layout (DESIGN.md section 5)
//
// <study>/activations/<model>/ holds shard-NNNNN.safetensors (one float32
// tensor per layer, "layer_<l>", rows aligned with the index), index.jsonl
// (one line per item: id, shard, row, meta such as the task's origin) and
// extract.yaml (the layers and positions, checked on every resume). Python
// reads the same files with the safetensors package.
package activations
