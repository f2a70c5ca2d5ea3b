package study_test

import (
	"context"
	"fmt"
	"log"

	"github.com/prefscope/prefscope/lib/model"
	"github.com/prefscope/prefscope/lib/model/openai/fakeserver"
	"github.com/prefscope/prefscope/lib/study"
)

// OpenModel opens a model of any kind from its spec with one call: here
// the simulated respondent, and a served model behind an OpenAI-compatible
// server (a fake one on loopback that the respondent answers for). Local
// weights (kind llama) open the same way once the program imports
// study.LlamaPackage.
func ExampleOpenModel() {
	respondent, err := study.OpenModel(model.Spec{Kind: model.KindSynth, Seed: 7})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("opened", respondent.Name())

	server := fakeserver.Start(fakeserver.Config{Model: respondent})
	defer server.Close()
	served, err := study.OpenModel(model.Spec{Kind: model.KindOpenAI, Name: "respondent",
		Serving: model.Serving{BaseURL: server.URL()}}) // the key, if any, from OPENAI_API_KEY
	if err != nil {
		log.Fatal(err)
	}
	reply, err := served.Chat(context.Background(), model.Request{Messages: []model.Message{{Role: model.RoleUser, Content: "Say hello."}}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("opened", served.Name(), "and it answered", len(reply.Text) > 0)

	_, err = study.OpenModel(model.Spec{Kind: model.KindLlama, Path: "/models/Llama-3.1-8B-Instruct"})
	fmt.Println(err != nil, study.ModelKinds())
	// Output:
	// opened synth:7
	// opened openai:respondent and it answered true
	// true [openai synth]
}
