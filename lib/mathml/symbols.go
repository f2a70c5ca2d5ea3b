package mathml

import (
	"html"
	"strings"
	"unicode"
)

// The TeX commands MathML knows, by the kind of element they become.

var greek = map[string]string{
	"alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ", "varepsilon": "ε",
	"zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ",
	"lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "varpi": "ϖ", "rho": "ρ",
	"varrho": "ϱ", "sigma": "σ", "varsigma": "ς", "tau": "τ", "upsilon": "υ", "phi": "ϕ",
	"varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
	"Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π",
	"Sigma": "Σ", "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
}

// symbols become <mo>: relations, binary operators, arrows, punctuation.
var symbols = map[string]string{
	"pm": "±", "mp": "∓", "times": "×", "cdot": "⋅", "div": "÷", "ast": "∗", "star": "⋆",
	"circ": "∘", "bullet": "∙", "oplus": "⊕", "otimes": "⊗", "wedge": "∧", "land": "∧",
	"vee": "∨", "lor": "∨", "neg": "¬", "lnot": "¬", "cup": "∪", "cap": "∩", "setminus": "∖",
	"leq": "≤", "le": "≤", "geq": "≥", "ge": "≥", "neq": "≠", "ne": "≠", "ll": "≪", "gg": "≫",
	"approx": "≈", "sim": "∼", "simeq": "≃", "cong": "≅", "equiv": "≡", "propto": "∝",
	"succ": "≻", "prec": "≺", "succeq": "⪰", "preceq": "⪯", "in": "∈", "notin": "∉", "ni": "∋",
	"subset": "⊂", "subseteq": "⊆", "supset": "⊃", "supseteq": "⊇", "perp": "⊥", "mid": "∣",
	"parallel": "∥", "to": "→", "rightarrow": "→", "leftarrow": "←", "gets": "←",
	"leftrightarrow": "↔", "Rightarrow": "⇒", "Leftarrow": "⇐", "Leftrightarrow": "⇔",
	"implies": "⟹", "iff": "⟺", "mapsto": "↦", "uparrow": "↑", "downarrow": "↓",
	"ldots": "…", "dots": "…", "cdots": "⋯", "vdots": "⋮", "ddots": "⋱", "colon": ":",
	"forall": "∀", "exists": "∃", "|": "‖", "{": "{", "}": "}", "lbrace": "{", "rbrace": "}",
	"langle": "⟨", "rangle": "⟩", "lvert": "|", "rvert": "|", "vert": "|", "lVert": "‖",
	"rVert": "‖", "Vert": "‖", "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉",
	"%": "%", "#": "#", "&": "&", "$": "$", "_": "_", "lbrack": "[", "rbrack": "]",
}

// ordinary symbols become <mi>.
var ordinary = map[string]string{
	"infty": "∞", "partial": "∂", "nabla": "∇", "ell": "ℓ", "hbar": "ℏ", "emptyset": "∅",
	"varnothing": "∅", "top": "⊤", "bot": "⊥", "prime": "′", "aleph": "ℵ", "Re": "ℜ", "Im": "ℑ",
}

// bigOps take limits: below and above in display, as scripts inline.
var bigOps = map[string]string{
	"sum": "∑", "prod": "∏", "coprod": "∐", "bigcup": "⋃", "bigcap": "⋂", "bigoplus": "⨁",
	"bigotimes": "⨂", "int": "∫", "iint": "∬", "oint": "∮",
}

// functions are upright names (\log x); limitFunctions take limits as
// bigOps do (\max_i).
var functions = map[string]bool{
	"log": true, "ln": true, "exp": true, "sin": true, "cos": true, "tan": true, "sinh": true,
	"cosh": true, "tanh": true, "arg": true, "dim": true, "ker": true, "deg": true, "sgn": true,
	"tr": true, "rank": true, "diag": true, "Var": true, "Cov": true, "logit": true,
}
var limitFunctions = map[string]bool{
	"lim": true, "max": true, "min": true, "sup": true, "inf": true, "det": true, "Pr": true,
	"argmax": true, "argmin": true, "gcd": true,
}

