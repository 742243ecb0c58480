/**
 * `isInstance` on every error class (the AI SDK's marker habit): it tells a
 * class's errors apart from the others', and still recognises them when they
 * come from a second copy of the module, where `instanceof` fails. The copy is
 * the same file imported again under another URL (`?copy`), as a second
 * install of the package would be.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PrivateAddressError } from "../agents/tools/public-network.js";
import { IngestLimitError } from "../knowledge/ingest-limit-error.js";
import { CustomerFacingError } from "../safety/customer-facing-error.js";
import { LimitError } from "../server/limits/limit-errors.js";
import { RequestError } from "../server/request-error.js";
import {
  AlambiqueError,
  ConfigError,
  NotFoundError,
  StoreError,
  UsageError,
  ValidationError,
} from "./errors.js";
import { TrainingError } from "./students.js";

type ErrorClass = { isInstance(value: unknown): boolean; name: string };

interface Case {
  Class: ErrorClass;
  /** The module that declares it, relative to this file (for its second copy). */
  module: string;
  make(module: Record<string, unknown>): unknown;
}

const ctor = (module: Record<string, unknown>, name: string) =>
  module[name] as new (
    ...args: never[]
  ) => unknown;

const cases: Case[] = [
  {
    Class: AlambiqueError,
    module: "./errors.ts",
    make: (m) => new (ctor(m, "AlambiqueError") as typeof AlambiqueError)("x", { code: "internal_error" }),
  },
  {
    Class: UsageError,
    module: "./errors.ts",
    make: (m) => new (ctor(m, "UsageError") as typeof UsageError)("x"),
  },
  {
    Class: ConfigError,
    module: "./errors.ts",
    make: (m) => new (ctor(m, "ConfigError") as typeof ConfigError)("x", { location: "alambique.yaml" }),
  },
  {
    Class: ValidationError,
    module: "./errors.ts",
    make: (m) => new (ctor(m, "ValidationError") as typeof ValidationError)("x", []),
  },
  {
    Class: NotFoundError,
    module: "./errors.ts",
    make: (m) => new (ctor(m, "NotFoundError") as typeof NotFoundError)("agent", "a1"),
  },
  {
    Class: StoreError,
    module: "./errors.ts",
    make: (m) => new (ctor(m, "StoreError") as typeof StoreError)("full", "x"),
  },
  {
    Class: TrainingError,
    module: "./students.ts",
    make: (m) => new (ctor(m, "TrainingError") as typeof TrainingError)("cancelled", "x"),
  },
  {
    Class: RequestError,
    module: "../server/request-error.ts",
    make: (m) => new (ctor(m, "RequestError") as typeof RequestError)("x", { code: "invalid_request" }),
  },
  {
    Class: LimitError,
    module: "../server/limits/limit-errors.ts",
    make: (m) => new (ctor(m, "LimitError") as typeof LimitError)("x", { code: "rate_limit_exceeded" }),
  },
  {
    Class: CustomerFacingError,
    module: "../safety/customer-facing-error.ts",
    make: (m) =>
      new (ctor(m, "CustomerFacingError") as typeof CustomerFacingError)("x", {
        language: "es",
        cause: null,
      }),
  },
  {
    Class: IngestLimitError,
    module: "../knowledge/ingest-limit-error.ts",
    make: (m) => new (ctor(m, "IngestLimitError") as typeof IngestLimitError)("document.pages", "a.pdf", "x"),
  },
  {
    Class: PrivateAddressError,
    module: "../agents/tools/public-network.ts",
    make: (m) => new (ctor(m, "PrivateAddressError") as typeof PrivateAddressError)("10.0.0.1", "10.0.0.1"),
  },
];

const here = (m: string) => import(/* @vite-ignore */ m) as Promise<Record<string, unknown>>;
const copyOf = (m: string) => import(/* @vite-ignore */ `${m}?copy`) as Promise<Record<string, unknown>>;

