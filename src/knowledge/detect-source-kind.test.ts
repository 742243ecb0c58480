import { describe, expect, it } from "vitest";
import { detectSourceKind } from "./detect-source-kind.js";

const bytes = (text: string) => new TextEncoder().encode(text);

describe("detectSourceKind", () => {
  it("trusts known extensions and reports the text encoding", () => {
    expect(detectSourceKind("a/Horarios.MD", bytes("# Hola"))).toEqual({
      ok: true,
      kind: "markdown",
      encoding: "utf-8",
    });
    expect(detectSourceKind("c.tsv", bytes("a\tb"))).toMatchObject({ kind: "csv" });
    expect(detectSourceKind("faq.jsonl", bytes("{}"))).toMatchObject({ kind: "json" });
    expect(detectSourceKind("agent.yaml", bytes("# comment\nname: x"))).toMatchObject({ kind: "text" });
    expect(detectSourceKind("x.txt", new Uint8Array([0x50, 0x80, 0x0a]))).toMatchObject({
      kind: "text",
      encoding: "windows-1252",
    });
    expect(detectSourceKind("x.txt", new Uint8Array([0xff, 0xfe, 0x41, 0x00]))).toMatchObject({
      encoding: "utf-16le",
    });
  });

  it("sniffs files without a known extension", () => {
    expect(detectSourceKind("README", bytes("Intro\n\n## Uso\ntexto"))).toMatchObject({ kind: "markdown" });
    expect(detectSourceKind("page", bytes("<!DOCTYPE html><p>x</p>"))).toMatchObject({ kind: "html" });
    expect(detectSourceKind("data", bytes('[{"q":1}]'))).toMatchObject({ kind: "json" });
    expect(detectSourceKind("export", bytes("a;b;c\n1;2;3\n4;5;6"))).toMatchObject({ kind: "csv" });
    expect(detectSourceKind("notes", bytes("Just some words, here."))).toMatchObject({ kind: "text" });
    expect(detectSourceKind("scan", bytes("%PDF-1.7\n..."))).toMatchObject({ kind: "pdf" });
  });

  it("refuses what it cannot read, saying what to do", () => {
    expect(detectSourceKind("menu.docx", bytes("PK"))).toEqual({
      ok: false,
      reason: expect.stringContaining("save it as PDF, HTML or Markdown"),
    });
    expect(detectSourceKind("fake.pdf", bytes("<html>"))).toEqual({
      ok: false,
      reason: expect.stringContaining("does not start with %PDF-"),
    });
    expect(detectSourceKind("logo.md", new Uint8Array([0x89, 0x50, 0x00, 0x00]))).toEqual({
      ok: false,
      reason: expect.stringContaining("binary"),
    });
    expect(detectSourceKind("empty.txt", new Uint8Array())).toEqual({
      ok: false,
      reason: "the file is empty",
    });
  });
});
