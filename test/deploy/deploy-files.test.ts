/**
 * deploy/ cannot be run here (no Docker, no GPU), so this checks what can be checked without them: that the
 * configuration every container reads passes the real schema and says what the deployment needs, that every
 * Alambique command in the compose file is one the CLI accepts with the flags it gives, and that the load
 * balancer, the store URL and the database agree with the services they name.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { runCli } from "../../src/cli/run-cli.fixture.js";
import { loadConfig } from "../../src/config/load-config.js";

const deploy = join(import.meta.dirname, "..", "..", "deploy");

interface Service {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }> | string[];
}
const compose = parse(readFileSync(join(deploy, "compose.yaml"), "utf8"), { merge: true }) as {
  services: Record<string, Service>;
};
const alambique = Object.entries(compose.services).filter(
  ([, service]) => service.image === "alambique:local",
);

describe("deploy/", () => {
  it("alambique.yaml passes the configuration's schema: replicas behind a proxy, migrations and uploads left to their services", () => {
    const config = loadConfig({ file: join(deploy, "alambique.yaml"), env: {} });
    expect(config.server.host).toBe("0.0.0.0");
    expect(config.server.ingestRunner).toBe(false);
    expect(config.store.migrateOnStart).toBe(false);
    expect(config.models.teacher).toMatchObject({ url: "http://vllm:8000/v1", apiKeyEnv: "VLLM_API_KEY" });
    expect(config.defaultModel).toBe("teacher");
  });

  it("runs two replicas, two workers and one migration, each a command the CLI accepts with the flags given", async () => {
    const commands = alambique.map(([name, service]) => [name, service.command ?? []] as const);
    expect(commands.map(([name]) => name).sort()).toEqual([
      "api-1",
      "api-2",
      "migrate",
      "worker-1",
      "worker-2",
    ]);
    for (const [name, command] of commands) {
      const words = command.filter((word) => !word.startsWith("-"));
      const verb = words[0]!;
      const help = await runCli([verb, "--help"]);
      expect(help.code, `${name}: alambique ${verb}`).toBe(0);
      for (const flag of command.filter((word) => word.startsWith("--"))) {
        expect(help.stdout, `${name}: ${flag} is not an option of alambique ${verb}`).toContain(flag);
      }
    }
    const kinds = compose.services["worker-1"]!.command!.at(-1)!.split(",");
    const workerHelp = (await runCli(["worker", "--help"])).stdout.replace(/\s+/g, " ");
    for (const kind of kinds) expect(workerHelp).toContain(kind);
  });

  it("every Alambique container reads that file and the compose database, after the migration", () => {
    const postgres = compose.services.postgres!.environment!;
    for (const [name, service] of alambique) {
      expect(service.environment?.ALAMBIQUE_CONFIG, name).toBe("/app/deploy/alambique.yaml");
      const url = new URL(service.environment!.DATABASE_URL!.replace(/\$\{[^}]+\}/, "secret"));
      expect([url.protocol, url.username, url.hostname, url.pathname], name).toEqual([
        "postgres:",
        postgres.POSTGRES_USER,
        "postgres",
        `/${postgres.POSTGRES_DB}`,
      ]);
      const dependsOn = service.depends_on as Record<string, { condition: string }>;
      if (name === "migrate") expect(dependsOn.postgres?.condition).toBe("service_healthy");
      else expect(dependsOn.migrate?.condition).toBe("service_completed_successfully");
    }
  });

  it("the load balancer sends to both replicas on the port they listen on", () => {
    const caddy = readFileSync(join(deploy, "Caddyfile"), "utf8");
    const port = loadConfig({ file: join(deploy, "alambique.yaml"), env: {} }).server.port;
    expect(caddy).toContain(`reverse_proxy api-1:${port} api-2:${port}`);
    expect(caddy).toContain("health_uri /healthz");
  });
});
