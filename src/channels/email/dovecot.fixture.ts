/**
 * A private Dovecot for tests (Debian's `dovecot-imapd`): its own
 * configuration in a temporary folder, IMAP on 127.0.0.1 at a free port,
 * passwd-file users with Maildirs, and `deliver`, which hands a mail to
 * Dovecot's own delivery agent (`dovecot-lda`) as a mail server's SMTP side
 * would. As root, Dovecot's mail and login processes run as its own users
 * (`dovecot`, `dovenull`), since it refuses root for them; otherwise as this user.
 */
import { type ChildProcess, spawn } from "node:child_process";
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer, connect as netConnect } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";

export const DOVECOT = process.env.ALAMBIQUE_DOVECOT ?? "/usr/sbin/dovecot";
export const LDA = "/usr/lib/dovecot/dovecot-lda";

/** Whether Dovecot and its delivery agent are installed. */
export const dovecotInstalled = existsSync(DOVECOT) && existsSync(LDA);

export interface Dovecot {
  imapPort: number;
  /** Delivers a raw mail into a user's INBOX; `from` is the envelope sender ("" for a bounce). */
  deliver(to: string, raw: Buffer | string, from?: string): Promise<void>;
  /** Stops the server (every connection dropped) and starts it again on the same port after `pauseMs`; the mail stays. */
  restart(pauseMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Starts Dovecot for `users` (address → password); resolves once it greets on its IMAP port. */
export async function startDovecot(users: Record<string, string>): Promise<Dovecot> {
  const dir = mkdtempSync(join(tmpdir(), "alq-mail-"));
  chmodSync(dir, 0o755);
  const mailDir = join(dir, "mail");
  mkdirSync(mailDir);
  const root = process.getuid?.() === 0;
  // Dovecot refuses to run mail or login processes as root: its own users then; otherwise this user.
  const me = userInfo().username;
  const mailUid = root ? uidOf("dovecot") : process.getuid!();
  const mailGid = root ? gidOf("dovecot") : process.getgid!();
  if (root) chownSync(mailDir, mailUid, mailGid);
  const imapPort = await freePort();
  const usersFile = join(dir, "users");
  writeFileSync(
    usersFile,
    Object.entries(users)
      .map(([user, password]) => `${user}:{PLAIN}${password}`)
      .join("\n"),
  );
  const config = join(dir, "dovecot.conf");
  writeFileSync(
    config,
    `protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = /dev/stderr
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
default_internal_user = ${root ? "dovecot" : me}
default_internal_group = ${root ? "dovecot" : groupName(process.getgid!())}
default_login_user = ${root ? "dovenull" : me}
first_valid_uid = ${Math.min(mailUid, 500)}
mail_location = maildir:${mailDir}/%u
mailbox_idle_check_interval = 1 secs
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${usersFile}
}
userdb {
  driver = static
  args = uid=${mailUid} gid=${mailGid} home=${mailDir}/%u
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${imapPort}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
`,
  );
  let log = "";
  const launch = async () => {
    const child = spawn(DOVECOT, ["-F", "-c", config], { stdio: ["ignore", "ignore", "pipe"] });
    child.stderr?.on("data", (chunk: Buffer) => {
      log = (log + chunk.toString()).slice(-4000);
    });
    await waitForGreeting(imapPort, child, () => log);
    return child;
  };
  let dovecot = await launch();

  const deliver = (to: string, raw: Buffer | string, from = "") =>
    new Promise<void>((resolve, reject) => {
      const lda = spawn(LDA, ["-c", config, "-d", to, "-f", from], { stdio: ["pipe", "ignore", "pipe"] });
      let error = "";
      lda.stderr.on("data", (chunk: Buffer) => {
        error += chunk.toString();
      });
      lda.on("error", reject);
      lda.on("close", (code) =>
        code === 0 ? resolve() : reject(new Error(`dovecot-lda exited ${code}: ${error}`)),
      );
      lda.stdin.end(raw);
    });
  return {
    imapPort,
    deliver,
    async restart(pauseMs = 0) {
      await stop(dovecot);
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
      dovecot = await launch();
    },
    async stop() {
      await stop(dovecot);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitForGreeting(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const end = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`dovecot exited ${child.exitCode}: ${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = netConnect(port, "127.0.0.1");
      socket.once("data", (data) => {
        socket.destroy();
        resolve(data.toString().startsWith("* OK"));
      });
      socket.once("error", () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > end) throw new Error(`dovecot did not greet on 127.0.0.1:${port}: ${log()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function uidOf(user: string): number {
  return idOf(user, 2);
}

function gidOf(user: string): number {
  return idOf(user, 3);
}

/** A field of `user`'s line in /etc/passwd (2: uid, 3: gid). */
function idOf(user: string, field: number): number {
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((l) => l.startsWith(`${user}:`));
  if (!line) throw new Error(`no ${user} user: Dovecot's package creates it (apt-get install dovecot-imapd)`);
  return Number(line.split(":")[field]);
}

/** The name of group `gid` in /etc/group (Dovecot wants names). */
function groupName(gid: number): string {
  const line = readFileSync("/etc/group", "utf8")
    .split("\n")
    .find((l) => l.split(":")[2] === String(gid));
  if (!line) throw new Error(`no group with id ${gid} in /etc/group`);
  return line.split(":")[0]!;
}