// spaces are widths for <mspace>; "" is a space that shows nothing here
// (a negative thin space).
var spaces = map[string]string{
	",": "0.1667em", "thinspace": "0.1667em", ":": "0.2222em", ">": "0.2222em", "medspace": "0.2222em",
	";": "0.2778em", "thickspace": "0.2778em", " ": "0.25em", "quad": "1em", "qquad": "2em", "!": "",
}

type accent struct {
	mark            string
	stretchy, under bool
}

var accents = map[string]accent{
	"hat": {"^", false, false}, "widehat": {"^", true, false}, "bar": {"‾", false, false},
	"overline": {"‾", true, false}, "tilde": {"~", false, false}, "widetilde": {"~", true, false},
	"vec": {"→", false, false}, "dot": {"˙", false, false}, "ddot": {"¨", false, false},
	"underline": {"_", true, true},
}

// bigDelims are the sized delimiters (\big( ...), with their heights.
var bigDelims = map[string]string{
	"big": "1.2em", "bigl": "1.2em", "bigr": "1.2em", "bigm": "1.2em",
	"Big": "1.8em", "Bigl": "1.8em", "Bigr": "1.8em", "Bigm": "1.8em",
	"bigg": "2.4em", "biggl": "2.4em", "biggr": "2.4em", "biggm": "2.4em",
	"Bigg": "3em", "Biggl": "3em", "Biggr": "3em", "Biggm": "3em",
}

// delimiters are the commands allowed after \left, \right and \big.
var delimiters = map[string]string{
	"{": "{", "}": "}", "lbrace": "{", "rbrace": "}", "|": "‖", "langle": "⟨", "rangle": "⟩",
	"lvert": "|", "rvert": "|", "vert": "|", "lVert": "‖", "rVert": "‖", "Vert": "‖",
	"lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉", "lbrack": "[", "rbrack": "]",
}

// A font maps letters and digits into Unicode's mathematical alphanumeric
// block (MathML Core has no other way to say bold or double-struck);
// exceptions are the letters Unicode had encoded earlier elsewhere.
type font struct {
	upper, lower, digit rune // first code point of A, a and 0; 0 if none
	except              map[rune]rune
	upright             bool // \mathrm: letters as they are, upright
}

var fonts = map[string]font{
	"mathbf": {upper: 0x1D400, lower: 0x1D41A, digit: 0x1D7CE}, "boldsymbol": {upper: 0x1D400, lower: 0x1D41A, digit: 0x1D7CE},
	"bm": {upper: 0x1D400, lower: 0x1D41A, digit: 0x1D7CE},
	"mathbb": {upper: 0x1D538, lower: 0x1D552, digit: 0x1D7D8, except: map[rune]rune{
		'C': 'ℂ', 'H': 'ℍ', 'N': 'ℕ', 'P': 'ℙ', 'Q': 'ℚ', 'R': 'ℝ', 'Z': 'ℤ'}},
	"mathcal": {upper: 0x1D49C, lower: 0x1D4B6, except: map[rune]rune{
		'B': 'ℬ', 'E': 'ℰ', 'F': 'ℱ', 'H': 'ℋ', 'I': 'ℐ', 'L': 'ℒ', 'M': 'ℳ', 'R': 'ℛ', 'e': 'ℯ', 'g': 'ℊ', 'o': 'ℴ'}},
	"mathit":   {upper: 0x1D434, lower: 0x1D44E, except: map[rune]rune{'h': 'ℎ'}},
	"mathrm":   {upright: true},
	"mathsf":   {upper: 0x1D5A0, lower: 0x1D5BA, digit: 0x1D7E2},
	"mathtt":   {upper: 0x1D670, lower: 0x1D68A, digit: 0x1D7F6},
	"mathfrak": {upper: 0x1D504, lower: 0x1D51E, except: map[rune]rune{'C': 'ℭ', 'H': 'ℌ', 'I': 'ℑ', 'R': 'ℜ', 'Z': 'ℨ'}},
}

