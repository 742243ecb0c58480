import { readdir, realpath, stat } from "node:fs/promises";
import { isAbsolute, join, relative, resolve, sep } from "node:path";

export interface FoundFile {
  /** Absolute path. */
  path: string;
  /** The source's name in the store: the path relative to the base folder, `/`-separated (absolute when outside it). */
  uri: string;
  bytes: number;
}

export interface SkippedPath {
  path: string;
  reason: string;
}

/**
 * The files named by `paths` (relative to `baseDir`), folders expanded
 * recursively in name order. Hidden entries (`.git`, `.DS_Store`) and
 * `node_modules` inside folders are left out; symbolic links are followed,
 * once. Paths that do not exist or cannot be read are reported, not thrown.
 */
export async function expandPaths(
  paths: string[],
  baseDir: string,
): Promise<{ files: FoundFile[]; skipped: SkippedPath[] }> {
  const files = new Map<string, FoundFile>();
  const skipped: SkippedPath[] = [];
  const seenFolders = new Set<string>();

  const visit = async (path: string, explicit: boolean): Promise<void> => {
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(path);
    } catch (error) {
      skipped.push({ path: toUri(path, baseDir), reason: describeFsError(error, explicit) });
      return;
    }
    if (info.isFile()) {
      if (!files.has(path)) files.set(path, { path, uri: toUri(path, baseDir), bytes: info.size });
      return;
    }
    if (!info.isDirectory()) {
      if (explicit) skipped.push({ path: toUri(path, baseDir), reason: "not a regular file or folder" });
      return;
    }
    const real = await realpath(path);
    if (seenFolders.has(real)) return;
    seenFolders.add(real);
    let entries: string[];
    try {
      entries = (await readdir(path)).filter((name) => !name.startsWith(".") && name !== "node_modules");
    } catch (error) {
      skipped.push({ path: toUri(path, baseDir), reason: describeFsError(error, true) });
      return;
    }
    for (const name of entries.sort()) await visit(join(path, name), false);
  };

  for (const path of paths) await visit(resolve(baseDir, path), true);
  return { files: [...files.values()], skipped };
}

export function toUri(path: string, baseDir: string): string {
  const rel = relative(resolve(baseDir), path);
  const inside = rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
  return (inside ? rel : path).split(sep).join("/");
}

function describeFsError(error: unknown, explicit: boolean): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT")
    return explicit ? "no such file or folder: check the path" : "it vanished while being read";
  if (code === "EACCES" || code === "EPERM") return "permission denied: make it readable by this user";
  if (code === "ELOOP") return "a symbolic link loop";
  return `cannot read it: ${(error as Error).message}`;
}
