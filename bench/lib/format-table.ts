/**
 * Formats rows as a plain-text table: the first row is the header, followed
 * by a rule; columns are as wide as their widest cell. Columns listed in
 * `leftAligned` (by index) are padded on the right, the rest on the left (numbers).
 */
export function formatTable(
  rows: readonly (readonly string[])[],
  leftAligned: readonly number[] = [0],
): string {
  const columns = Math.max(...rows.map((row) => row.length));
  const widths = Array.from({ length: columns }, (_, i) =>
    Math.max(...rows.map((row) => (row[i] ?? "").length)),
  );
  const line = (row: readonly string[]) =>
    widths
      .map((width, i) => {
        const cell = row[i] ?? "";
        return leftAligned.includes(i) ? cell.padEnd(width) : cell.padStart(width);
      })
      .join("  ")
      .trimEnd();
  const [header, ...body] = rows;
  if (header === undefined) return "";
  return [line(header), widths.map((width) => "-".repeat(width)).join("  "), ...body.map(line)].join("\n");
}
