package activations

import (
	"fmt"
	"strconv"

	"go.yaml.in/yaml/v3"

	"github.com/prefscope/prefscope/lib/model"
)

// PositionList is the positions of a study's extract key: one mapping
// ({kind: token, token: "<|eot_id|>"}), or a list of mappings or bare kind
// names ([end_of_turn, user_end, assistant_mean, prompt_last]). Several
// positions are read in one pass and stored as separate tensors of the
// same shards (see TensorName).
type PositionList []model.Positions

// UnmarshalYAML reads one mapping, or a sequence of mappings or kind names.
func (pl *PositionList) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.MappingNode:
		var p model.Positions
		if err := n.Decode(&p); err != nil {
			return err
		}
		*pl = PositionList{p}
		return nil
	case yaml.SequenceNode:
		out := PositionList{}
		for _, c := range n.Content {
			var p model.Positions
			if c.Kind == yaml.ScalarNode {
				p.Kind = model.PositionKind(c.Value)
			} else if err := c.Decode(&p); err != nil {
				return err
			}
			out = append(out, p)
		}
		*pl = out
		return nil
	}
	return fmt.Errorf("line %d: positions: want a mapping ({kind: ...}) or a list of positions", n.Line)
}

// MarshalYAML writes a single position as the mapping it was before
// several positions existed, so that older stores' extract.yaml still
// matches.
func (pl PositionList) MarshalYAML() (any, error) {
	if len(pl) == 1 {
		return pl[0], nil
	}
	return []model.Positions(pl), nil
}

// knownKinds are the position kinds a study may name.
var knownKinds = []model.PositionKind{model.PosLast, model.PosToken, model.PosAssistantMean, model.PosIndices,
	model.PosEndOfTurn, model.PosUserEnd, model.PosPromptLast}

// OrDefault is pl, or the last token when pl is empty (an extract key
// without positions, as before positions were required).
func (pl PositionList) OrDefault() PositionList {
	if len(pl) == 0 {
		return PositionList{{Kind: model.PosLast}}
	}
	return pl
}

// Validate checks kinds, their arguments, and that names are distinct; an
// empty list is the default (OrDefault), and an empty kind is last.
func (pl PositionList) Validate() error {
	seen := map[string]bool{}
	for i, p := range pl {
		known := p.Kind == ""
		if known {
			p.Kind = model.PosLast
		}
		for _, k := range knownKinds {
			known = known || p.Kind == k
		}
		switch {
		case !known:
			return fmt.Errorf("positions[%d]: unknown kind %q (known: %v)", i, p.Kind, knownKinds)
		case p.Kind == model.PosToken && p.Token == "":
			return fmt.Errorf("positions[%d]: kind token needs token", i)
		case p.Kind == model.PosIndices && len(p.Indices) == 0:
			return fmt.Errorf("positions[%d]: kind indices needs indices", i)
		case p.Kind == model.PosIndices && len(p.Indices) > 1 && len(pl) > 1:
			return fmt.Errorf("positions[%d]: several indices in one position only when it is the only position", i)
		case seen[p.Name()]:
			return fmt.Errorf("positions[%d]: %s listed twice", i, p.Name())
		}
		seen[p.Name()] = true
	}
	return nil
}

// TensorName is the tensor holding layer l at the store's first position:
// "layer_<l>", as before several positions existed.
func TensorName(layer int) string { return "layer_" + strconv.Itoa(layer) }

// PositionTensorName is the tensor of layer l at the k-th position p of a
// store: TensorName for k = 0, "layer_<l>.<p.Name()>" for the others.
func PositionTensorName(layer, k int, p model.Positions) string {
	if k == 0 {
		return TensorName(layer)
	}
	return TensorName(layer) + "." + p.Name()
}
