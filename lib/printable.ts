/**
 * Text that came from elsewhere (a target's answer, a name it gives), made safe to print on a terminal: control
 * characters (C0, DEL, C1 — ESC and CSI among them) and the characters that reorder text are escaped as \uXXXX,
 * and the length is bounded. A server that names its model `ESC[2J` must not clear the user's screen.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function printable(text: string, max = 80): string {
  const cut = text.length > max ? text.slice(0, max) : text;
  const escaped = cut.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return text.length > max ? `${escaped}… (${text.length - max} more characters)` : escaped;
}

/** `printable` in double quotes, for a value inside a sentence. */
export function quoted(text: string, max = 80): string {
  return `"${printable(text, max)}"`;
}
