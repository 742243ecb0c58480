const storageKey = "alambique.console.sound";

/** Whether the owner asked for a sound on new conversations (kept in this browser; off unless asked for). */
export function soundWanted(): boolean {
  try {
    return localStorage.getItem(storageKey) === "on";
  } catch {
    return false;
  }
}

export function setSoundWanted(on: boolean): void {
  try {
    if (on) localStorage.setItem(storageKey, "on");
    else localStorage.removeItem(storageKey);
  } catch {
    // Storage refused (private mode): the choice lasts for this page only.
  }
}

let audio: AudioContext | undefined;

/**
 * Two short soft tones, made with Web Audio (no sound file to load or to
 * allow in the CSP). A browser lets a page play sound only after the person
 * interacted with it: the first chime is played by the switch that turns
 * sounds on, which unlocks the rest. Does nothing where there is no Web Audio.
 */
export function playChime(): void {
  if (typeof AudioContext === "undefined") return;
  audio ??= new AudioContext();
  const start = audio.currentTime;
  for (const [i, frequency] of [880, 1320].entries()) {
    const tone = audio.createOscillator();
    const gain = audio.createGain();
    tone.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, start + i * 0.15);
    gain.gain.exponentialRampToValueAtTime(0.2, start + i * 0.15 + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + i * 0.15 + 0.25);
    tone.connect(gain).connect(audio.destination);
    tone.start(start + i * 0.15);
    tone.stop(start + i * 0.15 + 0.3);
  }
}
