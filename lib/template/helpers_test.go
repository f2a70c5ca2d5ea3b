package template

import "github.com/prefscope/prefscope/lib/model"

func resp(text string) model.Response { return model.Response{Text: text} }

func toolResp(name, args string) model.Response {
	return model.Response{ToolCalls: []model.ToolCall{{Name: name, Arguments: args}}, FinishReason: model.FinishToolCalls}
}