// styled renders the argument of a font command: mapped letters and digits
// become single-character <mi>; anything else (Greek, operators) is parsed
// as ordinary math.
func styled(raw string, f font, outer *texParser) string {
	if f.upright && strings.IndexFunc(raw, func(r rune) bool { return !isASCIILetter(r) && !unicode.IsSpace(r) }) < 0 {
		t := strings.Join(strings.Fields(raw), "")
		if len([]rune(t)) == 1 {
			return `<mi mathvariant="normal">` + html.EscapeString(t) + "</mi>"
		}
		return mi(t)
	}
	var items []string
	inner := &texParser{src: []rune(raw), display: outer.display}
	for inner.err == nil {
		inner.skipSpace()
		if inner.i >= len(inner.src) {
			break
		}
		if r, ok := f.mapRune(inner.peek()); ok {
			inner.i++
			if unicode.IsDigit(inner.src[inner.i-1]) {
				items = append(items, "<mn>"+string(r)+"</mn>")
			} else {
				items = append(items, mi(string(r)))
			}
			continue
		}
		base, big := inner.atom()
		items = append(items, inner.scripts(base, big))
	}
	if inner.err != nil {
		outer.fail("%v", inner.err)
	}
	return mrow(items)
}

func (f font) mapRune(r rune) (rune, bool) {
	if m, ok := f.except[r]; ok {
		return m, true
	}
	switch {
	case r >= 'A' && r <= 'Z' && f.upper != 0:
		return f.upper + r - 'A', true
	case r >= 'a' && r <= 'z' && f.lower != 0:
		return f.lower + r - 'a', true
	case r >= '0' && r <= '9' && f.digit != 0:
		return f.digit + r - '0', true
	}
	return 0, false
}

// environments: the arrays \begin{name} ... \end{name}, with their fences
// and column alignment.
var environments = map[string]struct{ open, close, align string }{
	"matrix": {"", "", ""}, "pmatrix": {"(", ")", ""}, "bmatrix": {"[", "]", ""},
	"Bmatrix": {"{", "}", ""}, "vmatrix": {"|", "|", ""}, "Vmatrix": {"‖", "‖", ""},
	"cases": {"{", "", "left"}, "aligned": {"", "", "right left"}, "array": {"", "", ""},
}

// environment parses \begin{name} rows \end{name} into an <mtable>.
func (p *texParser) environment() string {
	name := p.rawArg()
	env, ok := environments[name]
	if !ok {
		p.fail("unknown environment %q", name)
		return ""
	}
	if name == "array" {
		p.rawArg() // column spec: alignment is left to the browser
	}
	aligns := strings.Fields(env.align)
	var rows, cells []string
	for p.err == nil {
		cell := p.row(stopCell)
		if p.err != nil {
			return ""
		}
		td := "<mtd>"
		if len(aligns) > 0 {
			td = `<mtd style="text-align:` + aligns[len(cells)%len(aligns)] + `">`
		}
		if len(cell) > 0 || p.peek() == '&' || len(cells) > 0 || p.peekCommand() != "end" {
			cells = append(cells, td+mrow(cell)+"</mtd>")
		}
		if p.peek() == '&' {
			p.i++
			continue
		}
		if len(cells) > 0 { // a \\ right before \end adds no empty row
			rows = append(rows, "<mtr>"+strings.Join(cells, "")+"</mtr>")
		}
		cells = nil
		if p.command() == "end" {
			if end := p.rawArg(); end != name {
				p.fail(`\begin{%s} ended by \end{%s}`, name, end)
			}
			break
		}
	}
	table := "<mtable>" + strings.Join(rows, "") + "</mtable>"
	return "<mrow>" + fence(env.open) + table + fence(env.close) + "</mrow>"
}