describe("isInstance", () => {
  it.each(cases)(
    "recognises $Class.name and nothing else but its subclasses",
    async ({ Class, module, make }) => {
      const loaded = await here(module);
      expect(loaded[Class.name], "the module as this file imports it").toBe(Class);
      const own = make(loaded);
      expect(Class.isInstance(own)).toBe(true);
      expect(AlambiqueError.isInstance(own)).toBe(true);
      for (const value of [new Error("x"), null, undefined, "StoreError", { code: "store_full" }]) {
        expect(Class.isInstance(value)).toBe(false);
      }
      for (const other of cases) {
        if (other.Class === Class || Class === AlambiqueError) continue;
        expect(Class.isInstance(other.make(await here(other.module))), other.Class.name).toBe(false);
      }
    },
  );

  it.each(cases)(
    "recognises a $Class.name made by a second copy of its module",
    async ({ Class, module, make }) => {
      const copy = await copyOf(module);
      expect(copy[Class.name]).not.toBe(Class);
      const foreign = make(copy);
      expect(foreign instanceof (Class as unknown as abstract new () => unknown)).toBe(false);
      expect(Class.isInstance(foreign)).toBe(true);
      expect(AlambiqueError.isInstance(foreign)).toBe(true);
      // And the other way round: the copy's class knows this copy's errors.
      expect((copy[Class.name] as ErrorClass).isInstance(make(await here(module)))).toBe(true);
    },
  );
});

describe("AlambiqueError", () => {
  it("takes its status from the code's entry in the registry unless given one", () => {
    expect(new AlambiqueError("x", { code: "mcp_closed" })).toMatchObject({ status: 500, retryable: true });
    expect(new AlambiqueError("x", { code: "model_busy" })).toMatchObject({ status: 503, retryable: true });
    expect(new AlambiqueError("x", { code: "job_busy" })).toMatchObject({ status: 409, retryable: false });
    expect(new AlambiqueError("x", { code: "job_busy", status: 418 }).status).toBe(418);
  });

  it("gives a StoreError the status and code of its kind; a full disk is retryable once there is room", () => {
    expect(new StoreError("full", "x")).toMatchObject({ code: "store_full", status: 507, retryable: true });
    expect(new StoreError("unique", "x")).toMatchObject({
      code: "store_unique",
      status: 409,
      retryable: false,
    });
    expect(new TrainingError("not_enough_memory", "x")).toMatchObject({
      code: "training_not_enough_memory",
      status: 507,
      retryable: false,
    });
  });

  it("makes a refused private address an address_refused error whose message keeps the resolved address out", () => {
    const error = new PrivateAddressError("intranet.example", "10.0.0.7");
    expect(error).toMatchObject({
      name: "PrivateAddressError",
      code: "address_refused",
      status: 403,
      retryable: false,
      host: "intranet.example",
      address: "10.0.0.7",
      message: "intranet.example is not a public internet address",
    });
    expect(error.hint).toMatch(/public/);
  });
});

describe("error classes in src", () => {
  const sources = readdirSync(join(import.meta.dirname, ".."), { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts"))
    .map((file) => ({ file, text: readFileSync(join(import.meta.dirname, "..", file), "utf8") }));
  const declared = sources.flatMap(({ file, text }) =>
    [...text.matchAll(/^(?:export )?class (\w+) extends (\w*Error)\b/gm)].map((m) => ({ file, name: m[1]! })),
  );

  it("each declare isInstance", () => {
    expect(declared.length).toBeGreaterThan(10);
    const without = declared.filter(({ file, name }) => {
      const text = sources.find((s) => s.file === file)!.text;
      const body = text.slice(text.search(new RegExp(`class ${name} extends`)));
      const next = body.slice(1).search(/^(?:export )?class /m);
      return !/static (?:override )?isInstance\(/.test(next < 0 ? body : body.slice(0, next + 1));
    });
    expect(without.map(({ file, name }) => `${name} (src/${file})`)).toEqual([]);
  });

  it("are never tested with instanceof", () => {
    const names = new Set(declared.map((d) => d.name));
    const uses = sources
      .filter(({ file }) => !file.endsWith("errors.test.ts"))
      .flatMap(({ file, text }) =>
        [...text.matchAll(/\binstanceof (\w+)\b/g)]
          .filter((m) => names.has(m[1]!))
          .map((m) => `${m[0]} (src/${file})`),
      );
    expect(uses).toEqual([]);
  });
});
