package mathml

import (
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"
)

// body strips MathML's <math><semantics> wrapper and the annotation.
func body(t *testing.T, m string) string {
	t.Helper()
	_, rest, ok := strings.Cut(m, "<semantics>")
	inner, _, ok2 := strings.Cut(rest, "<annotation")
	if !ok || !ok2 {
		t.Fatalf("no semantics/annotation in %q", m)
	}
	return inner
}

// The expected MathML is written by hand from the MathML Core elements
// (mi identifiers, mn numbers, mo operators, msub/msup/msubsup scripts,
// munderover limits, mfrac, msqrt/mroot, mover accents).
func TestMathML(t *testing.T) {
	cases := []struct {
		tex     string
		display bool
		want    string
	}{
		{`x_i^2`, false, `<msubsup><mi>x</mi><mi>i</mi><mn>2</mn></msubsup>`},
		{`x^2_i`, false, `<msubsup><mi>x</mi><mi>i</mi><mn>2</mn></msubsup>`},
		{`\frac{a}{b}`, false, `<mfrac><mi>a</mi><mi>b</mi></mfrac>`},
		{`\tfrac12`, false, `<mfrac><mn>1</mn><mn>2</mn></mfrac>`},
		{`a - b*c`, false, `<mrow><mi>a</mi><mo>−</mo><mi>b</mi><mo>∗</mo><mi>c</mi></mrow>`},
		{`3.14 + .5`, false, `<mrow><mn>3.14</mn><mo>+</mo><mn>.5</mn></mrow>`},
		{`\sqrt[3]{x}`, false, `<mroot><mi>x</mi><mn>3</mn></mroot>`},
		{`\sqrt{x+1}`, false, `<msqrt><mrow><mi>x</mi><mo>+</mo><mn>1</mn></mrow></msqrt>`},
		{`\sum_{i=1}^n x_i`, true, `<mrow><munderover><mo>∑</mo><mrow><mi>i</mi><mo>=</mo><mn>1</mn></mrow><mi>n</mi></munderover><msub><mi>x</mi><mi>i</mi></msub></mrow>`},
		{`\sum_{i=1}^n x_i`, false, `<mrow><msubsup><mo>∑</mo><mrow><mi>i</mi><mo>=</mo><mn>1</mn></mrow><mi>n</mi></msubsup><msub><mi>x</mi><mi>i</mi></msub></mrow>`},
		{`\mathbb{1}[f_a = f_b]`, false, `<mrow><mn>𝟙</mn><mo stretchy="false">[</mo><msub><mi>f</mi><mi>a</mi></msub><mo>=</mo><msub><mi>f</mi><mi>b</mi></msub><mo stretchy="false">]</mo></mrow>`},
		{`\mathbb{R}^d`, false, `<msup><mi>ℝ</mi><mi>d</mi></msup>`},
		{`\mathbf{X}`, false, `<mi>𝐗</mi>`},
		{`\mathrm{d}x`, false, `<mrow><mi mathvariant="normal">d</mi><mi>x</mi></mrow>`},
		{`\text{a  b}`, false, `<mtext>a b</mtext>`},
		{`\text{if }x`, false, "<mrow><mtext>if\u00a0</mtext><mi>x</mi></mrow>"},
		{`\left( x \right.`, false, `<mrow><mo fence="true" stretchy="true">(</mo><mi>x</mi></mrow>`},
		{`\left\{ x \right\}`, false, `<mrow><mo fence="true" stretchy="true">{</mo><mi>x</mi><mo fence="true" stretchy="true">}</mo></mrow>`},
		{`x'`, false, `<msup><mi>x</mi><mo>′</mo></msup>`},
		{`\hat{\mu}`, false, `<mover accent="true"><mi>μ</mi><mo stretchy="false">^</mo></mover>`},
		{`a<b`, false, `<mrow><mi>a</mi><mo>&lt;</mo><mi>b</mi></mrow>`},
		{`\Phi(x)`, false, `<mrow><mi mathvariant="normal">Φ</mi><mo stretchy="false">(</mo><mi>x</mi><mo stretchy="false">)</mo></mrow>`},
		{`\log\sigma_i \sim N(0, 0.25^2)`, false, `<mrow><mi>log</mi><mspace width="0.1667em"></mspace><msub><mi>σ</mi><mi>i</mi></msub><mo>∼</mo><mi>N</mi><mo stretchy="false">(</mo><mn>0</mn><mo>,</mo><msup><mn>0.25</mn><mn>2</mn></msup><mo stretchy="false">)</mo></mrow>`},
		{`\operatorname{diag}(X)`, false, `<mrow><mi>diag</mi><mo stretchy="false">(</mo><mi>X</mi><mo stretchy="false">)</mo></mrow>`},
		{`\operatorname*{argmax}_i`, true, `<munder><mi>argmax</mi><mi>i</mi></munder>`},
		{`a \not\in B`, false, "<mrow><mi>a</mi><mo>∈\u0338</mo><mi>B</mi></mrow>"},
		{`a\,b`, false, `<mrow><mi>a</mi><mspace width="0.1667em"></mspace><mi>b</mi></mrow>`},
		{`\Phi\!\left(x\right)`, false, `<mrow><mi mathvariant="normal">Φ</mi><mrow><mo fence="true" stretchy="true">(</mo><mi>x</mi><mo fence="true" stretchy="true">)</mo></mrow></mrow>`},
		{`\begin{pmatrix} a & b \\ c & d \\ \end{pmatrix}`, false, `<mrow><mo fence="true" stretchy="true">(</mo><mtable><mtr><mtd><mi>a</mi></mtd><mtd><mi>b</mi></mtd></mtr><mtr><mtd><mi>c</mi></mtd><mtd><mi>d</mi></mtd></mtr></mtable><mo fence="true" stretchy="true">)</mo></mrow>`},
		{`\beta_{\text{pos}}`, false, `<msub><mi>β</mi><mtext>pos</mtext></msub>`},
		{`\big( x`, false, `<mrow><mo minsize="1.2em" maxsize="1.2em">(</mo><mi>x</mi></mrow>`},
	}
	for _, tc := range cases {
		m, err := FromTeX(tc.tex, tc.display)
		if err != nil {
			t.Errorf("FromTeX(%q): %v", tc.tex, err)
			continue
		}
		if got := body(t, m); got != tc.want {
			t.Errorf("FromTeX(%q, %v)\n got %s\nwant %s", tc.tex, tc.display, got, tc.want)
		}
		if tc.display != strings.Contains(m, `display="block"`) {
			t.Errorf("FromTeX(%q, %v): display attribute wrong in %s", tc.tex, tc.display, m)
		}
		if !strings.Contains(m, `<annotation encoding="application/x-tex">`) {
			t.Errorf("FromTeX(%q): no TeX annotation", tc.tex)
		}
	}
}

