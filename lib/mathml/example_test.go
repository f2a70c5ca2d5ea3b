package mathml_test

import (
	"fmt"

	"github.com/prefscope/prefscope/lib/mathml"
)

func ExampleFromTeX() {
	m, err := mathml.FromTeX(`\mu_i^2`, false)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m)
	_, err = mathml.FromTeX(`\foo`, false)
	fmt.Println(err)
	// Output:
	// <math xmlns="http://www.w3.org/1998/Math/MathML"><semantics><msubsup><mi>μ</mi><mi>i</mi><mn>2</mn></msubsup><annotation encoding="application/x-tex">\mu_i^2</annotation></semantics></math>
	// mathml: `\foo`: unknown command \foo
}
