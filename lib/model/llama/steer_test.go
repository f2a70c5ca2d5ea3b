package llama

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/template"
)

// steerAll steers every row of prompts at layer with per-row directions
// and the coefficient pattern of pattern(row, len).
func steerAll(prompts [][]int, layer int, dirs [][]float32, pattern func(r, n int) []float32, decode []float32) *Steer {
	s := &Steer{Layer: layer, Dirs: dirs, Decode: decode}
	for r, p := range prompts {
		s.Prefill = append(s.Prefill, pattern(r, len(p)))
	}
	return s
}

// A zero coefficient leaves every token and every logit bit for bit as
// without steering, in float32 and bfloat16.
func TestSteerZeroIsIdentity(t *testing.T) {
	for _, dtype := range []string{"float32", "bfloat16"} {
		tm := openTiny(t, dtype)
		prompts := testSeqs()
		samp := make([]Sampling, len(prompts))
		for i := range samp {
			samp[i] = Sampling{Temperature: 0.9, Seed: int64(i)}
		}
		opts := GenerateOptions{MaxNewTokens: 4, KeepLogits: true, NoStop: true}
		base, err := tm.m.Generate(context.Background(), prompts, samp, opts)
		if err != nil {
			t.Fatal(err)
		}
		dirs := make([][]float32, len(prompts))
		for r := range dirs {
			dirs[r] = RandomUnitVector(uint64(r), 64)
		}
		opts.Steer = steerAll(prompts, 1, dirs, func(_, n int) []float32 { return make([]float32, n) }, make([]float32, len(prompts)))
		got, err := tm.m.Generate(context.Background(), prompts, samp, opts)
		if err != nil {
			t.Fatal(err)
		}
		for r := range base {
			if !slices.Equal(got[r].Tokens, base[r].Tokens) {
				t.Fatalf("%s row %d: tokens %v, unsteered %v", dtype, r, got[r].Tokens, base[r].Tokens)
			}
			for i := range base[r].StepLogits {
				for j, x := range base[r].StepLogits[i] {
					if math.Float32bits(got[r].StepLogits[i][j]) != math.Float32bits(x) {
						t.Fatalf("%s row %d step %d logit %d: %v, unsteered %v", dtype, r, i, j, got[r].StepLogits[i][j], x)
					}
				}
			}
		}
	}
}

// subModel is the reference model from hidden state l on: its "embedding"
// row t is rows[t] (fed as token t) and its layers are l.. of the full one.
func subModel(cfg *Config, w refWeights, l int, rows [][]float64) (*Config, refWeights) {
	c := *cfg
	c.NumHiddenLayers = cfg.NumHiddenLayers - l
	sub := refWeights{"model.norm.weight": w["model.norm.weight"], "lm_head.weight": w["lm_head.weight"]}
	var emb []float64
	for _, r := range rows {
		emb = append(emb, r...)
	}
	sub["model.embed_tokens.weight"] = emb
	for k := 0; k < c.NumHiddenLayers; k++ {
		from, to := layerTensorNames(l+k), layerTensorNames(k)
		for i := range from {
			sub[to[i]] = w[from[i]]
		}
	}
	return &c, sub
}

