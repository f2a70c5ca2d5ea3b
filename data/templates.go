package data

import "embed"

// TemplatesFS holds the prompt catalog read by lib/template's DefaultCatalog:
// templates/catalog.yaml (phrasings, translations, answer formats, rating
// scales and parser word lists).
//
//go:embed templates/*.yaml
var TemplatesFS embed.FS
