package main

// The CLI opens every model kind: synth and openai are built into
// lib/study's registry, and this import adds llama (local weights, GoMLX),
// which notebooks that never use it do not compile.
import _ "github.com/prefscope/prefscope/lib/study/llamakind"
