package template

import "slices"

// Factor is one template field that Generate varies for a kind, with its
// levels in generation order.
type Factor struct {
	Name   string
	Levels []string
}

// Factors returns the fields Generate varies for a kind, with their levels.
// The fields a kind cannot show are held at one level: stated kinds show a
// single task, so task_order is canonical and task_labels letter; post-task
// kinds ask their question after the completions, so instruction_position is
// after. Everything else (phrasing, the binary fields, response_format,
// language) varies for every kind.
func (c *Catalog) Factors(kind Kind) []Factor {
	bools := []string{"false", "true"}
	fs := []Factor{{FieldPhrasing, c.Phrasings(kind)}}
	if kind.class() == classChoice {
		fs = append(fs, Factor{FieldTaskOrder, slices.Clone(c.file.TaskOrders)})
	}
	if !kind.post() {
		fs = append(fs, Factor{FieldInstructionPosition, []string{PositionBefore, PositionAfter}})
	}
	fs = append(fs,
		Factor{FieldTypos, bools},
		Factor{FieldPunctuation, bools},
	)
	if kind.class() == classChoice {
		fs = append(fs, Factor{FieldTaskLabels, []string{LabelsLetter, LabelsNumber}})
	}
	fs = append(fs,
		Factor{FieldInstructionXML, bools},
		Factor{FieldSituatingContext, bools},
		Factor{FieldResponseFormat, slices.Clone(formats)},
		Factor{FieldLanguage, c.Languages()},
	)
	return fs
}

// base is the template every generated one starts from: the fixed levels of
// the fields Factors does not vary.
func (c *Catalog) base(kind Kind, scale string) Template {
	t := Template{Kind: kind, Fields: Fields{
		TaskOrder:           OrderCanonical,
		InstructionPosition: PositionAfter,
		TaskLabels:          LabelsLetter,
		Seed:                c.file.Seed,
	}}
	if kind.class() == classRating {
		t.Scale = scale
	}
	return t
}

// Generate returns the full factorial of templates for a kind: every
// combination of the levels in Factors(kind), in a fixed order (the last
// factor varies fastest). For the default catalog that is
// 3 phrasings x 2^6 binary fields (task_order, instruction_position, typos,
// punctuation, task_labels, instruction_xml, situating_context; the one a
// kind cannot show dropped) x 3 formats x 3 languages: 3456 templates for
// pre_revealed, 1728 for post_revealed, 864 for pre_stated, and 1296 for
// post_stated (9 phrasings: 3 plus the six positivity framings). scale
// names the rating scale of stated kinds and is ignored for revealed ones. An unknown kind, or a stated kind with an unknown
// scale, gives nil.
func (c *Catalog) Generate(kind Kind, scale string) []Template {
	if !kind.valid() {
		return nil
	}
	if kind.class() == classRating {
		if _, ok := c.scale(scale); !ok {
			return nil
		}
	}
	fs := c.Factors(kind)
	total := 1
	for _, f := range fs {
		total *= len(f.Levels)
	}
	out := make([]Template, 0, total)
	idx := make([]int, len(fs))
	for range total {
		t := c.base(kind, scale)
		for i, f := range fs {
			setField(&t, f.Name, f.Levels[idx[i]])
		}
		out = append(out, t)
		for i := len(fs) - 1; i >= 0; i-- {
			idx[i]++
			if idx[i] < len(fs[i].Levels) {
				break
			}
			idx[i] = 0
		}
	}
	return out
}
