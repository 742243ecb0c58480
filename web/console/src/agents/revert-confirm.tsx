import { useEffect, useRef } from "react";
import { useConsole } from "../session/console-context.js";
import { SpecDiff } from "./spec-diff.js";
import { differingPaths } from "./spec-issues.js";

/**
 * Asks before a revert, showing what it would apply: the fields where the
 * old version differs from the current one, with both values. Takes the
 * focus when it opens (keyboard and screen-reader users land on it); nothing
 * is sent unless `onConfirm` is pressed.
 */
export function RevertConfirm(props: {
  version: number;
  current: number;
  /** The specs of the current version and of the one reverted to. */
  currentSpec: unknown;
  oldSpec: unknown;
  onConfirm(): void;
  onCancel(): void;
}) {
  const { words } = useConsole();
  const w = words.revertConfirm;
  const v = words.versions;
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => box.current?.focus(), []);
  return (
    <div
      ref={box}
      className="conflict revert-confirm"
      role="alertdialog"
      aria-labelledby="revert-title"
      tabIndex={-1}
    >
      <h3 id="revert-title">{w.title(props.version)}</h3>
      {differingPaths(props.currentSpec, props.oldSpec).length === 0 ? (
        <p>{w.nothing}</p>
      ) : (
        <>
          <p>{w.explain}</p>
          <SpecDiff
            before={props.currentSpec}
            after={props.oldSpec}
            beforeLabel={`${v.version(props.current)} (${v.current})`}
            afterLabel={v.version(props.version)}
            words={words}
          />
        </>
      )}
      <div className="actions">
        <button type="button" onClick={props.onConfirm}>
          {w.confirm(props.version)}
        </button>
        <button type="button" className="secondary" onClick={props.onCancel}>
          {words.cancel}
        </button>
      </div>
    </div>
  );
}
