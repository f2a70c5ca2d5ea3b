package tokenizer_test

import (
	"fmt"
	"log"

	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/tokenizer"
)

// A toy vocabulary (testdata/tiny_tokenizer.json): single bytes have their
// byte value as id, and eleven merges build "low", " low", "er", "lower",
// "hello" and " hello".
func ExampleTokenizer_Encode() {
	tk, err := tokenizer.Load("testdata/tiny_tokenizer.json")
	if err != nil {
		log.Fatal(err)
	}
	ids := tk.Encode("hello lower<|eot_id|>!")
	fmt.Println(ids)
	fmt.Printf("%q\n", tk.Decode(ids))
	eot, _ := tk.TokenID("<|eot_id|>")
	fmt.Println(eot, tk.VocabSize())
	// Output:
	// [264 258 259 268 33]
	// "hello lower<|eot_id|>!"
	// 268 269
}

func ExampleChatTemplate_Render() {
	tpl, err := tokenizer.NewChatTemplate(
		"{{ bos_token }}{% for m in messages %}<{{ m.role }}>{{ m.content | trim }}{{ eos_token }}{% endfor %}"+
			"{% if add_generation_prompt %}<assistant>{% endif %}",
		"<s>", "</s>")
	if err != nil {
		log.Fatal(err)
	}
	prompt, err := tpl.Render([]model.Message{
		{Role: model.RoleSystem, Content: "Answer with Task A or Task B."},
		{Role: model.RoleUser, Content: "  Which task do you prefer?\n"},
	}, nil, true)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(prompt)
	// Output:
	// <s><system>Answer with Task A or Task B.</s><user>Which task do you prefer?</s><assistant>
}