func TestMathMLErrors(t *testing.T) {
	cases := []struct{ tex, want string }{
		{`\foo x`, `unknown command \foo`},
		{`x^`, "missing argument"},
		{`{x`, "missing closing }"},
		{`x}`, "unbalanced }"},
		{`x \right)`, `\right without \left`},
		{`\left( x`, `missing closing \right`},
		{`a & b`, "& outside an environment"},
		{`a \\ b`, `\\ outside an environment`},
		{`\begin{foo} a \end{foo}`, `unknown environment "foo"`},
		{`x_1_2`, "double subscript"},
		{`x^1^2`, "double superscript"},
		{`\begin{cases} a \end{matrix}`, `\begin{cases} ended by \end{matrix}`},
		{`\left\foo x \right)`, `unknown delimiter \foo`},
		{`\frac{a}`, "missing argument"},
	}
	for _, tc := range cases {
		m, err := FromTeX(tc.tex, false)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.tex) {
			t.Errorf("FromTeX(%q) = %q, %v; want an error naming the formula and %q", tc.tex, m, err, tc.want)
		}
	}
}

// wellFormed checks that s parses as XML to the end.
func wellFormed(s string) error {
	d := xml.NewDecoder(strings.NewReader(s))
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func FuzzMathML(f *testing.F) {
	for _, s := range []string{`x_i^2`, `\frac{\mu_a+\beta}{\sqrt{\sigma_a^2}}`, `\left(\right.`, `\begin{cases}a&b\\c\end{cases}`,
		`\text{<&>}`, `\mathbb{1}`, `a<b>c&d`, `\not=`, `\sqrt[`, `}{`, `\`, `x'''`, `\operatorname*{a}_b^c`} {
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, tex string, display bool) {
		m, err := FromTeX(tex, display)
		if err != nil {
			return
		}
		if werr := wellFormed(m); werr != nil {
			t.Fatalf("FromTeX(%q) is not well-formed XML: %v\n%s", tex, werr, m)
		}
	})
}
