package template

import "testing"

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"tâche a":   "tache a",
		"opção b":   "opcao b",
		"ações":     "acoes",
		"questões":  "questoes",
		"übung":     "ubung",
		"größe":     "grosse",
		"maßnahme":  "massnahme",
		"sí":        "si",
		"ñandú":     "nandu",
		"task b":    "task b",
		"TASK B":    "task b",
		"\xff\xfeé": "\ufffd\ufffde", // invalid bytes become U+FFFD, as strings.ToLower makes them
	} {
		if got := fold(in); got != want {
			t.Errorf("fold(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestFoldedLabels reads labels in Portuguese and German typed with and
// without their accents, umlauts and ß.
func TestFoldedLabels(t *testing.T) {
	cases := []struct {
		labels []string
		reply  string
		want   int
	}{
		{[]string{"Opção A", "Opção B"}, "opcao b", 1},
		{[]string{"Opção A", "Opção B"}, "OPÇÃO A", 0},
		{[]string{"Questão 1", "Questão 2"}, "Prefiro a Questao 2.", 1},
		{[]string{"Ação A", "Ação B"}, "acao a", 0},
		{[]string{"Übung A", "Übung B"}, "Ubung B", 1},
		{[]string{"Übung A", "Übung B"}, "übung a", 0},
		{[]string{"Maßnahme 1", "Maßnahme 2"}, "Massnahme 2", 1},
		{[]string{"Maßnahme 1", "Maßnahme 2"}, "Maßnahme 1", 0},
		{[]string{"Größe A", "Größe B"}, "Grosse A", 0},
	}
	for _, tc := range cases {
		p := Prompt{Labels: tc.labels, Format: FormatPlain}
		if got := ParseChoice(p, resp(tc.reply)); got.Outcome != OutcomeChoice || got.Choice != tc.want {
			t.Errorf("labels %q, reply %q: got %+v, want choice %d", tc.labels, tc.reply, got, tc.want)
		}
	}
}
