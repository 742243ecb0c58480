import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/** A process as the trainer sidecar's bookkeeping needs it. */
export interface ProcessEntry {
  pid: number;
  /** Its process group. */
  pgid: number;
  /** One letter: `Z` is a zombie (dead, not yet reaped), the rest are alive. */
  state: string;
  /**
   * When it started, as an opaque string that differs for a recycled pid:
   * on Linux `/proc/PID/stat`'s starttime (clock ticks since boot, digits),
   * elsewhere `ps`'s `lstart`.
   */
  start: string;
}

/**
 * The processes of this machine that this user can see, alive or zombie.
 * Linux reads `/proc`; elsewhere `ps -A` (macOS, the BSDs). Throws only when
 * neither can be read.
 */
export function processTable(): ProcessEntry[] {
  if (process.platform === "linux") return procTable();
  return execFileSync("ps", ["-A", "-o", "pid=,pgid=,stat=,lstart="], { encoding: "utf8" })
    .split("\n")
    .flatMap((line) => {
      const m = /^\s*(\d+)\s+(\d+)\s+(\S+)\s+(.+?)\s*$/.exec(line);
      return m ? [{ pid: Number(m[1]), pgid: Number(m[2]), state: m[3]!.slice(0, 1), start: m[4]! }] : [];
    });
}

/** `start` of a live process `pid`; undefined when there is none (or only its zombie). */
export function processStart(pid: number): string | undefined {
  if (process.platform === "linux") {
    const entry = procEntry(String(pid));
    return entry && entry.state !== "Z" ? entry.start : undefined;
  }
  const found = processTable().find((p) => p.pid === pid);
  return found && found.state !== "Z" ? found.start : undefined;
}

/**
 * Whether `a` started no earlier than `b` (both `start` strings of this
 * machine). Only Linux's are comparable; elsewhere every start counts as
 * later (the leader's identity is still checked exactly).
 */
export function startedNoEarlier(a: string, b: string): boolean {
  if (!/^\d+$/.test(a) || !/^\d+$/.test(b)) return true;
  return BigInt(a) >= BigInt(b);
}

function procTable(): ProcessEntry[] {
  return readdirSync("/proc").flatMap((name) => {
    if (!/^\d+$/.test(name)) return [];
    const entry = procEntry(name);
    return entry ? [entry] : [];
  });
}

/** `/proc/PID/stat`: the command name (field 2) may hold spaces and parentheses, so fields are counted after its last `)`. */
function procEntry(pid: string): ProcessEntry | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined; // gone meanwhile
  }
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  // fields[0] is field 3 (state), [2] field 5 (pgrp), [19] field 22 (starttime).
  const [state, pgid, start] = [fields[0], fields[2], fields[19]];
  if (state === undefined || pgid === undefined || start === undefined) return undefined;
  return { pid: Number(pid), pgid: Number(pgid), state, start };
}
