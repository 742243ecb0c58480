/**
 * The widget's styles, inside its shadow root (they cannot clash with the
 * page's). The accent comes from custom properties set on the host
 * (`--alq-accent`, `--alq-on-accent`), never from text pasted into CSS. On a
 * phone the panel fills the screen; inputs are 16px so that iOS does not zoom.
 */
export const widgetStyles = `
:host { all: initial; --alq-accent: #8a4b14; --alq-on-accent: #fff; }
* { box-sizing: border-box; }
.launcher, .panel { position: fixed; z-index: 2147483000; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
.launcher { bottom: 20px; right: 20px; width: 58px; height: 58px; border-radius: 50%; border: none; cursor: pointer;
  background: var(--alq-accent); color: var(--alq-on-accent); box-shadow: 0 6px 18px rgba(0,0,0,.28);
  display: grid; place-items: center; transition: transform .15s ease; }
.launcher:hover { transform: scale(1.05); }
.left .launcher { right: auto; left: 20px; }
.icon { width: 24px; height: 24px; display: block; }
.launcher .icon { width: 28px; height: 28px; }
:focus-visible { outline: 3px solid #1a73e8; outline-offset: 2px; }
.panel { bottom: 90px; right: 20px; width: min(380px, calc(100vw - 40px)); height: min(600px, calc(100vh - 120px));
  display: none; flex-direction: column; background: #fff; color: #1f1f1f; border-radius: 16px; overflow: hidden;
  box-shadow: 0 12px 40px rgba(0,0,0,.25); }
.left .panel { right: auto; left: 20px; }
.panel.open { display: flex; }
header { display: flex; align-items: center; gap: 10px; padding: 12px 12px 12px 16px; background: var(--alq-accent);
  color: var(--alq-on-accent); }
header .avatar { width: 36px; height: 36px; border-radius: 50%; object-fit: cover; background: rgba(255,255,255,.2); }
header h2 { flex: 1; margin: 0; font-size: 16px; font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
button.close { border: none; background: transparent; color: inherit; width: 40px; height: 40px; border-radius: 50%;
  display: grid; place-items: center; cursor: pointer; }
button.close:hover { background: rgba(255,255,255,.15); }
.status { display: none; align-items: center; gap: 8px; padding: 8px 14px; background: #eef5ee; color: #1e4620;
  font-size: 14px; border-bottom: 1px solid #d6e6d6; }
.status.shown { display: flex; }
.status .icon { width: 20px; height: 20px; flex: none; }
.log { flex: 1; overflow-y: auto; padding: 14px; display: flex; flex-direction: column; gap: 10px; background: #fafafa; }
.message { max-width: 88%; padding: 9px 13px; border-radius: 14px; overflow-wrap: anywhere; }
.user { align-self: flex-end; background: var(--alq-accent); color: var(--alq-on-accent); white-space: pre-wrap;
  border-bottom-right-radius: 4px; }
.assistant, .greeting, .human { align-self: flex-start; background: #fff; border: 1px solid #e6e6e6; border-bottom-left-radius: 4px; }
.human { background: #eef5ee; border-color: #d6e6d6; }
.staff { display: block; font-size: 12px; font-weight: 600; color: #1e4620; margin-bottom: 2px; }
.body p { margin: 0 0 6px; } .body p:last-child { margin-bottom: 0; }
.body ul, .body ol { margin: 4px 0 6px; padding-left: 20px; }
.body li { margin: 2px 0; }
.body a { color: var(--alq-accent); text-decoration: underline; }
.body code { font: 13px ui-monospace, monospace; background: #f1f1f1; padding: 0 3px; border-radius: 3px; }
.table { overflow-x: auto; margin: 6px 0; }
.body table { border-collapse: collapse; font-size: 13px; }
.body th, .body td { border: 1px solid #e2e2e2; padding: 4px 6px; text-align: left; vertical-align: top; }
.body th { background: #f5f5f5; font-weight: 600; }
.sources { margin-top: 6px; font-size: 12px; color: #666; }
.rate { display: flex; gap: 4px; margin-top: 4px; }
.rate button { border: none; background: transparent; color: #888; width: 32px; height: 32px; border-radius: 50%;
  display: grid; place-items: center; cursor: pointer; }
.rate button:hover { background: #f0f0f0; color: #444; }
.rate button[aria-pressed="true"] { color: var(--alq-accent); background: #f3f3f3; }
.rate .icon { width: 16px; height: 16px; }
.note { align-self: center; font-size: 13px; color: #555; background: #f0f0f0; padding: 4px 10px; border-radius: 10px; text-align: center; }
.error { align-self: center; color: #a00; font-size: 13px; }
.chips { display: flex; flex-wrap: wrap; gap: 6px; align-self: flex-start; max-width: 100%; }
.chips button { border: 1px solid var(--alq-accent); color: var(--alq-accent); background: #fff; border-radius: 16px;
  padding: 6px 12px; font: inherit; font-size: 14px; cursor: pointer; text-align: left; }
.chips button:hover { background: #f6f6f6; }
.typing { display: flex; gap: 4px; align-items: center; padding: 12px 14px; }
.typing span.dot { width: 7px; height: 7px; border-radius: 50%; background: #999; animation: alq-blink 1.2s infinite ease-in-out; }
.typing span.dot:nth-child(2) { animation-delay: .2s; } .typing span.dot:nth-child(3) { animation-delay: .4s; }
@keyframes alq-blink { 0%, 80%, 100% { opacity: .25; transform: translateY(0); } 40% { opacity: 1; transform: translateY(-3px); } }
@media (prefers-reduced-motion: reduce) { .typing span.dot { animation: none; } .launcher { transition: none; } }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
form { display: flex; gap: 8px; padding: 10px; border-top: 1px solid #eee; background: #fff; align-items: flex-end; }
textarea { flex: 1; resize: none; min-height: 44px; max-height: 120px; padding: 10px 12px; border: 1px solid #ccc;
  border-radius: 12px; font: 16px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f1f1f; }
button.send { border: none; border-radius: 12px; width: 44px; height: 44px; background: var(--alq-accent);
  color: var(--alq-on-accent); display: grid; place-items: center; cursor: pointer; flex: none; }
button.send:disabled { opacity: .5; cursor: default; }
@media (max-width: 520px) {
  .panel, .left .panel { inset: 0; width: 100%; height: 100%; max-height: none; border-radius: 0; }
  .panel.open ~ .launcher { display: none; }
}
`;
