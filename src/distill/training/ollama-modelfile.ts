/**
 * An Ollama Modelfile for a student: `FROM` its GGUF (an adapter student:
 * `FROM` its base and `ADAPTER` the LoRA GGUF), a `TEMPLATE` in
 * Ollama's Go-template language equal to the GGUF's Jinja chat template for
 * the families Alambique knows (Llama 3, ChatML, Gemma), the stop tokens of
 * that template, and the licence. For another template `TEMPLATE` is left out:
 * Ollama then reads `tokenizer.chat_template` from the GGUF itself and matches
 * it against the templates it knows.
 */

interface TemplateFamily {
  name: string;
  /** Recognises the family in a Jinja chat template. */
  marker: string;
  template: string;
  stops: string[];
}

const FAMILIES: TemplateFamily[] = [
  {
    name: "llama3",
    marker: "<|start_header_id|>",
    template:
      "{{- range .Messages }}<|start_header_id|>{{ .Role }}<|end_header_id|>\n\n{{ .Content }}<|eot_id|>\n" +
      "{{- end }}<|start_header_id|>assistant<|end_header_id|>\n\n",
    stops: ["<|eot_id|>", "<|start_header_id|>", "<|end_header_id|>"],
  },
  {
    name: "chatml",
    marker: "<|im_start|>",
    template:
      "{{- range .Messages }}<|im_start|>{{ .Role }}\n{{ .Content }}<|im_end|>\n{{ end }}<|im_start|>assistant\n",
    stops: ["<|im_start|>", "<|im_end|>"],
  },
  {
    name: "gemma",
    marker: "<start_of_turn>",
    template:
      '{{- range .Messages }}<start_of_turn>{{ if eq .Role "assistant" }}model{{ else }}{{ .Role }}{{ end }}\n' +
      "{{ .Content }}<end_of_turn>\n{{ end }}<start_of_turn>model\n",
    stops: ["<start_of_turn>", "<end_of_turn>"],
  },
];

/** The family of a Jinja chat template, or undefined when it is none Alambique knows. */
export function templateFamily(chatTemplate: string): TemplateFamily | undefined {
  return FAMILIES.find((family) => chatTemplate.includes(family.marker));
}

export function ollamaModelfile(input: {
  /** The GGUF's file name, beside the Modelfile (for an adapter student, the adapter's). */
  ggufFile: string;
  /** For an adapter student: the base GGUF's absolute path (`FROM`), the adapter being `ggufFile` (`ADAPTER`). */
  baseFile?: string | undefined;
  chatTemplate: string;
  license: string;
}): string {
  const family = templateFamily(input.chatTemplate);
  const lines = input.baseFile
    ? [`FROM ${input.baseFile}`, `ADAPTER ./${input.ggufFile}`, ""]
    : [`FROM ./${input.ggufFile}`, ""];
  if (family) {
    lines.push(`# The ${family.name} chat template of the GGUF, in Ollama's template language`);
    lines.push(`TEMPLATE """${family.template}"""`, "");
    for (const stop of family.stops) lines.push(`PARAMETER stop "${stop}"`);
  } else {
    lines.push("# No TEMPLATE: Ollama reads the chat template from the GGUF (tokenizer.chat_template)");
  }
  lines.push("", `LICENSE """${input.license.replaceAll('"""', "'''")}"""`, "");
  return lines.join("\n");
}