// Steering at hidden state l equals running the layers above l, by hand
// (the float64 reference), on h_l + c·v, at every prompt and generated
// position, for l = 0 (embeddings), 1 and 2 (after the final norm).
func TestSteerMatchesHandComputation(t *testing.T) {
	tm := openTiny(t, "float32")
	prompt := testSeqs()[0]
	v := RandomUnitVector(9, 64)
	pattern := func(_, n int) []float32 { // + on tokens 2-4, − on 6-8, and the last token
		c := make([]float32, n)
		for j := 2; j <= 4; j++ {
			c[j], c[j+4] = 3, -3
		}
		c[n-1] = 1.5
		return c
	}
	const decode = 2
	for l := 0; l <= tm.cfg.NumHiddenLayers; l++ {
		opts := GenerateOptions{MaxNewTokens: 3, KeepLogits: true, NoStop: true,
			Steer: steerAll([][]int{prompt}, l, [][]float32{v}, pattern, []float32{decode})}
		gen, err := tm.m.Generate(context.Background(), [][]int{prompt}, nil, opts)
		if err != nil {
			t.Fatal(err)
		}
		for i, got := range gen[0].StepLogits {
			seq := append(slices.Clone(prompt), gen[0].Tokens[:i]...)
			hidden, plain := refForward(tm.cfg, tm.ref, seq)
			coef := append(pattern(0, len(prompt)), make([]float32, i)...)
			for j := len(prompt); j < len(seq); j++ {
				coef[j] = decode
			}
			rows := make([][]float64, len(seq))
			for j := range seq {
				rows[j] = slices.Clone(hidden[l][j])
				for k := range rows[j] {
					rows[j][k] += float64(coef[j]) * float64(v[k])
				}
			}
			var want []float64
			if l == tm.cfg.NumHiddenLayers {
				// After the final norm only the LM head is left.
				last := rows[len(rows)-1]
				for o := 0; o < tm.cfg.VocabSize; o++ {
					var s float64
					for k, x := range last {
						s += tm.ref["lm_head.weight"][o*64+k] * x
					}
					want = append(want, s)
				}
			} else {
				c, w := subModel(tm.cfg, tm.ref, l, rows)
				ids := make([]int, len(seq))
				for j := range ids {
					ids[j] = j
				}
				_, logits := refForward(c, w, ids)
				want = logits[len(logits)-1]
			}
			if e := relErr([][]float32{got}, [][]float64{want}); e > tolerance["float32"] {
				t.Errorf("layer %d step %d: steered logits vs hand computation rel err %.2e", l, i, e)
			}
			if e := relErr([][]float32{got}, [][]float64{plain[len(plain)-1]}); e < 100*tolerance["float32"] {
				t.Errorf("layer %d step %d: steering changed the logits by only %.2e", l, i, e)
			}
		}
	}
}

// Rows of one batch with different directions and coefficients get what
// each gets alone.
func TestSteerBatchedPerRequest(t *testing.T) {
	tm := openTiny(t, "float32")
	prompts := testSeqs()[:3]
	dirs := [][]float32{RandomUnitVector(1, 64), nil, RandomUnitVector(2, 64)}
	pattern := func(r, n int) []float32 {
		c := make([]float32, n)
		if dirs[r] != nil {
			for j := range c {
				c[j] = float32(r + 1)
			}
		}
		return c
	}
	opts := GenerateOptions{MaxNewTokens: 2, KeepLogits: true, NoStop: true, Steer: steerAll(prompts, 1, dirs, pattern, []float32{1, 0, -2})}
	batched, err := tm.m.Generate(context.Background(), prompts, nil, opts)
	if err != nil {
		t.Fatal(err)
	}
	for r := range prompts {
		one := opts
		one.Steer = &Steer{Layer: 1, Dirs: dirs[r : r+1], Prefill: [][]float32{pattern(r, len(prompts[r]))}, Decode: opts.Steer.Decode[r : r+1]}
		alone, err := tm.m.Generate(context.Background(), prompts[r:r+1], nil, one)
		if err != nil {
			t.Fatal(err)
		}
		if e := relErr(batched[r].StepLogits, toF64(alone[0].StepLogits)); e > tolerance["float32"] {
			t.Errorf("row %d: batched vs alone rel err %.2e", r, e)
		}
	}
}

