/**
 * Names other people chose, shown safely: bidirectional overrides and isolates (U+202A–U+202E,
 * U+2066–U+2069) can make "gnp.exe" read as "exe.png", and the marks U+200E/U+200F or U+061C
 * steer the text around them. They are dropped, and what is left is shown as written.
 */
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function hasBidiControls(text: string): boolean {
  return new RegExp(BIDI_CONTROLS.source).test(text);
}

export function safeText(text: string | null | undefined): string {
  return (text ?? "").replace(BIDI_CONTROLS, "");
}
