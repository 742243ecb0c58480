import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";

/** SHA-256 of a file's bytes, hex, streamed (any size, constant memory). */
export async function hashFile(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const bytes of createReadStream(path, { highWaterMark: 256 * 1024 }))
    hash.update(bytes as Buffer);
  return hash.digest("hex");
}