// Through Chat: the modes put the coefficient where they say, differential
// spans are found from the tokens (with a clear error when a span is
// missing or ambiguous), and multiplier 0 replies exactly as unsteered.
func TestSteerChatModesAndSpans(t *testing.T) {
	tm := openTinyChat(t)
	msgs := []model.Message{{Role: "user", Content: "Task A:\nsing a song\n\nTask B:\nwrite a poem\n\nPick one."}}
	ids, err := tm.m.encodeChat(msgs, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	v := RandomUnitVector(3, 64)
	st := func(mode model.SteerMode, mult float64) *model.Steering {
		return &model.Steering{Direction: v, Layer: 1, Multiplier: mult, Norm: 2, Mode: mode, Plus: "sing a song", Minus: "write a poem"}
	}
	plan := func(s *model.Steering) *Steer {
		p, err := tm.m.steerPlan([]model.Request{{Messages: msgs, Steering: s}}, [][]int{ids})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	text := ByteTokenizer{}.Decode(ids)
	plus, minus := strings.Index(text, "sing a song"), strings.Index(text, "write a poem")
	diff := plan(st(model.SteerDifferential, 0.5))
	for j, c := range diff.Prefill[0] {
		// The fake tokenizer decodes exactly, token by token.
		at := len(ByteTokenizer{}.Decode(ids[:j]))
		want := float32(0)
		switch {
		case at >= plus && at < plus+len("sing a song"):
			want = 1
		case at >= minus && at < minus+len("write a poem"):
			want = -1
		}
		if c != want || diff.Decode[0] != 0 {
			t.Fatalf("differential coefficient at token %d (%q): %v, want %v", j, ByteTokenizer{}.Decode(ids[j:j+1]), c, want)
		}
	}
	for mode, want := range map[model.SteerMode][3]float32{ // first prompt token, last, decode
		model.SteerAll: {1, 1, 1}, model.SteerPrompt: {1, 1, 0}, model.SteerGenerated: {0, 0, 1}, model.SteerLastPrompt: {0, 1, 0},
	} {
		p := plan(st(mode, 0.5))
		if got := [3]float32{p.Prefill[0][0], p.Prefill[0][len(ids)-1], p.Decode[0]}; got != want {
			t.Errorf("mode %s: coefficients %v, want %v", mode, got, want)
		}
	}
	for _, bad := range []string{"not in it", "a"} {
		s := st(model.SteerDifferential, 0.5)
		s.Plus = bad
		_, err := tm.m.Chat(context.Background(), model.Request{Messages: msgs, Steering: s})
		if err == nil || !strings.Contains(err.Error(), "span 1") {
			t.Errorf("plus span %q: err = %v", bad, err)
		}
	}
	req := model.Request{Messages: msgs, Temperature: 1, Seed: 5, MaxTokens: 6}
	base, err := tm.m.Chat(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	req.Steering = st(model.SteerDifferential, 0)
	zero, err := tm.m.Chat(context.Background(), req)
	if err != nil || zero.Text != base.Text {
		t.Fatalf("multiplier 0: %q (err %v), unsteered %q", zero.Text, err, base.Text)
	}
}

// With the real Llama 3.1 tokenizer and chat template, both task spans of
// every revealed template of the catalog (labels, languages, orders,
// formats) are found from the tokens, and their tokens decode to text that
// contains the task.
func TestSteerSpansEveryTemplateLlamaTokenizer(t *testing.T) {
	src := filepath.Join("..", "..", "..", ".cache", "npm", "node_modules", "@lenml", "tokenizer-llama3_1", "models")
	if _, err := os.Stat(filepath.Join(src, "tokenizer.json")); err != nil {
		t.Skip("Llama tokenizer files absent: run scripts/fetch-tokenizer.sh")
	}
	tok, tmpl, err := loadText(src)
	if err != nil {
		t.Fatal(err)
	}
	m := &Model{tok: tok, tmpl: tmpl, cfg: &Config{BOSTokenID: 128000}}
	cat, err := template.DefaultCatalog()
	if err != nil {
		t.Fatal(err)
	}
	a, b := "Écris un haïku sur la mer, s'il te plaît.", "Prove that √2 is irrational."
	n := 0
	for _, kind := range []template.Kind{template.PreRevealed, template.PostRevealed} {
		for i, tpl := range cat.Generate(kind, "") {
			if i%5 != 0 && testing.Short() {
				continue
			}
			var p template.Prompt
			if kind == template.PreRevealed {
				p, err = cat.RenderChoice(tpl, a, b)
			} else {
				p, err = cat.RenderPostChoice(tpl, a, b, "Voici.", "Proof.")
			}
			if err != nil {
				t.Fatal(err)
			}
			ids, err := m.encodeChat(p.Messages, p.Tools, true)
			if err != nil {
				t.Fatal(err)
			}
			spans, err := m.TokenSpans(ids, a, b)
			if err != nil {
				t.Fatalf("%s: %v", tpl.ID(), err)
			}
			for k, text := range []string{a, b} {
				if got := tok.Decode(ids[spans[k][0]:spans[k][1]]); !strings.Contains(got, text) || spans[k][1]-spans[k][0] > 20 {
					t.Fatalf("%s: span %d decodes to %q, want it to hold %q tightly", tpl.ID(), k, got, text)
				}
			}
			n++
		}
	}
	t.Logf("spans found in %d templates", n)
}
