import { useEffect, useState } from "react";

/**
 * A textarea for a list of strings, one per line. It keeps the text as typed
 * (an empty line being written is not swallowed) and reports the non-empty,
 * trimmed lines; it takes a new value from outside only when that differs
 * from what its text means (a YAML edit, a reloaded spec).
 */
export function LinesInput(
  props: {
    value: readonly string[] | undefined;
    onLines(lines: string[]): void;
    rows?: number;
  } & { id: string; "aria-describedby": string | undefined; "aria-invalid": boolean },
) {
  const { value, onLines, rows, ...aria } = props;
  const joined = (value ?? []).join("\n");
  const [text, setText] = useState(joined);
  useEffect(() => {
    setText((current) => (linesOf(current).join("\n") === joined ? current : joined));
  }, [joined]);
  return (
    <textarea
      {...aria}
      rows={rows ?? 3}
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        onLines(linesOf(e.target.value));
      }}
    />
  );
}

function linesOf(text: string): string[] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");
}
