import { randomBytes } from "node:crypto";
import { copyFile, link, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/**
 * Makes `to` a whole copy of `from`, atomically: a hard link (same file
 * system: no bytes copied) or a copy, under a temporary name beside `to`,
 * renamed into place. `from` stays. On failure nothing is left at `to` that
 * was not there before.
 */
export async function placeFile(from: string, to: string): Promise<void> {
  const temp = join(dirname(to), `.${basename(to)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    await link(from, temp).catch(() => copyFile(from, temp));
    await rename(temp, to);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}
